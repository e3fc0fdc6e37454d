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
    """`migstat run` on the bundled LFS fixture (with a fixed Prepared time)."""
    work = tmp_path_factory.mktemp("lfs")
    text = (REPO / "fixtures" / "lfs" / "config.toml").read_text()
    text = text.replace('path   = "core.csv"', f'path   = "{REPO / "fixtures" / "lfs" / "core.csv"}"')
    config = work / "config.toml"
    config.write_text(text + '\n[publish]\nprepared = "2024-07-15T00:00:00Z"\n')
    out = work / "out"
    done = run_migstat("run", "--config", str(config), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def dsd_schemas(tmp_path_factory) -> Path:
    """The DSD-specific XSDs migstat emits from its own DSDs, with validation wrappers."""
    out = tmp_path_factory.mktemp("xsd")
    done = run_migstat("xsd", "--out", str(out), "--sdmx-schemas", str(XSD_21))
    assert done.returncode == 0, done.stderr
    return out
