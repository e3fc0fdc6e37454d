"""The dataflows of the 2018 ICLS migration concepts, recomputed from the fixture CSV.

An independent implementation of the rules (icls-concepts.md §1.2, §1.4-§1.8, as the
README's contract extension states them) in pandas, over fixtures/lfs/core.csv with exact
integer cents, gives every cell of every migration dataflow; the SDMX-CSV 1.0 files that
`migstat run` publishes must hold exactly those cells with exactly those values (the
nearest double to the exact ratio, as contract section 5 asks). Then the parameters:
the UN residence options change the stock tables and are published in NOTE_SOURCE, and a
source without the migration items publishes none of the dataflows that need them, and
the same contract files byte for byte.
"""
import csv
import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import structures
from conftest import REPO, run_migstat

REF, YEAR = "PHL", 2024  # fixtures/lfs/config.toml: PHL, 2024-Q2
RECENT, LOOKBACK = 5, 10  # the [concepts] defaults
CORE = REPO / "fixtures" / "lfs" / "core.csv"
MIGRATION_FLOWS = [
    "DF_MST_IMWB_SEX_AGE_RES_NB", "DF_MST_IMWC_SEX_AGE_RES_NB", "DF_MST_NRFW_SEX_AGE_NRT_NB",
    "DF_MST_XWAP_SEX_AGE_DRS_CBR_NB", "DF_MST_XWAP_SEX_AGE_DRS_CCT_NB",
    "DF_MFL_XWAP_SEX_AGE_RSN_NB", "DF_MFL_XWRK_SEX_AGE_CBR_NB", "DF_MFL_XWRK_SEX_AGE_CCT_NB",
    "DF_MNA_XRET_SEX_AGE_NB", "DF_MNA_XRMW_SEX_AGE_NB",
]
REQUIRING = [f for f in MIGRATION_FLOWS if "_DRS_" not in f and not f.startswith("DF_MFL")]


def run(tmp: Path, extra: str = "", core: Path = CORE, suppress: bool = False) -> Path:
    """`migstat run` on the LFS fixture config with `core` as input and `extra` appended."""
    text = (REPO / "fixtures" / "lfs" / "config.toml").read_text()
    text = text.replace('path   = "core.csv"', f'path   = "{core}"')
    if not suppress:
        text = text.replace("suppress_below_n   = 3", "suppress_below_n   = 0")
    config = tmp / "config.toml"
    config.write_text(text + '\n[publish]\nprepared = "2024-07-15T00:00:00Z"\n' + extra)
    out = tmp / "out"
    done = run_migstat("run", "--config", str(config), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


# ---- The rules, written out again -------------------------------------------------------

def lfs_status(r) -> str:
    """Contract section 4, labour force status."""
    if r.lfs_status:
        return r.lfs_status
    if r.worked == "Y":
        return "EMP"
    if r.absent == "Y" and r.absence_reason in ("SICK", "LEAVE", "MATERNITY", "ARRANGEMENT", "TRAINING"):
        return "EMP"
    if r.absent == "Y" and "Y" in (r.absence_paid, r.absence_return_3m):
        return "EMP"
    if r.available == "Y" and "Y" in (r.searched, r.future_start):
        return "UNE"
    return "OLF"


def resident(r, rule: str) -> bool:
    """Usual residence: the roster's N always wins; options A and B of UN P&R Rev.3."""
    if r.usual_resident == "N":
        return False
    if rule == "national":
        return True
    here = float(r.months_present_12m) if r.months_present_12m else None
    stay = float(r.intended_stay_months) if r.intended_stay_months else None
    threshold = 6 if rule == "most_of_12_months" else 12
    present = None if here is None else (here > 6 if threshold == 6 else here >= 12)
    intends = None if stay is None else stay >= threshold
    if present or intends:
        return True
    return not (present is False and intends is False)


def derive(rule: str = "national") -> pd.DataFrame:
    d = pd.read_csv(CORE, dtype=str, keep_default_na=False)
    parts = d.weight.str.partition(".")  # weights have at most 2 decimals: exact cents
    d["cents"] = parts[0].astype(int) * 100 + parts[2].str.ljust(2, "0").astype(int)
    d["agen"] = pd.to_numeric(d.age, errors="coerce")
    d["lfs"] = [lfs_status(r) for r in d.itertuples()]
    d["resident"] = [resident(r, rule) for r in d.itertuples()]
    d["in_scope"] = d.resident & (d.cents > 0) & (d.agen >= 15)
    d["cbr"] = np.where(d.country_of_birth == REF, "CBR_BIR_NATIVE",
                        np.where(d.country_of_birth == "", "CBR_BIR_X", "CBR_BIR_FOREIGN"))
    citizen = (d.citizenship == REF) | (d.citizenship_2 == REF)
    d["cct"] = np.where(citizen, "CCT_CIT_CITIZEN",
                        np.where(d.citizenship == "", "CCT_CIT_X", "CCT_CIT_NONCIT"))
    in_lf = d.lfs.isin(["EMP", "UNE"])
    attached = (d.works_for_resident_unit == "Y") | (d.seeking_work_in_country == "Y")
    d["nrfw"] = (~d.resident & (d.present_in_country != "N") & attached & (d.cents > 0)
                 & (d.agen >= 15))
    d["imw_cbr"] = (d.in_scope & (d.cbr == "CBR_BIR_FOREIGN") & in_lf) | d.nrfw
    d["imw_cct"] = (d.in_scope & (d.cct == "CCT_CIT_NONCIT") & in_lf) | d.nrfw
    d["res"] = np.where(d.resident, "RES_STATUS_RESIDENT", "RES_STATUS_NONRESIDENT")
    kinds = {"PROJECT_TIED": "PROJECT", "SPECIFIED_EMPLOYMENT": "SPECIFIED",
             "SELF_EMPLOYED": "SELFEMP", "": "X"}
    d["nrt"] = ["NRT_TYPE_" + kinds.get(k, k) for k in d.nonresident_worker_type]
    years = np.where(d.years_of_residence != "",
                     pd.to_numeric(d.years_of_residence, errors="coerce"),
                     YEAR - pd.to_numeric(d.year_of_arrival, errors="coerce"))
    d["years"] = years
    band = np.select([years < 1, years < 5, years < 10, years >= 10],
                     ["DRS_YRS_YLT1", "DRS_YRS_Y1-4", "DRS_YRS_Y5-9", "DRS_YRS_YGE10"],
                     default="")
    d["drs"] = np.where(band != "", band,
                        np.where(d.cbr == "CBR_BIR_NATIVE", "DRS_YRS_NA", "DRS_YRS_X"))
    reasons = {"WORK_JOB_FOUND": "WORKJOB", "WORK_NO_JOB_FOUND": "WORKNOJOB",
               "INTERNATIONAL_PROTECTION": "PROTECTION", "": "X"}
    d["rsn"] = ["RSN_REASON_" + reasons.get(r, r) for r in d.reason_for_migration]
    d["recent"] = d.in_scope & (d.years < RECENT)
    d["recent_for_work"] = d.recent & d.reason_for_migration.isin(
        ["WORK_JOB_FOUND", "WORK_NO_JOB_FOUND"])
    since_return = np.where(d.year_of_return != "",
                            YEAR - pd.to_numeric(d.year_of_return, errors="coerce"), years)
    national = (d.cct == "CCT_CIT_CITIZEN") | (d.cbr == "CBR_BIR_NATIVE")
    prev = d.previous_country_of_residence
    d["returned"] = d.in_scope & national & (prev != "") & (prev != REF) & (since_return < LOOKBACK)
    d["returned_worker"] = d.returned & d.labour_status_abroad.isin(["EMP", "UNE"])
    return d


def age_bands():
    with open(REPO / "codelists" / "age_bands.csv") as f:
        return [(r["code"], int(r["min_age"]), int(r["max_age"]) if r["max_age"] else 999)
                for r in csv.DictReader(f)]


# flow -> (population column, {dimension: (derived column, codes without the total)})
POPULATION = {
    "DF_MST_IMWB_SEX_AGE_RES_NB": ("imw_cbr", {"RES": ("res", ["RES_STATUS_RESIDENT", "RES_STATUS_NONRESIDENT"])}),
    "DF_MST_IMWC_SEX_AGE_RES_NB": ("imw_cct", {"RES": ("res", ["RES_STATUS_RESIDENT", "RES_STATUS_NONRESIDENT"])}),
    "DF_MST_NRFW_SEX_AGE_NRT_NB": ("nrfw", {"NRT": ("nrt", [
        "NRT_TYPE_FRONTIER", "NRT_TYPE_SEASONAL", "NRT_TYPE_SEAFARER", "NRT_TYPE_ITINERANT",
        "NRT_TYPE_PROJECT", "NRT_TYPE_SPECIFIED", "NRT_TYPE_SELFEMP", "NRT_TYPE_X"])}),
    "DF_MST_XWAP_SEX_AGE_DRS_CBR_NB": ("in_scope", {
        "DRS": ("drs", ["DRS_YRS_YLT1", "DRS_YRS_Y1-4", "DRS_YRS_Y5-9", "DRS_YRS_YGE10", "DRS_YRS_X", "DRS_YRS_NA"]),
        "CBR": ("cbr", ["CBR_BIR_NATIVE", "CBR_BIR_FOREIGN", "CBR_BIR_X"])}),
    "DF_MST_XWAP_SEX_AGE_DRS_CCT_NB": ("in_scope", {
        "DRS": ("drs", ["DRS_YRS_YLT1", "DRS_YRS_Y1-4", "DRS_YRS_Y5-9", "DRS_YRS_YGE10", "DRS_YRS_X", "DRS_YRS_NA"]),
        "CCT": ("cct", ["CCT_CIT_CITIZEN", "CCT_CIT_NONCIT", "CCT_CIT_X"])}),
    "DF_MFL_XWAP_SEX_AGE_RSN_NB": ("recent", {"RSN": ("rsn", [
        "RSN_REASON_WORKJOB", "RSN_REASON_WORKNOJOB", "RSN_REASON_FAMILY", "RSN_REASON_EDUCATION",
        "RSN_REASON_PROTECTION", "RSN_REASON_OTHER", "RSN_REASON_X"])}),
    "DF_MFL_XWRK_SEX_AGE_CBR_NB": ("recent_for_work", {"CBR": ("cbr", ["CBR_BIR_NATIVE", "CBR_BIR_FOREIGN", "CBR_BIR_X"])}),
    "DF_MFL_XWRK_SEX_AGE_CCT_NB": ("recent_for_work", {"CCT": ("cct", ["CCT_CIT_CITIZEN", "CCT_CIT_NONCIT", "CCT_CIT_X"])}),
    "DF_MNA_XRET_SEX_AGE_NB": ("returned", {}),
    "DF_MNA_XRMW_SEX_AGE_NB": ("returned_worker", {}),
}
TOTAL = {"RES": "RES_STATUS_TOTAL", "NRT": "NRT_TYPE_TOTAL", "DRS": "DRS_YRS_TOTAL",
         "CBR": "CBR_BIR_TOTAL", "CCT": "CCT_CIT_TOTAL", "RSN": "RSN_REASON_TOTAL"}


def expected_cells(d: pd.DataFrame, flow: str) -> dict:
    """{(SEX, AGE, dims...): thousands} of every cell of the flow, zeros included."""
    population, dims = POPULATION[flow]
    members = d[d[population]]
    sexes = ["SEX_T", "SEX_M", "SEX_F"] + (["SEX_O"] if (d[d.in_scope].sex == "O").any() else [])
    out = {}
    options = [[(TOTAL[k], None)] + [(c, c) for c in codes] for k, (_, codes) in dims.items()]
    for sex in sexes:
        s = members if sex == "SEX_T" else members[members.sex == sex[-1]]
        for age, lo, hi in age_bands():
            a = s[(s.agen >= lo) & (s.agen <= hi)]
            for combo in itertools.product(*options):
                c = a
                for (column, _), (_, value) in zip(dims.values(), combo):
                    if value is not None:
                        c = c[c[column] == value]
                key = (sex, age) + tuple(code for code, _ in combo)
                out[key] = float(Fraction(int(c.cents.sum()), 100 * 1000))
    return out


def published_cells(out: Path, flow: str) -> dict:
    frame = pd.read_csv(out / "sdmx" / f"{flow}.csv", dtype=str, keep_default_na=False)
    dims = [c for c in structures.dimensions(flow) if c not in ("REF_AREA", "FREQ", "MEASURE")]
    assert set(frame.REF_AREA) == {REF} and set(frame.TIME_PERIOD) == {"2024-Q2"}
    return {tuple(r[c] for c in dims): float(r["OBS_VALUE"]) for _, r in frame.iterrows()}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> Path:
    return run(tmp_path_factory.mktemp("migration"))


@pytest.fixture(scope="module")
def derived() -> pd.DataFrame:
    return derive()


# ---- The numbers ------------------------------------------------------------------------

@pytest.mark.parametrize("flow", MIGRATION_FLOWS)
def test_every_cell_equals_the_independent_computation(default_run, derived, flow):
    expected = expected_cells(derived, flow)
    got = published_cells(default_run, flow)
    assert got.keys() == expected.keys()
    wrong = {k: (got[k], v) for k, v in expected.items() if got[k] != v}
    assert not wrong, list(wrong.items())[:5]


def test_the_fixture_measures_every_population_with_cases_in_each(derived):
    # So that the comparison above is not a comparison of zeros.
    for population in ("nrfw", "imw_cbr", "imw_cct", "recent", "recent_for_work",
                       "returned", "returned_worker"):
        assert derived[population].sum() >= 20, population
    nrfw = derived[derived.nrfw]
    assert set(nrfw.nrt) == set(POPULATION["DF_MST_NRFW_SEX_AGE_NRT_NB"][1]["NRT"][1])
    assert set(derived[derived.in_scope].drs) == set(POPULATION["DF_MST_XWAP_SEX_AGE_DRS_CBR_NB"][1]["DRS"][1])


def test_the_components_add_up_to_the_migrant_worker_total(default_run):
    cells = published_cells(default_run, "DF_MST_IMWB_SEX_AGE_RES_NB")
    key = lambda res: ("SEX_T", "AGE_YTHADULT_YGE15", res)  # noqa: E731
    total = cells[key("RES_STATUS_TOTAL")]
    parts = cells[key("RES_STATUS_RESIDENT")] + cells[key("RES_STATUS_NONRESIDENT")]
    assert total == pytest.approx(parts, rel=1e-12)
    # The resident component is the foreign-born labour force of the contract flow.
    teap = published_cells(default_run, "DF_MST_TEAP_SEX_AGE_CBR_NB")
    assert cells[key("RES_STATUS_RESIDENT")] == teap[("SEX_T", "AGE_YTHADULT_YGE15", "CBR_BIR_FOREIGN")]


# ---- The parameters ---------------------------------------------------------------------

@pytest.mark.parametrize("rule", ["most_of_12_months", "at_least_12_months"])
def test_the_un_residence_options_change_the_stock_and_are_published_in_the_notes(tmp_path, rule):
    out = run(tmp_path, f'\n[concepts]\nresidence_rule = "{rule}"\n')
    d = derive(rule)
    assert (~d.resident & (d.usual_resident == "Y")).sum() > 0, "the rule removes someone"
    got = published_cells(out, "DF_MST_XWAP_SEX_AGE_CBR_NB")
    for (sex, age, cbr), value in got.items():
        if (sex, age) == ("SEX_T", "AGE_YTHADULT_YGE15"):
            c = d[d.in_scope] if cbr == "CBR_BIR_TOTAL" else d[d.in_scope & (d.cbr == cbr)]
            assert value == float(Fraction(int(c.cents.sum()), 100_000)), cbr
    frame = pd.read_csv(out / "sdmx" / "DF_MST_XWAP_SEX_AGE_CBR_NB.csv", dtype=str,
                        keep_default_na=False)
    option = "option A" if rule == "most_of_12_months" else "option B"
    assert frame.NOTE_SOURCE.str.contains(option).all()


def test_the_default_rule_adds_no_note_to_the_contract_flows(default_run):
    frame = pd.read_csv(default_run / "sdmx" / "DF_MST_XWAP_SEX_AGE_CBR_NB.csv", dtype=str,
                        keep_default_na=False)
    assert "NOTE_SOURCE" not in frame.columns or (frame.NOTE_SOURCE == "").all()


def test_periods_and_coverage_are_filled_into_the_notes(tmp_path):
    out = run(tmp_path, '\n[concepts]\nrecent_years = 3\nreturn_lookback_years = 4\n'
                        'nonresident_coverage = "collective quarters of farms listed"\n')
    frame = lambda f: pd.read_csv(out / "sdmx" / f"{f}.csv", dtype=str, keep_default_na=False)  # noqa: E731
    assert set(frame("DF_MFL_XWAP_SEX_AGE_RSN_NB").NOTE_INDICATOR) == {
        "Recent immigrants still resident: usual residents of working age who arrived to live "
        "in the country in 2022-2024 (the last 3 years); survivors of the inflow, not the "
        "inflow itself"}
    assert frame("DF_MNA_XRET_SEX_AGE_NB").NOTE_INDICATOR.str.contains("back in 2021-2024").all()
    assert frame("DF_MST_NRFW_SEX_AGE_NRT_NB").NOTE_SOURCE.str.endswith(
        "coverage: collective quarters of farms listed").all()
    # And the counts follow the periods.
    total = published_cells(out, "DF_MFL_XWAP_SEX_AGE_RSN_NB")[
        ("SEX_T", "AGE_YTHADULT_YGE15", "RSN_REASON_TOTAL")]
    d = derive()
    recent3 = d[d.in_scope & (d.years < 3)]
    assert total == float(Fraction(int(recent3.cents.sum()), 100_000))


def test_a_source_without_the_migration_items_publishes_no_zeros_for_them(tmp_path, default_run):
    full = pd.read_csv(CORE, dtype=str, keep_default_na=False)
    items = ["months_present_12m", "intended_stay_months", "present_in_country",
             "works_for_resident_unit", "seeking_work_in_country", "nonresident_worker_type",
             "years_of_residence", "previous_country_of_residence", "year_of_return",
             "labour_status_abroad"]
    core = tmp_path / "core_without_migration_items.csv"
    full.drop(columns=items).to_csv(core, index=False)
    out = run(tmp_path, core=core)
    published = {p.name.split(".")[0] for p in (out / "sdmx").iterdir()}
    assert not published & set(REQUIRING)
    # year_of_arrival and reason_for_migration (contract columns) still measure these:
    assert {"DF_MFL_XWAP_SEX_AGE_RSN_NB", "DF_MFL_XWRK_SEX_AGE_CBR_NB",
            "DF_MST_XWAP_SEX_AGE_DRS_CBR_NB"} <= published
    for flow in structures.flows():
        if flow.startswith("DF_MST_") and flow.endswith(("_SEX_AGE_CBR_NB", "_SEX_AGE_CCT_RT")):
            a = (out / "sdmx" / f"{flow}.csv").read_bytes()
            assert a == (default_run / "sdmx" / f"{flow}.csv").read_bytes(), flow
