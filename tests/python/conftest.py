"""Shared fixtures: run the real migstat binary once per session and hand out its outputs."""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
XSD_21 = REPO / "schemas" / "xsd" / "v2_1"


def migstat_bin() -> str:
    path = os.environ.get("MIGSTAT_BIN")
    if path:
        return path
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return str(target / "debug" / "migstat")


def run_migstat(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([migstat_bin(), *args], capture_output=True, text=True)


@pytest.fixture(scope="session")
def lfs_run(tmp_path_factory) -> Path:
    """`migstat run` on the bundled LFS fixture (with a fixed Prepared time), all formats."""
    return run_lfs(tmp_path_factory.mktemp("lfs"))


@pytest.fixture(scope="session")
def lfs_run_without_suppression(tmp_path_factory) -> Path:
    """The same with every cell published with its value (no `C`)."""
    return run_lfs(tmp_path_factory.mktemp("lfs_open"), suppress=False)


def run_lfs(work: Path, suppress: bool = True) -> Path:
    text = (REPO / "fixtures" / "lfs" / "config.toml").read_text()
    if not suppress:
        text = text.replace("suppress_below_n   = 3", "suppress_below_n   = 0")
    text = text.replace('path   = "core.csv"', f'path   = "{REPO / "fixtures" / "lfs" / "core.csv"}"')
    config = work / "config.toml"
    config.write_text(
        text
        + '\n[publish]\nprepared = "2024-07-15T00:00:00Z"\n'
        + 'formats = ["ss21", "ss21flat", "generic21", "csv10", "csv20", "ss30"]\n'
    )
    out = work / "out"
    done = run_migstat("run", "--config", str(config), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def emit_schemas(out: Path, *args: str) -> Path:
    done = run_migstat("xsd", "--out", str(out), *args)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def dsd_schemas(tmp_path_factory) -> Path:
    """The DSD-specific XSDs migstat emits from its own DSDs, with validation wrappers."""
    return emit_schemas(tmp_path_factory.mktemp("xsd"), "--sdmx-schemas", str(XSD_21))


@pytest.fixture(scope="session")
def dsd_schemas_flat(tmp_path_factory) -> Path:
    """The same for the flat layout (dimensionAtObservation="AllDimensions")."""
    return emit_schemas(tmp_path_factory.mktemp("xsd_flat"), "--sdmx-schemas", str(XSD_21), "--layout", "flat")


@pytest.fixture(scope="session")
def dsd_schemas_30(tmp_path_factory) -> Path:
    """The same for SDMX-ML 3.0."""
    xsd_30 = REPO / "schemas" / "xsd" / "v3_0"
    return emit_schemas(tmp_path_factory.mktemp("xsd_30"), "--sdmx-schemas", str(xsd_30), "--sdmx-version", "3.0")
