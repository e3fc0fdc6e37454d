"""The published SDMX files, checked with tools migstat did not write.

- xmllint (libxml2) validates every SDMX-ML file against the official SDMX-ML 2.1 XSDs plus
  the DSD-specific XSD migstat emits from its DSD (codelists as enumerations);
- a few lines of ElementTree check what XSD validation cannot: structureRef = structureID,
  unique series keys and observations, codes in ILO's codelists;
- broken copies (a bad code, a duplicate key) are rejected by the same checks.
"""
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import structures
from conftest import REPO, run_migstat

MES = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message}"
SS = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific}"
STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common}"

# Every dataflow of the registry: the bundled LFS fixture measures every population, so
# each one is published (a flow missing from the run fails its tests).
FLOWS = structures.flows()


def codelists() -> dict:
    """ILO's codelists and migstat's constructed ones (agency MIGSTAT)."""
    return structures.codelists()


def semantic_problems(path: Path, lists: dict) -> list:
    """What XSD validation does not check (sdmx-ilostat.md section 2.8, gotcha 2); the
    codelist of every coded component is the one the flow's DSD names."""
    root = ET.parse(path).getroot()
    # The DSD the file declares (message:Structure/common:Structure/Ref).
    ref = root.find(f"{MES}Header/{MES}Structure/{COM}Structure/Ref")
    flow = "DF_" + ref.get("id")
    codelist_of = structures.codelist_of(flow)
    key_dims = structures.dimensions(flow)
    problems = []
    sid = root.find(f"{MES}Header/{MES}Structure").get("structureID")
    dataset = root.find(f"{MES}DataSet")
    if dataset.get(f"{SS}structureRef") != sid:
        problems.append(f"structureRef {dataset.get(f'{SS}structureRef')} != structureID {sid}")
    keys = set()
    for series in dataset.iter("Series"):
        attrs = dict(series.attrib)
        key = tuple(attrs.get(d) for d in key_dims)
        if key in keys:
            problems.append(f"duplicate series key {key}")
        keys.add(key)
        periods = [o.get("TIME_PERIOD") for o in series.iter("Obs")]
        if len(periods) != len(set(periods)):
            problems.append(f"duplicate observation in {key}")
        for element in [series, *series.iter("Obs")]:
            for component, value in element.attrib.items():
                cl = codelist_of.get(component)
                if cl and value not in lists[cl]:
                    problems.append(f"{key}: {component}={value} not in {cl}")
    return problems


def xmllint(schema: Path, document: Path) -> subprocess.CompletedProcess:
    assert shutil.which("xmllint"), "xmllint is required (make test installs libxml2-utils)"
    return subprocess.run(
        ["xmllint", "--noout", "--nonet", "--schema", str(schema), str(document)],
        capture_output=True, text=True,
    )


@pytest.mark.parametrize("flow", FLOWS)
def test_every_published_xml_is_valid_against_the_official_and_dsd_specific_xsds(lfs_run, dsd_schemas, flow):
    dsd = flow.removeprefix("DF_")
    done = xmllint(dsd_schemas / f"validate_{dsd}.xsd", lfs_run / "sdmx" / f"{flow}.xml")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("flow", FLOWS)
def test_every_other_xml_format_is_valid_against_its_schemas(lfs_run, dsd_schemas_flat, dsd_schemas_30, flow):
    dsd = flow.removeprefix("DF_")
    sdmx = lfs_run / "sdmx"
    for schema, document in (
        (dsd_schemas_flat / f"validate_{dsd}.xsd", sdmx / f"{flow}.flat.xml"),
        (REPO / "schemas" / "xsd" / "v2_1" / "SDMXMessage.xsd", sdmx / f"{flow}.generic.xml"),
        (dsd_schemas_30 / f"validate_{dsd}.xsd", sdmx / f"{flow}.v30.xml"),
    ):
        done = xmllint(schema, document)
        assert done.returncode == 0, (document.name, done.stderr)


def test_migstat_validate_accepts_every_file_it_published(lfs_run):
    files = sorted(str(p) for p in (lfs_run / "sdmx").iterdir())
    assert len(files) == len(FLOWS) * 6
    done = run_migstat("validate", *files)
    assert done.returncode == 0, done.stdout + done.stderr


BROKEN = REPO / "pipeline" / "sdmx" / "tests" / "data" / "broken"


def broken_cases():
    import csv
    with open(BROKEN / "expected.csv", newline="") as f:
        return [(r["file"], r["message_fragment"]) for r in csv.DictReader(f)]


@pytest.mark.parametrize("name,fragment", broken_cases())
def test_migstat_validate_rejects_each_broken_file_with_its_message(name, fragment):
    structure = REPO / "pipeline" / "sdmx" / "tests" / "data" / "ilo" / "TEST_ILO_MST_TEAP_SEX_AGE_CBR_NB_constructed.xml"
    done = run_migstat("validate", str(BROKEN / name), "--structure", str(structure))
    assert done.returncode == 4, done.stdout + done.stderr
    assert fragment in done.stdout, done.stdout


@pytest.mark.parametrize("flow", FLOWS)
def test_every_published_xml_passes_the_checks_xsd_cannot_do(lfs_run, flow):
    assert semantic_problems(lfs_run / "sdmx" / f"{flow}.xml", codelists()) == []


def test_the_structure_messages_shipped_with_a_run_are_valid_sdmx(lfs_run):
    for path in sorted((lfs_run / "structures").glob("*.xml")):
        done = xmllint(REPO / "schemas" / "xsd" / "v2_1" / "SDMXMessage.xsd", path)
        assert done.returncode == 0, (path, done.stderr)


def test_a_file_with_a_bad_code_is_rejected(lfs_run, dsd_schemas, tmp_path):
    flow = "DF_MST_TEAP_SEX_AGE_CBR_NB"
    text = (lfs_run / "sdmx" / f"{flow}.xml").read_text()
    bad = tmp_path / "bad_code.xml"
    bad.write_text(text.replace('SEX="SEX_M"', 'SEX="SEX_X"', 1))
    done = xmllint(dsd_schemas / "validate_MST_TEAP_SEX_AGE_CBR_NB.xsd", bad)
    assert done.returncode != 0 and "SEX_X" in done.stderr
    assert any("SEX=SEX_X not in CL_SEX" in p for p in semantic_problems(bad, codelists()))


def test_a_file_with_a_duplicate_series_key_is_rejected(lfs_run, tmp_path):
    flow = "DF_MST_TEAP_SEX_AGE_CBR_NB"
    text = (lfs_run / "sdmx" / f"{flow}.xml").read_text()
    first = re.search(r"<Series .*?</Series>", text, re.S).group(0)
    bad = tmp_path / "duplicate.xml"
    bad.write_text(text.replace(first, first + first, 1))
    problems = semantic_problems(bad, codelists())
    assert any(p.startswith("duplicate series key") for p in problems), problems


def test_the_header_declares_the_structure_as_ilostat_expects(lfs_run):
    root = ET.parse(lfs_run / "sdmx" / "DF_MST_TUNE_SEX_AGE_CCT_RT.xml").getroot()
    structure = root.find(f"{MES}Header/{MES}Structure")
    assert structure.get("structureID") == "ILO_MST_TUNE_SEX_AGE_CCT_RT_1_0"
    assert structure.get("dimensionAtObservation") == "TIME_PERIOD"
    assert structure.get("namespace") == (
        "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure="
        "ILO:MST_TUNE_SEX_AGE_CCT_RT(1.0):ObsLevelDim:TIME_PERIOD"
    )
    dataset = root.find(f"{MES}DataSet")
    assert dataset.get(f"{SS}dataScope") == "DataStructure"
    assert dataset.get("{http://www.w3.org/2001/XMLSchema-instance}type").endswith(":DataSetType")
    series = next(dataset.iter("Series"))
    assert (series.get("UNIT_MEASURE_TYPE"), series.get("UNIT_MEASURE"), series.get("UNIT_MULT")) == ("RT", "PT", "0")
    obs = next(series.iter("Obs"))
    assert obs.get("SOURCE") == "LFS - Labour Force Survey" and obs.get("DECIMALS") == "1"
