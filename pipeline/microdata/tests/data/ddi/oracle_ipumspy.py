"""Expected records of the IPUMS extracts of this folder, as ipumspy 0.9.0 reads them.

ipumspy (PyPI, Apache-2.0) is IPUMS' own Python reader of its DDI codebooks and
fixed-width extracts, written independently of this crate. This script reads

- the hierarchical extract cps_00159.dat: ipumspy gives one table per record type; each
  person (P) is joined to the household (H) with the same SERIAL (the codebook's keyvar),
  which is what `FixedWidthReader` must give for `options_for("P", &["H"])`;
- the rectangular extract cps_00160.dat as it is.

Numbers are written in their shortest form (`1543.39`, `4500`), as this crate writes them.

Run: .venv/bin/python oracle_ipumspy.py   (writes expected_*_ipumspy.csv)
"""
import csv
import warnings

import pandas as pd
from ipumspy import readers

warnings.simplefilter("ignore")  # ipumspy's reminder to cite IPUMS; README.md does.


def text(value):
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def write(frame, path):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(frame.columns)
        for row in frame.itertuples(index=False):
            writer.writerow([text(v) for v in row])


ddi = readers.read_ipums_ddi("cps_00159.xml")
tables = readers.read_hierarchical_microdata(ddi, "cps_00159.dat")
key = ddi.file_description.rectype_keyvar
household = tables["H"].drop(columns=["RECTYPE", "YEAR"])
persons = tables["P"].merge(household, on=key, how="left")
order = [v.name for v in ddi.data_description if v.name in persons.columns]
write(persons[order], "expected_person_ipumspy.csv")

ddi = readers.read_ipums_ddi("cps_00160.xml")
write(readers.read_microdata(ddi, "cps_00160.dat"), "expected_rectangular_ipumspy.csv")
