"""Expected person records of popstan.dat, as pycspro 1.1.0 reads them.

pycspro (PyPI, MIT; a CSPro dictionary and case parser written independently of this
crate) cuts each record of each case by the dictionary's Start/Len. This script groups the
lines of popstan.dat into cases by their id items, lets pycspro cut the PERSON and HOUSING
records, and joins each person to the housing record of its case: the output is what
`FixedWidthReader` must give for `options_for("PERSON", &["HOUSING"])`.

pycspro does not apply implied decimals (CSPro `Decimal` without `DecimalChar`): the
weight H20_WEIGHT (Decimal=4) is divided by 10^4 here. It reads one occurrence of a
repeated item only: H21_ASSETS is its first occurrence, H21_ASSETS_1 in our layout.

Run: .venv/bin/python oracle_pycspro.py   (writes expected_person_pycspro.csv)
"""
import csv
from collections import OrderedDict

import pandas as pd
from pycspro import CaseParser, DictionaryParser

dictionary = DictionaryParser(open("popstan.dcf", encoding="utf-8").read()).parse()
lines = open("popstan.dat", encoding="utf-8-sig").read().splitlines()
cases = OrderedDict()
for line in lines:
    cases.setdefault(line[1:19], []).append(line)
tables = CaseParser(dictionary).parse(["\n".join(records) for records in cases.values()])

# pycspro puts the id items in a table of their own (one row per case), keyed by CASE_ID.
questionnaire = pd.DataFrame(tables[dictionary["Dictionary"]["Level"]["Name"]])
person = questionnaire.merge(pd.DataFrame(tables["PERSON"]), on="CASE_ID")
housing = pd.DataFrame(tables["HOUSING"])
housing["H20_WEIGHT"] = housing["H20_WEIGHT"] / 10**4
housing = housing.rename(columns={"H21_ASSETS": "H21_ASSETS_1"})
joined = person.merge(housing, on="CASE_ID", how="left").drop(columns=["CASE_ID"])


def text(value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


with open("expected_person_pycspro.csv", "w", newline="", encoding="utf-8") as out:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(joined.columns)
    for row in joined.itertuples(index=False):
        writer.writerow([text(v) for v in row])
