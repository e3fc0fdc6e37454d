#!/usr/bin/env python3
"""Extract migstat's reference codelists from a REAL ILO SDMX-ML 2.1 structure message.

Produces, next to this script (or in --out-dir):
  ILO_codelists.xml  SDMX-ML 2.1 message:Structure with the codelists and concept schemes
                     below, copied verbatim (text slices of the source, CRLF -> LF).
  countries.csv      code,name,kind: ISO 3166-1 alpha-3 codes usable as country of
                     birth / citizenship (non-aggregate CL_AREA codes + former codes + XKX).
  age_bands.csv      code,min_age,max_age for the 16 AGE codes the contract publishes.
  country_detail.csv code,cbr,cct: for every country code accepted as country of birth or
                     citizenship (countries.csv, plus XXX and XXA), ILO's country-detail
                     code in CL_CBR (CBR_BRT_*) and CL_CCT (CCT_CTZ_*).

Usage:
  python3 codelists/extract_ilo_codelists.py [SOURCE_XML] [--out-dir DIR]

SOURCE_XML defaults to the recorded response of
  GET https://sdmx.ilo.org/rest/codelist/ILO/CL_ECO/latest?references=parentsandsiblings
(/work/shared/sdmx/ilo/ILO_codelist_CL_ECO_parentsandsiblings.xml). To refresh, fetch that
URL again (or any ILO structure message containing the same artefacts), save it, and rerun.
Python 3 stdlib only; output is deterministic for a given input.
"""
import argparse
import csv
import io
import os
import re
import sys
import xml.etree.ElementTree as ET

DEFAULT_SOURCE = "/work/shared/sdmx/ilo/ILO_codelist_CL_ECO_parentsandsiblings.xml"
SOURCE_URL = ("https://sdmx.ilo.org/rest/codelist/ILO/CL_ECO/latest"
              "?references=parentsandsiblings")
RECORDED = ("Recorded 2026-05-18 (message Prepared 2026-05-18T10:40:07+02:00,\n"
            "  NSI Web Service v8.19.6.0); taken from the requests-cache recording\n"
            "  recorded/8ef5b1633e82e0ac.json in GitHub khaeru/sdmx-test-data (commit cd78993)")

CODELISTS = ["CL_SEX", "CL_AGE", "CL_CBR", "CL_CCT", "CL_AREA", "CL_OBS_STATUS",
             "CL_UNIT_MEASURE_TYPE", "CL_UNIT_MEASURE", "CL_UNIT_MULT", "CL_MEASURE",
             "CL_FREQ", "CL_DECIMALS", "CL_EDU", "CL_ECO", "CL_OCU", "CL_STE"]
CONCEPT_SCHEMES = ["CS_ILOSTAT", "CS_CLASSIF_TYPE", "CS_NOTE_TYPE"]

# Codes the contract (contract.md section 5) needs.
AGE_CODES = [
    "AGE_YTHADULT_YGE15", "AGE_YTHADULT_Y15-64", "AGE_YTHADULT_Y15-24", "AGE_YTHADULT_YGE25",
    "AGE_AGGREGATE_TOTAL", "AGE_AGGREGATE_Y15-24", "AGE_AGGREGATE_Y25-54",
    "AGE_AGGREGATE_Y55-64", "AGE_AGGREGATE_YGE65",
    "AGE_10YRBANDS_TOTAL", "AGE_10YRBANDS_Y15-24", "AGE_10YRBANDS_Y25-34",
    "AGE_10YRBANDS_Y35-44", "AGE_10YRBANDS_Y45-54", "AGE_10YRBANDS_Y55-64",
    "AGE_10YRBANDS_YGE65",
]
REQUIRED = {
    "CL_SEX": ["SEX_T", "SEX_M", "SEX_F", "SEX_O"],
    "CL_AGE": AGE_CODES,
    "CL_CBR": ["CBR_BIR_TOTAL", "CBR_BIR_NATIVE", "CBR_BIR_FOREIGN", "CBR_BIR_X"],
    "CL_CCT": ["CCT_CIT_TOTAL", "CCT_CIT_CITIZEN", "CCT_CIT_NONCIT", "CCT_CIT_X"],
    "CL_MEASURE": ["MST_XWAP_NB", "MST_TEAP_NB", "MST_TEMP_NB", "MST_TUNE_NB", "MST_TEIP_NB",
                   "MST_TEAP_RT", "MST_TEMP_RT", "MST_TUNE_RT", "MST_TEIP_RT",
                   "MST_FORP_NB", "MST_FORE_NB", "MST_NCTP_NB", "MST_NCTE_NB"],
    # The breakdowns of schemas/dataflows.toml beyond the contract's.
    "CL_EDU": ["EDU_AGGREGATE_TOTAL", "EDU_AGGREGATE_LTB", "EDU_AGGREGATE_BAS",
               "EDU_AGGREGATE_INT", "EDU_AGGREGATE_ADV", "EDU_AGGREGATE_X"],
    "CL_ECO": ["ECO_ISIC4_TOTAL"] + ["ECO_ISIC4_" + c for c in "ABCDEFGHIJKLMNOPQRSTUX"],
    "CL_OCU": ["OCU_ISCO08_TOTAL"] + ["OCU_ISCO08_" + c for c in "0123456789X"],
    "CL_STE": ["STE_ICSE93_TOTAL"] + ["STE_ICSE93_" + c for c in "123456"],
    "CL_OBS_STATUS": ["C", "U"],
    "CL_UNIT_MEASURE_TYPE": ["NB", "RT"],
    "CL_UNIT_MEASURE": ["PS", "PT"],
    "CL_UNIT_MULT": ["0", "3"],
    "CL_FREQ": ["A", "Q", "M"],
    "CL_DECIMALS": ["1"],
}

# Former countries (ISO 3166-3) commonly met in country-of-birth data; added when absent
# from CL_AREA.
FORMER = [
    ("ANT", "Netherlands Antilles"),
    ("BUR", "Burma"),
    ("CSK", "Czechoslovakia"),
    ("DDR", "German Democratic Republic"),
    ("SCG", "Serbia and Montenegro"),
    ("SUN", "USSR"),
    ("TMP", "East Timor"),
    ("YUG", "Yugoslavia"),
    ("ZAR", "Zaire"),
]
USER_ASSIGNED = [("XKX", "Kosovo")]
# The contract's special codes (contract section 3), not countries: XXX = abroad / foreign,
# country not stated; XXA = stateless (a citizenship only, never a birthplace).
SPECIAL = {"XXX": (True, True), "XXA": (False, True)}
# Where a country has no code of its own in ILO's country detail (and for XXX, XXA), the
# person is counted in ILO's residual code "X" ("Other countries"), so that the detail
# still adds up to the foreign-born (non-citizen) total. ILO's own use of "X" for "not
# stated" is UNCONFIRMED; the codes themselves are ILO's.
RESIDUAL = {"CL_CBR": "CBR_BRT_X", "CL_CCT": "CCT_CTZ_X"}

NS = {
    "message": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "structure": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "common": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
S = "{%s}" % NS["structure"]
C = "{%s}" % NS["common"]


def slice_block(text, tag, ident):
    """Return the exact source text of <structure:TAG id="IDENT" ...> ... </structure:TAG>,
    including its leading indentation, plus a trailing newline."""
    m = re.search(r'(?m)^[ \t]*<structure:%s id="%s"[ >]' % (tag, re.escape(ident)), text)
    if not m:
        sys.exit("error: %s %s not found in source" % (tag, ident))
    end = text.find("</structure:%s>" % tag, m.end())
    if end < 0:
        sys.exit("error: unterminated %s %s" % (tag, ident))
    end += len("</structure:%s>" % tag)
    return text[m.start():end] + "\n"


def canon(elem):
    """Canonical form of an element tree (tags, sorted attributes, stripped text)."""
    return (elem.tag, tuple(sorted(elem.attrib.items())), (elem.text or "").strip(),
            tuple(canon(c) for c in elem))


def build_message(text):
    header = re.search(r"(?s)[ \t]*<message:Header>.*?</message:Header>\n", text)
    if not header:
        sys.exit("error: no message:Header in source")
    root_open = re.search(r"<message:Structure\b[^>]*>", text).group(0)
    banner = re.search(r"<!--\s*(NSI Web Service[^>]*?)\s*-->", text)
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           "<!--\n"
           "  ILO SDMX codelists and concept schemes used by migstat - REAL ILO artefacts,\n"
           "  copied verbatim (element for element) from the ILO SDMX web service response to\n"
           "    GET %s\n"
           "  %s.\n"
           "  Selection: %s;\n"
           "             %s.\n"
           "  Only change made: CRLF line ends -> LF; other artefacts of the response omitted.\n"
           "  Note: CS_CLASSIF_TYPE concepts also reference codelists not included here\n"
           "  (CL_MIG, CL_COU, CL_INS, ...).\n"
           "  Regenerate with: python3 codelists/extract_ilo_codelists.py [SOURCE_XML]\n"
           "-->\n" % (SOURCE_URL, RECORDED, ", ".join(CODELISTS[:6]) + ",\n             "
                      + ", ".join(CODELISTS[6:]), ", ".join(CONCEPT_SCHEMES))]
    if banner:
        out.append("<!--%s-->\n" % banner.group(1))
    out.append(root_open + "\n")
    out.append(header.group(0))
    out.append("  <message:Structures>\n    <structure:Codelists>\n")
    src_order = [m.group(1) for m in
                 re.finditer(r'<structure:Codelist id="([^"]+)"', text)]
    for cl in sorted(CODELISTS, key=src_order.index):  # keep the source order
        out.append(slice_block(text, "Codelist", cl))
    out.append("    </structure:Codelists>\n    <structure:Concepts>\n")
    cs_order = [m.group(1) for m in
                re.finditer(r'<structure:ConceptScheme id="([^"]+)"', text)]
    for cs in sorted(CONCEPT_SCHEMES, key=cs_order.index):
        out.append(slice_block(text, "ConceptScheme", cs))
    out.append("    </structure:Concepts>\n  </message:Structures>\n</message:Structure>\n")
    return "".join(out)


def codelist_elems(root):
    return {cl.get("id"): cl for cl in root.iter(S + "Codelist")}


def annotations(code):
    res = {}
    for a in code.iter(C + "Annotation"):
        res[a.findtext(C + "AnnotationType")] = a.findtext(C + "AnnotationTitle")
    return res


def en_name(elem):
    for n in elem.findall(C + "Name"):
        if n.get(XML_LANG) == "en":
            return n.text
    return None


def build_countries(area):
    rows, skipped = [], []
    for code in area.findall(S + "Code"):
        cid = code.get("id")
        if cid == "_Z" or annotations(code).get("GROUP") == "Y":
            continue
        if not re.fullmatch(r"[A-Z]{3}", cid):
            # e.g. X80/X94/X95/X96: regional income groups flagged GROUP=N by ILO.
            skipped.append("%s (%s)" % (cid, en_name(code)))
            continue
        rows.append((cid, en_name(code), "CL_AREA"))
    have = {r[0] for r in rows}
    for cid, name in FORMER:
        if cid not in have:
            rows.append((cid, name, "ISO3166-3 former"))
    for cid, name in USER_ASSIGNED:
        if cid not in have:
            rows.append((cid, name, "user-assigned"))
    rows.sort()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "kind"])
    w.writerows(rows)
    return buf.getvalue(), rows, skipped


def age_bounds(code, name):
    m = re.fullmatch(r"AGE_[A-Z0-9]+_(?:Y(\d+)-(\d+)|YGE(\d+)|(TOTAL))", code)
    if not m:
        sys.exit("error: cannot parse age band %s" % code)
    if m.group(4):  # contract: every _TOTAL means 15 and over
        lo, hi, expect = 15, None, "Total"
    elif m.group(3):
        lo, hi = int(m.group(3)), None
        expect = "%d+" % lo
    else:
        lo, hi = int(m.group(1)), int(m.group(2))
        expect = "%d-%d" % (lo, hi)
    if name != expect:
        sys.exit("error: %s is named %r in CL_AGE, expected %r" % (code, name, expect))
    return lo, hi


def build_country_detail(rows, cbr, cct):
    """code,cbr,cct for every accepted country code and the special codes: the ILO
    country-detail code (CBR_BRT_<code>, CCT_CTZ_<code>) where CL_CBR / CL_CCT have it,
    else the residual X code; cbr empty where the code is no birthplace (XXA)."""
    have = {"CL_CBR": {c.get("id") for c in cbr.findall(S + "Code")},
            "CL_CCT": {c.get("id") for c in cct.findall(S + "Code")}}
    for cl, code in RESIDUAL.items():
        if code not in have[cl]:
            sys.exit("error: %s has no residual code %s" % (cl, code))

    def detail(cl, prefix, code):
        own = prefix + code
        return own if own in have[cl] else RESIDUAL[cl]

    out, residual = [], []
    for code in sorted([r[0] for r in rows] + list(SPECIAL)):
        birth, citizenship = SPECIAL.get(code, (True, True))
        b = detail("CL_CBR", "CBR_BRT_", code) if birth and code not in SPECIAL else (
            RESIDUAL["CL_CBR"] if birth else "")
        c = detail("CL_CCT", "CCT_CTZ_", code) if code not in SPECIAL else RESIDUAL["CL_CCT"]
        if code not in SPECIAL and (b == RESIDUAL["CL_CBR"] or c == RESIDUAL["CL_CCT"]):
            residual.append(code)
        out.append((code, b, c))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "cbr", "cct"])
    w.writerows(out)
    return buf.getvalue(), residual


def build_age_bands(age):
    names = {c.get("id"): en_name(c) for c in age.findall(S + "Code")}
    order = [c.get("id") for c in age.findall(S + "Code")]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "min_age", "max_age"])
    for code in sorted((c for c in AGE_CODES if c in names), key=order.index):
        lo, hi = age_bounds(code, names[code])
        w.writerow([code, lo, "" if hi is None else hi])
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", nargs="?", default=DEFAULT_SOURCE)
    ap.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()

    with open(args.source, encoding="utf-8") as f:
        text = f.read().replace("\r\n", "\n")
    src_root = ET.fromstring(text.encode("utf-8"))

    msg = build_message(text)
    out_root = ET.fromstring(msg.encode("utf-8"))

    # Element-for-element check against the source.
    src_cl, out_cl = codelist_elems(src_root), codelist_elems(out_root)
    for cl in CODELISTS:
        assert canon(src_cl[cl]) == canon(out_cl[cl]), cl
    src_cs = {c.get("id"): c for c in src_root.iter(S + "ConceptScheme")}
    out_cs = {c.get("id"): c for c in out_root.iter(S + "ConceptScheme")}
    for cs in CONCEPT_SCHEMES:
        assert canon(src_cs[cs]) == canon(out_cs[cs]), cs
    assert sorted(out_cl) == sorted(CODELISTS) and sorted(out_cs) == sorted(CONCEPT_SCHEMES)

    missing = []
    for cl, codes in REQUIRED.items():
        have = {c.get("id") for c in out_cl[cl].findall(S + "Code")}
        missing += ["%s:%s" % (cl, c) for c in codes if c not in have]

    countries, rows, skipped = build_countries(out_cl["CL_AREA"])
    ages = build_age_bands(out_cl["CL_AGE"])
    detail, residual = build_country_detail(rows, out_cl["CL_CBR"], out_cl["CL_CCT"])

    for name, content in (("ILO_codelists.xml", msg), ("countries.csv", countries),
                          ("age_bands.csv", ages), ("country_detail.csv", detail)):
        with open(os.path.join(args.out_dir, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(content)

    for cl in CODELISTS:
        print("%-22s %4d codes" % (cl, len(out_cl[cl].findall(S + "Code"))))
    for cs in CONCEPT_SCHEMES:
        print("%-22s %4d concepts" % (cs, len(out_cs[cs].findall(S + "Concept"))))
    kinds = {}
    for r in rows:
        kinds[r[2]] = kinds.get(r[2], 0) + 1
    print("countries.csv: %d rows %s" % (len(rows), kinds))
    if skipped:
        print("CL_AREA non-group codes skipped (not alpha-3): " + ", ".join(skipped))
    print("country_detail.csv: counted in the residual X (no ILO detail code): "
          + ", ".join(residual))
    if missing:
        print("MISSING required codes: " + ", ".join(missing))
        return 1
    print("all required codes present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
