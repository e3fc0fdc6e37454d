#!/usr/bin/env python3
"""`make bench`: migstat end to end against the same job in DuckDB, from CSV and Parquet.

    MIGSTAT_BIN=target/release/migstat .venv/bin/python bench/run_bench.py \
        --persons 1000000 [--persons 10000000 ...]

For each --persons N:

1. generates N synthetic persons (seed --seed) with the Rust generator, `migstat-synth`'s
   example (`cargo build --release -p migstat-synth --example synth`; SYNTH_BIN overrides),
   as CSV and as Parquet (the same records), cached in --data;
2. times `migstat run` on each (a fresh output folder, so nothing is "up to date"): wall
   time, persons per second and the peak resident memory of the migstat process alone
   (RUSAGE_CHILDREN of a fresh wrapper process);
3. times the same job in DuckDB the same way, the two runs alternating --repeat times
   (default 3; a shared 2-core machine varies by 10% from run to run, for both): the
   median wall time of each is reported, with the range, and the largest peak RSS; `bench/duckdb_job.py`, i.e.
   bench/migstat_job.sql (same scope, labour force rules 1-7, CBR / CCT, age bands,
   grouping sets, every cell of the 18 dataflows; tests/python/test_bench_sql.py proves
   the cells equal), reading the same file and writing its cells to Parquet;
4. checks that the two sets of cells are equal (weighted sums and unweighted counts) and
   reports the ratio migstat / DuckDB of the wall times (< 1: migstat is faster).

The results are printed and appended to bench/results.md with the date, the machine and
the exact command. DuckDB's peak RSS includes its Python interpreter (about 40 MiB).
"""
import argparse
import datetime
import os
import platform
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Runs argv in a child, prints "<exit code> <wall seconds> <peak RSS KiB of the child>".
# A fresh wrapper per measurement, so that RUSAGE_CHILDREN is this run's peak alone.
PROBE = (
    "import resource,subprocess,sys,time;"
    "t=time.perf_counter();"
    "r=subprocess.run(sys.argv[1:],capture_output=True);"
    "w=time.perf_counter()-t;"
    "print(r.returncode, w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
    "sys.stderr.write(r.stderr.decode());sys.stdout.write(r.stdout.decode())"
)


def measure(argv):
    """(wall seconds, peak RSS MiB, stdout) of argv, in a fresh process tree."""
    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, argv)],
                          capture_output=True, text=True)
    first, _, rest = done.stdout.partition("\n")
    code, wall, peak_kib = first.split()
    if code != "0":
        sys.exit(f"failed ({code}): {shlex.join(map(str, argv))}\n{done.stderr}")
    return float(wall), int(peak_kib) / 1024, rest


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))


def synth_binary() -> Path:
    if os.environ.get("SYNTH_BIN"):
        return Path(os.environ["SYNTH_BIN"])
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "migstat-synth", "--example", "synth"],
                   cwd=REPO, check=True)
    return target_dir() / "release" / "examples" / "synth"


def generate(synth: Path, persons: int, seed: int, path: Path) -> float:
    """Writes the file unless it is there; the generation time (0 when cached)."""
    if path.exists():
        return 0.0
    tmp = path.with_name(path.stem + ".tmp" + path.suffix)
    wall, _, _ = measure([synth, persons, seed, tmp])
    tmp.rename(path)
    return wall


def cells(path: Path, dataflows=None) -> dict:
    """{(DATAFLOW, SEX, AGE, CBR, CCT): (weighted numerator, denominator, n)}, of the given
    dataflows only when named; a key seen twice is an error, not a silent overwrite."""
    import pyarrow.parquet as pq
    cols = ["DATAFLOW", "SEX", "AGE", "CBR", "CCT",
            "weighted_numerator", "weighted_denominator", "n_unweighted"]
    out = {}
    for r in pq.read_table(path, columns=cols).to_pylist():
        if dataflows is not None and r["DATAFLOW"] not in dataflows:
            continue
        key = tuple(r[c] for c in cols[:5])
        if key in out:
            sys.exit(f"{path}: cell {key} appears twice")
        out[key] = tuple(r[c] for c in cols[5:])
    return out


def median(values: list) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def spread(values: list) -> str:
    """The range of several runs, e.g. "(8.71-9.20)"; empty for one run."""
    return f"({min(values):.2f}-{max(values):.2f})" if len(values) > 1 else ""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} CPUs{mem}, {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, action="append",
                    help="persons to generate and tabulate; repeat for several sizes (default 1000000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data", default=str(REPO / "bench" / "data"),
                    help="where inputs (cached) and outputs go")
    ap.add_argument("--formats", default="csv,parquet", help="csv, parquet or both (default)")
    ap.add_argument("--no-duckdb", action="store_true", help="time migstat alone")
    ap.add_argument("--no-record", action="store_true", help="do not append to bench/results.md")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each tool, alternating; the median is reported (default 3)")
    args = ap.parse_args()
    repeat = max(1, args.repeat)
    sizes = args.persons or [1_000_000]
    formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
    binary = Path(os.environ.get("MIGSTAT_BIN", target_dir() / "release" / "migstat"))
    if not binary.exists():
        sys.exit(f"no migstat binary at {binary} (cargo build --release, or set MIGSTAT_BIN)")
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    synth = synth_binary()
    duckdb_version = ""
    if not args.no_duckdb:
        import duckdb
        duckdb_version = duckdb.__version__

    rows = []
    for persons in sizes:
        for fmt in formats:
            src = data / f"core_{persons}_s{args.seed}.{fmt}"
            gen = generate(synth, persons, args.seed, src)
            if gen:
                print(f"generated {src.name} in {gen:.2f} s ({persons / gen:,.0f} persons/s)")
            config = data / f"config_{persons}_{fmt}.toml"
            config.write_text(
                '[survey]\nref_area = "PHL"\ntime_period = "2024-Q2"\nsource_type = "lfs"\n\n'
                f'[input]\npath = "{src}"\nlayout = "core"\n\n'
                '[quality]\nsuppress_below_n = 3\nunreliable_below_n = 20\n'
            )
            out_dir = data / f"out_{persons}_{fmt}"
            duck_out = data / f"duckdb_{persons}_{fmt}.parquet"
            walls, peaks, d_walls, d_peaks, d_stdout = [], [], [], [], ""
            for _ in range(repeat):
                shutil.rmtree(out_dir, ignore_errors=True)
                wall, peak, _ = measure([binary, "--quiet", "run", "--config", config, "--out", out_dir])
                walls.append(wall)
                peaks.append(peak)
                if not args.no_duckdb:
                    d_wall, d_peak, d_stdout = measure(
                        [sys.executable, REPO / "bench" / "duckdb_job.py", src, "--out", duck_out])
                    d_walls.append(d_wall)
                    d_peaks.append(d_peak)
            wall, peak = median(walls), max(peaks)
            row = {"persons": persons, "input": fmt, "size": src.stat().st_size / 2**20,
                   "wall": wall, "peak": peak, "walls": walls}
            line = (f"{persons:>11,} {fmt:8} migstat {wall:7.2f} s {spread(walls)} "
                    f"{persons / wall:12,.0f} persons/s  peak RSS {peak:7.1f} MiB")
            if not args.no_duckdb:
                d_wall, d_peak = median(d_walls), max(d_peaks)
                # The SQL job computes the contract's 18 dataflows; migstat's estimates also
                # hold the other flows of its registry, which the comparison leaves aside.
                duck_cells = cells(duck_out)
                flows = {key[0] for key in duck_cells}
                same = cells(out_dir / "tabulate" / "estimates.parquet", flows) == duck_cells
                row.update(d_wall=d_wall, d_peak=d_peak, same=same, d_walls=d_walls,
                           d_query=float(d_stdout.split()[-1]))
                line += (f" | DuckDB {d_wall:7.2f} s {spread(d_walls)}  peak RSS {d_peak:7.1f} MiB"
                         f" | ratio {wall / d_wall:4.2f} | same cells: {'yes' if same else 'NO'}")
            print(line, flush=True)
            rows.append(row)

    if args.no_record:
        return
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = " ".join(
        [f"MIGSTAT_BIN={shlex.quote(str(binary))}"]
        + [shlex.quote(a) for a in [os.path.relpath(sys.executable, REPO)
                                    if sys.executable.startswith(str(REPO)) else sys.executable,
                                    *sys.argv]]
    )
    lines = [
        f"\n## {stamp}: {', '.join(f'{n:,}' for n in sizes)} persons, `make bench`\n",
        f"Machine: {machine()}.  ",
        f"Command: `{command}`.  ",
        f"Inputs: `migstat-synth` seed {args.seed}; migstat `{binary}`"
        + (" (**a debug build: a smoke run, not a benchmark**)" if "debug" in binary.parts else "")
        + (f"; DuckDB {duckdb_version} (bench/migstat_job.sql, all cores)" if duckdb_version else "")
        + (f"; wall times are the median of {repeat} alternating runs (range in brackets)"
           if repeat > 1 else "")
        + ".\n",
    ]
    if args.no_duckdb:
        lines += ["| persons | input | file size | migstat wall | persons/s | migstat peak RSS |",
                  "|---:|---|---:|---:|---:|---:|"]
        for r in rows:
            lines.append(f"| {r['persons']:,} | {r['input']} | {r['size']:.1f} MiB | {r['wall']:.2f} s "
                         f"{spread(r['walls'])} | {r['persons'] / r['wall']:,.0f} | {r['peak']:.1f} MiB |")
    else:
        lines += ["| persons | input | file size | migstat wall | persons/s | migstat peak RSS "
                  "| DuckDB wall | DuckDB peak RSS | ratio migstat/DuckDB | same cells |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for r in rows:
            lines.append(
                f"| {r['persons']:,} | {r['input']} | {r['size']:.1f} MiB | {r['wall']:.2f} s "
                f"{spread(r['walls'])} | {r['persons'] / r['wall']:,.0f} | {r['peak']:.1f} MiB "
                f"| {r['d_wall']:.2f} s {spread(r['d_walls'])} | {r['d_peak']:.1f} MiB | {r['wall'] / r['d_wall']:.2f} | {'yes' if r['same'] else 'NO'} |")
    with open(REPO / "bench" / "results.md", "a") as f:
        f.write("\n".join(lines) + "\n")
    print(f"appended to {REPO / 'bench' / 'results.md'}")


if __name__ == "__main__":
    main()
