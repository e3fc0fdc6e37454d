"""What the tests need to know about migstat's published dataflows, read from the files
that define them (not from migstat): the registry (schemas/dataflows.toml), the structure
messages (schemas/dsd/*.xml: DSDs, dataflows, constructed codelists) and ILO's codelists
(codelists/ILO_codelists.xml).
"""
import tomllib
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"

# The structure messages holding codelists: ILO's, and migstat's constructed ones.
CODELIST_FILES = [
    REPO / "codelists" / "ILO_codelists.xml",
    REPO / "schemas" / "dsd" / "MIGSTAT_constructed_codelists.xml",
]


@cache
def registry() -> dict:
    with open(REPO / "schemas" / "dataflows.toml", "rb") as f:
        return tomllib.load(f)


def flows() -> list:
    """Every dataflow id of the registry, in registry order."""
    return [d["id"] for d in registry()["dataflow"]]


@cache
def codelists() -> dict:
    """{codelist id: set of codes} of every codelist the DSDs may refer to."""
    out = {}
    for path in CODELIST_FILES:
        for cl in ET.parse(path).getroot().iter(f"{STR}Codelist"):
            out[cl.get("id")] = {code.get("id") for code in cl.iter(f"{STR}Code")}
    return out


@cache
def _dsds() -> dict:
    """{dsd id: (structure file name, [dimension ids], {component id: codelist id})}."""
    out = {}
    for path in sorted((REPO / "schemas" / "dsd").glob("*_dataflows.xml")):
        for dsd in ET.parse(path).getroot().iter(f"{STR}DataStructure"):
            dims, lists = [], {}
            components = dsd.find(f"{STR}DataStructureComponents")
            for parent, tag in (("DimensionList", "Dimension"), ("AttributeList", "Attribute")):
                for comp in components.find(f"{STR}{parent}").findall(f"{STR}{tag}"):
                    if tag == "Dimension":
                        dims.append(comp.get("id"))
                    ref = comp.find(f"{STR}LocalRepresentation/{STR}Enumeration/Ref")
                    if ref is not None:
                        lists[comp.get("id")] = ref.get("id")
            out[dsd.get("id")] = (path.name, dims, lists)
    return out


def dsd_id(flow: str) -> str:
    return flow.removeprefix("DF_")


def structure_file(flow: str) -> str:
    """The name of the structure message (as shipped in a run's structures/) with the
    flow's DSD and dataflow."""
    return _dsds()[dsd_id(flow)][0]


def dimensions(flow: str) -> list:
    """The DSD's dimension ids in key order, without TIME_PERIOD."""
    return _dsds()[dsd_id(flow)][1]


def codelist_of(flow: str) -> dict:
    """{dimension or attribute id: codelist id} of the flow's DSD."""
    return _dsds()[dsd_id(flow)][2]
