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
     with 1 year, same reps and recent volume (the median of five nights each, alternating),
     and the same without the night's forecasts;
  4. the full backfill against one aggregate pass over the raw tables (count and sum per org
     and day over deals, activities, leads and stage changes), and against only storing its
     facts (inserting them, already computed, into empty tables with the same keys);
  5. salesctl's peak memory (max RSS) during the backfill;
  6. the fact store's bytes per stored value (tables + indexes + TOAST, over the three fact
     tables), next to the same values in the layout of sql/008–014 (`LEGACY_LAYOUT`, pinned
     here and filled from the SPEC §6 views, so it measures that layout whatever the live one is).

With --json the last line of stdout is one JSON object: read_ratio, nightly_s, backfill_s,
aggregate_s, store_s, backfill_vs_floor (backfill / (aggregate + store)), history_ratio,
bytes_per_value, bytes_per_value_before, peak_rss_mib.

Densities: `demo` seeds everything through `salesctl demo seed` (the import path; about 100
deals and 330 activities per rep over two years); `issue` seeds the org's structure that way
and adds the KPI issue's per-rep volume in SQL (`issue_density.sql`: 50 accounts, 500 deals,
~1,700 stage changes, 2,000 activities and 250 leads per rep per two years). The issue's
full scale is `--orgs 10 --reps 200 --density issue`.
"""
import argparse
import datetime
import json
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


# The fact layout of sql/008–014 (text keys on every row, one primary key per table), the
# "before" of the bytes-per-value comparison. Filled from the views, which keep their columns
# whatever the stored layout is.
LEGACY_LAYOUT = """
CREATE TABLE bench_legacy_metric_facts (
    org_id bigint NOT NULL, period_kind text NOT NULL, period_start date NOT NULL, scope_kind text NOT NULL,
    scope_id bigint NOT NULL, metric text NOT NULL, value numeric, numerator numeric, denominator numeric,
    PRIMARY KEY (org_id, period_kind, period_start, scope_kind, scope_id, metric));
CREATE TABLE bench_legacy_stage_facts (
    org_id bigint NOT NULL, period_kind text NOT NULL, period_start date NOT NULL, stage_id bigint NOT NULL,
    metric text NOT NULL, value numeric, numerator numeric, denominator numeric,
    PRIMARY KEY (org_id, period_kind, period_start, stage_id, metric));
CREATE TABLE bench_legacy_breakdown_facts (
    org_id bigint NOT NULL, period_kind text NOT NULL, period_start date NOT NULL, scope_kind text NOT NULL,
    scope_id bigint NOT NULL, dimension text NOT NULL, key text NOT NULL, metric text NOT NULL, value numeric NOT NULL,
    PRIMARY KEY (org_id, period_kind, period_start, scope_kind, scope_id, dimension, key, metric));
INSERT INTO bench_legacy_metric_facts
SELECT org_id, period_kind, period_start, scope_kind, coalesce(scope_id, 0), metric, value, numerator, denominator
FROM kpi.metric_values ORDER BY 1, 2, 3, 4, 5, 6;
INSERT INTO bench_legacy_stage_facts
SELECT v.org_id, v.period_kind, v.period_start, s.id, v.metric, v.value, v.numerator, v.denominator
FROM kpi.stage_metrics v
JOIN salesops.pipelines pl ON pl.org_id = v.org_id AND pl.name = v.pipeline
JOIN salesops.stages s ON s.org_id = v.org_id AND s.pipeline_id = pl.id AND s.name = v.stage ORDER BY 1, 2, 3, 4, 5;
INSERT INTO bench_legacy_breakdown_facts
SELECT v.org_id, v.period_kind, v.period_start, v.scope_kind,
       coalesce(t.id, r.id, 0), v.dimension, v.key, v.metric, v.value
FROM kpi.breakdowns v
LEFT JOIN salesops.teams t ON v.scope_kind = 'team' AND t.org_id = v.org_id AND t.external_id = v.scope_external_id
LEFT JOIN salesops.reps r ON v.scope_kind = 'rep' AND r.org_id = v.org_id AND r.external_id = v.scope_external_id
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8;
"""

# The stored fact tables of the live layout: every table of schema kpi whose name holds "fact"
# (sql/029: metric_fact_sets, stage_facts, breakdown_fact_sets).
LIVE_FACT_TABLES = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'kpi' AND c.relkind IN ('r', 'p') AND c.relname LIKE '%fact%' ORDER BY 1
"""
LIVE_FACT_BYTES = f"SELECT sum(pg_total_relation_size(('kpi.' || relname)::regclass)) FROM ({LIVE_FACT_TABLES}) t"
# Stored values, whatever the layout: the rows of the row-shaped views.
STORED_VALUES = ("SELECT (SELECT count(*) FROM kpi.metric_fact_rows) + (SELECT count(*) FROM kpi.breakdown_fact_rows)"
                 " + (SELECT count(*) FROM kpi.stage_fact_rows)")


def psql_value(url, sql):
    return subprocess.run(["psql", url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True,
                          text=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=10)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--density", choices=["demo", "issue"], default="demo")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
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
        facts = int(psql_value(url, STORED_VALUES))
        stored_tables = psql_value(url, LIVE_FACT_TABLES).split()
        store_only = psql_seconds(url, "".join(
            f"CREATE TABLE kpi.copy_{t} (LIKE kpi.{t} INCLUDING INDEXES); INSERT INTO kpi.copy_{t} SELECT * FROM kpi.{t};"
            for t in stored_tables))
        subprocess.run(["psql", url, "-qc", "DROP TABLE " + ", ".join(f"kpi.copy_{t}" for t in stored_tables)], check=True)
        # Bytes per stored value: the live layout against the legacy one, same values, same run.
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
        live_bytes = int(psql_value(url, LIVE_FACT_BYTES))
        subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", LEGACY_LAYOUT, "-c", "VACUUM ANALYZE bench_legacy_metric_facts, "
                        "bench_legacy_stage_facts, bench_legacy_breakdown_facts"], check=True)
        legacy_rows = int(psql_value(url, "SELECT (SELECT count(*) FROM bench_legacy_metric_facts) + (SELECT count(*) FROM "
                                          "bench_legacy_stage_facts) + (SELECT count(*) FROM bench_legacy_breakdown_facts)"))
        assert legacy_rows == facts, f"the legacy copy holds {legacy_rows} values, the store {facts}"
        legacy_bytes = int(psql_value(url, "SELECT sum(pg_total_relation_size(c)) FROM unnest(ARRAY['bench_legacy_metric_facts', "
                                           "'bench_legacy_stage_facts', 'bench_legacy_breakdown_facts']::regclass[]) c"))
        subprocess.run(["psql", url, "-qc", "DROP TABLE bench_legacy_metric_facts, bench_legacy_stage_facts, "
                        "bench_legacy_breakdown_facts"], check=True)
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
        # Five nights of each org, the two alternating (the machine is shared), and the median of
        # each. A night's KPIs are the same every time (nothing is written after the first), so
        # the runs repeat the same work. The same nights without their forecasts show how much of
        # the ratio is the forecasts' reach (about two years back, by the model's design).
        nights = {}
        for _ in range(5):
            for years in (1, 4):
                for extra in ((), ("--no-forecasts",)):
                    seconds, _, _ = timed([salesctl, "kpi", "materialize", "--org", f"history-{years}", "--to", str(LAST_DAY),
                                           *extra], env)
                    nights.setdefault((years, extra), []).append(seconds)
        median = lambda runs: sorted(runs)[len(runs) // 2]
        history = {years: median(nights[(years, ())]) for years in (1, 4)}
        history_kpis_only = {years: median(nights[(years, ("--no-forecasts",))]) for years in (1, 4)}

        print(f"data: {args.orgs} orgs, {counts}; history {first_day}..{LAST_DAY}")
        print(f"1. read one org/month/all reps {read * 1000:8.1f} ms  vs live compute {live * 1000:8.1f} ms  -> {live / read:7.1f}x (target >= 100x)")
        print(f"2. nightly (7 days, all orgs)  {nightly:8.2f} s   vs full backfill  {backfill:8.2f} s   -> backfill/nightly {backfill / nightly:6.1f}x")
        print(f"3. nightly with 4y history     {history[4]:8.2f} s   vs 1y history     {history[1]:8.2f} s   -> {history[4] / history[1]:6.2f}x (target <= 1.25x)")
        print(f"   the same, KPIs only           {history_kpis_only[4]:8.2f} s   vs 1y history     {history_kpis_only[1]:8.2f} s   -> "
              f"{history_kpis_only[4] / history_kpis_only[1]:6.2f}x (without the night's forecasts)")
        print(f"4. full backfill               {backfill:8.2f} s   vs aggregate pass {aggregate:8.2f} s   -> {backfill / aggregate:6.1f}x (target <= 10x)")
        print(f"   storing the backfill's {facts} facts alone {store_only:8.2f} s -> backfill is {backfill / store_only:6.1f}x that,"
              f" the store alone {store_only / aggregate:6.1f}x the aggregate pass")
        print(f"5. salesctl peak RSS during the backfill: {backfill_peak:.0f} MiB (target < 200 MiB)")
        print(f"6. bytes per stored value      {live_bytes / facts:8.1f}     vs legacy layout {legacy_bytes / facts:8.1f}     -> "
              f"{live_bytes / legacy_bytes:6.2f}x (target <= 0.33x)")
        if args.json:
            print(json.dumps({
                "read_ratio": round(live / read, 2), "nightly_s": round(nightly, 3), "backfill_s": round(backfill, 3),
                "aggregate_s": round(aggregate, 3), "store_s": round(store_only, 3),
                "backfill_vs_floor": round(backfill / (aggregate + store_only), 2),
                "history_ratio": round(history[4] / history[1], 3),
                "bytes_per_value": round(live_bytes / facts, 1), "bytes_per_value_before": round(legacy_bytes / facts, 1),
                "peak_rss_mib": round(backfill_peak, 1),
            }))
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
