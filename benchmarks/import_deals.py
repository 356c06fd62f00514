#!/usr/bin/env python3
"""Import benchmark: `salesctl import deals` of a 1,000,000-row file against `psql \\copy` of
the same file into an unindexed table, in one run on one private cluster.

Reports rows per second of each, their ratio, and salesctl's peak memory (max RSS).

    benchmarks/import_deals.py [--rows N] [--keep]

Needs the release build (built here) and the PostgreSQL server packages (scripts/ensure-dependencies).
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

from release_build import release_salesctl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(command, env=None, stdout=subprocess.DEVNULL):
    subprocess.run(command, check=True, env=env, stdout=stdout)


def timed(command, env):
    """Runs a command under GNU time; returns (seconds, peak RSS in MiB of that command alone)."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name] + command, check=True, env=env,
                       stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        peak_kib = int(report.read().strip().splitlines()[-1])
    return elapsed, peak_kib / 1024.0


def write_inputs(folder, rows, reps, accounts):
    rng = random.Random(7)
    with open(os.path.join(folder, "reps.csv"), "w") as f:
        f.write("external_id,name,email,hired_on\n")
        for i in range(reps):
            f.write(f"r-{i},Rep {i},rep{i}@bench.example,2023-01-01\n")
    with open(os.path.join(folder, "accounts.csv"), "w") as f:
        f.write("external_id,name,owner_rep_external_id,region\n")
        for i in range(accounts):
            f.write(f"a-{i},Account {i},r-{i % reps},Region {i % 7}\n")
    with open(os.path.join(folder, "stages.csv"), "w") as f:
        f.write("pipeline,name,position,kind\nNew Business,Open,1,open\nNew Business,Won,2,won\nNew Business,Lost,3,lost\n")
    stages = ["Open", "Won", "Lost"]
    with open(os.path.join(folder, "deals.csv"), "w") as f:
        f.write("external_id,name,account_external_id,owner_rep_external_id,pipeline,stage,amount,type,product,contract_months,created_at,closed_at\n")
        for i in range(rows):
            stage = stages[rng.randrange(3)]
            day = 1 + rng.randrange(28)
            month = 1 + rng.randrange(12)
            created = f"2025-{month:02d}-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+01:00"
            closed = f"2026-{month:02d}-{day:02d}T10:00:00Z" if stage != "Open" else ""
            amount = f"{rng.randrange(1000, 500000)}.{rng.randrange(100):02d}"
            f.write(f"d-{i},\"Deal {i}, Ümlaut\",a-{rng.randrange(accounts)},r-{rng.randrange(reps)},New Business,{stage},"
                    f"{amount},new,Platform,12,{created},{closed}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the cluster and files")
    args = parser.parse_args()

    salesctl = release_salesctl()

    work = tempfile.mkdtemp(prefix="salesops-bench-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    try:
        print(f"generating {args.rows} deals in {work}", file=sys.stderr)
        write_inputs(work, args.rows, reps=2000, accounts=100_000)
        size_mb = os.path.getsize(os.path.join(work, "deals.csv")) / 1_048_576
        url = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", cluster], check=True,
                             capture_output=True, text=True).stdout.strip()
        env = dict(os.environ, DATABASE_URL=url, SALESOPS_SQL_DIR=os.path.join(ROOT, "sql"))
        run([salesctl, "migrate"], env)
        run([salesctl, "org", "create", "bench", "--name", "Bench"], env)
        for kind in ["reps", "accounts", "stages"]:
            run([salesctl, "import", kind, "--org", "bench", os.path.join(work, f"{kind}.csv")], env)

        run(["psql", url, "-q", "-c", """CREATE TABLE bench_copy (external_id text, name text, account_external_id text,
            owner_rep_external_id text, pipeline text, stage text, amount numeric, type text, product text,
            contract_months integer, created_at timestamptz, closed_at timestamptz)"""], env)
        run(["psql", url, "-q", "-c", "CHECKPOINT"], env)
        psql_seconds, _ = timed(["psql", url, "-q", "-c",
                                 f"\\copy bench_copy FROM '{os.path.join(work, 'deals.csv')}' WITH (FORMAT csv, HEADER true)"], env)
        run(["psql", url, "-q", "-c", "CHECKPOINT"], env)
        import_seconds, peak_mb = timed([salesctl, "import", "deals", "--org", "bench", os.path.join(work, "deals.csv")], env)
        reimport_seconds, reimport_peak_mb = timed([salesctl, "import", "deals", "--org", "bench", os.path.join(work, "deals.csv")], env)
        stored = subprocess.run(["psql", url, "-tAc", "SELECT count(*) FROM salesops.deals"], check=True, capture_output=True,
                                text=True).stdout.strip()

        psql_rate = args.rows / psql_seconds
        import_rate = args.rows / import_seconds
        print(f"file: {args.rows} rows, {size_mb:.0f} MiB; deals stored: {stored}")
        print(f"psql \\copy into an unindexed table: {psql_seconds:7.2f} s  {psql_rate:10.0f} rows/s")
        print(f"salesctl import deals (validate + upsert): {import_seconds:7.2f} s  {import_rate:10.0f} rows/s  peak RSS {peak_mb:.0f} MiB")
        print(f"salesctl re-import (nothing changes):      {reimport_seconds:7.2f} s  {args.rows / reimport_seconds:10.0f} rows/s  peak RSS {reimport_peak_mb:.0f} MiB")
        print(f"ratio salesctl / psql rows per second: {import_rate / psql_rate:.2f}x (target >= 0.5x); peak RSS target < 150 MiB")
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], check=False)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
