#!/usr/bin/env python3
"""KPI engine benchmark, in one run on one private cluster (ratios, not absolute times).

    benchmarks/kpi.py [--orgs N] [--reps R] [--days D] [--density demo|issue]

Seeds N orgs (R reps each, D days of history up to 2026-11-22), then measures:
  1. read: one org, one month, every rep's metrics from kpi.metric_values (rows fetched, mean of
     200 reads in one session), against computing
     the same periods live from the raw tables (`kpi materialize --dry-run` of the month's
     last day: its day, week, month, quarter and year);
  2. nightly run (7-day window, all orgs) against the full backfill of the history;
  3. history independence: the nightly run of an org with 4 years of history against one
     with 1 year, same reps and recent volume;
  4. the full backfill against one aggregate pass over the raw tables (count and sum per org
     and day over deals, activities, leads and stage changes), and against only storing its
     facts (inserting them, already computed, into empty tables with the same keys);
  5. salesctl's peak memory (max RSS) during the backfill.

Densities: `demo` seeds everything through `salesctl demo seed` (the import path; about 100
deals and 330 activities per rep over two years); `issue` seeds the org's structure that way
and adds the KPI issue's per-rep volume in SQL (`issue_density.sql`: 50 accounts, 500 deals,
~1,700 stage changes, 2,000 activities and 250 leads per rep per two years). The issue's
full scale is `--orgs 10 --reps 200 --density issue`.
"""
import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time

from release_build import release_salesctl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAST_DAY = datetime.date(2026, 11, 22)


def timed(command, env):
    """Runs a command under GNU time; returns (seconds, peak RSS MiB, stdout)."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name] + command, check=True, env=env,
                             capture_output=True, text=True).stdout
        elapsed = time.perf_counter() - start
        peak = int(report.read().strip().splitlines()[-1]) / 1024.0
    return elapsed, peak, out


def settle(url):
    """Lets the server finish the previous phase's work so it does not bleed into the next timing."""
    subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
    subprocess.run(["psql", url, "-qc", "CHECKPOINT"], check=True)


def psql_seconds(url, sql, repeat=1):
    start = time.perf_counter()
    subprocess.run(["psql", url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql * repeat], check=True, capture_output=True)
    return (time.perf_counter() - start) / repeat


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=10)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--density", choices=["demo", "issue"], default="demo")
    args = parser.parse_args()

    salesctl = release_salesctl()
    work = tempfile.mkdtemp(prefix="salesops-kpi-bench-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    try:
        url = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", cluster], check=True, capture_output=True,
                             text=True).stdout.strip()
        env = dict(os.environ, DATABASE_URL=url, SALESOPS_SQL_DIR=os.path.join(ROOT, "sql"))
        run = lambda *a: subprocess.run([salesctl, *a], check=True, env=env, stdout=subprocess.DEVNULL)
        run("migrate")

        def seed(slug, days, seed):
            """Seeds an existing org with `days` days of history at the chosen density."""
            if args.density == "demo":
                run("demo", "seed", "--org", slug, "--reps", str(args.reps), "--days", str(days), "--seed", str(seed),
                    "--last-day", str(LAST_DAY))
                return
            run("demo", "seed", "--org", slug, "--reps", str(args.reps), "--days", "1", "--seed", str(seed),
                "--last-day", str(LAST_DAY))
            subprocess.run(["psql", url, "-q", "-v", f"org={slug}", "-v", f"days={days}", "-v", f"last_day={LAST_DAY}",
                            "-v", f"seed={1 / (seed + 1)}", "-f", os.path.join(ROOT, "benchmarks/issue_density.sql")],
                           check=True, stdout=subprocess.DEVNULL)

        zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Tongatapu", "UTC", "Australia/Sydney"]
        print(f"seeding {args.orgs} orgs x {args.reps} reps x {args.days} days ({args.density} density)", file=sys.stderr)
        for index in range(args.orgs):
            run("org", "create", f"org-{index}", "--name", f"Org {index}", "--timezone", zones[index % len(zones)],
                "--fiscal-year-start", str(1 + index % 12))
            seed(f"org-{index}", args.days, index + 1)
        counts = subprocess.run(["psql", url, "-qAt", "-c",
                                 "SELECT (SELECT count(*) FROM salesops.deals) || ' deals, ' || (SELECT count(*) FROM salesops.deal_stage_changes)"
                                 " || ' stage changes, ' || (SELECT count(*) FROM salesops.activities) || ' activities, '"
                                 " || (SELECT count(*) FROM salesops.leads) || ' leads'"], check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
        first_day = LAST_DAY - datetime.timedelta(days=args.days - 1)

        backfill, backfill_peak, _ = timed([salesctl, "kpi", "materialize", "--all", "--from", str(first_day), "--to", str(LAST_DAY)], env)
        settle(url)
        # The floor under any backfill that stores these facts: inserting them, already computed,
        # into empty tables with the same keys.
        facts = int(subprocess.run(["psql", url, "-qAt", "-c", "SELECT (SELECT count(*) FROM kpi.metric_facts) + "
                                    "(SELECT count(*) FROM kpi.breakdown_facts) + (SELECT count(*) FROM kpi.stage_facts)"],
                                   check=True, capture_output=True, text=True).stdout.strip())
        store_only = psql_seconds(url, "".join(
            f"CREATE TABLE kpi.copy_{t} (LIKE kpi.{t} INCLUDING INDEXES); INSERT INTO kpi.copy_{t} SELECT * FROM kpi.{t};"
            for t in ("metric_facts", "breakdown_facts", "stage_facts")))
        subprocess.run(["psql", url, "-qc", "DROP TABLE kpi.copy_metric_facts, kpi.copy_breakdown_facts, kpi.copy_stage_facts"],
                       check=True)
        settle(url)
        nightly, _, _ = timed([salesctl, "kpi", "materialize", "--all", "--to", str(LAST_DAY)], env)
        aggregate = psql_seconds(url, """
            SELECT org_id, (created_at AT TIME ZONE 'UTC')::date, count(*), sum(amount) FROM salesops.deals GROUP BY 1, 2;
            SELECT org_id, (occurred_at AT TIME ZONE 'UTC')::date, count(*) FROM salesops.activities GROUP BY 1, 2;
            SELECT org_id, (created_at AT TIME ZONE 'UTC')::date, count(*) FROM salesops.leads GROUP BY 1, 2;
            SELECT org_id, (changed_at AT TIME ZONE 'UTC')::date, count(*) FROM salesops.deal_stage_changes GROUP BY 1, 2;
            """, repeat=3)  # the mean of three passes in one session: psql's start is not the pass

        month_end = datetime.date(2026, 10, 31)
        live, _, _ = timed([salesctl, "kpi", "materialize", "--org", "org-0", "--from", str(month_end), "--to", str(month_end), "--dry-run"], env)
        org_id = subprocess.run(["psql", url, "-qAt", "-c", "SELECT id FROM salesops.orgs WHERE slug = 'org-0'"], check=True,
                                capture_output=True, text=True).stdout.strip()
        read_sql = (f"BEGIN; SET LOCAL ROLE salesops_app; SELECT set_config('salesops.org_id', '{org_id}', true); "
                    "SELECT scope_external_id, metric, value, numerator, denominator FROM kpi.metric_values "
                    "WHERE period_kind = 'month' AND period_start = '2026-10-01' AND scope_kind = 'rep'; COMMIT;")
        # 200 reads in one session: the time of psql's start and connect is spread thin, as
        # a BI tool's pooled connection would have it.
        read = psql_seconds(url, read_sql, repeat=200)

        # History independence: same reps and seed, 1 year against 4 years of history.
        for years in (1, 4):
            run("org", "create", f"history-{years}", "--name", f"History {years}")
            seed(f"history-{years}", 365 * years, 99)
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
        for years in (1, 4):
            run("kpi", "materialize", "--org", f"history-{years}", "--from", "2025-11-23", "--to", str(LAST_DAY))
        settle(url)
        history = {}
        for years in (1, 4):
            history[years], _, _ = timed([salesctl, "kpi", "materialize", "--org", f"history-{years}", "--to", str(LAST_DAY)], env)

        print(f"data: {args.orgs} orgs, {counts}; history {first_day}..{LAST_DAY}")
        print(f"1. read one org/month/all reps {read * 1000:8.1f} ms  vs live compute {live * 1000:8.1f} ms  -> {live / read:7.1f}x (target >= 100x)")
        print(f"2. nightly (7 days, all orgs)  {nightly:8.2f} s   vs full backfill  {backfill:8.2f} s   -> backfill/nightly {backfill / nightly:6.1f}x")
        print(f"3. nightly with 4y history     {history[4]:8.2f} s   vs 1y history     {history[1]:8.2f} s   -> {history[4] / history[1]:6.2f}x (target <= 1.25x)")
        print(f"4. full backfill               {backfill:8.2f} s   vs aggregate pass {aggregate:8.2f} s   -> {backfill / aggregate:6.1f}x (target <= 10x)")
        print(f"   storing the backfill's {facts} facts alone {store_only:8.2f} s -> backfill is {backfill / store_only:6.1f}x that,"
              f" the store alone {store_only / aggregate:6.1f}x the aggregate pass")
        print(f"5. salesctl peak RSS during the backfill: {backfill_peak:.0f} MiB (target < 200 MiB)")
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
