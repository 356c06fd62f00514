#!/usr/bin/env python3
"""An org's first backfill right after its import, against the same backfill on analyzed tables.

    benchmarks/onboarding.py [--reps R] [--days D] [--first-reps R1] [--json]

On one private cluster (scripts/pg-cluster) in one run: a first org of R1 reps (default 60) is
seeded with `salesctl demo seed` and the database analyzed, so its statistics describe that org
only. Then a second org of R reps (default 30) and D days (default 365) is seeded through the
import path and backfilled at once (`kpi materialize --no-forecasts`), as an onboarding does.
Then the whole database is analyzed and the same backfill runs again.

The ratio first ÷ analyzed shows what planning on statistics that predate the org costs: the
import analyzes the tables an org's first load filled (ImportStatistics), so it should be near 1.
With --json the last line of stdout is {"reps", "days", "first_backfill_s", "analyzed_backfill_s", "ratio"}.
"""
import argparse
import datetime
import json
import subprocess
import time

from release_build import private_node, release_salesctl

LAST_DAY = datetime.date(2026, 11, 22)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--first-reps", type=int, default=60)
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    args = parser.parse_args()

    salesctl = release_salesctl()
    with private_node("salesops-onboarding-bench-") as (url, env):

        def run(*arguments):
            return subprocess.run([salesctl, *arguments], check=True, env=env, capture_output=True, text=True).stdout

        def timed(*arguments):
            start = time.perf_counter()
            run(*arguments)
            return time.perf_counter() - start

        run("migrate")
        run("org", "create", "first", "--name", "First", "--timezone", "Europe/Berlin")
        run("demo", "seed", "--org", "first", "--reps", str(args.first_reps), "--days", str(args.days), "--seed", "3",
            "--last-day", str(LAST_DAY))
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
        run("org", "create", "second", "--name", "Second", "--timezone", "Europe/Berlin")
        run("demo", "seed", "--org", "second", "--reps", str(args.reps), "--days", str(args.days), "--seed", "4",
            "--last-day", str(LAST_DAY))
        backfill = ("kpi", "materialize", "--org", "second", "--from", str(LAST_DAY - datetime.timedelta(days=args.days - 1)),
                    "--to", str(LAST_DAY), "--no-forecasts")
        first = timed(*backfill)
        subprocess.run(["psql", url, "-qc", "ANALYZE"], check=True)
        analyzed = timed(*backfill)
        print(f"second org ({args.reps} reps, {args.days} days): first backfill right after import {first:6.2f} s, "
              f"after ANALYZE {analyzed:6.2f} s -> {first / analyzed:4.2f}x")
        if args.json:
            print(json.dumps({"reps": args.reps, "days": args.days, "first_backfill_s": round(first, 3),
                              "analyzed_backfill_s": round(analyzed, 3), "ratio": round(first / analyzed, 2)}))


if __name__ == "__main__":
    main()
