#!/usr/bin/env python3
"""Dashboard benchmark, in one run on one private cluster (ratios, not absolute times).

    benchmarks/dashboard.py [--reps R] [--requests N] [--big-reps B]

Seeds an org (R reps, 400 days up to 2026-11-20; twelve months materialized) and a second,
bigger one (B reps with two years of history at the KPI issue's density, `issue_density.sql`:
500 deals, 2,000 activities and 250 leads per rep; November materialized; `--big-density
demo` seeds it through `demo seed` instead), and starts a release `salesctl serve`.
Then, sequentially, reports:

- the overview page (`/dashboard/overview?period=2026-11`, a logged-in session) against the
  JSON KPI read of the same period (`/v1/kpis?period=2026-11`): server time p50/p99 from
  the `Server-Timing` header each response carries, over N requests of each, interleaved;
- the leaderboard, funnel and breakdowns tabs' server time p50/p99;
- the page's weight (HTML, stylesheet and icon: all it loads);
- headless Chromium's load time of the overview from the loopback server (navigation
  timing, start to load event), p50 of 20 loads;
- explain of the bigger org's November `win_rate` at org scope (first page of 50 records
  per side) against the JSON KPI read of that org and month, server time p50/p99.

Everything shares the machine's cores; only the ratios of one run mean anything.
"""
import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_PYTHON = os.path.join(ROOT, ".local/py/bin/python")

# The Chromium driver needs websocket-client: run inside the venv scripts/browser-test makes.
try:
    import websocket  # noqa: F401
except ImportError:
    if not os.path.exists(VENV_PYTHON):
        subprocess.run([sys.executable, "-m", "venv", os.path.join(ROOT, ".local/py")], check=True)
    subprocess.run([VENV_PYTHON, "-m", "pip", "install", "-q", "websocket-client==1.8.0"], check=True)
    os.execv(VENV_PYTHON, [VENV_PYTHON] + sys.argv)

sys.path.insert(0, os.path.join(ROOT, "tests/browser"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from api import wait_until_healthy  # noqa: E402
from release_build import release_salesctl  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_ms(response):
    return float(re.search(r"dur=([\d.]+)", response.headers["Server-Timing"]).group(1))


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Session:
    """A logged-in dashboard session (cookies kept, redirects followed)."""

    def __init__(self, base, token):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = self.opener.open(base + "/dashboard/login").read().decode()
        nonce = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrf": nonce, "token": token}).encode()
        assert self.opener.open(base + "/dashboard/login", data=data).status == 200

    def get(self, path):
        response = self.opener.open(self.base + path)
        body = response.read()
        assert response.status == 200, path
        return response, body


def api_get(base, token, path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    response = urllib.request.urlopen(request)
    body = response.read()
    return response, body


def summary(name, values):
    return f"{name}: p50 {percentile(values, 50):.2f} ms, p99 {percentile(values, 99):.2f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--big-reps", type=int, default=200)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--big-density", choices=["issue", "demo"], default="issue")
    args = parser.parse_args()

    salesctl = release_salesctl()
    work = tempfile.mkdtemp(prefix="salesops-dashboard-bench-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    server = None
    try:
        url = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", cluster], check=True, capture_output=True,
                             text=True).stdout.strip()
        env = dict(os.environ, DATABASE_URL=url, SALESOPS_SQL_DIR=os.path.join(ROOT, "sql"))
        run = lambda *command: subprocess.run([salesctl, *command], check=True, env=env, capture_output=True, text=True).stdout
        run("migrate")
        started = time.time()
        run("org", "create", "bench", "--name", "Bench", "--timezone", "Europe/Berlin", "--currency", "EUR")
        run("demo", "seed", "--org", "bench", "--reps", str(args.reps), "--days", "400", "--seed", "5", "--last-day", "2026-11-20")
        run("kpi", "materialize", "--org", "bench", "--from", "2025-12-01", "--to", "2026-11-20")
        run("org", "create", "big", "--name", "Big", "--timezone", "America/New_York")
        if args.big_density == "demo":
            run("demo", "seed", "--org", "big", "--reps", str(args.big_reps), "--days", "60", "--seed", "9", "--last-day", "2026-11-20")
        else:
            run("demo", "seed", "--org", "big", "--reps", str(args.big_reps), "--days", "1", "--seed", "9", "--last-day", "2026-11-20")
            subprocess.run(["psql", url, "-q", "-v", "org=big", "-v", "days=730", "-v", "last_day=2026-11-20", "-v", "seed=0.1",
                            "-f", os.path.join(ROOT, "benchmarks/issue_density.sql")], check=True, stdout=subprocess.DEVNULL)
        run("kpi", "materialize", "--org", "big", "--from", "2026-11-01", "--to", "2026-11-20")
        token = run("token", "create", "--org", "bench", "--role", "reader", "--name", "bench").strip()
        big_token = run("token", "create", "--org", "big", "--role", "reader", "--name", "bench").strip()
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
        deals = subprocess.run(["psql", url, "-Atc", """
            SELECT count(*) || ' deals, ' || count(*) FILTER (WHERE d.closed_at >= '2026-11-01' AND d.closed_at < '2026-11-21')
                   || ' closed in November'
            FROM salesops.deals d JOIN salesops.orgs o ON o.id = d.org_id WHERE o.slug = 'big'"""],
                               check=True, capture_output=True, text=True).stdout.strip()
        print(f"setup: {time.time() - started:.1f} s; org 'big': {args.big_reps} reps, {deals}")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([salesctl, "serve", "--port", str(port), "--metrics-port", "0", "--log-level", "error"], env=env)
        wait_until_healthy(base)

        session = Session(base, token)
        _, page = session.get("/dashboard/overview?period=2026-11")
        _, css = session.get("/dashboard/style.css")
        _, icon = session.get("/dashboard/icon.svg")
        for _ in range(10):  # warm both paths
            session.get("/dashboard/overview?period=2026-11")
            api_get(base, token, "/v1/kpis?period=2026-11")
        overview, json_read = [], []
        for _ in range(args.requests):
            overview.append(server_ms(session.get("/dashboard/overview?period=2026-11")[0]))
            json_read.append(server_ms(api_get(base, token, "/v1/kpis?period=2026-11")[0]))
        print(summary("overview page (server)", overview))
        print(summary("GET /v1/kpis (server)", json_read))
        print(f"overview / KPI read: p50 {percentile(overview, 50) / percentile(json_read, 50):.2f}x, "
              f"p99 {percentile(overview, 99) / percentile(json_read, 99):.2f}x (target <= 2x)")
        for tab in ("leaderboard", "funnel", "breakdowns"):
            times = [server_ms(session.get(f"/dashboard/{tab}?period=2026-11")[0]) for _ in range(max(20, args.requests // 4))]
            print(summary(f"{tab} page (server)", times) + f" ({percentile(times, 50) / percentile(json_read, 50):.2f}x the KPI read's p50)")
        weight = len(page) + len(css) + len(icon)
        print(f"page weight: {weight / 1024:.1f} KiB (HTML {len(page) / 1024:.1f} KiB, CSS {len(css) / 1024:.1f} KiB, "
              f"icon {len(icon)} B; target < 150 KB)")

        browser = Browser()
        try:
            browser.goto(base + "/dashboard/login")
            browser.evaluate(f"document.querySelector('input[name=token]').value = {token!r}")
            browser.click_and_wait("form.login button[type=submit]")
            loads, contents = [], []
            for _ in range(20):
                browser.goto(base + "/dashboard/overview?period=2026-11")
                timing = browser.evaluate("(() => { const n = performance.getEntriesByType('navigation')[0];"
                                          " return [n.loadEventEnd - n.startTime, n.domContentLoadedEventEnd - n.startTime]; })()")
                loads.append(timing[0])
                contents.append(timing[1])
            print(f"Chromium load of the overview: p50 {percentile(loads, 50):.1f} ms to the load event "
                  f"(DOMContentLoaded p50 {percentile(contents, 50):.1f} ms), 20 loads")
        finally:
            browser.close()

        explain_path = "/v1/kpis/explain?period=2026-11&metric=win_rate"
        for _ in range(5):
            api_get(base, big_token, explain_path)
            api_get(base, big_token, "/v1/kpis?period=2026-11")
        explain, big_read = [], []
        for _ in range(max(20, args.requests // 4)):
            explain.append(server_ms(api_get(base, big_token, explain_path)[0]))
            big_read.append(server_ms(api_get(base, big_token, "/v1/kpis?period=2026-11")[0]))
        print(summary(f"explain win_rate, {args.big_reps}-rep org, November, org scope (server)", explain))
        print(summary(f"GET /v1/kpis, same org and month (server)", big_read))
        print(f"explain / KPI read: p50 {percentile(explain, 50) / percentile(big_read, 50):.2f}x")
    finally:
        if server:
            server.terminate()
            server.wait()
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], capture_output=True)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
