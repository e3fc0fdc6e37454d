#!/usr/bin/env python3
"""Generate schemas/dsd/ILO_MST_SEX_AGE_dataflows.xml: the 18 migstat DataStructures and
Dataflows (agency ILO, version 1.0), as an SDMX-ML 2.1 message:Structure.

The DSDs are CONSTRUCTED after ILO's DSD template (the REAL ILO:IMF_ILOSTAT(1.0) DSD and the
constructed TEST_ILO_MST_TEAP_SEX_AGE_CBR_NB fixture): dimensions REF_AREA, FREQ, MEASURE, SEX,
AGE, CBR|CCT, TimeDimension TIME_PERIOD; 11 Conditional attributes; PrimaryMeasure OBS_VALUE;
annotation MAXTEXTATTRIBUTELENGTH=1024. Codelists and concepts are referenced (Ref), not
embedded; they live in codelists/ILO_codelists.xml, which this script reads to build the
English names (CL_MEASURE + CS_CLASSIF_TYPE names) and to check every reference.

Replace with the real structures when reachable:
  https://sdmx.ilo.org/rest/dataflow/ILO/DF_<ID>/latest?references=all

It also writes schemas/dsd/ILO_MST_breakdowns_dataflows.xml: the DataStructures and
Dataflows of the dataflows of schemas/dataflows.toml broken down by education, economic
activity, occupation, status in employment, country of birth or country of citizenship
(BREAKDOWNS_HERE), CONSTRUCTED the same way from the registry: dimensions REF_AREA, FREQ,
MEASURE, then one per breakdown (its `dimension`, else its id) with codelist CL_<dimension>.

Where ILO has no code (measures and classifications of the migration concepts beyond the
legacy ILMS indicators), the DSDs refer to the CONSTRUCTED, UNCONFIRMED codelists and
concepts of agency MIGSTAT in schemas/dsd/MIGSTAT_constructed_codelists.toml, which this
script also writes as schemas/dsd/MIGSTAT_constructed_codelists.xml (constructed.py).

Usage: python3 schemas/dsd/generate_dsds.py [--codelists PATH] [--out PATH]
                                            [--registry PATH] [--out-breakdowns PATH]
Python 3.11+ stdlib only (tomllib); the output is deterministic (no clock, fixed order).
"""
import argparse
import os
import sys
import tomllib
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import constructed

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_CODELISTS = os.path.join(REPO, "codelists", "ILO_codelists.xml")
DEFAULT_OUT = os.path.join(HERE, "ILO_MST_SEX_AGE_dataflows.xml")
DEFAULT_REGISTRY = os.path.join(REPO, "schemas", "dataflows.toml")
DEFAULT_OUT_BREAKDOWNS = os.path.join(HERE, "ILO_MST_breakdowns_dataflows.xml")
DEFAULT_OUT_MIGRATION = os.path.join(HERE, "ILO_MIGRATION_dataflows.xml")

AGENCY, VERSION = "ILO", "1.0"
# The agency of each codelist and concept scheme that is not ILO's, and the scheme of each
# concept that is not in CS_CLASSIF_TYPE: the constructed ones (filled in main()).
AGENCY_OF = {}
SCHEME_OF = {}
# Fixed so that the output is reproducible: the Prepared time of the ILO message the
# template and the codelists come from.
PREPARED = "2026-05-18T10:40:07+02:00"

NS_MESSAGE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
NS_STRUCTURE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
NS_COMMON = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
S, C = "{%s}" % NS_STRUCTURE, "{%s}" % NS_COMMON
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# (variable, unit) in contract order (contract.md section 5).
MEASURES = [("XWAP", "NB"), ("TEAP", "NB"), ("TEMP", "NB"), ("TUNE", "NB"), ("TEIP", "NB"),
            ("TEAP", "RT"), ("TEMP", "RT"), ("TUNE", "RT"), ("TEIP", "RT")]
AXES = ["CBR", "CCT"]
UNIT_WORDS = {"NB": "thousands", "RT": "%"}

# Dimensions: (id, concept scheme, codelist or None for the time dimension).
DIMENSIONS = [("REF_AREA", "CS_ILOSTAT", "CL_AREA"),
              ("FREQ", "CS_ILOSTAT", "CL_FREQ"),
              ("MEASURE", "CS_ILOSTAT", "CL_MEASURE"),
              ("SEX", "CS_CLASSIF_TYPE", "CL_SEX"),
              ("AGE", "CS_CLASSIF_TYPE", "CL_AGE")]
AXIS_DIMENSION = {"CBR": ("CBR", "CS_CLASSIF_TYPE", "CL_CBR"),
                  "CCT": ("CCT", "CS_CLASSIF_TYPE", "CL_CCT")}
TIME_DIMENSION = ("TIME_PERIOD", "CS_ILOSTAT")

# Attributes, all Conditional, in ILO's order: (id, concept scheme, codelist, relationship).
# relationship: "PM" = PrimaryMeasure OBS_VALUE, or a tuple of dimension ids.
ATTRIBUTES = [
    ("OBS_STATUS", "CS_ILOSTAT", "CL_OBS_STATUS", "PM"),
    ("UNIT_MEASURE_TYPE", "CS_ILOSTAT", "CL_UNIT_MEASURE_TYPE", ("MEASURE",)),
    ("UNIT_MEASURE", "CS_ILOSTAT", "CL_UNIT_MEASURE", ("MEASURE",)),
    ("UNIT_MULT", "CS_ILOSTAT", "CL_UNIT_MULT", ("MEASURE",)),
    ("SOURCE", "CS_NOTE_TYPE", None, ("REF_AREA", "MEASURE", "TIME_PERIOD")),
    ("NOTE_SOURCE", "CS_NOTE_TYPE", None, ("REF_AREA", "MEASURE", "TIME_PERIOD")),
    ("NOTE_INDICATOR", "CS_NOTE_TYPE", None, ("REF_AREA", "MEASURE", "TIME_PERIOD")),
    ("NOTE_CLASSIF", "CS_NOTE_TYPE", None, "PM"),
    ("DECIMALS", "CS_ILOSTAT", "CL_DECIMALS", "PM"),
    ("UPPER_BOUND", "CS_ILOSTAT", None, "PM"),
    ("LOWER_BOUND", "CS_ILOSTAT", None, "PM"),
]
PRIMARY_MEASURE = ("OBS_VALUE", "CS_ILOSTAT")
MAXTEXTATTRIBUTELENGTH = "1024"


def flows():
    """The 18 indicator ids, NB flows first, each measure with CBR then CCT."""
    out = []
    for var, unit in MEASURES:
        for ax in AXES:
            out.append(("MST_%s_SEX_AGE_%s_%s" % (var, ax, unit), "MST_%s_%s" % (var, unit), ax,
                        unit))
    return out


def en(elem):
    for n in elem.findall(C + "Name"):
        if n.get(XML_LANG) == "en":
            return n.text
    return None


def load_reference(path):
    root = ET.parse(path).getroot()
    codelists = {cl.get("id"): {c.get("id"): en(c) for c in cl.findall(S + "Code")}
                 for cl in root.iter(S + "Codelist")}
    concepts = {cs.get("id"): {c.get("id"): en(c) for c in cs.findall(S + "Concept")}
                for cs in root.iter(S + "ConceptScheme")}
    return codelists, concepts


def indicator_name(measure_name, concepts, axis, unit):
    words = [concepts["CS_CLASSIF_TYPE"][d].lower() for d in ("SEX", "AGE", axis)]
    return "%s by %s, %s and %s (%s)" % (measure_name, words[0], words[1], words[2],
                                         UNIT_WORDS[unit])


def concept_ref(ind, cid, scheme):
    return ('%s<Ref id="%s" maintainableParentID="%s" maintainableParentVersion="%s" '
            'agencyID="%s" package="conceptscheme" class="Concept" />\n'
            % (ind, cid, scheme, VERSION, AGENCY_OF.get(scheme, AGENCY)))


def codelist_ref(ind, clid):
    return ('%s<Ref id="%s" version="%s" agencyID="%s" package="codelist" class="Codelist" />\n'
            % (ind, clid, VERSION, AGENCY_OF.get(clid, AGENCY)))


def enumeration(ind, clid):
    return (ind + "<structure:LocalRepresentation>\n"
            + ind + "  <structure:Enumeration>\n"
            + codelist_ref(ind + "    ", clid)
            + ind + "  </structure:Enumeration>\n"
            + ind + "</structure:LocalRepresentation>\n")


def dsd_xml(dsd_id, name, axis, classif=None, measure_codelist="CL_MEASURE"):
    """The DataStructure; `classif` (the classification dimension ids after MEASURE)
    replaces the contract's SEX, AGE, axis when given; `measure_codelist` is the codelist
    of MEASURE (ILO's, or the constructed one)."""
    i = " " * 6
    o = [i + '<structure:DataStructure id="%s" agencyID="%s" version="%s" isFinal="true">\n'
         % (dsd_id, AGENCY, VERSION),
         i + "  <common:Annotations>\n",
         i + '    <common:Annotation id="@SDMX">\n',
         i + "      <common:AnnotationTitle>%s</common:AnnotationTitle>\n" % MAXTEXTATTRIBUTELENGTH,
         i + "      <common:AnnotationType>MAXTEXTATTRIBUTELENGTH</common:AnnotationType>\n",
         i + "    </common:Annotation>\n",
         i + "  </common:Annotations>\n",
         i + '  <common:Name xml:lang="en">%s</common:Name>\n' % escape(name),
         i + "  <structure:DataStructureComponents>\n"]
    j = i + "    "
    o.append(j + '<structure:DimensionList id="DimensionDescriptor">\n')
    if classif is None:
        dims = DIMENSIONS + [AXIS_DIMENSION[axis]]
    else:
        dims = (DIMENSIONS[:2] + [("MEASURE", "CS_ILOSTAT", measure_codelist)]
                + [(d, SCHEME_OF.get(d, "CS_CLASSIF_TYPE"), "CL_" + d) for d in classif])
    k = j + "  "
    for pos, (did, scheme, clid) in enumerate(dims, 1):
        o += [k + '<structure:Dimension id="%s" position="%d">\n' % (did, pos),
              k + "  <structure:ConceptIdentity>\n",
              concept_ref(k + "    ", did, scheme),
              k + "  </structure:ConceptIdentity>\n",
              enumeration(k + "  ", clid),
              k + "</structure:Dimension>\n"]
    tid, tscheme = TIME_DIMENSION
    o += [k + '<structure:TimeDimension id="%s" position="%d">\n' % (tid, len(dims) + 1),
          k + "  <structure:ConceptIdentity>\n",
          concept_ref(k + "    ", tid, tscheme),
          k + "  </structure:ConceptIdentity>\n",
          k + "  <structure:LocalRepresentation>\n",
          k + '    <structure:TextFormat textType="ObservationalTimePeriod" />\n',
          k + "  </structure:LocalRepresentation>\n",
          k + "</structure:TimeDimension>\n",
          j + "</structure:DimensionList>\n",
          j + '<structure:AttributeList id="AttributeDescriptor">\n']
    for aid, scheme, clid, rel in ATTRIBUTES:
        o += [k + '<structure:Attribute id="%s" assignmentStatus="Conditional">\n' % aid,
              k + "  <structure:ConceptIdentity>\n",
              concept_ref(k + "    ", aid, scheme),
              k + "  </structure:ConceptIdentity>\n"]
        if clid:
            o.append(enumeration(k + "  ", clid))
        o.append(k + "  <structure:AttributeRelationship>\n")
        if rel == "PM":
            o += [k + "    <structure:PrimaryMeasure>\n",
                  k + '      <Ref id="%s" />\n' % PRIMARY_MEASURE[0],
                  k + "    </structure:PrimaryMeasure>\n"]
        else:
            for d in rel:
                o += [k + "    <structure:Dimension>\n",
                      k + '      <Ref id="%s" />\n' % d,
                      k + "    </structure:Dimension>\n"]
        o += [k + "  </structure:AttributeRelationship>\n",
              k + "</structure:Attribute>\n"]
    pid, pscheme = PRIMARY_MEASURE
    o += [j + "</structure:AttributeList>\n",
          j + '<structure:MeasureList id="MeasureDescriptor">\n',
          k + '<structure:PrimaryMeasure id="%s">\n' % pid,
          k + "  <structure:ConceptIdentity>\n",
          concept_ref(k + "    ", pid, pscheme),
          k + "  </structure:ConceptIdentity>\n",
          k + "</structure:PrimaryMeasure>\n",
          j + "</structure:MeasureList>\n",
          i + "  </structure:DataStructureComponents>\n",
          i + "</structure:DataStructure>\n"]
    return "".join(o)


def dataflow_xml(dsd_id, name):
    i = " " * 6
    return (i + '<structure:Dataflow id="DF_%s" agencyID="%s" version="%s" isFinal="true">\n'
            % (dsd_id, AGENCY, VERSION)
            + i + '  <common:Name xml:lang="en">%s</common:Name>\n' % escape(name)
            + i + "  <structure:Structure>\n"
            + i + '    <Ref id="%s" version="%s" agencyID="%s" package="datastructure" '
                  'class="DataStructure" />\n' % (dsd_id, VERSION, AGENCY)
            + i + "  </structure:Structure>\n"
            + i + "</structure:Dataflow>\n")


HEADER_COMMENT = """<!--
  GENERATED FILE - do not edit by hand. Regenerate with:
    python3 schemas/dsd/generate_dsds.py
  The 18 DataStructures ILO:MST_*_SEX_AGE_{CBR,CCT}_{NB,RT}(1.0) and their Dataflows
  ILO:DF_<ID>(1.0) below are CONSTRUCTED after ILO's DSD template (ILO:IMF_ILOSTAT(1.0)
  and the DSD layout reported live for the DF_*_SEX_AGE_CBR|CCT_* flows). They are NOT
  ILO artefacts. Replace each with the real structure fetched from
    https://sdmx.ilo.org/rest/dataflow/ILO/DF_<ID>/latest?references=all
  Codelists and concept schemes are referenced, not embedded: see
  codelists/ILO_codelists.xml (REAL ILO artefacts). Names are English only, built from
  the CL_MEASURE and CS_CLASSIF_TYPE English names.
-->
"""


def build(codelists, concepts):
    items = []
    for dsd_id, measure, axis, unit in flows():
        if measure not in codelists["CL_MEASURE"]:
            sys.exit("error: %s not in CL_MEASURE" % measure)
        items.append((dsd_id, indicator_name(codelists["CL_MEASURE"][measure], concepts, axis,
                                             unit), axis))
    o = ['<?xml version="1.0" encoding="utf-8"?>\n', HEADER_COMMENT,
         '<message:Structure xmlns:message=%s xmlns:structure=%s xmlns:common=%s>\n'
         % (quoteattr(NS_MESSAGE), quoteattr(NS_STRUCTURE), quoteattr(NS_COMMON)),
         "  <message:Header>\n",
         "    <message:ID>MIGSTAT_CONSTRUCTED_ILO_MST_SEX_AGE</message:ID>\n",
         "    <message:Test>false</message:Test>\n",
         "    <message:Prepared>%s</message:Prepared>\n" % PREPARED,
         '    <message:Sender id="MIGSTAT" />\n',
         "  </message:Header>\n",
         "  <message:Structures>\n",
         "    <structure:Dataflows>\n"]
    o += [dataflow_xml(d, n) for d, n, _ in items]
    o.append("    </structure:Dataflows>\n    <structure:DataStructures>\n")
    o += [dsd_xml(d, n, ax) for d, n, ax in items]
    o.append("    </structure:DataStructures>\n  </message:Structures>\n</message:Structure>\n")
    return "".join(o)


HEADER_COMMENT_BREAKDOWNS = """<!--
  GENERATED FILE - do not edit by hand. Regenerate with:
    python3 schemas/dsd/generate_dsds.py
  The DataStructures ILO:MST_*(1.0) and Dataflows ILO:DF_<ID>(1.0) below are the dataflows
  of schemas/dataflows.toml beyond the contract's 18 (by education, economic activity,
  occupation, status in employment, country of birth and of citizenship). They are
  CONSTRUCTED after ILO's DSD template (ILO:IMF_ILOSTAT(1.0)), with the dimensions
  REF_AREA, FREQ, MEASURE, then the registry's breakdowns in order (codelist CL_<id>), and
  TIME_PERIOD. They are NOT ILO artefacts. Replace each with the real structure fetched from
    https://sdmx.ilo.org/rest/dataflow/ILO/DF_<ID>/latest?references=all
  Codelists and concept schemes are referenced, not embedded: see
  codelists/ILO_codelists.xml (REAL ILO artefacts). Names are English only, built from
  the CL_MEASURE and CS_CLASSIF_TYPE English names (for a country-detail breakdown, the
  name of its parent code, e.g. CBR_BRT "Country of birth").
-->
"""


# The registry breakdowns whose dataflows ILO_MST_breakdowns_dataflows.xml holds (every
# dimension of those dataflows has an ILO codelist).
BREAKDOWNS_HERE = {"EDU", "ECO", "OCU", "STE", "CBR_BRT", "CCT_CTZ"}


HEADER_COMMENT_MIGRATION = """<!--
  GENERATED FILE - do not edit by hand. Regenerate with:
    python3 schemas/dsd/generate_dsds.py
  The DataStructures and Dataflows (agency ILO, version 1.0) of the dataflows of
  schemas/dataflows.toml for the 2018 ICLS migration concepts beyond the resident stock
  tables: international migrant workers (resident and non-resident), non-resident foreign
  workers, duration of residence, recent (for-work) immigrants, return migrants. They are
  CONSTRUCTED after ILO's DSD template (ILO:IMF_ILOSTAT(1.0)), dimensions REF_AREA, FREQ,
  MEASURE, then the registry's breakdowns in order, and TIME_PERIOD. They are NOT ILO
  artefacts. Where ILO has a code it is used (MST_XWAP_NB; MFL_XWAP_NB "Inflow of
  migrants"; MNA_XRET_NB "Inflow of nationals returned from abroad"); every other measure,
  classification and concept is CONSTRUCTED and UNCONFIRMED, agency MIGSTAT, in
  MIGSTAT_constructed_codelists.xml. Replace with ILO's structures when ILO publishes them.
-->
"""


def registry_flows(registry, codelists, concepts, select=None):
    """(dsd id, name, classification dimension ids) of every registry dataflow broken down
    by one of BREAKDOWNS_HERE (or, with `select`, for which select(flow) holds), in
    registry order."""
    contract = {d for d, _, _, _ in flows()}
    breakdowns = registry["breakdown"]
    out = []
    for flow in registry["dataflow"]:
        dsd_id = flow["id"].removeprefix("DF_")
        chosen = select(flow) if select else BREAKDOWNS_HERE & set(flow["breakdowns"])
        if dsd_id in contract or not chosen:
            continue
        measure, unit = flow["measure"], flow["measure"].rsplit("_", 1)[1]
        measure_cl = next((cl for cl in ["CL_MEASURE"] + sorted(c for c in codelists
                                                                if c.startswith("CL_MEASURE_"))
                           if measure in codelists[cl]), None)
        if measure_cl is None:
            sys.exit("error: %s not in CL_MEASURE nor in a constructed measure codelist"
                     % measure)
        dims, words = [], []
        for b in flow["breakdowns"]:
            dim = breakdowns[b].get("dimension", b)
            dims.append(dim)
            parent = codelists.get("CL_" + dim, {}).get(b) if b != dim else None
            scheme = SCHEME_OF.get(dim, "CS_CLASSIF_TYPE")
            words.append((parent or concepts[scheme][dim]).lower())
        listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        name = "%s by %s (%s)" % (codelists[measure_cl][measure], listed, UNIT_WORDS[unit])
        out.append((dsd_id, name, dims, measure_cl))
    return out


def build_breakdowns(items, header=HEADER_COMMENT_BREAKDOWNS,
                     message_id="MIGSTAT_CONSTRUCTED_ILO_MST_BREAKDOWNS"):
    # The comment goes inside the root element: readers that sniff the first 1000
    # characters for the message type (pysdmx 1.21) must see <message:Structure first.
    o = ['<?xml version="1.0" encoding="utf-8"?>\n',
         '<message:Structure xmlns:message=%s xmlns:structure=%s xmlns:common=%s>\n'
         % (quoteattr(NS_MESSAGE), quoteattr(NS_STRUCTURE), quoteattr(NS_COMMON)),
         header,
         "  <message:Header>\n",
         "    <message:ID>%s</message:ID>\n" % message_id,
         "    <message:Test>false</message:Test>\n",
         "    <message:Prepared>%s</message:Prepared>\n" % PREPARED,
         '    <message:Sender id="MIGSTAT" />\n',
         "  </message:Header>\n",
         "  <message:Structures>\n",
         "    <structure:Dataflows>\n"]
    o += [dataflow_xml(d, n) for d, n, *_ in items]
    o.append("    </structure:Dataflows>\n    <structure:DataStructures>\n")
    o += [dsd_xml(d, n, None, dims, mcl) for d, n, dims, mcl in items]
    o.append("    </structure:DataStructures>\n  </message:Structures>\n</message:Structure>\n")
    return "".join(o)


def check_refs(text, codelists, concepts):
    """Every codelist / concept Ref must resolve in codelists/ILO_codelists.xml."""
    root = ET.fromstring(text.encode("utf-8"))
    n = 0
    for ref in root.iter("Ref"):
        cls = ref.get("class")
        if cls == "Codelist":
            ok = ref.get("id") in codelists
        elif cls == "Concept":
            ok = ref.get("id") in concepts.get(ref.get("maintainableParentID"), {})
        else:
            continue
        if not ok:
            sys.exit("error: unresolved %s reference %s" % (cls, ref.attrib))
        n += 1
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--codelists", default=DEFAULT_CODELISTS)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--registry", default=DEFAULT_REGISTRY)
    ap.add_argument("--out-breakdowns", default=DEFAULT_OUT_BREAKDOWNS)
    ap.add_argument("--constructed", default=constructed.DEFAULT_SOURCE)
    ap.add_argument("--out-constructed", default=constructed.DEFAULT_OUT)
    ap.add_argument("--out-migration", default=DEFAULT_OUT_MIGRATION)
    args = ap.parse_args()
    codelists, concepts = load_reference(args.codelists)
    text = build(codelists, concepts)
    n = check_refs(text, codelists, concepts)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote %s: %d DataStructures, %d Dataflows, %d codelist/concept refs resolved"
          % (os.path.relpath(args.out), len(flows()), len(flows()), n))
    made = constructed.load(args.constructed)
    text = constructed.xml(made, PREPARED)
    with open(args.out_constructed, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    made_codelists, made_concepts = constructed.names(made)
    if set(made_codelists) & set(codelists) or set(made_concepts) & set(concepts):
        sys.exit("error: a constructed codelist or concept scheme has an ILO id")
    codelists.update(made_codelists)
    concepts.update(made_concepts)
    AGENCY_OF.update(constructed.agencies(made))
    SCHEME_OF.update(constructed.scheme_of(made))
    print("wrote %s: %d constructed codelists, 1 concept scheme"
          % (os.path.relpath(args.out_constructed), len(made_codelists)))
    with open(args.registry, "rb") as f:
        registry = tomllib.load(f)
    items = registry_flows(registry, codelists, concepts)
    text = build_breakdowns(items)
    n = check_refs(text, codelists, concepts)
    with open(args.out_breakdowns, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote %s: %d DataStructures, %d Dataflows, %d codelist/concept refs resolved"
          % (os.path.relpath(args.out_breakdowns), len(items), len(items), n))
    # Every other registry dataflow: the migration concepts (constructed codes).
    items = registry_flows(registry, codelists, concepts,
                           select=lambda f: not BREAKDOWNS_HERE & set(f["breakdowns"]))
    text = build_breakdowns(items, HEADER_COMMENT_MIGRATION, "MIGSTAT_CONSTRUCTED_ILO_MIGRATION")
    n = check_refs(text, codelists, concepts)
    with open(args.out_migration, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote %s: %d DataStructures, %d Dataflows, %d codelist/concept refs resolved"
          % (os.path.relpath(args.out_migration), len(items), len(items), n))


if __name__ == "__main__":
    main()
