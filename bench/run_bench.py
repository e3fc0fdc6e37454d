#!/usr/bin/env python3
"""`make bench`: time `migstat run` on synthetic persons, from CSV and from Parquet.

Generates N persons with the seeded fixture generator (fixtures/lfs/generate_lfs.py),
writes the same records as Parquet with pyarrow (a writer migstat did not write), then
times the release binary end to end on each and reports wall time, persons per second and
peak resident memory (of the migstat process alone). Results are appended to
bench/results.md with the machine and the exact command.
"""
import argparse
import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data", default=str(REPO / "bench" / "data"))
    args = ap.parse_args()
    binary = os.environ.get("MIGSTAT_BIN", str(REPO / "target" / "release" / "migstat"))
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)

    csv_path = data / f"core_{args.persons}.csv"
    if not csv_path.exists():
        subprocess.run([sys.executable, str(REPO / "fixtures/lfs/generate_lfs.py"), "--persons",
                        str(args.persons), "--seed", str(args.seed), "--out", str(csv_path)], check=True)
    parquet_path = data / f"core_{args.persons}.parquet"
    if not parquet_path.exists():
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq
        table = pacsv.read_csv(csv_path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
        pq.write_table(table, parquet_path)

    rows = []
    for label, path in (("CSV", csv_path), ("Parquet", parquet_path)):
        config = data / f"config_{label.lower()}.toml"
        config.write_text(
            '[survey]\nref_area = "PHL"\ntime_period = "2024-Q2"\nsource_type = "lfs"\n\n'
            f'[input]\npath = "{path}"\nlayout = "core"\n\n'
            '[quality]\nsuppress_below_n = 3\nunreliable_below_n = 20\n'
        )
        # Each measurement in its own process tree so ru_maxrss is this run's peak.
        probe = (
            "import resource,subprocess,sys,time;"
            "t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],capture_output=True);"
            "w=time.perf_counter()-t;"
            "print(r.returncode, w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
            "sys.stderr.write(r.stderr.decode())"
        )
        out_dir = data / f"out_{label.lower()}"
        done = subprocess.run([sys.executable, "-c", probe, binary, "run", "--config", str(config),
                               "--out", str(out_dir)], capture_output=True, text=True)
        code, wall, peak_kib = done.stdout.split()
        if code != "0":
            sys.exit(f"migstat failed on {label}:\n{done.stderr}")
        wall, peak = float(wall), int(peak_kib) / 1024
        rows.append((label, path.stat().st_size / 2**20, wall, args.persons / wall, peak))
        print(f"{label:8} {wall:7.2f} s  {args.persons / wall:12,.0f} persons/s  peak RSS {peak:7.1f} MiB")

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"\n## {stamp}: {args.persons:,} persons, `make bench`\n",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
        f"binary: release build of this commit.\n",
        "| input | file size | wall time | persons per second | peak RSS |",
        "|---|---|---|---|---|",
    ]
    for label, size, wall, pps, peak in rows:
        lines.append(f"| {label} | {size:.1f} MiB | {wall:.2f} s | {pps:,.0f} | {peak:.1f} MiB |")
    with open(REPO / "bench" / "results.md", "a") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
