#!/usr/bin/env python3
"""Where a KPI backfill's time goes: every family statement, timed with EXPLAIN ANALYZE.

    benchmarks/kpi_families.py [--reps R] [--days D] [--density demo|issue] [--plans DIR]

Seeds one org (R reps, D days of history up to 2026-11-22, at the chosen density, as
benchmarks/kpi.py does), then in one transaction, exactly as the engine runs them: sets the
org context, creates the run's tables with `kpi.prepare_run` for the whole history, and runs
each family's own SQL file (`Sources/SalesOps/KPI/Families/*.sql`, in the engine's order) as a
prepared statement under `EXPLAIN (ANALYZE, BUFFERS)`. Prints each family's time, its share of
the families' total, the rows it wrote and the buffers it touched, next to the whole backfill
through `salesctl kpi materialize` in the same run (the families plus storing the facts).
With `--plans DIR` each family's full plan is written to DIR/<family>.txt.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from release_build import release_salesctl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAST_DAY = datetime.date(2026, 11, 22)
FAMILIES = os.path.join(ROOT, "Sources/SalesOps/KPI/Families")


def family_order():
    """The families' statement files in the engine's run order (MetricCatalogue.standard)."""
    source = open(os.path.join(ROOT, "Sources/SalesOps/Catalogue/MetricCatalogue.swift")).read()
    return re.findall(r'MetricFamily\(name: "[^"]+", target: \.\w+, statement: "([a-z_]+)"\)', source)


def psql(url, sql):
    return subprocess.run(["psql", url, "-qAt", "-v", "ON_ERROR_STOP=1"], input=sql, check=True, capture_output=True,
                          text=True).stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--density", choices=["demo", "issue"], default="demo")
    parser.add_argument("--plans", help="a folder for each family's plan")
    args = parser.parse_args()

    salesctl = release_salesctl()
    work = tempfile.mkdtemp(prefix="salesops-families-bench-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    url = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", cluster], check=True, capture_output=True,
                         text=True).stdout.strip()
    try:
        env = dict(os.environ, DATABASE_URL=url, SALESOPS_SQL_DIR=os.path.join(ROOT, "sql"))
        run = lambda *a: subprocess.run([salesctl, *a], check=True, env=env, stdout=subprocess.DEVNULL)
        run("migrate")
        run("org", "create", "bench", "--name", "Bench", "--timezone", "Europe/Berlin", "--fiscal-year-start", "4")
        print(f"seeding 1 org x {args.reps} reps x {args.days} days ({args.density} density)", file=sys.stderr)
        if args.density == "demo":
            run("demo", "seed", "--org", "bench", "--reps", str(args.reps), "--days", str(args.days), "--last-day", str(LAST_DAY))
        else:
            run("demo", "seed", "--org", "bench", "--reps", str(args.reps), "--days", "1", "--last-day", str(LAST_DAY))
            subprocess.run(["psql", url, "-q", "-v", "org=bench", "-v", f"days={args.days}", "-v", f"last_day={LAST_DAY}",
                            "-v", "seed=0.5", "-f", os.path.join(ROOT, "benchmarks/issue_density.sql")],
                           check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
        org_id, zone = psql(url, "SELECT id || '|' || timezone FROM salesops.orgs WHERE slug = 'bench'").strip().split("|")
        first_day = LAST_DAY - datetime.timedelta(days=args.days - 1)

        order = family_order()
        script = [
            "BEGIN;",
            "SET LOCAL ROLE salesops_app;",
            f"SELECT set_config('salesops.org_id', '{org_id}', true) \\g /dev/null",
            "SET LOCAL work_mem = '64MB';",  # as the engine runs them
            f"SELECT kpi.prepare_run({org_id}, '{first_day}', '{LAST_DAY}') \\g /dev/null",
        ]
        for name in order:
            text = open(os.path.join(FAMILIES, f"{name}.sql")).read().rstrip().rstrip(";")
            script.append(f"PREPARE {name}(bigint, text) AS\n{text};")
            script.append(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE {name}({org_id}, '{zone}');")
        script.append("ROLLBACK;")
        started = time.perf_counter()
        output = psql(url, "\n".join(script))
        families_wall = time.perf_counter() - started
        plans = json.JSONDecoder()
        results, position = [], 0
        output = output.strip()
        while position < len(output):
            plan, end = plans.raw_decode(output, position)
            results.append(plan[0])
            position = end
            while position < len(output) and output[position].isspace():
                position += 1
        assert len(results) == len(order), f"{len(results)} plans for {len(order)} families"

        started = time.perf_counter()
        run("kpi", "materialize", "--org", "bench", "--from", str(first_day), "--to", str(LAST_DAY))
        backfill = time.perf_counter() - started

        total = sum(r["Execution Time"] for r in results)
        print(f"\nfamilies of one backfill ({first_day} .. {LAST_DAY}), EXPLAIN ANALYZE, in run order:")
        print(f"{'family':<20} {'ms':>10} {'share':>7} {'rows':>10} {'hit':>10} {'read':>8} {'temp':>8}")
        for name, result in zip(order, results):
            plan = result["Plan"]
            rows = plan.get("Actual Rows", 0)
            if plan.get("Node Type") == "ModifyTable":  # the rows fed to the INSERT, not those of its CTEs
                rows = sum(p.get("Actual Rows", 0) for p in plan.get("Plans", []) if p.get("Parent Relationship") == "Outer")
            print(f"{name:<20} {result['Execution Time']:>10.0f} {100 * result['Execution Time'] / total:>6.1f}% {rows:>10} "
                  f"{plan.get('Shared Hit Blocks', 0):>10} {plan.get('Shared Read Blocks', 0):>8} "
                  f"{plan.get('Temp Written Blocks', 0):>8}")
        print(f"{'all families':<20} {total:>10.0f}")
        if args.plans:
            # The same session again with text plans, so each family's plan is taken after the
            # families before it wrote their facts, as in a real run.
            os.makedirs(args.plans, exist_ok=True)
            text_script = [line.replace("FORMAT JSON", "FORMAT TEXT") if line.startswith("EXPLAIN") else line for line in script]
            marked = []
            for line in text_script:
                if line.startswith("EXPLAIN"):
                    marked.append(f"\\echo '=== {line.split('EXECUTE ')[1].split('(')[0]}'")
                marked.append(line)
            name, chunks = None, {}
            for line in psql(url, "\n".join(marked)).splitlines():
                if line.startswith("=== "):
                    name = line[4:]
                elif name:
                    chunks.setdefault(name, []).append(line)
            for name, lines in chunks.items():
                with open(os.path.join(args.plans, f"{name}.txt"), "w") as out:
                    out.write("\n".join(lines) + "\n")
        print(f"\nthe families' session (psql, wall): {families_wall:.2f} s; the backfill through salesctl: {backfill:.2f} s "
              f"(families / backfill = {total / 1000 / backfill:.2f})")
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], check=False, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
