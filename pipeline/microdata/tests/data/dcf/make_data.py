"""Writes the Popstan data files of this folder (run: python3 make_data.py).

The lines are laid out by the positions of popstan.dcf; each field is padded to its
width and the line's trailing blanks are trimmed, as CSPro writes records.
"""

IDS = [("PROVINCE", 2), ("DISTRICT", 2), ("VILLAGE", 3), ("EA", 3), ("UR", 1),
       ("BUILDING", 3), ("HU", 3), ("HH", 1)]
PERSON = [("LINE", 2), ("P02_REL", 1), ("P03_SEX", 1), ("P04_AGE", 2), ("P05_MS", 1),
          ("P07_BIRTH", 2), ("P08_RES95", 2), ("P15_OCC", 2), ("P21_INCOME", 7),
          ("P00_NAME", 12)]
HOUSING = [("H01_TYPE", 1), ("H07_RENT", 3), ("H13_PERSONS", 4), ("H20_WEIGHT", 8),
           ("H21_ASSETS", 3)]


def line(record_type, ids, items, values):
    out = record_type
    for (name, width), value in zip(IDS, ids):
        out += value.rjust(width) if value.strip() else " " * width
    for (name, width) in items:
        value = values.get(name, "")
        # Numbers are right-aligned (zero filled when given so), text left-aligned.
        out += value.ljust(width) if name == "P00_NAME" else value.rjust(width)
    return out.rstrip(" ")


CASE_A = ["01", "02", "003", "004", "1", "005", "006", "1"]
CASE_B = ["01", "02", "003", "004", "1", "005", "007", "1"]
CASE_C = ["15", "18", "120", "044", "2", "999", "001", "1"]
CASE_D = ["15", "18", "120", "044", "2", "999", "002", "1"]

GOOD = [
    # Case A: CSPro's order, the persons first and the housing record after them.
    line("1", CASE_A, PERSON, dict(LINE="01", P02_REL="1", P03_SEX="1", P04_AGE="34", P05_MS="1",
                                   P07_BIRTH="05", P08_RES95="05", P15_OCC="61",
                                   P21_INCOME="1234.50", P00_NAME="José")),
    line("1", CASE_A, PERSON, dict(LINE="02", P02_REL="2", P03_SEX="2", P04_AGE="31", P05_MS="1",
                                   P07_BIRTH="22", P08_RES95="22", P21_INCOME="  -12.5",
                                   P00_NAME="Zoë")),
    # A child: no occupation, income or name; CSPro trims the blank tail.
    line("1", CASE_A, PERSON, dict(LINE="03", P02_REL="3", P03_SEX="1", P04_AGE="05", P05_MS="5",
                                   P07_BIRTH="05")),
    line("2", CASE_A, HOUSING, dict(H01_TYPE="1", H07_RENT="250", H13_PERSONS="0003",
                                    H20_WEIGHT="01234567", H21_ASSETS="128")),
    # Case B: the housing record first, then its person.
    line("2", CASE_B, HOUSING, dict(H01_TYPE="2", H07_RENT="999", H13_PERSONS="0001",
                                    H20_WEIGHT="00980000", H21_ASSETS="229")),
    line("1", CASE_B, PERSON, dict(LINE="01", P02_REL="1", P03_SEX="2", P04_AGE="67", P05_MS="4",
                                   P07_BIRTH="70", P08_RES95="70", P15_OCC="95",
                                   P21_INCOME="  800.0", P00_NAME="Anaïs")),
    # Case C: a vacant dwelling, no person.
    line("2", CASE_C, HOUSING, dict(H01_TYPE="1", H13_PERSONS="0000", H20_WEIGHT="00500000")),
    # Case D: a person whose case has no housing record.
    line("1", CASE_D, PERSON, dict(LINE="01", P02_REL="9", P03_SEX="1", P04_AGE="98", P05_MS="5",
                                   P07_BIRTH="00", P08_RES95="00", P15_OCC="02",
                                   P21_INCOME="0", P00_NAME="Ødegård")),
]

CASE_E = ["02", "01", "001", "001", "1", "001", "001", "1"]
CASE_F = ["02", "01", "001", "001", "1", "001", "002", "1"]
CASE_G = ["02", "01", "001", "001", "1", "001", "003", "1"]
BAD = [
    # Case E: an age that is not a number; the other person and the housing are fine.
    line("1", CASE_E, PERSON, dict(LINE="01", P02_REL="1", P03_SEX="1", P04_AGE="3x", P05_MS="1")),
    line("1", CASE_E, PERSON, dict(LINE="02", P02_REL="2", P03_SEX="2", P04_AGE="30", P05_MS="1")),
    line("2", CASE_E, HOUSING, dict(H01_TYPE="1", H07_RENT="100", H13_PERSONS="0002",
                                    H20_WEIGHT="00100000")),
    # Case F: the housing record has a weight that is not a number.
    line("1", CASE_F, PERSON, dict(LINE="01", P02_REL="1", P03_SEX="1", P04_AGE="40", P05_MS="1")),
    line("2", CASE_F, HOUSING, dict(H01_TYPE="1", H07_RENT="100", H13_PERSONS="0001",
                                    H20_WEIGHT="12AB5678")),
    # A record type the dictionary does not have.
    "7" + "".join(v.rjust(w) for (_, w), v in zip(IDS, CASE_F)) + "garbage",
    # Case G: two housing records.
    line("2", CASE_G, HOUSING, dict(H01_TYPE="1", H07_RENT="100", H13_PERSONS="0001",
                                    H20_WEIGHT="00100000")),
    line("1", CASE_G, PERSON, dict(LINE="01", P02_REL="1", P03_SEX="1", P04_AGE="50", P05_MS="1")),
    line("2", CASE_G, HOUSING, dict(H01_TYPE="2", H07_RENT="200", H13_PERSONS="0001",
                                    H20_WEIGHT="00200000")),
]

if __name__ == "__main__":
    # CSPro writes UTF-8 with a byte order mark, and CRLF line ends on Windows.
    with open("popstan.dat", "wb") as f:
        f.write(b"\xef\xbb\xbf" + "".join(l + "\r\n" for l in GOOD).encode("utf-8"))
    # The same records as an "ANSI" (Latin-1) file with LF line ends.
    with open("popstan_latin1.dat", "wb") as f:
        f.write("".join(l + "\n" for l in GOOD).encode("latin-1"))
    with open("popstan_bad.dat", "wb") as f:
        f.write("".join(l + "\n" for l in BAD).encode("utf-8"))
