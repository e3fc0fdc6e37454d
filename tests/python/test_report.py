"""The quality report (DIR/report.html) as a real browser renders it.

The report of the bundled LFS run is opened in headless Chromium (Debian package
`chromium`, with
`fonts-liberation` for the text): its DOM must hold the three charts with bars of non-zero rendered size, the
bar heights must follow the values, and a screenshot must show a page and the charts'
colours, not a blank image. Only the standard library is used (PNG decoded with zlib).
"""
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, run_migstat

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
INSTALL_HINT = (
    "headless Chromium is needed for the report tests: "
    "`sudo apt-get install -y chromium fonts-liberation` (Debian packages; `chromium` "
    "pulls `chromium-common`), or run `make test`, which installs them"
)
CHART_IDS = ("chart-pyramid", "chart-participation", "chart-unemployment")
# Colours of the charts (charts::PALETTE): the blue of the first series, the orange of the second.
BLUE = (0x00, 0x72, 0xB2)
ORANGE = (0xE6, 0x9F, 0x00)


def chromium(*args: str, user_data: Path) -> subprocess.CompletedProcess:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found. {INSTALL_HINT}", pytrace=False)
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        # No name resolves: the page must not need the network.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={user_data}",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def has_report_command() -> bool:
    return run_migstat("report", "--help").returncode == 0


@pytest.fixture(scope="module")
def report(lfs_run, tmp_path_factory) -> Path:
    """report.html of a copy of the session's LFS run folder."""
    work = tmp_path_factory.mktemp("report")
    out = work / "out"
    shutil.copytree(lfs_run, out)
    config = lfs_run.parent / "config.toml"
    html = out / "report.html"
    if not html.exists():
        if has_report_command():
            done = run_migstat("report", "--config", str(config), "--out", str(out))
        else:
            # Until the command line has `migstat report`: the crate's example.
            cargo = os.environ.get("CARGO", "cargo")
            done = subprocess.run(
                [cargo, "run", "-q", "-p", "migstat-report", "--example", "render", "--",
                 str(out), str(config)],
                cwd=REPO, capture_output=True, text=True, timeout=1800,
            )
        assert done.returncode == 0, done.stderr[-3000:]
    assert html.exists()
    return html


class Dom(HTMLParser):
    """The elements of a page: (tag, attributes, parent svg id)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.svg = None
        self.titles = {}
        self._title_of = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.svg = a.get("id")
        if tag == "title" and self.svg and a.get("id", "").endswith("-title"):
            self._title_of = self.svg
        self.elements.append((tag, a, self.svg))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg = None
        if tag == "title":
            self._title_of = None

    def handle_data(self, data):
        if self._title_of:
            self.titles[self._title_of] = self.titles.get(self._title_of, "") + data


def parse(html: str) -> Dom:
    dom = Dom()
    dom.feed(html)
    return dom


MEASURE = """
<script>
for (const el of document.querySelectorAll('svg.chart, svg.chart rect.bar')) {
  const r = el.getBoundingClientRect();
  el.setAttribute('data-rendered-width', r.width.toFixed(3));
  el.setAttribute('data-rendered-height', r.height.toFixed(3));
}
document.body.setAttribute('data-measured', 'yes');
</script>
"""


def test_the_rendered_dom_holds_the_charts_with_bars_of_real_size(report, tmp_path):
    # The page as shipped: its DOM after parsing by the browser.
    dom = parse(chromium("--dump-dom", report.as_uri(), user_data=tmp_path / "a").stdout)
    svgs = {a.get("id"): a for tag, a, _ in dom.elements if tag == "svg"}
    for chart in CHART_IDS:
        assert chart in svgs, f"{chart} not in the rendered DOM"
        assert svgs[chart].get("role") == "img"
        assert svgs[chart].get("aria-label")
        assert dom.titles.get(chart, "").strip(), f"{chart} has no <title>"
    assert not any(tag == "script" for tag, _, _ in dom.elements)

    # A copy with a script measuring the laid-out boxes (the report itself has no script
    # and forbids them in its Content-Security-Policy, which the copy drops).
    page = report.read_text(encoding="utf-8")
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    measured = report.with_name("measured.html")
    measured.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = parse(chromium("--dump-dom", measured.as_uri(), user_data=tmp_path / "b").stdout)
    body = [a for tag, a, _ in dom.elements if tag == "body"][0]
    assert body.get("data-measured") == "yes", "the measuring script did not run"

    bars = {chart: [] for chart in CHART_IDS}
    for tag, a, svg in dom.elements:
        if tag == "svg" and svg in CHART_IDS:
            assert float(a["data-rendered-width"]) > 300, a
            assert float(a["data-rendered-height"]) > 200, a
        if tag == "rect" and "bar" in a.get("class", "").split() and svg in bars:
            bars[svg].append(a)
    assert len(bars["chart-pyramid"]) >= 30, "a pyramid of 18 age groups by sex"
    assert len(bars["chart-participation"]) >= 12
    assert len(bars["chart-unemployment"]) >= 12
    for chart, rects in bars.items():
        for a in rects:
            w, h = float(a["data-rendered-width"]), float(a["data-rendered-height"])
            assert w > 0 and h > 0, f"{chart}: a bar of size {w}x{h}: {a}"
            assert float(a["data-value"]) > 0
    # Rates: rendered heights proportional to the values, on one scale.
    for chart in ("chart-participation", "chart-unemployment"):
        ratios = [float(a["data-rendered-height"]) / float(a["data-value"]) for a in bars[chart]]
        assert max(ratios) - min(ratios) < 0.02 * max(ratios), (chart, ratios)
    # Pyramid: widths proportional to the weighted persons, the same scale on both sides.
    ratios = {
        side: [float(a["data-rendered-width"]) / float(a["data-value"])
               for a in bars["chart-pyramid"] if a["data-side"] == side
               and float(a["data-rendered-width"]) > 5]
        for side in ("left", "right")
    }
    every = ratios["left"] + ratios["right"]
    assert ratios["left"] and ratios["right"]
    assert max(every) - min(every) < 0.05 * max(every), ratios


def read_png(path: Path):
    """(width, height, rows of RGB tuples) of an 8-bit PNG, with the stdlib only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0, header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(idat)
    stride = width * channels
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(line)
        prev = line

    def rgb(line):
        if channels >= 3:
            return [tuple(line[i:i + 3]) for i in range(0, stride, channels)]
        return [(v, v, v) for v in line[::channels]]

    return width, height, [rgb(r) for r in rows]


def near(c, target, tol=24):
    return all(abs(a - b) <= tol for a, b in zip(c, target))


def test_a_screenshot_of_the_report_is_a_readable_page(report, tmp_path):
    shot = tmp_path / "report.png"
    chromium(f"--screenshot={shot}", "--window-size=1100,1300", report.as_uri(),
             user_data=tmp_path / "c")
    width, height, rows = read_png(shot)
    assert (width, height) == (1100, 1300)
    pixels = [p for row in rows[::2] for p in row[::2]]
    colours = set(pixels)
    assert len(colours) > 50, f"a nearly blank screenshot: {len(colours)} colours"
    white = sum(1 for p in pixels if p == (255, 255, 255))
    assert 0.3 < white / len(pixels) < 0.98, "mostly white page with content"
    # The header band (dark blue) is at the top.
    assert near(rows[20][20], (0x0B, 0x3D, 0x63)), rows[20][20]

    # The charts alone, so they are in the viewport: their colours must be painted.
    page = report.read_text(encoding="utf-8")
    charts_only = re.sub(
        r'<section id="(?!charts")[a-z-]+">.*?</section>\n', "", page, flags=re.S)
    assert '<section id="charts">' in charts_only
    charts = report.with_name("charts.html")
    charts.write_text(charts_only, encoding="utf-8")
    shot = tmp_path / "charts.png"
    chromium(f"--screenshot={shot}", "--window-size=1000,1600", charts.as_uri(),
             user_data=tmp_path / "d")
    _, _, rows = read_png(shot)
    pixels = [p for row in rows[::2] for p in row[::2]]
    blue = sum(1 for p in pixels if near(p, BLUE))
    orange = sum(1 for p in pixels if near(p, ORANGE))
    assert blue > 0.01 * len(pixels), f"blue bars hardly painted: {blue} of {len(pixels)}"
    assert orange > 0.002 * len(pixels), f"orange bars hardly painted: {orange}"
