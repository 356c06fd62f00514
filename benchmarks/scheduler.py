#!/usr/bin/env python3
"""Scheduler benchmark, in one run on one private cluster (ratios, not absolute times).

    benchmarks/scheduler.py [--orgs N] [--nights K] [--reps R] [--small-orgs M] [--small-nights J]

1. Overhead: N orgs (R reps, 60 days of demo data each), K missed nights per org. The same
   nights are run twice from identical copies of the database: once by `salesctl kpi
   materialize --org O --from d-6 --to d` per night, oldest first, and once by one
   `salesctl scheduler run --once` process (claims, leases, heartbeats, run records).
   Reported: scheduler time / direct time.
2. Throughput: M small orgs (4 reps, 30 days), J nights each, caught up by one scheduler
   process against three at once (`--once`, concurrency 1 each). Reported: nights per
   minute of each, and their ratio.
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
LAST_NIGHT = datetime.date(2026, 3, 19)
CLOCK = "2026-03-20T12:30:00Z"  # every zone below is past 02:00 on the 20th, or (Apia) on the 21st before it


def psql(url, sql):
    return subprocess.run(["psql", url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True,
                          text=True).stdout.strip()


def with_database(url, name):
    return url.rsplit("/", 1)[0] + "/" + name


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=5)
    parser.add_argument("--nights", type=int, default=10)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--small-orgs", type=int, default=100)
    parser.add_argument("--small-nights", type=int, default=5)
    args = parser.parse_args()

    salesctl = release_salesctl()
    work = tempfile.mkdtemp(prefix="salesops-scheduler-bench-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    first_night = LAST_NIGHT - datetime.timedelta(days=args.nights - 1)
    try:
        server = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", cluster], check=True,
                                capture_output=True, text=True).stdout.strip()
        base_env = dict(os.environ, SALESOPS_SQL_DIR=os.path.join(ROOT, "sql"))

        def salesctl_in(database, *arguments, capture=False):
            env = dict(base_env, DATABASE_URL=with_database(server, database))
            return subprocess.run([salesctl, *arguments], check=True, env=env, capture_output=capture, text=True)

        def make_database(name, orgs, reps, days, nights):
            # Created the day after the first night (local): nights first..LAST_NIGHT are due.
            created = (LAST_NIGHT - datetime.timedelta(days=nights - 2)).isoformat() + " 00:30"
            psql(server, f"CREATE DATABASE {name}")
            salesctl_in(name, "migrate", capture=True)
            zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Honolulu", "Pacific/Apia", "UTC"]
            for index in range(orgs):
                slug = f"org-{index}"
                salesctl_in(name, "org", "create", slug, "--name", slug, "--timezone", zones[index % len(zones)], capture=True)
                salesctl_in(name, "demo", "seed", "--org", slug, "--reps", str(reps), "--days", str(days), "--seed",
                            str(index + 1), "--last-day", LAST_NIGHT.isoformat(), capture=True)
            psql(with_database(server, name), f"UPDATE salesops.orgs SET created_at = '{created}'::timestamp AT TIME ZONE timezone")
            psql(with_database(server, name), "VACUUM ANALYZE")

        def copy(template, name):
            psql(server, f"CREATE DATABASE {name} TEMPLATE {template}")

        # 1. Overhead against direct materialization of the same nights.
        print(f"overhead: {args.orgs} orgs x {args.reps} reps, {args.nights} nights each", file=sys.stderr)
        make_database("overhead", args.orgs, args.reps, 60, args.nights)
        copy("overhead", "direct")
        copy("overhead", "scheduled")
        start = time.perf_counter()
        for night_index in range(args.nights):
            night = first_night + datetime.timedelta(days=night_index)
            for index in range(args.orgs):
                salesctl_in("direct", "kpi", "materialize", "--org", f"org-{index}", "--from",
                            (night - datetime.timedelta(days=6)).isoformat(), "--to", night.isoformat(), capture=True)
        direct = time.perf_counter() - start
        start = time.perf_counter()
        salesctl_in("scheduled", "scheduler", "run", "--once", "--clock-start", CLOCK, capture=True)
        scheduled = time.perf_counter() - start
        succeeded = psql(with_database(server, "scheduled"),
                         "SELECT count(*) FROM salesops.scheduler_runs WHERE status = 'succeeded'")
        nights = args.orgs * args.nights
        assert int(succeeded) == nights, f"scheduler ran {succeeded} of {nights} nights"

        # 2. Throughput of one process against three on many small orgs.
        print(f"throughput: {args.small_orgs} small orgs, {args.small_nights} nights each", file=sys.stderr)
        make_database("small", args.small_orgs, 4, 30, args.small_nights)
        copy("small", "one_process")
        copy("small", "three_processes")
        throughput = {}
        for database, processes in [("one_process", 1), ("three_processes", 3)]:
            env = dict(base_env, DATABASE_URL=with_database(server, database))
            start = time.perf_counter()
            running = [subprocess.Popen([salesctl, "scheduler", "run", "--once", "--clock-start", CLOCK], env=env,
                                        stdout=subprocess.DEVNULL) for _ in range(processes)]
            assert all(process.wait() == 0 for process in running)
            elapsed = time.perf_counter() - start
            done = int(psql(with_database(server, database),
                            "SELECT count(*) FROM salesops.scheduler_runs WHERE status = 'succeeded'"))
            assert done == args.small_orgs * args.small_nights, f"{database}: {done} nights"
            throughput[processes] = done / elapsed * 60

        print(f"1. overhead ({nights} nights, {args.orgs} orgs x {args.reps} reps): direct kpi materialize per night "
              f"{direct:.2f} s, scheduler run --once {scheduled:.2f} s -> {scheduled / direct:.2f}x (target <= 1.1x)")
        print(f"2. throughput ({args.small_orgs} orgs x {args.small_nights} nights): 1 process {throughput[1]:.0f} nights/min, "
              f"3 processes {throughput[3]:.0f} nights/min -> {throughput[3] / throughput[1]:.2f}x")
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
