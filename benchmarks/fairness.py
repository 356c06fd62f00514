#!/usr/bin/env python3
"""Per-org fairness benchmark, in one run on one private cluster (ratios, not absolute times).

    benchmarks/fairness.py [--heavy-reps R] [--seconds S] [--clients C] [--db-threads T] [--org-threads N]

Seeds two orgs: W, large (R reps at the KPI issue's density over two years, so its activities
number in the hundreds of thousands), and B, a small demo org. A release `salesctl serve`
runs with its defaults (T database threads; one org holds at most a quarter of them).

  1. B alone: two keep-alive clients each reading `GET /v1/kpis?period=2026-11` with B's
     reader token every 50 ms (about 35 requests a second, within B's rate).
  2. B while W attacks: the same, while wrk with C connections (default 64) sends W's heaviest
     route, `GET /v1/kpis/explain?period=2026&metric=activities&limit=1000&offset=10000` (the
     deepest page explain serves), with W's reader token, as fast as the server answers.

Reports B's requests, p50/p99 latency and non-2xx answers in both phases, the ratio of B's
p99 under attack to alone, and W's requests per second and non-2xx (429) answers. wrk, the
server and PostgreSQL share the machine's cores: only ratios of one run mean anything.
"""
import argparse
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from api import ensure_wrk, free_port, wait_until_healthy, wrk
from release_build import release_salesctl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B_PATH = "/v1/kpis?period=2026-11"
W_PATH = "/v1/kpis/explain?period=2026&metric=activities&limit=1000&offset=10000"


def paced_reads(port, path, token, seconds, clients=2, pause=0.05):
    """Reads `path` from `clients` keep-alive connections, pausing between requests; returns
    (latencies in ms sorted, non-2xx count)."""
    latencies, failures, lock = [], [0], threading.Lock()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            start = time.perf_counter()
            connection.request("GET", path, headers={"Authorization": "Bearer " + token})
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if not 200 <= response.status < 300:
                    failures[0] += 1
            time.sleep(pause)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(latencies), failures[0]


def percentile(values, fraction):
    return values[min(len(values) - 1, int(fraction * len(values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--heavy-reps", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--db-threads", type=int, default=8)
    parser.add_argument("--org-threads", type=int, help="threads one org may hold (default: the server's, a quarter)")
    args = parser.parse_args()

    salesctl = release_salesctl()
    ensure_wrk()
    work = tempfile.mkdtemp(prefix="salesops-fairness-bench-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    server = None
    try:
        url = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", cluster], check=True, capture_output=True,
                             text=True).stdout.strip()
        env = dict(os.environ, DATABASE_URL=url, SALESOPS_SQL_DIR=os.path.join(ROOT, "sql"))
        run = lambda *command: subprocess.run([salesctl, *command], check=True, env=env, capture_output=True, text=True).stdout
        run("migrate")
        print("seeding W (%d reps, issue density, 730 days) and B (8 reps, demo)" % args.heavy_reps, file=sys.stderr)
        run("org", "create", "heavy-w", "--name", "Heavy W", "--timezone", "Europe/Berlin")
        run("demo", "seed", "--org", "heavy-w", "--reps", str(args.heavy_reps), "--days", "1", "--seed", "3", "--last-day", "2026-11-20")
        subprocess.run(["psql", url, "-q", "-v", "org=heavy-w", "-v", "days=730", "-v", "last_day=2026-11-20", "-v", "seed=0.5",
                        "-f", os.path.join(ROOT, "benchmarks/issue_density.sql")], check=True, stdout=subprocess.DEVNULL)
        run("org", "create", "small-b", "--name", "Small B", "--timezone", "America/New_York")
        run("demo", "seed", "--org", "small-b", "--reps", "8", "--days", "120", "--seed", "4", "--last-day", "2026-11-20")
        for org in ("heavy-w", "small-b"):
            run("kpi", "materialize", "--org", org, "--from", "2026-11-20", "--to", "2026-11-20")
        activities = subprocess.run(["psql", url, "-qAt", "-c", "SELECT count(*) FROM salesops.activities a JOIN salesops.orgs o "
                                     "ON o.id = a.org_id WHERE o.slug = 'heavy-w'"], check=True, capture_output=True, text=True).stdout.strip()
        token_w = run("token", "create", "--org", "heavy-w", "--role", "reader", "--name", "bench").strip()
        token_b = run("token", "create", "--org", "small-b", "--role", "reader", "--name", "bench").strip()
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)

        port, metrics_port = free_port(), free_port()
        server = subprocess.Popen([salesctl, "serve", "--port", str(port), "--metrics-port", str(metrics_port),
                                   "--db-threads", str(args.db_threads), "--log-level", "error"]
                                  + (["--org-threads", str(args.org_threads)] if args.org_threads else []), env=env)
        base = "http://127.0.0.1:%d" % port
        wait_until_healthy(base)
        for token, path in ((token_b, B_PATH), (token_w, W_PATH)):
            request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
            assert urllib.request.urlopen(request, timeout=30).status == 200

        alone, alone_failed = paced_reads(port, B_PATH, token_b, args.seconds)
        attack = {}
        attacker = threading.Thread(target=lambda: attack.setdefault("w", wrk(base + W_PATH, args.clients, args.seconds + 4, token_w)))
        attacker.start()
        time.sleep(2)
        loaded, loaded_failed = paced_reads(port, B_PATH, token_b, args.seconds)
        attacker.join()
        w_rps, w_p50, w_p99, w_errors = attack["w"]

        share = args.org_threads or max(1, args.db_threads // 4)
        print("W: %s activities; server: %d database threads, one org holds at most %d; %d s per phase"
              % (activities, args.db_threads, share, args.seconds))
        print("%-28s | %9s %8s %8s %7s" % ("", "requests", "p50 ms", "p99 ms", "non-2xx"))
        for label, values, failed in (("B alone", alone, alone_failed),
                                      ("B while W at %d clients" % args.clients, loaded, loaded_failed)):
            print("%-28s | %9d %8.2f %8.2f %7d" % (label, len(values), percentile(values, 0.5), percentile(values, 0.99), failed))
        print("%-28s | %7.0f/s %8.2f %8.2f %7d" % ("W's explain (attacker, wrk)", w_rps, w_p50, w_p99, w_errors))
        print("B's p99 under attack / alone: %.2fx; B's non-2xx under attack: %d"
              % (percentile(loaded, 0.99) / percentile(alone, 0.99), loaded_failed))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
