#!/usr/bin/env python3
"""One node against a local Citus cluster, in one run (ratios, not absolute times).

    benchmarks/cluster.py [--orgs N] [--reps R] [--days D] [--requests Q] [--json]

Starts a private PostgreSQL (scripts/pg-cluster) and a local Citus cluster of a coordinator and
two workers (scripts/citus-cluster) on this machine, and on each:

  * migrates, creates N orgs and seeds each with R reps and D days up to 2026-11-20;
  * backfills every org's KPIs up to 2026-11-19, then runs the night of 2026-11-20, one org
    after another, timing both;
  * serves the API and times Q sequential `GET /v1/kpis?period=2026-11` per org with each org's
    reader token.

Both deployments run every product statement through a login that is not a superuser (on
the cluster one that is a member of the schema's owner, as a deployment's must be; on one node
the product switches to its roles), so row-level security applies to both. On the cluster it
then runs `salesctl cluster rebalance` and reports the stored rows per node from
`salesctl cluster status`.

All three nodes of the cluster share this machine's cores with the one node, so the cluster
cannot be faster here: the ratios show what routing each org's statements through the
coordinator costs (target: at most 1.3x one node for per-org work). With --json the last
line of stdout is {"orgs", "backfill_ratio", "night_ratio", "api_ratio", "rows_per_node"}.
"""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from release_build import release_salesctl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAST_DAY = "2026-11-20"
PATH = "/v1/kpis?period=2026-11"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_user(url, user):
    """`url` with its user replaced by `user` (no password: the private clusters trust local logins)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname + (":%d" % parts.port if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, "%s@%s" % (user, host), parts.path, parts.query, parts.fragment))


def with_database(url, database):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


class Deployment:
    """One database to benchmark: its admin URL, and the product login's URL."""

    def __init__(self, name, salesctl, admin_url, product_url):
        self.name, self.salesctl, self.admin_url, self.product_url = name, salesctl, admin_url, product_url

    def run(self, *arguments, admin=False):
        env = dict(os.environ, DATABASE_URL=self.admin_url if admin else self.product_url)
        done = subprocess.run([self.salesctl] + list(arguments), capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise SystemExit("%s: salesctl %s exited %d: %s" % (self.name, " ".join(arguments), done.returncode,
                                                              done.stderr.strip()))
        return done.stdout

    def timed(self, *arguments):
        started = time.monotonic()
        self.run(*arguments)
        return time.monotonic() - started


def psql(url, sql):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True, capture_output=True)


def prepare(deployment, orgs, reps, days):
    """Migrates, creates and seeds the orgs; returns each org's reader token."""
    deployment.run("migrate", admin=True)
    tokens = {}
    for index in range(orgs):
        slug = "bench-%d" % index
        deployment.run("org", "create", slug, "--name", slug, "--timezone", "America/New_York")
        deployment.run("demo", "seed", "--org", slug, "--reps", str(reps), "--days", str(days), "--seed", str(index + 1),
                       "--last-day", LAST_DAY)
        tokens[slug] = deployment.run("token", "create", "--org", slug, "--role", "reader", "--name", "bench").strip()
    return tokens


def materialize(deployment, slugs, days):
    first = subprocess.run(["date", "-d", "%s - %d days" % (LAST_DAY, days - 1), "+%F"], check=True, capture_output=True,
                           text=True).stdout.strip()
    backfill = sum(deployment.timed("kpi", "materialize", "--org", slug, "--from", first, "--to", "2026-11-19") for slug in slugs)
    night = sum(deployment.timed("kpi", "materialize", "--org", slug, "--from", LAST_DAY, "--to", LAST_DAY) for slug in slugs)
    return backfill, night


def read_over_api(deployment, tokens, requests):
    """Seconds for `requests` sequential KPI reads per org, over one kept-alive connection each."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=deployment.product_url)
    server = subprocess.Popen([deployment.salesctl, "serve", "--port", str(port), "--metrics-port", "0"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        elapsed = 0.0
        for slug, token in tokens.items():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Authorization": "Bearer " + token}
            connection.request("GET", PATH, headers=headers)  # warm up: the first read plans the statements
            warm = connection.getresponse()
            warm.read()
            if warm.status != 200:
                raise SystemExit("%s: %s answered %d for %s" % (deployment.name, PATH, warm.status, slug))
            started = time.monotonic()
            for _ in range(requests):
                connection.request("GET", PATH, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit("%s: %s answered %d" % (deployment.name, PATH, response.status))
            elapsed += time.monotonic() - started
            connection.close()
        return elapsed
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=4)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    salesctl = release_salesctl()
    folder = tempfile.mkdtemp(prefix="salesops-cluster-bench-")
    os.chmod(folder, 0o755)  # the servers run as `postgres` when this runs as root
    single_dir, citus_dir = os.path.join(folder, "single"), os.path.join(folder, "citus")
    try:
        single_admin = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", single_dir], check=True,
                                      capture_output=True, text=True).stdout.strip().splitlines()[-1]
        citus_admin = subprocess.run([os.path.join(ROOT, "scripts/citus-cluster"), "start", citus_dir], check=True,
                                     capture_output=True, text=True).stdout.strip().splitlines()[-1]
        single = Deployment("one node", salesctl, single_admin, single_admin)
        # On one node the product switches to its login-less roles, which apply row-level security.
        cluster = Deployment("Citus", salesctl, citus_admin, with_user(citus_admin, "salesops_bench"))
        single.run("migrate", admin=True)
        cluster.run("migrate", admin=True)
        # The cluster's product login: a member of the schema's owner, not a superuser.
        psql(citus_admin, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'salesops_bench') THEN "
                          "EXECUTE format('CREATE ROLE salesops_bench LOGIN IN ROLE %I', "
                          "(SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'salesops')); END IF; END $$")

        results = {}
        for deployment in (single, cluster):
            tokens = prepare(deployment, args.orgs, args.reps, args.days)
            backfill, night = materialize(deployment, list(tokens), args.days)
            api = read_over_api(deployment, tokens, args.requests)
            results[deployment.name] = (backfill, night, api)
            print("%-8s backfill %7.2f s   night %6.2f s   %d KPI reads x %d orgs %6.2f s" % (
                deployment.name, backfill, night, args.requests, args.orgs, api))

        cluster.run("cluster", "rebalance", admin=True)
        status = json.loads(cluster.run("cluster", "status", "--orgs", str(args.orgs), "--json", admin=True))
        rows_per_node = {}
        for org in status["largest_orgs"]:
            rows_per_node[org["node"]] = rows_per_node.get(org["node"], 0) + int(org["stored_rows"])
        one, many = results["one node"], results["Citus"]
        summary = {
            "orgs": args.orgs,
            "backfill_ratio": round(many[0] / one[0], 3),
            "night_ratio": round(many[1] / one[1], 3),
            "api_ratio": round(many[2] / one[2], 3),
            "rows_per_node": rows_per_node,
        }
        print("Citus / one node: backfill %.2fx, night %.2fx, API reads %.2fx" % (
            summary["backfill_ratio"], summary["night_ratio"], summary["api_ratio"]))
        print("stored rows per node after rebalance: %s" % json.dumps(rows_per_node, sort_keys=True))
        if args.json:
            print(json.dumps(summary, sort_keys=True))
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/citus-cluster"), "stop", citus_dir], check=False, capture_output=True)
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", single_dir], check=False, capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
