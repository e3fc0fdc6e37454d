"""Writes the SPSS and Stata files that the migstat-microdata tests read, with tools
other than migstat, and next to each file the values pyreadstat reads from it (the oracle).

    .venv/bin/python pipeline/microdata/tests/data/make_files.py

Writers: pyreadstat (ReadStat) and pandas for .sav/.zsav/.dta, GNU PSPP (`pspp`, Debian
package `pspp`) for windows-1252 and very long string .sav files. One big-endian .sav is
made by byte-swapping a little-endian one (no tool on this machine writes big-endian
system files); pyreadstat and PSPP must read it exactly as the original, which the script
checks before writing anything. Values read by PSPP (`pspp-convert` to CSV) are checked
against pyreadstat's for every .sav: a second oracle.

For each data file `F` the script writes `F.expected.json`:
  {"writer", "oracle", "format"/"compression"/"byte_order"/"encoding" as the writer set
   them, "file_label", "records", "variables": [{"name", "label", "storage",
   "value_labels": {value: label}, "missing": [[low, high], ...]}], "values": [[...]]}
Numbers are JSON numbers (missing: null); value label keys are numbers as text (integers
without ".0"); missing values are [low, high] pairs as text ("-inf" for SPSS LO), a
discrete value being a pair of equal values.

The generated files are committed; the Rust tests need neither Python nor PSPP.
"""

import csv
import gzip
import io
import json
import math
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

HERE = Path(__file__).resolve().parent
SAV = HERE / "sav"
DTA = HERE / "dta"
ORACLE = f"pyreadstat {pyreadstat.__version__}"


# --- The data -------------------------------------------------------------------------

def survey_frame() -> pd.DataFrame:
    """Ten persons of a labour force survey, with every kind of value the readers meet."""
    return pd.DataFrame(
        {
            "person_id": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "sex": [1.0, 2, 2, 1, 1, 2, np.nan, 1, 2, 1],
            # 98 and 99 are declared user-missing; NaN is system-missing.
            "age": [34.0, 0, 98, 99, np.nan, 17, 65, 120, 45, 3],
            "income": [120.5, -2.25, 0.001, 1234567.891, np.nan, -5, 0, 2500, 1e9, 33.3333],
            "country_of_birth": ["FRA", "CIV", "ZZZ", "", "BRA", "FRA", "IND", "CIV", "ZZZ", "PHL"],
            "city": [
                "São Paulo", "Zürich", "東京", "Ñuñoa", "", "Kraków",
                "Düsseldorf", "Bogotá", "Reykjavík", "Αθήνα",
            ],
            # Longer than 255 bytes: stored as segments of a very long string.
            "migration_story": [
                "é" * 200, "x" * 300, "short", "", "ab" * 150, "Left in 2019; " * 30,
                "y", "ünïcödé " * 40, "z" * 255, "w" * 256,
            ],
        }
    )


SURVEY_LABELS = {
    "person_id": "Person identifier",
    "sex": "Sex",
    "age": "Age in completed years",
    "income": "Monthly income (local currency)",
    "country_of_birth": "Country of birth (ISO 3166 alpha-3)",
    "city": "City of residence – free text",
    "migration_story": None,
}
SURVEY_VALUE_LABELS = {
    "sex": {1: "Male", 2: "Female"},
    "age": {98: "Don't know", 99: "Not stated", 0: "Less than one year"},
    "income": {0: "No income", 120.5: "One hundred twenty and a half"},
    "country_of_birth": {"FRA": "France", "CIV": "Côte d'Ivoire", "ZZZ": "Unknown"},
}
SURVEY_MISSING = {
    "age": [98, 99],
    "income": [{"lo": -9, "hi": -1}],
    "country_of_birth": ["ZZZ"],
}


def stata_frame(version: int) -> pd.DataFrame:
    """Every Stata storage type, with missing values; text in what the format can hold."""
    latin = version < 118
    return pd.DataFrame(
        {
            "hh_id": pd.Series([1, 2, 3, 4, 5, 6], dtype="int32"),
            # Nullable integers: pandas writes <NA> as the type's missing code `.`
            # (101 for byte, 32,741 for int, 2,147,483,621 for long).
            "sex": pd.array([1, 2, 2, None, 2, 1], dtype="Int8"),
            "age": pd.array([34, 0, 100, -127, None, 17], dtype="Int16"),
            "year_arrived": pd.array([2019, None, 1999, 2022, 1970, 2010], dtype="Int32"),
            "hours": pd.Series([40.0, 0.1, np.nan, 37.5, -1.25, 1e10], dtype="float32"),
            "weight": [1234.5678, 0.0001, 99999.99, np.nan, 1.0, 250.25],
            "city": (
                ["Zürich", "Bogotá", "", "Kraków" if not latin else "Crac", "Reykjavík", "Paris"]
                if latin
                else ["Zürich", "Bogotá", "", "東京", "Αθήνα", "Paris"]
            ),
        }
    )


STATA_VARIABLE_LABELS = {
    "hh_id": "Household identifier",
    "sex": "Sex of the person",
    "age": "Age (années)",
    "hours": "Hours worked last week",
    "city": "City of residence",
}
STATA_VALUE_LABELS = {"sex": {1: "Male", 2: "Female"}, "age": {0: "Under one", 100: "100 or more"}}


# --- The oracle -----------------------------------------------------------------------

def number_text(x: float) -> str:
    """A number as migstat-microdata writes it: integers without '.0'."""
    if isinstance(x, str):
        return x
    x = float(x)
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def json_value(x, storage: str):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if storage == "string":
        return str(x)
    return float(x)


def oracle(path: Path, reader, writer: str, **facts) -> dict:
    """What pyreadstat reads from `path`, as `path.expected.json` records it."""
    data, meta = reader(str(path), user_missing=True, disable_datetime_conversion=True)
    # User-missing values are kept as values (the readers report them, not drop them);
    # Stata's .a-.z come back as letters with user_missing=True: they read as missing.
    plain, _ = reader(str(path), user_missing=False, disable_datetime_conversion=True)
    variables = []
    for name, label in zip(meta.column_names, meta.column_labels):
        storage = meta.readstat_variable_types[name]
        missing = []
        for entry in meta.missing_ranges.get(name, []):
            missing.append([number_text(entry["lo"]), number_text(entry["hi"])])
        variables.append(
            {
                "name": name,
                "label": label or None,
                "storage": storage,
                "value_labels": {
                    number_text(k): v for k, v in meta.variable_value_labels.get(name, {}).items()
                },
                "missing": sorted(missing),
            }
        )
    values = []
    for i in range(len(data)):
        row = []
        for v in variables:
            source = plain if path.suffix == ".dta" else data
            row.append(json_value(source[v["name"]].iloc[i], v["storage"]))
        values.append(row)
    expected = {
        "file": path.name,
        "writer": writer,
        "oracle": ORACLE,
        **facts,
        "file_label": meta.file_label or None,
        "records": meta.number_rows,
        "variables": variables,
        "values": values,
    }
    out = path.with_name(path.name + ".expected.json")
    out.write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return expected


def check_with_pspp(path: Path, expected: dict) -> None:
    """The second oracle: PSPP's CSV export of a .sav must hold the same values."""
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "out.csv"
        subprocess.run(["pspp-convert", str(path), str(csv_path)], check=True, capture_output=True)
        rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    assert [h.lower() for h in header] == [v["name"].lower() for v in expected["variables"]], (
        path, header)
    assert len(body) == len(expected["values"]), path
    for r, (theirs, ours) in enumerate(zip(body, expected["values"])):
        for c, (text, value) in enumerate(zip(theirs, ours)):
            storage = expected["variables"][c]["storage"]
            if storage == "string":
                assert text.rstrip(" ") == (value or ""), (path, r, c, text, value)
            elif value is None:
                assert text.strip() in ("", "."), (path, r, c, text)
            else:
                # PSPP writes numbers with their print format's decimals.
                assert math.isclose(float(text), value, rel_tol=1e-6, abs_tol=1e-2), (
                    path, r, c, text, value)


# --- SPSS -----------------------------------------------------------------------------

def write_pyreadstat_sav(name: str, **options) -> Path:
    path = SAV / name
    pyreadstat.write_sav(
        survey_frame(),
        str(path),
        file_label="Labour force survey, test extract",
        column_labels=SURVEY_LABELS,
        variable_value_labels=SURVEY_VALUE_LABELS,
        missing_ranges=SURVEY_MISSING,
        note=["Written by make_files.py", "Second line of the document"],
        **options,
    )
    return path


PSPP_SYNTAX = """
SET LOCALE='{encoding}'.
DATA LIST LIST /id (F4.0) city (A20) note (A600) code (A12) score (F8.2) LongVariableName (F6.1).
BEGIN DATA
1 "São Tomé" "{long_note}" "ABCDEFGHIJ" 12.5 1.5
2 "Zürich" "€ price — “quoted” text" "XYZ" -9 -2.5
3 "" "" "" 99 0
4 "Reykjavík" "{long_note2}" "ABCDEFGHIJ" 55.25 .
END DATA.
VARIABLE LABELS city 'Ville de résidence' score 'Score (é)' LongVariableName 'A name longer than eight bytes'.
VALUE LABELS code 'ABCDEFGHIJ' 'Dix lettres à' 'XYZ' 'Refusé' / score 99 'Non déclaré' 12.5 'douze et demi'.
MISSING VALUES code ('XYZ') score (LO THRU -1, 99).
FILE LABEL Enquête emploi, extrait.
DOCUMENT Ceci est un document: café.
SAVE OUTFILE='{out}' /{compression}.
"""


def write_pspp_sav(name: str, encoding: str, compression: str) -> Path:
    path = SAV / name
    long_note = "Émigré en 2019, revenu au pays " * 19  # 589 characters, > 2 segments
    long_note2 = "à" * 252 + "b" * 10  # a multi-byte character across the first segment end
    with tempfile.TemporaryDirectory() as tmp:
        syntax = Path(tmp) / "make.sps"
        syntax.write_text(
            PSPP_SYNTAX.format(
                encoding=encoding, out=path, compression=compression,
                long_note=long_note, long_note2=long_note2,
            ),
            encoding="utf-8",
        )
        subprocess.run(["pspp", "-o", str(Path(tmp) / "log.txt"), str(syntax)], check=True)
    return path


def swap_sav_to_big_endian(source: Path, target: Path) -> None:
    """Rewrites an uncompressed little-endian system file in big-endian byte order,
    record by record, following the PSPP Developers Guide's record layouts."""
    b = source.read_bytes()
    out = bytearray()
    pos = 0

    def take(n):
        nonlocal pos
        chunk = b[pos:pos + n]
        assert len(chunk) == n, "truncated"
        pos += n
        return chunk

    def i32(swap=True):
        raw = take(4)
        (v,) = struct.unpack("<i", raw)
        out.extend(struct.pack(">i", v) if swap else raw)
        return v

    def f64():
        out.extend(struct.pack(">d", struct.unpack("<d", take(8))[0]))

    def copy(n):
        out.extend(take(n))

    copy(4)      # $FL2
    copy(60)     # product
    for _ in range(5):
        i32()    # layout, case size, compression, weight, ncases
    assert struct.unpack(">i", out[72:76])[0] == 0, "only uncompressed files"
    f64()        # bias
    copy(84)     # date, time, label, padding
    slot_is_number = []
    while True:
        rec = i32()
        if rec == 2:
            kind = i32(); has_label = i32(); n_missing = i32(); i32(); i32(); copy(8)
            slot_is_number.append(kind == 0)
            if has_label:
                n = i32(); copy((n + 3) // 4 * 4)
            for _ in range(abs(n_missing)):
                f64() if kind == 0 else copy(8)
        elif rec == 3:
            count = i32()
            values = []
            for _ in range(count):
                values.append(len(out)); copy(8)
                n = take(1)[0]; out.append(n); copy((n + 1 + 7) // 8 * 8 - 1)
            assert i32() == 4
            indexes = [i32() for _ in range(i32())]
            if slot_is_number[indexes[0] - 1]:
                for at in values:
                    out[at:at + 8] = out[at:at + 8][::-1]
        elif rec == 6:
            copy(80 * i32())
        elif rec == 7:
            subtype, size, count = i32(), i32(), i32()
            if subtype in (21, 22):
                end = pos + size * count
                while pos < end:
                    copy(i32())                      # variable name
                    if subtype == 21:
                        i32()                        # width
                        for _ in range(i32()):       # labels
                            copy(i32()); copy(i32())
                    else:
                        n = take(1)[0]; out.append(n); width = i32(); copy(n * width)
            elif size == 4:
                for _ in range(count):
                    i32()
            elif size == 8:
                for _ in range(count):
                    f64()
            else:
                copy(size * count)
        elif rec == 999:
            i32()
            break
        else:
            raise ValueError(f"record type {rec}")
    while pos < len(b):
        for is_number in slot_is_number:
            f64() if is_number else copy(8)
    target.write_bytes(bytes(out))


def make_sav_files() -> list:
    made = []
    for name, options, compression in [
        ("pyreadstat_uncompressed.sav", {}, "none"),
        ("pyreadstat_bytecode.sav", {"row_compress": True}, "bytecode"),
        ("pyreadstat_zlib.zsav", {"compress": True}, "zlib"),
    ]:
        path = write_pyreadstat_sav(name, **options)
        made.append(oracle(path, pyreadstat.read_sav, f"pyreadstat {pyreadstat.__version__} "
                           f"write_sav({options})", compression=compression,
                           byte_order="little", encoding="UTF-8"))

    little = SAV / "pyreadstat_uncompressed.sav"
    big = SAV / "pyreadstat_bigendian.sav"
    swap_sav_to_big_endian(little, big)
    assert big.read_bytes()[64:68] == b"\x00\x00\x00\x02", "layout code not swapped"
    made.append(oracle(big, pyreadstat.read_sav, "make_files.py: pyreadstat_uncompressed.sav "
                       "byte-swapped record by record", compression="none",
                       byte_order="big", encoding="UTF-8"))
    little_expected = json.loads((SAV / (little.name + ".expected.json")).read_text())
    for key in ("variables", "values", "records", "file_label"):
        assert made[-1][key] == little_expected[key], f"big-endian copy differs in {key}"

    for name, encoding, compression, kind in [
        ("pspp_windows1252.sav", "windows-1252", "UNCOMPRESSED", "none"),
        ("pspp_windows1252_bytecode.sav", "windows-1252", "COMPRESSED", "bytecode"),
        ("pspp_utf8_zlib.zsav", "UTF-8", "ZCOMPRESSED", "zlib"),
    ]:
        path = write_pspp_sav(name, encoding, compression)
        made.append(oracle(path, pyreadstat.read_sav, f"GNU PSPP ({compression})",
                           compression=kind, byte_order="little", encoding=encoding))

    for expected in made:
        check_with_pspp(SAV / expected["file"], expected)
    return made


def make_big_sav() -> None:
    """200,000 records for the streaming test. The values repeat every 100 records so
    that the ZLIB-compressed file stays small in the repository."""
    n = 200_000
    i = np.arange(n)
    frame = pd.DataFrame(
        {
            "position": (i % 100).astype(float),
            "code": (i % 5).astype(float),
            "label": np.where(i % 4 == 0, "migrant", "non-migrant"),
        }
    )
    pyreadstat.write_sav(frame, str(SAV / "pyreadstat_200k.zsav"), compress=True,
                         variable_value_labels={"code": {0: "zero", 4: "four"}})


# --- Stata ----------------------------------------------------------------------------

def make_dta_files() -> list:
    made = []
    for version in (114, 117, 118, 119):
        for order in ("little", "big"):
            path = DTA / f"pandas_{version}_{'lsf' if order == 'little' else 'msf'}.dta"
            frame = stata_frame(version)
            strl = None
            if version >= 117:
                # pandas writes format 117 strLs in UTF-8 but its other strings in
                # Latin-1: keep format 117's strLs ASCII so that the file is consistent.
                accent = "é" if version >= 118 else "e"
                frame["story"] = ["", "x" * 3000, accent * 2100, "short strL", "x" * 3000, ""]
                strl = ["story"]
            frame.to_stata(
                path, version=version, write_index=False, byteorder=order,
                convert_strl=strl, variable_labels=STATA_VARIABLE_LABELS,
                value_labels=STATA_VALUE_LABELS, data_label="Enquête, extrait",
            )
            made.append(oracle(path, pyreadstat.read_dta,
                               f"pandas {pd.__version__} to_stata(version={version}, "
                               f"byteorder={order!r})", format=version, byte_order=order,
                               encoding="UTF-8" if version >= 118 else "windows-1252"))

    # pyreadstat writes every number as long or double, and strings over 2045 bytes as strL.
    for stata, version in ((8, 113), (12, 115), (13, 117), (14, 118), (15, 119)):
        path = DTA / f"pyreadstat_{version}.dta"
        frame = pd.DataFrame(
            {
                "person": [1.0, 2, 3, 4, 5],
                # Extended missing values .a and .z, and system missing.
                "status": pd.Series([1.0, "a", np.nan, "z", 2.0], dtype=object),
                "income": [120.5, -2.25, np.nan, 0.001, 1e9],
                "name": ["Ana", "Bo", "", "Chidi", "Dương" if version >= 118 else "Dan"],
            }
        )
        if version >= 117:
            frame["note"] = ["n" * 3000, "", "short", "m" * 2046, ""]
        pyreadstat.write_dta(
            frame, str(path), version=stata, file_label="pyreadstat extract",
            column_labels={"person": "Person number", "status": "Status in employment"},
            variable_value_labels={"status": {1: "Employee", 2: "Self-employed"}},
            missing_user_values={"status": ["a", "z"]},
        )
        assert path.read_bytes()[0] == version or path.read_bytes()[28:31] == str(version).encode()
        made.append(oracle(path, pyreadstat.read_dta,
                           f"pyreadstat {pyreadstat.__version__} write_dta(version={stata})",
                           format=version, byte_order="little",
                           encoding="UTF-8" if version >= 118 else "windows-1252"))

    # Cross-check: pandas' own reader sees the same values (a second oracle).
    for expected in made:
        theirs = pd.read_stata(DTA / expected["file"], convert_categoricals=False,
                               convert_missing=False)
        for r, row in enumerate(expected["values"]):
            for c, value in enumerate(row):
                other = theirs.iloc[r, c]
                if value is None:
                    assert pd.isna(other) or other == "", (expected["file"], r, c, other)
                elif isinstance(value, str):
                    assert other == value, (expected["file"], r, c, other, value)
                else:
                    assert math.isclose(float(other), value, rel_tol=1e-7), (expected["file"], r, c)
    return made


def make_big_dta() -> None:
    """200,000 observations (format 118) for the streaming test, gzipped for the
    repository (the values repeat every 100 observations)."""
    n = 200_000
    i = np.arange(n)
    frame = pd.DataFrame(
        {
            "position": (i % 100).astype("int32"),
            "code": (i % 5).astype("int8"),
            "share": (i % 100 / 4).astype("float32"),
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.dta"
        frame.to_stata(path, version=118, write_index=False,
                       value_labels={"code": {0: "zero", 4: "four"}},
                       time_stamp=pd.Timestamp("2026-01-01").to_pydatetime())
        with open(path, "rb") as raw, open(DTA / "pandas_118_200k.dta.gz", "wb") as target:
            with gzip.GzipFile(fileobj=target, mode="wb", mtime=0) as gz:
                shutil.copyfileobj(raw, gz)


def main() -> None:
    if shutil.which("pspp") is None:
        sys.exit("GNU PSPP is needed for the windows-1252 files: apt-get install pspp")
    SAV.mkdir(exist_ok=True)
    DTA.mkdir(exist_ok=True)
    made = make_sav_files() + make_dta_files()
    make_big_sav()
    make_big_dta()
    for expected in made:
        print(f"{expected['file']}: {expected['records']} records, "
              f"{len(expected['variables'])} variables ({expected['writer']})")


if __name__ == "__main__":
    main()
