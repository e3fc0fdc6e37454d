"""Independent SDMX readers read every published file back to the estimates.

sdmx1 (khaeru/sdmx) reads the SDMX-ML 2.1 StructureSpecificData; pysdmx (BIS) reads both
the SDMX-ML and the SDMX-CSV 1.0 (sdmx1 reads only SDMX-CSV 2.x). Both get the DSD that
migstat ships with the run (`structures/`). Every observation must equal its row of
`tabulate/estimates.parquet`: the same key, the same double (the files are written
unrounded, in the shortest text that reads back to the same double), the same status,
and no value where the cell is confidential.
"""
import math

import pyarrow.parquet as pq
import pytest
import sdmx
import sdmx.reader.xml.v30  # noqa: F401  (import before any 2.1 read: sdmx1 2.28 fails to import it
                            # once a 2.1 StructureSpecific read has registered a DSD namespace)
from pysdmx.io import get_datasets

import structures
from test_sdmx_files import FLOWS


def key_columns(flow: str) -> list:
    """The series key of the flow's DSD, then TIME_PERIOD: the estimates hold a column of
    each dimension's id (schema::estimates)."""
    return structures.dimensions(flow) + ["TIME_PERIOD"]


@pytest.fixture(scope="module")
def estimates(lfs_run):
    return read_estimates(lfs_run)


def read_estimates(run):
    table = pq.read_table(run / "tabulate" / "estimates.parquet").to_pylist()
    by_flow = {}
    for row in table:
        if not row["published"]:
            continue
        key = tuple(row[c] for c in key_columns(row["DATAFLOW"]))
        value = None if row["OBS_STATUS"] == "C" else row["estimate"]
        by_flow.setdefault(row["DATAFLOW"], {})[key] = (value, row["OBS_STATUS"])
    return by_flow


class DsdMessages:
    """The structure messages a run ships (structures/), read by sdmx1: the DSD and the
    dataflow of any flow, from whichever message holds them."""

    def __init__(self, run):
        self.messages = {}
        self.run = run

    def message(self, flow):
        name = structures.structure_file(flow)
        if name not in self.messages:
            self.messages[name] = sdmx.read_sdmx(self.run / "structures" / name)
        return self.messages[name]


@pytest.fixture(scope="module")
def dsd_message(lfs_run):
    return DsdMessages(lfs_run)


def number(text):
    if text is None or (isinstance(text, float) and math.isnan(text)) or text == "":
        return None
    return float(text)


def status(text):
    return None if text is None or text == "" or (isinstance(text, float) and math.isnan(text)) else text


def frame_observations(frame, flow):
    got = {}
    for row in frame.to_dict("records"):
        key = tuple(row[c] for c in key_columns(flow))
        assert key not in got, f"duplicate observation {key}"
        got[key] = (number(row["OBS_VALUE"]), status(row.get("OBS_STATUS")))
    return got


def sdmx1_observations(path, dsd_message, flow):
    """Every observation sdmx1 reads from `path`, as {key: (value, OBS_STATUS)}."""
    dsd = dsd_message.message(flow).structure[flow.removeprefix("DF_")]
    message = sdmx.read_sdmx(path, structure=dsd)
    got = {}
    for obs in message.data[0].obs:
        values = {k: v.value for k, v in obs.key.values.items()}
        key = tuple(values[c] for c in key_columns(flow))
        attrs = {k: v.value for k, v in obs.attached_attribute.items()}
        assert key not in got, f"duplicate observation {key}"
        got[key] = (number(obs.value), attrs.get("OBS_STATUS"))
    return got


@pytest.mark.parametrize("flow", FLOWS)
@pytest.mark.parametrize("suffix", [".xml", ".generic.xml", ".v30.xml"])
def test_sdmx1_reads_the_sdmx_ml_files_back_to_the_estimates(lfs_run, estimates, dsd_message, flow, suffix):
    assert sdmx1_observations(lfs_run / "sdmx" / f"{flow}{suffix}", dsd_message, flow) == estimates[flow]


@pytest.mark.parametrize("flow", FLOWS)
def test_sdmx1_reads_the_csv_2_0_back_to_the_estimates(lfs_run_without_suppression, dsd_message, flow):
    # sdmx1 2.28 cannot read an empty OBS_VALUE (a confidential cell) in SDMX-CSV 2.0, so
    # this reads a run where every cell has its value.
    run = lfs_run_without_suppression
    expected = read_estimates(run)[flow]
    assert all(value is not None for value, _ in expected.values())
    dataflow = dsd_message.message(flow).dataflow[flow]
    message = sdmx.read_sdmx(run / "sdmx" / f"{flow}.csv20.csv", structure=dataflow)
    frame = sdmx.to_pandas(message.data[0], attributes="o").reset_index()
    frame = frame.rename(columns={"value": "OBS_VALUE"})
    assert frame_observations(frame, flow) == expected


@pytest.mark.parametrize("flow", FLOWS)
@pytest.mark.parametrize("suffix", [".xml", ".flat.xml", ".generic.xml", ".v30.xml", ".csv20.csv"])
def test_pysdmx_reads_every_format_back_to_the_estimates(lfs_run, estimates, flow, suffix):
    structure = lfs_run / "structures" / structures.structure_file(flow)
    dataset = get_datasets(lfs_run / "sdmx" / f"{flow}{suffix}", structure)[0]
    assert frame_observations(dataset.data, flow) == estimates[flow]


@pytest.mark.parametrize("flow", FLOWS)
def test_pysdmx_reads_the_csv_back_to_the_estimates(lfs_run, estimates, flow):
    structure = lfs_run / "structures" / structures.structure_file(flow)
    dataset = get_datasets(lfs_run / "sdmx" / f"{flow}.csv", structure)[0]
    assert frame_observations(dataset.data, flow) == estimates[flow]
    units = {("NB",): ("NB", "PS", "3"), ("RT",): ("RT", "PT", "0")}[(flow[-2:],)]
    rows = dataset.data[["UNIT_MEASURE_TYPE", "UNIT_MEASURE", "UNIT_MULT"]].astype(str).drop_duplicates()
    assert [tuple(r) for r in rows.itertuples(index=False)] == [units]
