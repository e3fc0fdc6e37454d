"""`migstat structures fetch` against a local registry serving a recorded ILO response.

No test touches the internet: a stdlib HTTP server on 127.0.0.1 plays ILO's SDMX REST
service (`/rest/dataflow/ILO/<DATAFLOW>/latest?references=all`), with an ETag.
"""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import REPO, run_migstat

RECORDED = (REPO / "pipeline" / "sdmx" / "tests" / "data" / "ilo" / "TEST_ILO_MST_TEAP_SEX_AGE_CBR_NB_constructed.xml").read_bytes()
FLOW = "DF_MST_TEAP_SEX_AGE_CBR_NB"


class Registry(BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):
        Registry.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.path != f"/rest/dataflow/ILO/{FLOW}/latest?references=all":
            self.send_response(404)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.sdmx.structure+xml;version=2.1")
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(RECORDED)))
        self.end_headers()
        self.wfile.write(RECORDED)

    def log_message(self, *args):
        pass


@pytest.fixture()
def registry():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Registry.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/rest"
    server.shutdown()


def fetch(registry, tmp_path, *extra):
    return run_migstat(
        "structures", "fetch", *extra, "--registry", registry,
        "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--retries", "0", "--timeout", "5",
    )


def test_a_dataflow_is_fetched_stored_and_revalidated_with_its_etag(registry, tmp_path):
    done = fetch(registry, tmp_path, FLOW)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / f"{FLOW}.xml").read_bytes() == RECORDED
    path, headers = Registry.requests[0]
    assert headers["accept"] == "application/vnd.sdmx.structure+xml;version=2.1"
    assert headers["accept-language"] == "en"

    done = fetch(registry, tmp_path, FLOW)
    assert done.returncode == 0, done.stderr
    assert "not modified" in done.stderr
    assert Registry.requests[1][1].get("if-none-match") == '"v1"'


def test_offline_mode_serves_the_cache_and_names_what_is_missing(registry, tmp_path):
    assert fetch(registry, tmp_path, FLOW).returncode == 0
    count = len(Registry.requests)
    done = fetch(registry, tmp_path, "--offline", FLOW)
    assert done.returncode == 0, done.stderr
    assert len(Registry.requests) == count, "offline never touches the network"
    done = fetch(registry, tmp_path, "--offline", "DF_MST_TEMP_SEX_AGE_CBR_NB")
    assert done.returncode != 0
    assert "DF_MST_TEMP_SEX_AGE_CBR_NB" in done.stderr


def test_an_unknown_dataflow_is_a_clear_404(registry, tmp_path):
    done = fetch(registry, tmp_path, "DF_NOPE")
    assert done.returncode == 5, done.stderr
    assert "404" in done.stderr and "DF_NOPE" in done.stderr
    assert not (tmp_path / "out" / "DF_NOPE.xml").exists()
