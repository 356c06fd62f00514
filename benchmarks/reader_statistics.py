#!/usr/bin/env python3
"""What hiding planner statistics from readers costs the product's own plans (sql/023).

    benchmarks/reader_statistics.py [--reps R] [--days D] [--rounds N]

Seeds one org (R reps, D days up to 2026-11-20) and, alternating N rounds of each, times a
materialization of the org's last 90 days (every family's statements, reading teams, reps,
pipelines and stages and writing the facts) with the schema as migrated (no statistics on the
columns readers reach) and with those statistics restored (`SET STATISTICS -1` and ANALYZE,
the state before sql/023). Prints the ratio of the mean times and the plans of a month's KPI
read (`kpi.metric_values` of every rep, as `kpi show` and the API read it) in both states.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

from release_build import release_salesctl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RESTORE = """
DO $$ DECLARE col record; BEGIN
  FOR col IN SELECT c.oid::regclass AS rel, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE n.nspname IN ('salesops', 'kpi') AND c.relkind = 'r' AND a.attstattarget = 0 LOOP
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET STATISTICS -1', col.rel, col.attname);
  END LOOP;
END $$;
"""
HIDE = "SELECT salesops_meta.hide_reader_statistics();"
READ = """EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT v.scope_external_id, v.metric, v.value, v.numerator, v.denominator FROM kpi.metric_values v
WHERE v.org_id = (SELECT id FROM salesops.orgs WHERE slug = 'bench') AND v.period_kind = 'month'
  AND v.period_start = '2026-11-01' AND v.scope_kind = 'rep'"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    salesctl = release_salesctl()
    work = tempfile.mkdtemp(prefix="salesops-stats-bench-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    try:
        url = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", cluster], check=True, capture_output=True,
                             text=True).stdout.strip()
        env = dict(os.environ, DATABASE_URL=url, SALESOPS_SQL_DIR=os.path.join(ROOT, "sql"))
        run = lambda *command: subprocess.run([salesctl, *command], check=True, env=env, capture_output=True, text=True).stdout
        psql = lambda sql: subprocess.run(["psql", url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                                          capture_output=True, text=True).stdout
        run("migrate")
        run("org", "create", "bench", "--name", "Bench", "--timezone", "Europe/Berlin")
        run("demo", "seed", "--org", "bench", "--reps", str(args.reps), "--days", str(args.days), "--seed", "7",
            "--last-day", "2026-11-20")
        run("kpi", "materialize", "--org", "bench", "--from", "2026-08-23", "--to", "2026-11-20")

        def materialize():
            psql("VACUUM ANALYZE")
            start = time.perf_counter()
            run("kpi", "materialize", "--org", "bench", "--from", "2026-08-23", "--to", "2026-11-20")
            return time.perf_counter() - start

        times = {"hidden": [], "restored": []}
        plans = {}
        for _ in range(args.rounds):
            for state in ("hidden", "restored"):
                psql(HIDE if state == "hidden" else RESTORE)
                psql("ANALYZE")
                times[state].append(materialize())
                plans[state] = psql(READ)
        mean = {state: sum(values) / len(values) for state, values in times.items()}
        print("materialize 90 days of one org (%d reps, %d days of history), mean of %d rounds each" % (args.reps, args.days, args.rounds))
        for state, label in (("restored", "statistics on every column (before sql/023)"),
                             ("hidden", "no statistics on reader-reachable columns")):
            print("  %-46s %7.2f s  (%s)" % (label, mean[state], ", ".join("%.2f" % t for t in times[state])))
        print("  ratio hidden / restored: %.2fx" % (mean["hidden"] / mean["restored"]))
        for state in ("restored", "hidden"):
            print("\nplan of a month's rep KPIs from kpi.metric_values, statistics %s:\n%s" % (state, plans[state]))
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
