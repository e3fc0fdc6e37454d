"""The dataflows by education, economic activity, occupation, status in employment and
country of birth / citizenship, computed again in DuckDB SQL from the fixture CSV.

An independent implementation, cell for cell: the SQL below applies contract section 4
(scope, labour force status, place of birth, citizenship) and the rules of the README's
extensions (ILO's ISCED 2011 -> aggregate-level mapping, the ISIC / ISCO / ICSE groups of
the employed with their not-stated codes, ILO's country-detail codes read from ILO's own
CL_CBR / CL_CCT) to fixtures/lfs/core.csv, sums exact decimals with GROUP BY CUBE, and
must give every cell of migstat's tabulate/estimates.parquet for those dataflows: the same
cells, the same weighted numerators and denominators (exact decimals) and unweighted
counts. Nothing here reads schemas/dataflows.toml or codelists/country_detail.csv.
"""
import xml.etree.ElementTree as ET
from decimal import Decimal
from itertools import product
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import REPO

CORE = REPO / "fixtures" / "lfs" / "core.csv"
REF_AREA = "PHL"
STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"

# ILO's measures (ILMS): statuses summed in the numerator, and the denominator of a rate.
ALL = ("EMP", "UNE", "OLF")
MEASURES = {
    "XWAP_NB": (ALL, None), "TEAP_NB": (("EMP", "UNE"), None), "TEMP_NB": (("EMP",), None),
    "TUNE_NB": (("UNE",), None), "TEIP_NB": (("OLF",), None),
    "TEAP_RT": (("EMP", "UNE"), ALL), "TEMP_RT": (("EMP",), ALL),
    "TUNE_RT": (("UNE",), ("EMP", "UNE")), "TEIP_RT": (("OLF",), ALL),
    "FORP_NB": (ALL, None), "FORE_NB": (("EMP",), None),
    "NCTP_NB": (ALL, None), "NCTE_NB": (("EMP",), None),
}

DERIVED = f"""
CREATE TABLE person AS
WITH raw AS (
    SELECT * FROM read_csv('{CORE}', all_varchar = true, header = true)
), typed AS (
    SELECT *, CAST(weight AS DECIMAL(38, 9)) AS w, CAST(age AS INTEGER) AS years,
        CASE
            WHEN coalesce(lfs_status, '') <> '' THEN lfs_status
            WHEN worked = 'Y' THEN 'EMP'
            WHEN absent = 'Y' AND absence_reason IN ('SICK', 'LEAVE', 'MATERNITY',
                'ARRANGEMENT', 'TRAINING') THEN 'EMP'
            WHEN absent = 'Y' AND (absence_paid = 'Y' OR absence_return_3m = 'Y') THEN 'EMP'
            WHEN searched = 'Y' AND available = 'Y' THEN 'UNE'
            WHEN future_start = 'Y' AND available = 'Y' THEN 'UNE'
            ELSE 'OLF'
        END AS lfs
    FROM raw
)
SELECT
    w, lfs,
    'SEX_' || sex AS sex,
    CASE WHEN country_of_birth = '{REF_AREA}' THEN 'CBR_BIR_NATIVE'
         WHEN country_of_birth IS NULL THEN 'CBR_BIR_X' ELSE 'CBR_BIR_FOREIGN' END AS cbr,
    CASE WHEN '{REF_AREA}' IN (citizenship, citizenship_2) THEN 'CCT_CIT_CITIZEN'
         WHEN citizenship IS NULL THEN 'CCT_CIT_X' ELSE 'CCT_CIT_NONCIT' END AS cct,
    -- ILO: X, 0 less than basic; 1, 2 basic; 3, 4 intermediate; 5-8 advanced; 9 and
    -- not stated: level not stated; an aggregate given directly is kept.
    'EDU_AGGREGATE_' || CASE
        WHEN education IN ('X', '0', 'LTB') THEN 'LTB'
        WHEN education IN ('1', '2', 'BAS') THEN 'BAS'
        WHEN education IN ('3', '4', 'INT') THEN 'INT'
        WHEN education IN ('5', '6', '7', '8', 'ADV') THEN 'ADV'
        ELSE 'X' END AS edu,
    'ECO_ISIC4_' || coalesce(economic_activity, 'X') AS eco,
    'OCU_ISCO08_' || coalesce(occupation, 'X') AS ocu,
    'STE_ICSE93_' || coalesce(status_in_employment, '6') AS ste,
    country_of_birth, citizenship
FROM typed
WHERE coalesce(usual_resident, 'Y') <> 'N' AND w > 0 AND years >= 15
"""


def ilo_country_codes() -> dict:
    """The country-detail codes of ILO's CL_CBR (CBR_BRT_*) and CL_CCT (CCT_CTZ_*)."""
    tree = ET.parse(REPO / "codelists" / "ILO_codelists.xml")
    out = {}
    for cl in tree.iter(f"{STR}Codelist"):
        if cl.get("id") in ("CL_CBR", "CL_CCT"):
            out[cl.get("id")] = {c.get("id") for c in cl.iter(f"{STR}Code")}
    return out


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute(DERIVED)
    codes = ilo_country_codes()
    # A country without a code of its own, XXX and XXA: ILO's "Other countries".
    for column, iso, cl, prefix in (("cbr_country", "country_of_birth", "CL_CBR", "CBR_BRT_"),
                                    ("cct_country", "citizenship", "CL_CCT", "CCT_CTZ_")):
        con.execute(f"ALTER TABLE person ADD COLUMN {column} VARCHAR")
        con.execute(f"CREATE TABLE {cl} (code VARCHAR)")
        con.executemany(f"INSERT INTO {cl} VALUES (?)", [[c] for c in sorted(codes[cl])])
        con.execute(f"""UPDATE person SET {column} = CASE
            WHEN '{prefix}' || {iso} IN (SELECT code FROM {cl}) THEN '{prefix}' || {iso}
            ELSE '{prefix}X' END""")
    return con


def expected_cells(con, flow: str, dims: list, codes: dict, measure: str, where: str = "TRUE"):
    """{(flow, code per dim...): (numerator, denominator, n)} for every combination of
    codes (totals first), zero where no record, no rate over an empty denominator."""
    num, den = MEASURES[measure]
    in_list = lambda statuses: "(" + ", ".join(f"'{s}'" for s in statuses) + ")"
    den_statuses = den or num
    grouped = ", ".join(dims)
    rows = con.execute(f"""
        SELECT {grouped}, {", ".join(f"GROUPING({d})" for d in dims)},
            sum(CASE WHEN lfs IN {in_list(num)} THEN w ELSE 0 END),
            sum(CASE WHEN lfs IN {in_list(den_statuses)} THEN w ELSE 0 END),
            count(*) FILTER (WHERE lfs IN {in_list(num)}),
            count(*) FILTER (WHERE lfs IN {in_list(den_statuses)})
        FROM person WHERE {where} GROUP BY CUBE ({grouped})""").fetchall()
    k = len(dims)
    sums = {}
    for r in rows:
        key = tuple(codes[d][0] if r[k + i] else r[i] for i, d in enumerate(dims))
        sums[key] = r[2 * k:]
    zero = Decimal("0.000000000")
    out = {}
    for key in product(*(codes[d] for d in dims)):
        wn, wd, nn, nd = sums.get(key, (zero, zero, 0, 0))
        if den is None:
            out[(flow, *key)] = (wn, None, nn)
        elif wd != 0:
            out[(flow, *key)] = (wn, wd, nd)
    return out


def migstat_cells(run: Path, flows: set, columns: dict) -> dict:
    table = pq.read_table(run / "tabulate" / "estimates.parquet").to_pylist()
    out = {}
    for r in table:
        if r["DATAFLOW"] in flows:
            key = (r["DATAFLOW"], *(r[c] for c in columns[r["DATAFLOW"]]))
            assert key not in out, f"two rows for {key}"
            out[key] = (r["weighted_numerator"], r["weighted_denominator"], r["n_unweighted"])
    return out


def code_lists(con) -> dict:
    sexes = ["SEX_T", "SEX_M", "SEX_F"] + [
        s for (s,) in con.execute("SELECT DISTINCT sex FROM person WHERE sex = 'SEX_O'").fetchall()]
    observed = lambda column, where: sorted(c for (c,) in con.execute(
        f"SELECT DISTINCT {column} FROM person WHERE {where}").fetchall())
    return {
        "sex": sexes,
        "cbr": ["CBR_BIR_TOTAL", "CBR_BIR_NATIVE", "CBR_BIR_FOREIGN", "CBR_BIR_X"],
        "cct": ["CCT_CIT_TOTAL", "CCT_CIT_CITIZEN", "CCT_CIT_NONCIT", "CCT_CIT_X"],
        "edu": ["EDU_AGGREGATE_TOTAL"] + [f"EDU_AGGREGATE_{c}" for c in
                                          ("LTB", "BAS", "INT", "ADV", "X")],
        "eco": ["ECO_ISIC4_TOTAL"] + [f"ECO_ISIC4_{chr(c)}" for c in range(65, 86)] + ["ECO_ISIC4_X"],
        "ocu": ["OCU_ISCO08_TOTAL"] + [f"OCU_ISCO08_{d}" for d in "1234567890X"],
        "ste": ["STE_ICSE93_TOTAL"] + [f"STE_ICSE93_{d}" for d in "123456"],
        "cbr_country": ["CBR_BRT_TOTAL"] + observed("cbr_country", "cbr = 'CBR_BIR_FOREIGN'"),
        "cct_country": ["CCT_CTZ_TOTAL"] + observed("cct_country", "cct = 'CCT_CIT_NONCIT'"),
    }


def all_expected(con):
    codes = code_lists(con)
    expected, columns = {}, {}
    for ax in ("CBR", "CCT"):
        for m in ("XWAP_NB", "TEAP_NB", "TEMP_NB", "TUNE_NB", "TEIP_NB",
                  "TEAP_RT", "TEMP_RT", "TUNE_RT", "TEIP_RT"):
            var, unit = m.split("_")
            flow = f"DF_MST_{var}_SEX_EDU_{ax}_{unit}"
            expected.update(expected_cells(con, flow, ["sex", "edu", ax.lower()], codes, m))
            columns[flow] = ("SEX", "EDU", ax)
        for b in ("ECO", "OCU", "STE"):
            flow = f"DF_MST_TEMP_SEX_{b}_{ax}_NB"
            # Only the employed are classified; the others' job descriptions are not used.
            expected.update(expected_cells(con, flow, ["sex", b.lower(), ax.lower()], codes,
                                           "TEMP_NB", where="lfs = 'EMP'"))
            columns[flow] = ("SEX", b, ax)
    for flow, measure, dim, where in (
        ("DF_MST_FORP_SEX_CBR_NB", "FORP_NB", "cbr_country", "cbr = 'CBR_BIR_FOREIGN'"),
        ("DF_MST_FORE_SEX_CBR_NB", "FORE_NB", "cbr_country", "cbr = 'CBR_BIR_FOREIGN'"),
        ("DF_MST_NCTP_SEX_CCT_NB", "NCTP_NB", "cct_country", "cct = 'CCT_CIT_NONCIT'"),
        ("DF_MST_NCTE_SEX_CCT_NB", "NCTE_NB", "cct_country", "cct = 'CCT_CIT_NONCIT'"),
    ):
        expected.update(expected_cells(con, flow, ["sex", dim], codes, measure, where))
        columns[flow] = ("SEX", dim[:3].upper())
    return expected, columns


def test_the_breakdown_dataflows_equal_an_independent_sql_computation(lfs_run, con):
    expected, columns = all_expected(con)
    assert len(columns) == 28
    got = migstat_cells(lfs_run, set(columns), columns)
    assert set(got) == set(expected), (
        f"cells only in SQL: {sorted(set(expected) - set(got))[:5]}; "
        f"only in migstat: {sorted(set(got) - set(expected))[:5]}")
    differ = [(k, expected[k], got[k]) for k in expected if expected[k] != got[k]]
    assert not differ, f"{len(differ)} cells differ, e.g. {differ[:3]}"
    some = next(v for v in got.values() if v[0] != 0)
    assert isinstance(some[0], Decimal), "exact decimals on both sides"


def test_the_fixture_exercises_every_code_of_the_breakdowns(con):
    """Every category has in-scope persons (so the comparison above covers every code),
    the employed have a not-stated job description now and then, and some of the others
    describe a last job that must not be counted."""
    codes = code_lists(con)
    for column in ("edu", "eco", "ocu", "ste"):
        have = {c for (c,) in con.execute(
            f"SELECT DISTINCT {column} FROM person"
            + ("" if column == "edu" else " WHERE lfs = 'EMP'")).fetchall()}
        assert have == set(codes[column][1:]), column
    last_jobs = con.execute(
        "SELECT count(*) FROM person WHERE lfs <> 'EMP' AND eco <> 'ECO_ISIC4_X'").fetchone()[0]
    assert last_jobs > 20
    assert len(codes["cbr_country"]) > 10 and "CBR_BRT_X" in codes["cbr_country"]
    assert "CCT_CTZ_X" in codes["cct_country"]


def test_each_breakdown_adds_up_to_its_total(lfs_run):
    """The categories of every breakdown add up to its total (the not-stated code
    included), within each dataflow: the published detail is complete."""
    table = pq.read_table(lfs_run / "tabulate" / "estimates.parquet").to_pandas()
    checked = 0
    for flow, dim, total in (
        ("DF_MST_XWAP_SEX_EDU_CBR_NB", "EDU", "EDU_AGGREGATE_TOTAL"),
        ("DF_MST_TEMP_SEX_ECO_CCT_NB", "ECO", "ECO_ISIC4_TOTAL"),
        ("DF_MST_TEMP_SEX_OCU_CBR_NB", "OCU", "OCU_ISCO08_TOTAL"),
        ("DF_MST_TEMP_SEX_STE_CCT_NB", "STE", "STE_ICSE93_TOTAL"),
        ("DF_MST_FORP_SEX_CBR_NB", "CBR", "CBR_BRT_TOTAL"),
        ("DF_MST_NCTE_SEX_CCT_NB", "CCT", "CCT_CTZ_TOTAL"),
    ):
        rows = table[table.DATAFLOW == flow]
        others = [c for c in ("SEX", "CBR", "CCT") if c != dim and rows[c].notna().all()]
        for key, group in rows.groupby(others):
            parts = group[group[dim] != total].weighted_numerator.sum()
            assert group[group[dim] == total].weighted_numerator.item() == parts, (flow, key)
            checked += 1
    assert checked > 20


def test_the_foreign_born_by_country_add_up_to_the_foreign_born_of_working_age(lfs_run):
    """MST_FORP (by country of birth) totals are the foreign-born working-age population
    of MST_XWAP by place of birth; MST_NCTE those of the employed non-citizens."""
    t = pq.read_table(lfs_run / "tabulate" / "estimates.parquet").to_pandas()
    for sex in ("SEX_T", "SEX_M", "SEX_F"):
        forp = t[(t.DATAFLOW == "DF_MST_FORP_SEX_CBR_NB") & (t.SEX == sex) & (t.CBR == "CBR_BRT_TOTAL")]
        xwap = t[(t.DATAFLOW == "DF_MST_XWAP_SEX_AGE_CBR_NB") & (t.SEX == sex)
                 & (t.AGE == "AGE_YTHADULT_YGE15") & (t.CBR == "CBR_BIR_FOREIGN")]
        assert forp.weighted_numerator.item() == xwap.weighted_numerator.item(), sex
        ncte = t[(t.DATAFLOW == "DF_MST_NCTE_SEX_CCT_NB") & (t.SEX == sex) & (t.CCT == "CCT_CTZ_TOTAL")]
        temp = t[(t.DATAFLOW == "DF_MST_TEMP_SEX_AGE_CCT_NB") & (t.SEX == sex)
                 & (t.AGE == "AGE_YTHADULT_YGE15") & (t.CCT == "CCT_CIT_NONCIT")]
        assert ncte.weighted_numerator.item() == temp.weighted_numerator.item(), sex
