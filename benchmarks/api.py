#!/usr/bin/env python3
"""HTTP API benchmark, in one run on one private cluster (ratios, not absolute times).

    benchmarks/api.py [--reps R] [--days D] [--seconds S] [--db-threads T] [--json]

Seeds one org (R reps, D days up to 2026-11-20), materializes November and starts a release
`salesctl serve`. It then records, with `log_statement = all`, the exact statements the
server sends for one `GET /v1/kpis?period=2026-11` (the token check that enters the org,
and the KPI read, in one pipelined implicit transaction), and turns them into a pgbench
script: the same SQL through the same login, in one pipeline. At 16 and 64 connections it
runs wrk against the endpoint and pgbench with that script (prepared statements, like the
server, whose connections keep their statements prepared) and reports requests per second of both and their ratio, wrk's
p50/p99 latency and errors (non-2xx and socket errors) and pgbench's average latency; then
wrk with the answer's ETag in If-None-Match (every answer a 304) against the full read, and
the server's peak RSS. With --json the last line of stdout is
{"kpis_vs_pgbench", "not_modified_vs_kpis", "statements_per_request", "peak_rss_mib"}:
the lower ratio of the two connection counts, and a 304's time per request over a full
read's.

wrk, pgbench, the server and PostgreSQL share the machine's cores, so only the ratios of
one run mean anything.
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from release_build import release_salesctl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATH = "/v1/kpis?period=2026-11"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(base, attempts=100):
    """Waits for a starting server at `base` (http://host:port) to answer /healthz."""
    for _ in range(attempts):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)


def ensure_wrk():
    if shutil.which("wrk") is None:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"], check=True,
                       stdout=subprocess.DEVNULL)


def log_statements(cluster, url, request):
    """The statements (with their parameters substituted as literals) PostgreSQL ran for `request()`."""
    log_path = os.path.join(cluster, "server.log")
    subprocess.run(["psql", url, "-qc", "ALTER SYSTEM SET log_statement = 'all'"], check=True)
    subprocess.run(["psql", url, "-qc", "SELECT pg_reload_conf()"], check=True, capture_output=True)
    time.sleep(0.5)
    start = os.path.getsize(log_path)
    request()
    time.sleep(0.5)
    subprocess.run(["psql", url, "-qc", "ALTER SYSTEM RESET log_statement"], check=True)
    subprocess.run(["psql", url, "-qc", "SELECT pg_reload_conf()"], check=True, capture_output=True)
    with open(log_path) as log:
        log.seek(start)
        text = log.read()
    # Entries start with a timestamp; statements continue on tab-indented lines.
    entries = re.split(r"\n(?=\d{4}-\d{2}-\d{2} )", text)
    statements = []
    for entry in entries:
        match = re.search(r"LOG:  (?:statement|execute [^:]*): (.*)", entry, re.S)
        if match:
            statements.append([match.group(1).replace("\n\t", "\n").strip(), {}])
        detail = re.search(r"DETAIL:  parameters: (.*)", entry, re.S)
        if detail and statements:
            for number, value in re.findall(r"\$(\d+) = (NULL|'(?:[^']|'')*')", detail.group(1)):
                statements[-1][1][int(number)] = value
    # The parameters stay parameters: pgbench variables (-D), which pgbench binds like the
    # server does (so both run the same prepared statements and plans); NULLs stay literal.
    script, variables = [], {}
    for sql, parameters in statements:
        if "pg_reload_conf" in sql or "ALTER SYSTEM" in sql:
            continue
        for number in sorted(parameters, reverse=True):
            value = parameters[number]
            if value == "NULL":
                sql = re.sub(r"\$%d(?!\d)" % number, "NULL", sql)
                continue
            name = "s%dp%d" % (len(script) + 1, number)
            variables[name] = value[1:-1].replace("''", "'")
            sql = re.sub(r"\$%d(?!\d)" % number, ":" + name, sql)
        # One line per statement for pgbench: whole-line comments dropped, or they would end it.
        script.append(" ".join(line.strip() for line in sql.splitlines() if not line.strip().startswith("--")) + ";")
    return script, variables


def wrk(url, connections, seconds, token, if_none_match=None):
    headers = ["-H", "Authorization: Bearer " + token]
    if if_none_match:
        headers += ["-H", "If-None-Match: " + if_none_match]
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", "%ds" % seconds, "--latency", *headers, url],
                         check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def latency(percent):
        value, unit = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)" % percent, out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = 0
    for pattern in [r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"]:
        match = re.search(pattern, out)
        if match:
            errors += sum(int(group) for group in match.groups())
    return rps, latency(50), latency(99), errors


def pgbench(url, script_path, variables, connections, seconds):
    defines = [argument for name, value in variables.items() for argument in ("-D", "%s=%s" % (name, value))]
    out = subprocess.run(["pgbench", "-n", "-M", "prepared", "-c", str(connections), "-j", "2", "-T", str(seconds), *defines,
                          "-f", script_path, url], check=True, capture_output=True, text=True).stdout
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", out)
    return tps, latency, int(failed.group(1)) if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--db-threads", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on the last line")
    args = parser.parse_args()

    salesctl = release_salesctl()
    ensure_wrk()
    work = tempfile.mkdtemp(prefix="salesops-api-bench-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    server = None
    try:
        url = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", cluster], check=True, capture_output=True,
                             text=True).stdout.strip()
        subprocess.run(["psql", url, "-qc", "ALTER SYSTEM SET max_connections = 200"], check=True)
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "restart", cluster], check=True, capture_output=True)
        env = dict(os.environ, DATABASE_URL=url, SALESOPS_SQL_DIR=os.path.join(ROOT, "sql"))
        run = lambda *command: subprocess.run([salesctl, *command], check=True, env=env, capture_output=True, text=True).stdout
        run("migrate")
        run("org", "create", "bench", "--name", "Bench", "--timezone", "Europe/Berlin")
        run("demo", "seed", "--org", "bench", "--reps", str(args.reps), "--days", str(args.days), "--seed", "5",
            "--last-day", "2026-11-20")
        run("kpi", "materialize", "--org", "bench", "--from", "2026-11-01", "--to", "2026-11-20")
        token = run("token", "create", "--org", "bench", "--role", "reader", "--name", "bench").strip()
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)

        port = free_port()
        server = subprocess.Popen([salesctl, "serve", "--port", str(port), "--metrics-port", "0", "--db-threads", str(args.db_threads),
                                   "--queue-limit", "256", "--queue-wait-ms", "5000", "--log-level", "error",
                                   # One org is the whole load here: lift the per-org shares (fairness.py measures them).
                                   "--org-threads", str(args.db_threads), "--org-queue-limit", "256", "--org-rate", "100000"], env=env)
        endpoint = "http://127.0.0.1:%d%s" % (port, PATH)
        wait_until_healthy("http://127.0.0.1:%d" % port)

        def one_request():
            request = urllib.request.Request(endpoint, headers={"Authorization": "Bearer " + token})
            response = urllib.request.urlopen(request, timeout=10)
            assert response.status == 200
            return response.headers["ETag"]
        tag = one_request()
        # A database thread's first request also asks its connection once whether it is on a
        # cluster: warm every thread (requests in parallel, more than there are threads), so the
        # request recorded is a steady one, whichever thread serves it.
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.db_threads * 2) as pool:
            list(pool.map(lambda _: one_request(), range(args.db_threads * 8)))
        script, variables = log_statements(cluster, url, one_request)
        script_path = os.path.join(work, "kpi_read.sql")
        with open(script_path, "w") as f:
            # The server sends its statements in one pipeline (one implicit transaction).
            f.write("\\startpipeline\n" + "\n".join(script) + "\n\\endpipeline\n")
        print("pgbench script: %d statements recorded from one request (%s)" % (len(script), script_path), file=sys.stderr)

        print("GET %s — %d reps, %d days; server: %d database threads; %d s per run" % (PATH, args.reps, args.days,
                                                                                   args.db_threads, args.seconds))
        print("%-5s | %10s %8s %8s %6s | %10s %8s %6s | %s" % ("conns", "wrk req/s", "p50 ms", "p99 ms", "errors",
                                                           "pgbench/s", "avg ms", "failed", "ratio"))
        ratios = []
        full_rps = None
        for connections in (16, 64):
            rps, p50, p99, errors = wrk(endpoint, connections, args.seconds, token)
            tps, latency, failed = pgbench(url, script_path, variables, connections, args.seconds)
            print("%-5d | %10.0f %8.2f %8.2f %6d | %10.0f %8.2f %6d | %.2fx" % (connections, rps, p50, p99, errors, tps, latency,
                                                                             failed, rps / tps))
            ratios.append(rps / tps)
            full_rps = full_rps or rps
        conditional = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conditional.request("GET", PATH, headers={"Authorization": "Bearer " + token, "If-None-Match": tag})
        assert conditional.getresponse().status == 304, "a request with the current ETag must be answered 304"
        conditional.close()
        # wrk counts 304 as a success (2xx or 3xx); every answer here is one.
        not_modified_rps, p50, p99, errors = wrk(endpoint, 16, args.seconds, token, if_none_match=tag)
        print("If-None-Match %s at 16 connections: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors (full read: %.0f req/s)"
              % (tag, not_modified_rps, p50, p99, errors, full_rps))
        with open("/proc/%d/status" % server.pid) as status:
            peak = int(re.search(r"VmHWM:\s+(\d+) kB", status.read()).group(1)) / 1024.0
        print("server peak RSS: %.1f MiB" % peak)
        if args.json:
            print(json.dumps({"kpis_vs_pgbench": round(min(ratios), 3),
                              "not_modified_vs_kpis": round(full_rps / not_modified_rps, 3),
                              "statements_per_request": len(script), "peak_rss_mib": round(peak, 1)}))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
