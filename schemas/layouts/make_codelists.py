#!/usr/bin/env python3
"""Writes the national-to-ISO code lists the built-in layouts use (run from anywhere).

- codelists/iso3166_alpha2.csv: ISO 3166-1 alpha-2 -> alpha-3, every current code, from
  Debian's iso-codes package (/usr/share/iso-codes/json/iso_3166-1.json). Eurostat's own
  deviations (EL for Greece, UK for the United Kingdom) are not ISO codes: the eu-lfs layout
  maps them itself.
- codelists/ipums_bplcountry.csv: IPUMS-International BPLCOUNTRY (5 digits) -> alpha-3, a
  documented SUBSET: the countries of the bundled fixtures plus common origins, copied from
  the BPLCOUNTRY value labels of IPUMS-I extract do-files (label define bplcountry_lbl).
  Regions, "other or n.s." codes and historical units (USSR, Yugoslavia, Czechoslovakia) are
  deliberately absent: they have no alpha-3 and are rejected (layout.code) unless a layout
  maps them. 31030 "Korea" (not split North/South) is absent for the same reason.
"""
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

IPUMS_BPLCOUNTRY = {
    # Africa
    "11060": "KEN", "11160": "UGA", "11170": "TZA", "11190": "ZWE", "12060": "COD",
    "13020": "EGY", "13040": "MAR", "13050": "SDN", "14040": "ZAF", "15060": "GHA",
    "15130": "NGA", "15150": "SEN",
    # Americas
    "21080": "CUB", "21100": "DOM", "21130": "HTI", "21140": "JAM", "22060": "MEX",
    "22030": "SLV", "22040": "GTM", "22050": "HND", "22070": "NIC", "23010": "ARG",
    "23020": "BOL", "23030": "BRA", "23040": "CHL", "23050": "COL", "23060": "ECU",
    "23100": "PRY", "23110": "PER", "23130": "URY", "23140": "VEN", "24020": "CAN",
    "24040": "USA",
    # Asia
    "31010": "CHN", "31011": "HKG", "31012": "MAC", "31013": "TWN", "31020": "JPN",
    "31031": "PRK", "31032": "KOR", "31040": "MNG", "32010": "AFG", "32020": "BGD",
    "32040": "IND", "32050": "IRN", "32090": "NPL", "32100": "PAK", "32110": "LKA",
    "33010": "BRN", "33020": "KHM", "33030": "TLS", "33040": "IDN", "33050": "LAO",
    "33060": "MYS", "33070": "MMR", "33080": "PHL", "33090": "SGP", "33100": "THA",
    "33110": "VNM", "34030": "BHR", "34060": "IRQ", "34070": "ISR", "34080": "JOR",
    "34090": "KWT", "34100": "LBN", "34120": "OMN", "34130": "QAT", "34140": "SAU",
    "34150": "SYR", "34160": "TUR", "34170": "ARE", "34180": "YEM",
    # Europe
    "41050": "POL", "41070": "ROU", "41080": "RUS", "41100": "UKR", "42060": "IRL",
    "42110": "SWE", "42120": "GBR", "43060": "GRC", "43070": "ITA", "43090": "PRT",
    "43120": "ESP", "44010": "AUT", "44020": "BEL", "44030": "FRA", "44040": "DEU",
    "44080": "NLD", "44090": "CHE",
    # Oceania
    "51010": "AUS", "51020": "NZL", "52010": "FJI", "52030": "PNG",
}


def main() -> None:
    data = json.loads(Path("/usr/share/iso-codes/json/iso_3166-1.json").read_text())
    rows = sorted((c["alpha_2"], c["alpha_3"], c["name"]) for c in data["3166-1"])
    with open(ROOT / "codelists/iso3166_alpha2.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "iso3", "name"])
        w.writerows(rows)
    names = {a3: name for _, a3, name in rows}
    with open(ROOT / "codelists/ipums_bplcountry.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "iso3", "name"])
        for code, iso3 in sorted(IPUMS_BPLCOUNTRY.items()):
            w.writerow([code, iso3, names[iso3]])


if __name__ == "__main__":
    main()
