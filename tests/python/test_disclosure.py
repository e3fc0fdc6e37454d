"""Disclosure control, checked from the published SDMX-CSV files alone.

With `[disclosure] secondary = true`, no confidential cell (OBS_STATUS C, no OBS_VALUE)
of a count dataflow may be recomputable from the published cells: of that dataflow, of
the two dataflows of a measure (place of birth and citizenship), of the five dataflows of
an axis (all measures), and of all ten together. The relations a reader knows are built
here, independently of migstat's code, from the contract's codes and
`codelists/age_bands.csv`:

- SEX: SEX_T = SEX_M + SEX_F (+ SEX_O where it is published);
- migrant axis: CBR_BIR_TOTAL = NATIVE + FOREIGN + X (CCT_CIT_TOTAL likewise);
- AGE: a band equals the sum of any set of bands that partitions its age range, and
  bands with identical ranges are equal;
- measures: XWAP = TEAP + TEIP and TEAP = TEMP + TUNE (the labour force statuses
  partition the population);
- the two axes: CBR_BIR_TOTAL = CCT_CIT_TOTAL (the same persons);

each with the other dimensions fixed. The confidential cells are the unknowns (>= 0),
the published cells constants; each confidential cell's feasible interval (min and max
over every solution) is computed with scipy's HiGHS linear programming, and must be wider
than a point. The frequency rule itself (contract section 5) is checked from
estimates.parquet's unweighted counts, with and without secondary suppression, and on a
hand-made file whose table is known.
"""
import csv
import math
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from scipy.optimize import linprog

from conftest import REPO, run_migstat

AGE_BANDS = REPO / "codelists" / "age_bands.csv"
SUPPRESS_BELOW_N = 3
WIDTH = 1e-6  # thousands: an interval no wider than this is a point
# Relations hold within +-BAND x (sum of the published terms): values are unrounded
# doubles (relative error ~1e-16), and the bands, summed along a chain of relations,
# must stay far below WIDTH.
BAND = 1e-11
FLOOR = 1e-9  # thousands, the smallest band (HiGHS' own feasibility tolerance is 1e-10)
COUNT_MEASURES = ["XWAP", "TEAP", "TEMP", "TUNE", "TEIP"]
AXES = {
    "CBR": ("CBR_BIR_TOTAL", ["CBR_BIR_NATIVE", "CBR_BIR_FOREIGN", "CBR_BIR_X"]),
    "CCT": ("CCT_CIT_TOTAL", ["CCT_CIT_CITIZEN", "CCT_CIT_NONCIT", "CCT_CIT_X"]),
}
COUNT_FLOWS = [f"DF_MST_{m}_SEX_AGE_{a}_NB" for m in COUNT_MEASURES for a in AXES]


# ---------------------------------------------------------------------------------------
# Relations


def age_ranges() -> dict[str, tuple[int, float]]:
    ranges = {}
    for row in csv.DictReader(AGE_BANDS.open()):
        ranges[row["code"]] = (int(row["min_age"]), float(row["max_age"]) if row["max_age"] else math.inf)
    return ranges


def age_relations() -> list[tuple[str, list[str]]]:
    """(total, parts): every partition of a band's range into other bands (one code per
    distinct range), and an equality (one part) between codes with the same range."""
    ranges = age_ranges()
    by_range: dict[tuple, list[str]] = {}
    for code, r in ranges.items():
        by_range.setdefault(r, []).append(code)
    relations = []
    for codes in by_range.values():
        relations += [(codes[0], [other]) for other in codes[1:]]
    distinct = list(by_range)

    def partitions(lo, hi, exclude):
        """Every list of distinct ranges that tiles [lo, hi] in order."""
        for r in distinct:
            if r != exclude and r[0] == lo and r[1] <= hi:
                if r[1] == hi:
                    yield [r]
                else:
                    for rest in partitions(r[1] + 1, hi, exclude):
                        yield [r, *rest]

    for r in distinct:
        for parts in partitions(r[0], r[1], r):
            relations.append((by_range[r][0], [by_range[p][0] for p in parts]))
    return relations


def relations_of(keys: set[tuple[str, str, str]], axis: str) -> list[tuple[tuple, list[tuple]]]:
    """Every relation among the cells `keys` (SEX, AGE, migrant code) of one dataflow."""
    sexes = sorted({k[0] for k in keys})
    ages = sorted({k[1] for k in keys})
    total, codes = AXES[axis]
    sex_parts = [s for s in ("SEX_M", "SEX_F", "SEX_O") if s in sexes]
    relations = []
    for age in ages:
        for mig in [total, *codes]:
            relations.append((("SEX_T", age, mig), [(s, age, mig) for s in sex_parts]))
    for sex in sexes:
        for age in ages:
            relations.append(((sex, age, total), [(sex, age, c) for c in codes]))
    for sex in sexes:
        for mig in [total, *codes]:
            for t, parts in age_relations():
                relations.append(((sex, t, mig), [(sex, p, mig) for p in parts]))
    for t, parts in relations:
        assert t in keys and all(p in keys for p in parts), (t, parts)
    return relations


# ---------------------------------------------------------------------------------------
# Feasible intervals


def feasible_intervals(values: dict, relations, exact: bool = True, stop_after: int | None = None) -> dict:
    """For every unknown cell (value None), (min, max) over the non-negative solutions
    of every relation, the known cells fixed. Equalities hold within +-BAND relative
    (published values are unrounded doubles of exact ratios). Solved per connected
    component of unknowns (cells sharing a relation), which gives the same intervals.

    With `exact=False`, a cell's LPs are skipped once the solutions already found (each
    checked against every constraint) give it two values more than WIDTH apart: its
    (min, max) is then that narrower range, still proof that it is not a point.
    `stop_after`: return once that many cells have a point interval."""
    unknown = sorted(k for k, v in values.items() if v is None)
    parent = {k: k for k in unknown}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    constraints = []  # (unknown cells with coefficients, right-hand side, band)
    for total, parts in relations:
        coefs: dict = {}
        known = magnitude = 0.0
        for key, coef in [(total, 1.0)] + [(p, -1.0) for p in parts]:
            if values[key] is None:
                coefs[key] = coefs.get(key, 0.0) + coef
            else:
                known += coef * values[key]
                magnitude += abs(values[key])
        coefs = {k: c for k, c in coefs.items() if c != 0.0}
        if not coefs:
            # Every cell published: the relation must hold (a consistency check).
            assert abs(known) <= 1e-9 * max(magnitude, 1e-9), (total, parts, known)
            continue
        constraints.append((coefs, -known, max(BAND * magnitude, FLOOR)))
        first, *rest = coefs
        for k in rest:
            parent[find(k)] = find(first)

    components: dict = {}
    for k in unknown:
        components.setdefault(find(k), []).append(k)
    by_component: dict = {}
    for con in constraints:
        by_component.setdefault(find(next(iter(con[0]))), []).append(con)

    opts = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
    out = {}
    for root, cells in components.items():
        index = {k: i for i, k in enumerate(cells)}
        rows, rhs = [], []
        for coefs, b, band in by_component.get(root, []):
            a = np.zeros(len(cells))
            for k, c in coefs.items():
                a[index[k]] = c
            rows += [a, -a]  # a.x = b within the band
            rhs += [b + band, -b + band]
        A = np.array(rows) if rows else None
        bub = np.array(rhs) if rows else None
        seen_lo = np.full(len(cells), math.inf)
        seen_hi = np.full(len(cells), -math.inf)

        def witness(x):
            if A is not None:
                assert (A @ x <= bub + 1e-9 * (1.0 + np.abs(bub))).all() and (x >= -1e-9).all()
            np.minimum(seen_lo, x, out=seen_lo)
            np.maximum(seen_hi, x, out=seen_hi)

        for k, i in index.items():
            if not exact and seen_hi[i] - seen_lo[i] > WIDTH:
                out[k] = (seen_lo[i], seen_hi[i])
                continue
            c = np.zeros(len(cells))
            c[i] = 1.0
            hi = linprog(-c, A_ub=A, b_ub=bub, bounds=(0, None), method="highs", options=opts)
            if hi.status == 3:
                upper = math.inf
            else:
                assert hi.status == 0, f"{k}: LP max failed: {hi.message}"
                upper = -hi.fun
                witness(hi.x)
            if not exact and seen_hi[i] - seen_lo[i] > WIDTH:
                out[k] = (seen_lo[i], upper)
                continue
            lo = linprog(c, A_ub=A, b_ub=bub, bounds=(0, None), method="highs", options=opts)
            assert lo.status == 0, f"{k}: LP min failed: {lo.message}"
            witness(lo.x)
            out[k] = (lo.fun, upper)
            if stop_after is not None and sum(1 for a, b in out.values() if not b - a > WIDTH) >= stop_after:
                return out
    return out


# ---------------------------------------------------------------------------------------
# Runs and readers


def run(work: Path, config_text: str) -> Path:
    config = work / "config.toml"
    config.write_text(config_text + '\n[publish]\nprepared = "2024-07-15T00:00:00Z"\n')
    out = work / "out"
    done = run_migstat("run", "--config", str(config), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def lfs_config(secondary: bool) -> str:
    text = (REPO / "fixtures" / "lfs" / "config.toml").read_text()
    text = text.replace('path   = "core.csv"', f'path   = "{REPO / "fixtures" / "lfs" / "core.csv"}"')
    assert str(REPO) in text and "suppress_below_n   = 3" in text
    return text + ("\n[disclosure]\nsecondary = true\n" if secondary else "")


def read_flow(out: Path, flow: str) -> dict[tuple, dict]:
    """SDMX-CSV 1.0 rows by (SEX, AGE, migrant code)."""
    axis = flow.split("_")[-2]
    with (out / "sdmx" / f"{flow}.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    table = {(r["SEX"], r["AGE"], r[axis]): r for r in rows}
    assert len(table) == len(rows), f"{flow}: duplicate keys"
    return table


def values_of(table: dict[tuple, dict]) -> dict[tuple, float | None]:
    values = {}
    for key, r in table.items():
        if r["OBS_STATUS"] == "C":
            assert r["OBS_VALUE"] == "", f"{key}: a C cell with a value"
            values[key] = None
        else:
            assert r["OBS_VALUE"] != "", f"{key}: no value and not C"
            values[key] = float(r["OBS_VALUE"])
    return values


def estimates(out: Path):
    return pq.read_table(out / "tabulate" / "estimates.parquet").to_pandas()


def exposed_cells(out: Path, flows) -> tuple[list[str], int]:
    problems, checked = [], 0
    for flow in flows:
        table = read_flow(out, flow)
        values = values_of(table)
        axis = flow.split("_")[-2]
        intervals = feasible_intervals(values, relations_of(set(values), axis))
        checked += len(intervals)
        for key, (lo, hi) in intervals.items():
            if not hi - lo > WIDTH:
                problems.append(f"{flow} {key}: feasible interval [{lo!r}, {hi!r}] is a point")
    return problems, checked


@pytest.fixture(scope="module")
def secondary_run(tmp_path_factory) -> Path:
    return run(tmp_path_factory.mktemp("secondary"), lfs_config(secondary=True))


# ---------------------------------------------------------------------------------------
# The bundled LFS fixture


def test_the_age_relations_come_from_the_band_ranges():
    rel = {(t, tuple(p)) for t, p in age_relations()}
    # Equal copies of the same range.
    assert ("AGE_YTHADULT_YGE15", ("AGE_AGGREGATE_TOTAL",)) in rel
    assert ("AGE_YTHADULT_Y15-24", ("AGE_10YRBANDS_Y15-24",)) in rel
    assert ("AGE_AGGREGATE_Y55-64", ("AGE_10YRBANDS_Y55-64",)) in rel
    # Partitions, within and across the three families.
    assert ("AGE_YTHADULT_YGE15", ("AGE_YTHADULT_Y15-24", "AGE_YTHADULT_YGE25")) in rel
    assert ("AGE_YTHADULT_YGE15", ("AGE_YTHADULT_Y15-64", "AGE_AGGREGATE_YGE65")) in rel
    assert ("AGE_AGGREGATE_Y25-54", ("AGE_10YRBANDS_Y25-34", "AGE_10YRBANDS_Y35-44", "AGE_10YRBANDS_Y45-54")) in rel
    assert ("AGE_YTHADULT_YGE25", ("AGE_AGGREGATE_Y25-54", "AGE_AGGREGATE_Y55-64", "AGE_AGGREGATE_YGE65")) in rel
    assert ("AGE_YTHADULT_Y15-64", ("AGE_YTHADULT_Y15-24", "AGE_10YRBANDS_Y25-34", "AGE_10YRBANDS_Y35-44",
                                    "AGE_10YRBANDS_Y45-54", "AGE_AGGREGATE_Y55-64")) in rel
    assert not any(t == p[0] for t, p in rel if len(p) == 1)


def test_no_confidential_cell_can_be_recomputed_within_a_dataflow(secondary_run):
    problems, checked = exposed_cells(secondary_run, COUNT_FLOWS)
    print(f"\n{checked} confidential cells in {len(COUNT_FLOWS)} count dataflows, each with an interval wider than a point")
    assert checked > 0
    assert not problems, f"{len(problems)} confidential cells are recomputable:\n" + "\n".join(problems[:20])


def test_no_confidential_cell_can_be_recomputed_from_both_axes_of_a_measure(secondary_run):
    """The CBR and CCT flows of a measure publish the same SEX x AGE totals
    (CBR_BIR_TOTAL = CCT_CIT_TOTAL, the same persons): a reader holds both."""
    problems, checked = [], 0
    for measure in COUNT_MEASURES:
        values, relations = {}, []
        for axis in AXES:
            flow = f"DF_MST_{measure}_SEX_AGE_{axis}_NB"
            own = {(axis, *k): v for k, v in values_of(read_flow(secondary_run, flow)).items()}
            values.update(own)
            relations += [((axis, *t), [(axis, *p) for p in parts])
                          for t, parts in relations_of({k[1:] for k in own}, axis)]
        for key in [k for k in values if k[0] == "CBR" and k[3] == "CBR_BIR_TOTAL"]:
            relations.append((key, [("CCT", key[1], key[2], "CCT_CIT_TOTAL")]))
        for key, (lo, hi) in feasible_intervals(values, relations, exact=False).items():
            checked += 1
            if not hi - lo > WIDTH:
                problems.append(f"{measure} {key}: feasible interval [{lo!r}, {hi!r}] is a point")
    assert not problems, f"{len(problems)} of {checked} confidential cells are recomputable:\n" + "\n".join(problems[:20])


def test_no_confidential_cell_can_be_recomputed_across_measures(secondary_run):
    """A reader holding all five count flows of an axis also knows XWAP = TEAP + TEIP
    and TEAP = TEMP + TUNE (the labour force statuses partition the population)."""
    problems, checked = [], 0
    for axis in AXES:
        values, relations = {}, []
        for measure in COUNT_MEASURES:
            flow = f"DF_MST_{measure}_SEX_AGE_{axis}_NB"
            own = {(measure, *k): v for k, v in values_of(read_flow(secondary_run, flow)).items()}
            values.update(own)
            relations += [((measure, *t), [(measure, *p) for p in parts])
                          for t, parts in relations_of({k[1:] for k in own}, axis)]
        for key in {k[1:] for k in values}:
            relations.append((("XWAP", *key), [("TEAP", *key), ("TEIP", *key)]))
            relations.append((("TEAP", *key), [("TEMP", *key), ("TUNE", *key)]))
        for key, (lo, hi) in feasible_intervals(values, relations, exact=False, stop_after=10).items():
            checked += 1
            if not hi - lo > WIDTH:
                problems.append(f"{axis} {key}: feasible interval [{lo!r}, {hi!r}] is a point")
    assert not problems, ("secondary suppression leaves confidential cells recomputable across measures "
                          f"(the first {len(problems)} found):\n" + "\n".join(problems[:20]))


def test_no_confidential_cell_can_be_recomputed_from_all_count_dataflows_together(secondary_run):
    """A reader holding all ten count flows combines the relations of both tests above:
    the measures of each axis, and the totals the two axes share."""
    values, relations = {}, []
    for axis in AXES:
        for measure in COUNT_MEASURES:
            flow = f"DF_MST_{measure}_SEX_AGE_{axis}_NB"
            own = {(axis, measure, *k): v for k, v in values_of(read_flow(secondary_run, flow)).items()}
            values.update(own)
            relations += [((axis, measure, *t), [(axis, measure, *p) for p in parts])
                          for t, parts in relations_of({k[2:] for k in own}, axis)]
        for key in {k[2:] for k in values if k[0] == axis}:
            relations.append(((axis, "XWAP", *key), [(axis, "TEAP", *key), (axis, "TEIP", *key)]))
            relations.append(((axis, "TEAP", *key), [(axis, "TEMP", *key), (axis, "TUNE", *key)]))
    for key in [k for k in values if k[0] == "CBR" and k[4] == "CBR_BIR_TOTAL"]:
        relations.append((key, [("CCT", key[1], key[2], key[3], "CCT_CIT_TOTAL")]))
    intervals = feasible_intervals(values, relations, exact=False, stop_after=10)
    problems = [f"{key}: feasible interval [{lo!r}, {hi!r}] is a point"
                for key, (lo, hi) in intervals.items() if not hi - lo > WIDTH]
    print(f"\n{len(intervals)} confidential cells in the ten count dataflows, read together")
    assert len(intervals) > 0
    assert not problems, f"{len(problems)} confidential cells are recomputable:\n" + "\n".join(problems[:20])


def test_confidential_cells_are_primary_or_secondary(secondary_run):
    est = estimates(secondary_run)
    assert est.published.all()
    n = est.n_unweighted
    primary = (n > 0) & (n < SUPPRESS_BELOW_N)
    c = est.OBS_STATUS == "C"
    assert (est[primary].OBS_STATUS == "C").all(), "a cell with 0 < n < 3 is not C"
    assert (est[primary].reason == "PRIMARY_CONFIDENTIAL").all()
    secondary = c & ~primary
    assert secondary.any()
    assert (est[secondary].reason == "SECONDARY_CONFIDENTIAL").all(), est[secondary].reason.value_counts()
    assert (est[secondary].n_unweighted >= SUPPRESS_BELOW_N).all()
    assert (est[est.reason == "SECONDARY_CONFIDENTIAL"].OBS_STATUS == "C").all()
    assert not (c & (n == 0)).any(), "a real zero (n = 0) is C"
    # The SDMX files say the same, for every dataflow (whatever its dimensions: the
    # columns between MEASURE and TIME_PERIOD of its SDMX-CSV file).
    for flow, cells in est.groupby("DATAFLOW"):
        with (secondary_run / "sdmx" / f"{flow}.csv").open(newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames
            dims = header[header.index("MEASURE") + 1:header.index("TIME_PERIOD")]
            in_file = {tuple(r[d] for d in dims) for r in reader if r["OBS_STATUS"] == "C"}
        in_estimates = {tuple(getattr(r, d) for d in dims) for r in cells.itertuples() if r.OBS_STATUS == "C"}
        assert in_file == in_estimates, flow


def test_a_published_rate_does_not_give_back_a_confidential_count(secondary_run):
    """rate = numerator / denominator: with the rate and one of its two counts
    published, the other count is recomputable."""
    parts = {"TEAP": ("TEAP", "XWAP"), "TEMP": ("TEMP", "XWAP"), "TUNE": ("TUNE", "TEAP"), "TEIP": ("TEIP", "XWAP")}
    problems = []
    for measure, (num, den) in parts.items():
        for axis in AXES:
            rate = read_flow(secondary_run, f"DF_MST_{measure}_SEX_AGE_{axis}_RT")
            nums = read_flow(secondary_run, f"DF_MST_{num}_SEX_AGE_{axis}_NB")
            dens = read_flow(secondary_run, f"DF_MST_{den}_SEX_AGE_{axis}_NB")
            for key, r in rate.items():
                if r["OBS_VALUE"] == "":
                    continue
                c_num, c_den = nums[key]["OBS_STATUS"] == "C", dens[key]["OBS_STATUS"] == "C"
                if c_num != c_den and not (c_den and float(r["OBS_VALUE"]) == 0):
                    problems.append(f"{measure}_RT {axis} {key}: rate published, numerator C={c_num}, denominator C={c_den}")
    assert not problems, f"{len(problems)} cells:\n" + "\n".join(problems[:20])


def test_without_secondary_the_c_cells_are_exactly_the_frequency_rule(lfs_run):
    est = estimates(lfs_run)
    n = est.n_unweighted
    primary = (n > 0) & (n < SUPPRESS_BELOW_N)
    assert primary.any()
    assert ((est.OBS_STATUS == "C") == primary).all()
    assert (est[primary].reason == "PRIMARY_CONFIDENTIAL").all()
    assert not (est.reason == "SECONDARY_CONFIDENTIAL").any()
    for flow in COUNT_FLOWS:
        axis = flow.split("_")[-2]
        cells = est[est.DATAFLOW == flow]
        table = read_flow(lfs_run, flow)
        assert {k for k, r in table.items() if r["OBS_STATUS"] == "C"} == {
            (r.SEX, r.AGE, getattr(r, axis)) for r in cells.itertuples() if r.OBS_STATUS == "C"}, flow


def test_without_secondary_some_confidential_cells_are_recomputable(lfs_run):
    """The LP check has teeth: the frequency rule alone leaves cells recomputable
    (SEX_F = SEX_T - SEX_M, ...)."""
    problems, checked = exposed_cells(lfs_run, ["DF_MST_TEMP_SEX_AGE_CBR_NB"])
    assert checked > 0 and problems


# ---------------------------------------------------------------------------------------
# A hand-made table

# One foreign-born man aged 30, employed; natives of both sexes at 30 and 50, employed;
# two native women aged 70 outside the labour force.
TINY = [
    # person_id, weight, sex, age, country_of_birth, citizenship, lfs_status
    ("F1", "150.25", "M", "30", "IDN", "IDN", "EMP"),
    ("N1", "100.5", "M", "30", "PHL", "PHL", "EMP"),
    ("N2", "110", "M", "31", "PHL", "PHL", "EMP"),
    ("N3", "120.75", "M", "33", "PHL", "PHL", "EMP"),
    ("N4", "90", "F", "30", "PHL", "PHL", "EMP"),
    ("N5", "95.5", "F", "32", "PHL", "PHL", "EMP"),
    ("N6", "105", "F", "34", "PHL", "PHL", "EMP"),
    ("N7", "130", "M", "50", "PHL", "PHL", "EMP"),
    ("N8", "125", "M", "51", "PHL", "PHL", "EMP"),
    ("N9", "140", "M", "52", "PHL", "PHL", "EMP"),
    ("N10", "115", "F", "50", "PHL", "PHL", "EMP"),
    ("N11", "99.99", "F", "53", "PHL", "PHL", "EMP"),
    ("N12", "101", "F", "54", "PHL", "PHL", "EMP"),
    ("N13", "80", "F", "70", "PHL", "PHL", "OLF"),
    ("N14", "85", "F", "72", "PHL", "PHL", "OLF"),
]
# The AGE codes whose range holds age 30.
AGES_OF_30 = ["AGE_YTHADULT_YGE15", "AGE_YTHADULT_Y15-64", "AGE_YTHADULT_YGE25", "AGE_AGGREGATE_TOTAL",
              "AGE_AGGREGATE_Y25-54", "AGE_10YRBANDS_TOTAL", "AGE_10YRBANDS_Y25-34"]


def tiny_run(work: Path, secondary: bool) -> Path:
    core = work / "core.csv"
    with core.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "weight", "sex", "age", "country_of_birth", "citizenship", "lfs_status"])
        w.writerows(TINY)
    text = f"""[survey]
ref_area    = "PHL"
time_period = "2024-Q2"
source_type = "lfs"

[input]
path   = "{core}"
layout = "core"

[quality]
suppress_below_n   = 3
unreliable_below_n = 20
""" + ("\n[disclosure]\nsecondary = true\n" if secondary else "")
    return run(work, text)


def test_hand_made_table_frequency_rule(tmp_path):
    out = tiny_run(tmp_path, secondary=False)
    table = read_flow(out, "DF_MST_TEMP_SEX_AGE_CBR_NB")
    expected_c = {(sex, age, "CBR_BIR_FOREIGN") for sex in ("SEX_T", "SEX_M") for age in AGES_OF_30}
    assert {k for k, r in table.items() if r["OBS_STATUS"] == "C"} == expected_c
    # No SEX_O (no such record); every other cell published, zeros as 0.
    assert len(table) == 3 * 16 * 4
    assert table[("SEX_F", "AGE_YTHADULT_YGE15", "CBR_BIR_FOREIGN")]["OBS_VALUE"] == "0"
    assert float(table[("SEX_M", "AGE_10YRBANDS_Y25-34", "CBR_BIR_NATIVE")]["OBS_VALUE"]) == pytest.approx(0.33125)
    assert float(table[("SEX_T", "AGE_YTHADULT_YGE15", "CBR_BIR_TOTAL")]["OBS_VALUE"]) == pytest.approx(1.48299)
    # The frequency rule alone gives the foreign man away: SEX_M = SEX_T - SEX_F fails
    # (both C), but the migrant axis does: FOREIGN = TOTAL - NATIVE - X.
    problems, _ = exposed_cells(out, ["DF_MST_TEMP_SEX_AGE_CBR_NB"])
    assert len(problems) == len(expected_c)


def test_hand_made_table_secondary_suppression(tmp_path):
    out = tiny_run(tmp_path, secondary=True)
    table = read_flow(out, "DF_MST_TEMP_SEX_AGE_CBR_NB")
    c = {k for k, r in table.items() if r["OBS_STATUS"] == "C"}
    primary = {(sex, age, "CBR_BIR_FOREIGN") for sex in ("SEX_T", "SEX_M") for age in AGES_OF_30}
    assert primary <= c
    assert c > primary, "secondary suppression hid nothing more"
    # Real zeros stay published.
    assert table[("SEX_F", "AGE_YTHADULT_YGE15", "CBR_BIR_FOREIGN")]["OBS_VALUE"] == "0"
    assert all(r["OBS_VALUE"] == "0" for k, r in table.items() if k[1] == "AGE_10YRBANDS_Y15-24")
    problems, checked = exposed_cells(out, COUNT_FLOWS)
    assert checked >= len(primary)
    assert not problems, "\n".join(problems[:20])
    est = estimates(out)
    secondary = est[(est.OBS_STATUS == "C") & (est.n_unweighted >= SUPPRESS_BELOW_N)]
    assert (secondary.reason == "SECONDARY_CONFIDENTIAL").all()
