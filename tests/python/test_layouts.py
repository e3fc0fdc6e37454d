"""Layouts end to end: each national-shape fixture of fixtures/layouts/ (EU-LFS,
IPUMS-International, a Latin-1 ';' file with its own layout file) and of
fixtures/national/ (SPSS .sav and Stata .dta written by pyreadstat, a hierarchical CSPro
census file with its .dcf), run through the real binary, gives the core run's records and,
byte for byte, its published SDMX; the IPUMS-style fixed-width extract with its DDI
codebook gives the records and SDMX of the same extract as CSV. The binary fixtures are
what fixtures/national/make_fixtures.py writes (compared by pyreadstat, since the files
carry the time they were written)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import REPO, run_migstat

LAYOUTS = REPO / "fixtures" / "layouts"
NATIONAL = ["eu-lfs", "ipums-international", "national-latin1"]
TYPED = REPO / "fixtures" / "national"
TYPED_FORMATS = ["sav", "dta", "cspro"]


def run(name: str, out: Path, folder: Path = LAYOUTS) -> Path:
    done = run_migstat("run", "--config", str(folder / name / "config.toml"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def core_run(tmp_path_factory) -> Path:
    return run("core", tmp_path_factory.mktemp("core") / "out")


def test_the_fixtures_are_what_the_generator_writes(tmp_path):
    before = {p: p.read_bytes() for n in NATIONAL for p in (LAYOUTS / n).glob("microdata.csv")}
    subprocess.run([sys.executable, str(LAYOUTS / "make_fixtures.py")], check=True)
    after = {p: p.read_bytes() for p in before}
    assert before == after, "rerun fixtures/layouts/make_fixtures.py and commit its output"
    assert len(before) == 3


def test_the_latin1_fixture_is_latin1_with_semicolons():
    raw = (LAYOUTS / "national-latin1" / "microdata.csv").read_bytes()
    header = raw.split(b"\n", 1)[0]
    assert b"IDENTIFICACI\xd3N;" in header  # Ó in Latin-1, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def same_run(out: Path, want_run: Path, name: str):
    want = pq.read_table(want_run / "ingest" / "core.parquet")
    got = pq.read_table(out / "ingest" / "core.parquet")
    assert got.schema == want.schema
    assert got.equals(want), name
    want_files = sorted(p.relative_to(want_run / "sdmx") for p in (want_run / "sdmx").rglob("*"))
    got_files = sorted(p.relative_to(out / "sdmx") for p in (out / "sdmx").rglob("*"))
    assert got_files == want_files and len(want_files) >= 36
    for rel in want_files:
        assert (out / "sdmx" / rel).read_bytes() == (want_run / "sdmx" / rel).read_bytes(), rel


@pytest.fixture(scope="module")
def full_core_run(tmp_path_factory) -> Path:
    """The core fixture with every core column (fixtures/national/core/config.toml)."""
    return run("core", tmp_path_factory.mktemp("full_core") / "out", TYPED)


@pytest.mark.parametrize("name", TYPED_FORMATS)
def test_sav_dta_and_cspro_fixtures_give_the_core_records_and_sdmx(name, full_core_run, tmp_path):
    out = run(name, tmp_path / "out", TYPED)
    same_run(out, full_core_run, name)


def test_the_ddi_extract_gives_the_records_and_sdmx_of_the_same_extract_as_csv(tmp_path):
    csv_run = run("ipums-international", tmp_path / "csv")
    out = run("ipums", tmp_path / "fixed", TYPED)
    same_run(out, csv_run, "ipums")


def test_the_national_fixtures_are_what_the_generator_writes(tmp_path):
    import pyreadstat
    # The generator runs on a copy (with the fixtures it reads linked in), so that the
    # repository is left as it was: the .sav and .dta files carry their creation time.
    copy = tmp_path / "fixtures" / "national"
    shutil.copytree(TYPED, copy)
    for read_from in ("worked_example", "layouts", "lfs"):
        (tmp_path / "fixtures" / read_from).symlink_to(TYPED.parent / read_from)
    text = [p.relative_to(TYPED) for p in TYPED.rglob("*")
            if p.suffix in (".dcf", ".dat", ".xml", ".csv", ".toml") and p.name != "layout.toml"]
    binary = sorted(p.relative_to(TYPED) for p in TYPED.rglob("*") if p.suffix in (".sav", ".dta"))
    subprocess.run([sys.executable, str(copy / "make_fixtures.py")], check=True)
    written = {p: (copy / p).read_bytes() for p in text}
    assert written == {p: (TYPED / p).read_bytes() for p in text}, \
        "rerun fixtures/national/make_fixtures.py"
    read = {".sav": pyreadstat.read_sav, ".dta": pyreadstat.read_dta}
    for p in binary:
        frame, meta = read[p.suffix](str(TYPED / p), user_missing=p.suffix == ".sav")
        again, meta_again = read[p.suffix](str(copy / p), user_missing=p.suffix == ".sav")
        assert frame.equals(again), p
        assert (meta.variable_value_labels, meta.missing_ranges, meta.column_labels) == (
            meta_again.variable_value_labels, meta_again.missing_ranges, meta_again.column_labels), p
    assert len(binary) == 6 and len(text) >= 10


def test_the_sav_fixture_declares_what_the_layout_relies_on():
    """Read by pyreadstat (ReadStat), not migstat: value labels kept, 98/99 user-missing."""
    import pyreadstat
    frame, meta = pyreadstat.read_sav(str(TYPED / "sav" / "microdata.sav"), user_missing=True)
    assert meta.missing_ranges["EDAD"] == [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}]
    assert meta.variable_value_labels["SEXO"] == {1.0: "Hombre", 2.0: "Mujer", 3.0: "Otro"}
    assert meta.variable_value_labels["MOTIVO_MIGRACION"][5.0] == "Protección internacional"
    assert set(frame["EDAD"].dropna()) >= {98.0, 99.0}
    # The CSPro data is "ANSI": Latin-1 without a byte order mark.
    raw = (TYPED / "cspro" / "census.dat").read_bytes()
    assert b"Pe\xf1alol\xe9n" in raw and not raw.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("name", NATIONAL)
def test_national_fixture_gives_the_core_records_and_sdmx(name, core_run, tmp_path):
    out = run(name, tmp_path / "out")
    want = pq.read_table(core_run / "ingest" / "core.parquet")
    got = pq.read_table(out / "ingest" / "core.parquet")
    assert got.schema == want.schema
    assert got.equals(want), name
    want_files = sorted(p.relative_to(core_run / "sdmx") for p in (core_run / "sdmx").rglob("*"))
    got_files = sorted(p.relative_to(out / "sdmx") for p in (out / "sdmx").rglob("*"))
    assert got_files == want_files and len(want_files) >= 36
    for rel in want_files:
        assert (out / "sdmx" / rel).read_bytes() == (core_run / "sdmx" / rel).read_bytes(), rel
