#!/usr/bin/env python3
"""Two builds of salesctl against each other, alternating, on one node or a local Citus cluster.

    benchmarks/builds.py --before REV [--before-tree DIR] [--deployment node|citus] [--reps R]
                         [--days D] [--rounds N] [--accounts N] [--json]

The "after" build is this checkout; the "before" build is the commit REV, checked out as a git
worktree under .build-builds/ and built in release mode there (kept, so a second run builds
only what changed), or an existing checkout given with --before-tree whose release build is
used as it is. On one private deployment (scripts/pg-cluster, or scripts/citus-cluster with
--deployment citus) each build gets a database of its own, migrated with its own schema files,
and in it the same org: R reps and D days of `demo seed` data up to 2026-11-20 (seed 7).

Then, each step run once per build in turn (before, after, before, ...), so the machine's
drift hits both alike:

  * the org's first backfill (a year up to 2026-11-19, without forecasts);
  * N reruns of that backfill (every statement but the final writes: the facts are unchanged);
  * N nights (2026-11-14..2026-11-20, with forecasts);
  * three imports of --accounts new accounts each, and a no-change re-import of the first file.

Finally it compares the facts both builds stored, by external ids (md5 of every row of
`kpi.metric_values`, `kpi.breakdowns` and `kpi.stage_metrics`; internal ids may differ between
builds). It reports each step's median per build and after / before. Both builds run as logins
that row-level security applies to (on the cluster, a member of the schema's owner). With
--json the last line of stdout is {"deployment", "before", "facts_equal", "steps": {step:
{"before_s", "after_s", "ratio"}}}.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

from release_build import ROOT, release_salesctl

LAST_DAY = "2026-11-20"
BACKFILL = ("2025-11-21", "2026-11-19")
NIGHT = ("2026-11-14", LAST_DAY)
FACT_VIEWS = {
    "metric_values": "SELECT period_kind, period_start, scope_kind, scope_external_id, metric, value, numerator, denominator "
                     "FROM kpi.metric_values",
    "breakdowns": "SELECT period_kind, period_start, scope_kind, scope_external_id, dimension, key, metric, value "
                  "FROM kpi.breakdowns",
    "stage_metrics": "SELECT period_kind, period_start, stage, metric, value, numerator, denominator FROM kpi.stage_metrics",
}


def run(arguments, **kwargs):
    return subprocess.run(arguments, check=True, capture_output=True, text=True, **kwargs).stdout.strip()


def psql(url, sql):
    return run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql])


def with_path(url, database, user=None):
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc if user is None else "%s@%s" % (user, parts.netloc.split("@")[-1])
    return urllib.parse.urlunsplit((parts.scheme, netloc, "/" + database, parts.query, parts.fragment))


def before_build(revision, tree):
    """The path of the before build's salesctl, building it first unless `tree` is given."""
    if tree is None:
        tree = os.path.join(ROOT, ".build-builds", run(["git", "-C", ROOT, "rev-parse", "--short", revision]))
        if not os.path.isdir(tree):
            os.makedirs(os.path.dirname(tree), exist_ok=True)
            run(["git", "-C", ROOT, "worktree", "add", "--detach", tree, revision])
        subprocess.run(["swift", "build", "-c", "release", "--product", "salesctl"], check=True, cwd=tree, stdout=sys.stderr)
    bin_path = run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=tree)
    return os.path.join(bin_path, "salesctl"), os.path.join(tree, "sql")


class Build:
    """One build with its own database: runs salesctl and times it."""

    def __init__(self, name, salesctl, sql_dir, admin_url, product_url):
        self.name, self.salesctl, self.sql_dir = name, salesctl, sql_dir
        self.admin_url, self.product_url = admin_url, product_url
        self.times = {}

    def run(self, *arguments, admin=False):
        env = dict(os.environ, DATABASE_URL=self.admin_url if admin else self.product_url, SALESOPS_SQL_DIR=self.sql_dir)
        done = subprocess.run([self.salesctl] + list(arguments), capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise SystemExit("%s: salesctl %s exited %d: %s" % (self.name, " ".join(arguments), done.returncode,
                                                              done.stderr.strip()[-2000:]))
        return done.stdout

    def timed(self, step, *arguments):
        started = time.monotonic()
        self.run(*arguments)
        self.times.setdefault(step, []).append(time.monotonic() - started)

    def fact_digests(self):
        return {view: psql(self.admin_url, "SELECT count(*) || ':' || coalesce(md5(string_agg(v::text, '|' ORDER BY v::text)), '') "
                                           "FROM (%s) v" % select) for view, select in FACT_VIEWS.items()}


def create_databases(admin_url, names, citus):
    """Creates the databases; on a cluster on every node, with Citus and the workers registered."""
    nodes = [admin_url]
    if citus:
        parts = urllib.parse.urlsplit(admin_url)
        rows = psql(admin_url, "SELECT nodename || ':' || nodeport FROM pg_dist_node WHERE groupid <> 0 ORDER BY nodeport")
        nodes += [urllib.parse.urlunsplit((parts.scheme, "%s@%s" % (parts.username, node), parts.path, "", ""))
                  for node in rows.split()]
    for name in names:
        for node in nodes:
            psql(node, "DROP DATABASE IF EXISTS %s" % name)
            psql(node, "CREATE DATABASE %s" % name)
            if citus:
                psql(with_path(node, name), "CREATE EXTENSION citus")
        if citus:
            coordinator = urllib.parse.urlsplit(admin_url)
            psql(with_path(admin_url, name), "SELECT citus_set_coordinator_host('%s', %d)" % (coordinator.hostname, coordinator.port))
            for node in nodes[1:]:
                worker = urllib.parse.urlsplit(node)
                psql(with_path(admin_url, name), "SELECT citus_add_node('%s', %d)" % (worker.hostname, worker.port))


def accounts_file(folder, round_number, count):
    path = os.path.join(folder, "accounts-%d.csv" % round_number)
    with open(path, "w") as out:
        out.write("external_id,name,owner_rep_external_id,region,source\n")
        for index in range(count):
            out.write("b%d-%d,Account %d %d,rep-%d,EMEA,inbound\n" % (round_number, index, round_number, index, index % 4 + 1))
    return path


def alternate(builds, rounds, step, *arguments):
    """Runs `salesctl arguments` `rounds` times per build, the builds taking turns."""
    for _ in range(rounds):
        for build in builds:
            build.timed(step, *arguments)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="the commit to compare this checkout with")
    parser.add_argument("--before-tree", help="an existing checkout of that commit, already built in release mode")
    parser.add_argument("--deployment", choices=["node", "citus"], default="node")
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=200000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    after_salesctl = release_salesctl()
    before_salesctl, before_sql = before_build(args.before, args.before_tree)
    folder = tempfile.mkdtemp(prefix="salesops-builds-bench-")
    os.chmod(folder, 0o755)  # the servers run as `postgres` when this runs as root
    script = "scripts/citus-cluster" if args.deployment == "citus" else "scripts/pg-cluster"
    cluster_dir = os.path.join(folder, "cluster")
    try:
        admin = run([os.path.join(ROOT, script), "start", cluster_dir]).splitlines()[-1]
        create_databases(admin, ["before_build", "after_build"], args.deployment == "citus")
        builds = []
        for name, salesctl, sql_dir in (("before", before_salesctl, before_sql), ("after", after_salesctl, os.path.join(ROOT, "sql"))):
            database_admin = with_path(admin, name + "_build")
            # On one node the product switches to its login-less roles; on a cluster it runs as
            # its own login, a member of the schema's owner that is not a superuser.
            product = with_path(admin, name + "_build", user="salesops_bench") if args.deployment == "citus" else database_admin
            build = Build(name, salesctl, sql_dir, database_admin, product)
            build.run("migrate", admin=True)
            if args.deployment == "citus":
                psql(database_admin, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'salesops_bench') THEN "
                                     "CREATE ROLE salesops_bench LOGIN; END IF; END $$")
                psql(database_admin, "GRANT %s TO salesops_bench" % psql(
                    database_admin, "SELECT quote_ident(pg_get_userbyid(nspowner)) FROM pg_namespace WHERE nspname = 'salesops'"))
            build.run("org", "create", "bench", "--name", "Bench", "--timezone", "Europe/Berlin")
            builds.append(build)
        alternate(builds, 1, "seed", "demo", "seed", "--org", "bench", "--reps", str(args.reps), "--days", str(args.days),
                  "--seed", "7", "--last-day", LAST_DAY)
        for build in builds:
            psql(build.admin_url, "VACUUM ANALYZE")
        materialize = ["kpi", "materialize", "--org", "bench"]
        alternate(builds, 1, "first backfill", *materialize, "--from", BACKFILL[0], "--to", BACKFILL[1], "--no-forecasts")
        alternate(builds, args.rounds, "backfill rerun", *materialize, "--from", BACKFILL[0], "--to", BACKFILL[1], "--no-forecasts")
        alternate(builds, args.rounds, "night", *materialize, "--from", NIGHT[0], "--to", NIGHT[1])
        files = [accounts_file(folder, number, args.accounts) for number in range(3)]
        for path in files:
            alternate(builds, 1, "accounts import", "import", "accounts", "--org", "bench", path)
        alternate(builds, 1, "accounts re-import", "import", "accounts", "--org", "bench", files[0])
        digests = [build.fact_digests() for build in builds]
        before, after = builds
        steps = {}
        print("%-20s %10s %10s %8s" % ("step (median)", "before", "after", "ratio"))
        for step in before.times:
            b, a = statistics.median(before.times[step]), statistics.median(after.times[step])
            steps[step] = {"before_s": round(b, 3), "after_s": round(a, 3), "ratio": round(a / b, 3)}
            print("%-20s %9.3fs %9.3fs %7.2fx   before %s, after %s" % (
                step, b, a, a / b, " ".join("%.2f" % t for t in before.times[step]), " ".join("%.2f" % t for t in after.times[step])))
        equal = digests[0] == digests[1]
        print("facts by external ids: %s (%s)" % ("the same" if equal else "DIFFERENT",
                                                 ", ".join("%s %s" % (v, d.split(":")[0]) for v, d in digests[1].items())))
        if args.json:
            print(json.dumps({"deployment": args.deployment, "before": args.before, "facts_equal": equal, "steps": steps},
                             sort_keys=True))
        if not equal:
            sys.exit(1)
    finally:
        subprocess.run([os.path.join(ROOT, script), "stop", cluster_dir], check=False, capture_output=True)
        subprocess.run(["rm", "-rf", folder], check=False)


if __name__ == "__main__":
    main()
