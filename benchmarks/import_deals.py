#!/usr/bin/env python3
"""Import benchmark: `salesctl import KIND` of a large file against `psql \\copy` of the same
file, in one run on one private cluster.

    benchmarks/import_deals.py [--kind deals|activities|stage_changes] [--rows N] [--json] [--keep]

Two floors, both `psql \\copy` of the very file salesctl imports:
  - constrained: into a table with the file's columns and the constraints, indexes and foreign
    keys the kind's table has, expressed on those columns (the references as foreign keys to
    the referenced tables' external-id keys; primary key, unique keys, CHECKs and the same
    secondary indexes);
  - unindexed: into a table with the file's columns and nothing else.
Reports rows per second of each and of salesctl's import and re-import (nothing changes),
their ratios, and salesctl's peak memory (max RSS). With --json the last line of stdout is one
JSON object: rows, import_rows_per_s, copy_constrained_rows_per_s, copy_unindexed_rows_per_s,
ratio_constrained, peak_rss_mib.

Needs the release build (built here) and the PostgreSQL server packages (scripts/ensure-dependencies).
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

from release_build import release_salesctl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPS = 2000
ACCOUNTS = 100_000
BASE_DEALS = 100_000  # the deals activities and stage changes refer to
STAGES = ["Open", "Won", "Lost"]

# The constrained floor per kind: the file's columns, with the constraints, indexes and foreign
# keys of the kind's table (sql/004, 005, 009, 010, 015) on those columns.
CONSTRAINED = {
    "deals": """
        CREATE TABLE bench_stage_names (org_id bigint, pipeline text, stage text, PRIMARY KEY (org_id, pipeline, stage));
        INSERT INTO bench_stage_names SELECT s.org_id, p.name, s.name FROM salesops.stages s
            JOIN salesops.pipelines p ON p.org_id = s.org_id AND p.id = s.pipeline_id;
        CREATE TABLE bench_copy (
            org_id bigint NOT NULL DEFAULT {org} REFERENCES salesops.orgs (id),
            id bigint GENERATED ALWAYS AS IDENTITY,
            external_id text NOT NULL, name text, account_external_id text NOT NULL, owner_rep_external_id text NOT NULL,
            pipeline text NOT NULL, stage text NOT NULL, amount numeric(18, 2) NOT NULL, type text, product text,
            contract_months integer, created_at timestamptz NOT NULL, closed_at timestamptz,
            PRIMARY KEY (org_id, id),
            UNIQUE (org_id, external_id),
            UNIQUE (org_id, id, pipeline),
            FOREIGN KEY (org_id, account_external_id) REFERENCES salesops.accounts (org_id, external_id),
            FOREIGN KEY (org_id, owner_rep_external_id) REFERENCES salesops.reps (org_id, external_id),
            FOREIGN KEY (org_id, pipeline, stage) REFERENCES bench_stage_names (org_id, pipeline, stage),
            CHECK (closed_at >= created_at), CHECK (amount >= 0),
            CHECK (type IN ('new', 'upsell', 'cross_sell', 'renewal')), CHECK (contract_months > 0),
            CHECK (btrim(external_id) <> ''));
        CREATE INDEX ON bench_copy (org_id, owner_rep_external_id);
        CREATE INDEX ON bench_copy (org_id, account_external_id);
        CREATE INDEX ON bench_copy (org_id, created_at);
        CREATE INDEX ON bench_copy (org_id, closed_at) WHERE closed_at IS NOT NULL;
        CREATE INDEX ON bench_copy (org_id, created_at) WHERE closed_at IS NULL;
    """,
    "activities": """
        CREATE TABLE bench_copy (
            org_id bigint NOT NULL DEFAULT {org} REFERENCES salesops.orgs (id),
            id bigint GENERATED ALWAYS AS IDENTITY,
            external_id text NOT NULL, rep_external_id text NOT NULL, kind text NOT NULL, occurred_at timestamptz NOT NULL,
            lead_external_id text, account_external_id text, deal_external_id text, outcome text,
            PRIMARY KEY (org_id, id),
            UNIQUE (org_id, external_id),
            FOREIGN KEY (org_id, rep_external_id) REFERENCES salesops.reps (org_id, external_id),
            FOREIGN KEY (org_id, lead_external_id) REFERENCES salesops.leads (org_id, external_id),
            FOREIGN KEY (org_id, account_external_id) REFERENCES salesops.accounts (org_id, external_id),
            FOREIGN KEY (org_id, deal_external_id) REFERENCES salesops.deals (org_id, external_id),
            CHECK (kind IN ('call', 'email', 'meeting', 'demo', 'proposal', 'other')),
            CHECK (outcome IN ('none', 'positive_reply', 'negative_reply', 'accepted', 'declined', 'completed', 'no_show')),
            CHECK (btrim(external_id) <> ''));
        CREATE INDEX ON bench_copy (org_id, rep_external_id, occurred_at);
        CREATE INDEX ON bench_copy (org_id, occurred_at);
        CREATE INDEX ON bench_copy (org_id, deal_external_id, occurred_at) WHERE deal_external_id IS NOT NULL;
    """,
    "stage_changes": """
        CREATE TABLE bench_stage_names (org_id bigint, stage text, PRIMARY KEY (org_id, stage));
        INSERT INTO bench_stage_names SELECT org_id, name FROM salesops.stages;
        CREATE TABLE bench_copy (
            org_id bigint NOT NULL DEFAULT {org} REFERENCES salesops.orgs (id),
            id bigint GENERATED ALWAYS AS IDENTITY,
            deal_external_id text NOT NULL, from_stage text, to_stage text NOT NULL, changed_at timestamptz NOT NULL,
            PRIMARY KEY (org_id, id),
            UNIQUE (org_id, deal_external_id, to_stage, changed_at),
            FOREIGN KEY (org_id, deal_external_id) REFERENCES salesops.deals (org_id, external_id),
            FOREIGN KEY (org_id, from_stage) REFERENCES bench_stage_names (org_id, stage),
            FOREIGN KEY (org_id, to_stage) REFERENCES bench_stage_names (org_id, stage));
        CREATE INDEX ON bench_copy (org_id, deal_external_id, changed_at);
        CREATE INDEX ON bench_copy (org_id, changed_at);
    """,
}

HEADERS = {
    "deals": "external_id,name,account_external_id,owner_rep_external_id,pipeline,stage,amount,type,product,contract_months,created_at,closed_at",
    "activities": "external_id,rep_external_id,kind,occurred_at,lead_external_id,account_external_id,deal_external_id,outcome",
    "stage_changes": "deal_external_id,from_stage,to_stage,changed_at",
}


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


def deal_row(rng, i):
    stage = STAGES[rng.randrange(3)]
    day, month = 1 + rng.randrange(28), 1 + rng.randrange(12)
    created = f"2025-{month:02d}-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+01:00"
    closed = f"2026-{month:02d}-{day:02d}T10:00:00Z" if stage != "Open" else ""
    amount = f"{rng.randrange(1000, 500000)}.{rng.randrange(100):02d}"
    return (f"d-{i},\"Deal {i}, Ümlaut\",a-{rng.randrange(ACCOUNTS)},r-{rng.randrange(REPS)},New Business,{stage},"
            f"{amount},new,Platform,12,{created},{closed}\n")


def write_inputs(folder, kind, rows):
    """The structure every kind needs, the base deals (for activities and stage changes) and the measured file."""
    rng = random.Random(7)
    with open(os.path.join(folder, "reps.csv"), "w") as f:
        f.write("external_id,name,email,hired_on\n")
        for i in range(REPS):
            f.write(f"r-{i},Rep {i},rep{i}@bench.example,2023-01-01\n")
    with open(os.path.join(folder, "accounts.csv"), "w") as f:
        f.write("external_id,name,owner_rep_external_id,region\n")
        for i in range(ACCOUNTS):
            f.write(f"a-{i},Account {i},r-{i % REPS},Region {i % 7}\n")
    with open(os.path.join(folder, "stages.csv"), "w") as f:
        f.write("pipeline,name,position,kind\nNew Business,Open,1,open\nNew Business,Won,2,won\nNew Business,Lost,3,lost\n")
    if kind != "deals":
        with open(os.path.join(folder, "base_deals.csv"), "w") as f:
            f.write(HEADERS["deals"] + "\n")
            for i in range(BASE_DEALS):
                f.write(deal_row(rng, i))
    with open(os.path.join(folder, f"{kind}.csv"), "w") as f:
        f.write(HEADERS[kind] + "\n")
        if kind == "deals":
            for i in range(rows):
                f.write(deal_row(rng, i))
        elif kind == "activities":
            kinds = ["call", "email", "meeting", "demo", "proposal", "other"]
            outcomes = ["none", "positive_reply", "negative_reply", "accepted", "completed"]
            for i in range(rows):
                stamp = f"2025-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
                deal = f"d-{rng.randrange(BASE_DEALS)}" if rng.random() < 0.5 else ""
                f.write(f"x-{i},r-{rng.randrange(REPS)},{kinds[rng.randrange(6)]},{stamp},,a-{rng.randrange(ACCOUNTS)},{deal},"
                        f"{outcomes[rng.randrange(5)]}\n")
        else:
            # Moves Open → Won / Lost / Open again at distinct minutes, each (deal, stage, time) once.
            for i in range(rows):
                deal = i % BASE_DEALS
                step = i // BASE_DEALS
                to_stage = STAGES[(step + deal) % 3]
                from_stage = STAGES[(step + deal + 2) % 3] if step else ""
                f.write(f"d-{deal},{from_stage},{to_stage},2025-01-01T00:00:00Z\n".replace(
                    "2025-01-01T00:00:00Z", f"2025-{1 + step % 12:02d}-{1 + step // 12 % 28:02d}T{step % 24:02d}:{deal % 60:02d}:00Z"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=sorted(CONSTRAINED), default="deals")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    parser.add_argument("--keep", action="store_true", help="keep the cluster and files")
    args = parser.parse_args()

    salesctl = release_salesctl()

    work = tempfile.mkdtemp(prefix="salesops-bench-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    try:
        print(f"generating {args.rows} {args.kind} rows in {work}", file=sys.stderr)
        write_inputs(work, args.kind, args.rows)
        path = os.path.join(work, f"{args.kind}.csv")
        size_mb = os.path.getsize(path) / 1_048_576
        url = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", cluster], check=True,
                             capture_output=True, text=True).stdout.strip()
        env = dict(os.environ, DATABASE_URL=url, SALESOPS_SQL_DIR=os.path.join(ROOT, "sql"))
        run([salesctl, "migrate"], env)
        run([salesctl, "org", "create", "bench", "--name", "Bench"], env)
        for kind in ["reps", "accounts", "stages"]:
            run([salesctl, "import", kind, "--org", "bench", os.path.join(work, f"{kind}.csv")], env)
        if args.kind != "deals":
            run([salesctl, "import", "deals", "--org", "bench", os.path.join(work, "base_deals.csv")], env)
        org = subprocess.run(["psql", url, "-tAc", "SELECT id FROM salesops.orgs WHERE slug = 'bench'"], check=True,
                             capture_output=True, text=True).stdout.strip()
        columns = HEADERS[args.kind]
        run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", CONSTRAINED[args.kind].format(org=org)], env)
        run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
             "CREATE TABLE bench_unindexed AS SELECT " + columns + " FROM bench_copy WITH NO DATA"], env)

        def copy_seconds(table):
            run(["psql", url, "-q", "-c", "CHECKPOINT"], env)
            seconds, _ = timed(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                                f"\\copy {table} ({columns}) FROM '{path}' WITH (FORMAT csv, HEADER true)"], env)
            return seconds

        constrained_seconds = copy_seconds("bench_copy")
        unindexed_seconds = copy_seconds("bench_unindexed")
        run(["psql", url, "-q", "-c", "DROP TABLE bench_copy, bench_unindexed; CHECKPOINT"], env)
        import_seconds, peak_mb = timed([salesctl, "import", args.kind, "--org", "bench", path], env)
        reimport_seconds, reimport_peak_mb = timed([salesctl, "import", args.kind, "--org", "bench", path], env)
        table = {"deals": "deals", "activities": "activities", "stage_changes": "deal_stage_changes"}[args.kind]
        stored = subprocess.run(["psql", url, "-tAc", f"SELECT count(*) FROM salesops.{table}"], check=True, capture_output=True,
                                text=True).stdout.strip()

        constrained_rate = args.rows / constrained_seconds
        unindexed_rate = args.rows / unindexed_seconds
        import_rate = args.rows / import_seconds
        print(f"file: {args.rows} {args.kind} rows, {size_mb:.0f} MiB; rows stored in salesops.{table}: {stored}")
        print(f"psql \\copy, constrained table:  {constrained_seconds:7.2f} s  {constrained_rate:10.0f} rows/s")
        print(f"psql \\copy, unindexed table:    {unindexed_seconds:7.2f} s  {unindexed_rate:10.0f} rows/s")
        print(f"salesctl import {args.kind}:      {import_seconds:7.2f} s  {import_rate:10.0f} rows/s  peak RSS {peak_mb:.0f} MiB")
        print(f"salesctl re-import (no change):  {reimport_seconds:7.2f} s  {args.rows / reimport_seconds:10.0f} rows/s  "
              f"peak RSS {reimport_peak_mb:.0f} MiB")
        print(f"salesctl / constrained copy: {import_rate / constrained_rate:.2f}x (target >= 0.8x); "
              f"salesctl / unindexed copy: {import_rate / unindexed_rate:.2f}x")
        if args.json:
            print(json.dumps({
                "rows": args.rows, "import_rows_per_s": round(import_rate), "copy_constrained_rows_per_s": round(constrained_rate),
                "copy_unindexed_rows_per_s": round(unindexed_rate), "ratio_constrained": round(import_rate / constrained_rate, 3),
                "peak_rss_mib": round(max(peak_mb, reimport_peak_mb), 1),
            }))
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], check=False, stdout=subprocess.DEVNULL)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
