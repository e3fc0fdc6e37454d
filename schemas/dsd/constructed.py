"""The constructed (agency MIGSTAT, UNCONFIRMED) codelists and concepts of
schemas/dsd/MIGSTAT_constructed_codelists.toml, as an SDMX-ML 2.1 message:Structure, and
how generate_dsds.py refers to them.

Used by generate_dsds.py (Python 3.11+ stdlib only); deterministic.
"""
import os
import tomllib
from xml.sax.saxutils import escape, quoteattr

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.join(HERE, "MIGSTAT_constructed_codelists.toml")
DEFAULT_OUT = os.path.join(HERE, "MIGSTAT_constructed_codelists.xml")

HEADER_COMMENT = """<!--
  GENERATED FILE - do not edit by hand. Edit MIGSTAT_constructed_codelists.toml, then run
    python3 schemas/dsd/generate_dsds.py
  CONSTRUCTED by migstat, agency MIGSTAT, UNCONFIRMED: codelists and concepts for the
  2018 ICLS migration concepts that have no code in the ILO artefacts we hold. They are
  NOT ILO artefacts; replace each with ILO's when ILO publishes one.
-->
"""


def load(path=DEFAULT_SOURCE):
    with open(path, "rb") as f:
        data = tomllib.load(f)
    ids = [cl["id"] for cl in data["codelist"]]
    if len(ids) != len(set(ids)):
        raise SystemExit("error: %s: a codelist id appears twice" % path)
    for cl in data["codelist"]:
        codes = [c["id"] for c in cl["codes"]]
        if len(codes) != len(set(codes)):
            raise SystemExit("error: %s: a code of %s appears twice" % (path, cl["id"]))
    return data


def names(data):
    """({codelist id: {code: name}}, {scheme id: {concept: name}}), as load_reference
    returns them for ILO's file."""
    codelists = {cl["id"]: {c["id"]: c["name"] for c in cl["codes"]} for cl in data["codelist"]}
    cs = data["concept_scheme"]
    return codelists, {cs["id"]: {c["id"]: c["name"] for c in cs["concepts"]}}


def agencies(data):
    """{codelist or concept scheme id: agency} of the constructed artefacts."""
    out = {cl["id"]: data["agency"] for cl in data["codelist"]}
    out[data["concept_scheme"]["id"]] = data["agency"]
    return out


def scheme_of(data):
    """{concept id: concept scheme id} of the constructed concepts."""
    cs = data["concept_scheme"]
    return {c["id"]: cs["id"] for c in cs["concepts"]}


def measure_codelist(data):
    """The id of the constructed codelist of measures (the one whose id starts CL_MEASURE)."""
    found = [cl["id"] for cl in data["codelist"] if cl["id"].startswith("CL_MEASURE")]
    if len(found) != 1:
        raise SystemExit("error: expected one constructed CL_MEASURE* codelist, found %s" % found)
    return found[0]


def _name(ind, text):
    return ind + '<common:Name xml:lang="en">%s</common:Name>\n' % escape(text)


def xml(data, prepared):
    agency, version = data["agency"], data["version"]
    o = ['<?xml version="1.0" encoding="utf-8"?>\n', HEADER_COMMENT,
         '<message:Structure xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
         'xmlns:structure="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" '
         'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">\n',
         "  <message:Header>\n",
         "    <message:ID>MIGSTAT_CONSTRUCTED_CODELISTS</message:ID>\n",
         "    <message:Test>false</message:Test>\n",
         "    <message:Prepared>%s</message:Prepared>\n" % prepared,
         '    <message:Sender id="MIGSTAT" />\n',
         "  </message:Header>\n",
         "  <message:Structures>\n",
         "    <structure:Codelists>\n"]
    for cl in data["codelist"]:
        o.append('      <structure:Codelist id=%s agencyID=%s version=%s isFinal="true">\n'
                 % (quoteattr(cl["id"]), quoteattr(agency), quoteattr(version)))
        o.append(_name("        ", cl["name"]))
        for c in cl["codes"]:
            o.append('        <structure:Code id=%s>\n' % quoteattr(c["id"]))
            o.append(_name("          ", c["name"]))
            o.append("        </structure:Code>\n")
        o.append("      </structure:Codelist>\n")
    cs = data["concept_scheme"]
    o += ["    </structure:Codelists>\n",
          "    <structure:Concepts>\n",
          '      <structure:ConceptScheme id=%s agencyID=%s version=%s isFinal="true">\n'
          % (quoteattr(cs["id"]), quoteattr(agency), quoteattr(version)),
          _name("        ", cs["name"])]
    for c in cs["concepts"]:
        o += ['        <structure:Concept id=%s>\n' % quoteattr(c["id"]),
              _name("          ", c["name"]),
              "        </structure:Concept>\n"]
    o += ["      </structure:ConceptScheme>\n",
          "    </structure:Concepts>\n",
          "  </message:Structures>\n</message:Structure>\n"]
    return "".join(o)
