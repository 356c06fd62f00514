"""Browser test of the dashboard in headless Chromium against a live `salesctl serve` on
loopback: log in, the cards show the API's values, switch period and scope, the leaderboard
and funnel are there, a number opens its explain view whose records add up to it, log out.
No console errors; no request leaves the server's origin. Screenshots of every page go to
the artifacts directory (outside the repository).

    python3 dashboard_test.py --base http://127.0.0.1:PORT --token READER_TOKEN --admin-token ADMIN_TOKEN --artifacts DIR
"""
import argparse
import json
import os
import sys
import urllib.parse
import urllib.request
from decimal import Decimal

from cdp import Browser

failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


def api(base, token, path):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def same(shown, expected):
    """A card's exact value against the API's JSON number (which carries ~17 significant digits)."""
    if shown in ("", None) or expected is None:
        return False
    a, b = Decimal(shown), Decimal(str(expected))
    return abs(a - b) <= max(abs(a), abs(b), Decimal(1)) * Decimal("1e-12")


def cards(browser):
    return browser.evaluate("""Object.fromEntries([...document.querySelectorAll('article.card[data-metric]')].map(c =>
        [c.dataset.metric, c.querySelector('a.value').dataset.value]))""")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--admin-token", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--period", required=True, help="the month the overview opens on")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    origin = urllib.parse.urlsplit(args.base)
    browser = Browser()
    try:
        def shot(name):
            path = os.path.join(args.artifacts, name + ".png")
            browser.screenshot(path)
            print(f"     screenshot {path}")

        browser.goto(args.base + "/dashboard/overview")
        check(browser.evaluate("location.pathname") == "/dashboard/login", "without a session the overview leads to the login page")
        shot("01-login")
        browser.evaluate(f"document.querySelector('input[name=token]').value = {json.dumps(args.token)}")
        browser.click_and_wait("form.login button[type=submit]")
        check(browser.evaluate("location.pathname") == "/dashboard/overview", "logging in with a reader token opens the overview")
        check(browser.evaluate("document.cookie") == "", "the session cookie is not readable by script (HttpOnly)")
        shot("02-overview")

        shown = cards(browser)
        label = browser.evaluate("document.querySelector('input[name=period]').value")
        check(label == args.period, f"the overview opens on the latest materialized month ({label})")
        readings = {m["metric"]: m.get("value") for m in api(args.base, args.token, f"/v1/kpis?period={label}")["metrics"]}
        check(len(shown) == 8, f"eight headline cards ({sorted(shown)})")
        for metric, value in shown.items():
            expected = readings.get(metric)
            check(same(value, expected),
                  f"card {metric} shows the API's value ({value} vs {expected})")
        check(browser.evaluate("document.querySelectorAll('svg.trend').length") == 8, "every card has a trend chart")
        check(browser.evaluate("[...document.querySelectorAll('svg')].every(s => s.querySelector('title') && s.querySelector('desc'))"),
              "every chart has a title and a description")
        check(browser.evaluate("document.querySelectorAll('script').length") == 0, "the page has no script")

        # Switch the period (previous month) and the scope (a team, through the form).
        browser.click_and_wait("nav.periods a[rel=prev]")
        previous = browser.evaluate("document.querySelector('input[name=period]').value")
        check(previous != label and previous < label, f"the previous-period link shows {previous}")
        shot("03-previous-period")
        team = browser.evaluate("[...document.querySelectorAll('select[name=scope] option')].find(o => o.value.startsWith('team:')).value")
        browser.evaluate(f"document.querySelector('select[name=scope]').value = {json.dumps(team)}")
        browser.click_and_wait("form.filters button[type=submit]")
        check(browser.evaluate("new URL(location.href).searchParams.get('scope')") == team, f"the scope form shows {team}")
        team_cards = cards(browser)
        team_api = {m["metric"]: m.get("value") for m in
                    api(args.base, args.token, f"/v1/kpis?period={previous}&scope={urllib.parse.quote(team)}")["metrics"]}
        check(all(same(v, team_api[m]) for m, v in team_cards.items() if v),
              f"the team's cards show the API's values for {team}")
        shot("04-team")

        # Back to the org's month: the leaderboard tab, ranked by win rate per team, then the funnel tab.
        browser.goto(args.base + f"/dashboard/overview?period={label}&scope=org")
        browser.click_and_wait("nav.tabs a[href^='/dashboard/leaderboard']")
        check(browser.evaluate("document.querySelectorAll('table.leaderboard tbody tr').length") > 0, "the leaderboard tab ranks reps")
        shot("05-leaderboard-reps")
        browser.evaluate("document.querySelector('select[name=metric]').value = 'win_rate'")
        browser.evaluate("document.querySelector('select[name=by]').value = 'team'")
        browser.click_and_wait("form.rank button")
        check(browser.evaluate("document.querySelector('main h2').textContent").startswith("Win rate by team"),
              "the leaderboard ranks teams by win rate")
        shot("06-leaderboard-teams")
        browser.click_and_wait("nav.tabs a[href^='/dashboard/funnel']")
        check(browser.evaluate("document.querySelectorAll('table.funnel tbody tr').length") > 0, "the funnel tab lists stages")
        shot("07-funnel")
        browser.click_and_wait("nav.tabs a[href^='/dashboard/breakdowns']")
        check(browser.evaluate("document.querySelectorAll('section.breakdown svg').length") >= 4, "the breakdowns tab draws charts")
        shot("08-breakdowns")

        # The forecast card: the night's kept forecast; its link opens the Forecast tab, whose
        # number is the API's forecast as of the same day, with its parts, history and backtest.
        browser.click_and_wait("nav.tabs a[href^='/dashboard/overview']")
        kept = api(args.base, args.token, f"/v1/forecast/history?period={label}")["forecasts"][-1]
        card_value = browser.evaluate("document.querySelector('article.forecast-card a.value').dataset.value")
        check(same(card_value, kept["value"]), f"the forecast card shows the kept forecast ({card_value} vs {kept['value']})")
        check(browser.evaluate("document.querySelector('nav.tabs a[href^=\"/dashboard/plan\"]') === null"), "a reader has no Plan tab")
        browser.click_and_wait("article.forecast-card a.value")
        check(browser.evaluate("location.pathname") == "/dashboard/forecast", "the forecast card opens the Forecast tab")
        live = api(args.base, args.token, f"/v1/forecast?period={label}&as_of={kept['as_of']}")
        shown_value = browser.evaluate("document.querySelector('.forecast-summary .value').dataset.value")
        check(same(shown_value, live["value"]), f"the Forecast tab shows the API's forecast ({shown_value} vs {live['value']})")
        check(browser.evaluate("document.querySelectorAll('table.forecast-parts tbody tr').length") >= 2, "the tab lists the forecast's parts")
        check(browser.evaluate("document.querySelectorAll('table.forecast-nights tbody tr').length") >= 2,
              "the tab lists the kept forecasts night by night")
        check(browser.evaluate("document.querySelector('svg.trend title#forecast-history-t') !== null"),
              "the tab charts the forecast night by night")
        check(browser.evaluate("document.querySelector('table.backtest-summary tr[data-method=model]') !== null"),
              "the tab shows the backtest against the baselines")
        shot("08b-forecast")

        # Click a number: revenue's card → its explain view; the records' total is the number.
        browser.click_and_wait("nav.tabs a[href^='/dashboard/overview']")
        revenue = cards(browser)["revenue"]
        browser.click_and_wait("article.card[data-metric=revenue] a.value")
        check(browser.evaluate("location.pathname") == "/dashboard/explain", "revenue's number opens its explain view")
        side_total = browser.evaluate("document.querySelector('section.side').dataset.total")
        check(Decimal(side_total) == Decimal(revenue), f"the won deals listed add up to the card's revenue ({side_total} = {revenue})")
        check(browser.evaluate("document.querySelector('.agree.good') !== null"), "the explain view says it equals the stored number")
        check(browser.evaluate("document.querySelectorAll('table.records tbody tr').length") > 0, "the explain view lists deals")
        shot("09-explain-revenue")

        # A ratio: win rate's numerator and denominator.
        browser.goto(args.base + f"/dashboard/overview?period={label}")
        win_rate = cards(browser)["win_rate"]
        browser.click_and_wait("article.card[data-metric=win_rate] a.value")
        totals = browser.evaluate("[...document.querySelectorAll('section.side')].map(s => s.dataset.total)")
        check(len(totals) == 2 and Decimal(totals[1]) > 0
              and abs(Decimal(100) * Decimal(totals[0]) / Decimal(totals[1]) - Decimal(win_rate)) < Decimal("1e-9"),
              f"win rate's records: 100 × {totals[0]} / {totals[1]} = {win_rate}")
        shot("10-explain-win-rate")

        # A stage number of the funnel opens the stage's explain view.
        browser.goto(args.base + f"/dashboard/funnel?period={label}")
        browser.click_and_wait("table.funnel tbody tr td.num a")
        check(browser.evaluate("new URL(location.href).searchParams.get('stage')") is not None, "a funnel number opens a stage's explain view")
        shot("11-explain-stage")

        # Log out: the login page, and the overview leads there again.
        browser.goto(args.base + "/dashboard/overview")
        browser.click_and_wait("form.logout button[type=submit]")
        check(browser.evaluate("location.pathname") == "/dashboard/login", "logging out shows the login page")
        browser.goto(args.base + "/dashboard/overview")
        check(browser.evaluate("location.pathname") == "/dashboard/login", "after logout the overview leads to the login page")

        # An admin's Plan tab: a draft split of a total, applied through its form.
        browser.goto(args.base + "/dashboard/login")
        browser.evaluate(f"document.querySelector('input[name=token]').value = {json.dumps(args.admin_token)}")
        browser.click_and_wait("form.login button[type=submit]")
        browser.click_and_wait("nav.tabs a[href^='/dashboard/plan']")
        check(browser.evaluate("document.querySelectorAll('table.plan tbody tr').length") > 0, "the Plan tab drafts a quota per rep")
        browser.evaluate("document.querySelector('form.plan input[name=total]').value = '250000'")
        browser.click_and_wait("form.plan button[type=submit]")
        quotas = browser.evaluate("[...document.querySelectorAll('td.quota')].map(t => t.dataset.quota)")
        check(quotas and sum(Decimal(q) for q in quotas) == Decimal(250000), f"the draft splits 250,000 to the cent ({quotas[:3]}...)")
        shot("12-plan")
        browser.click_and_wait("form.apply-plan button[type=submit]")
        applied = browser.evaluate("document.querySelector('p.applied') && document.querySelector('p.applied').textContent")
        check(applied is not None and applied.startswith("Applied:") and not applied.startswith("Applied: 0"),
              f"applying the plan writes targets ({applied})")
        shot("13-plan-applied")

        foreign = [u for u in browser.requests
                   if urllib.parse.urlsplit(u).netloc != origin.netloc and not u.startswith(("data:", "about:"))]
        check(not foreign, f"no request left the server's origin ({len(browser.requests)} requests; foreign: {foreign[:3]})")
        check(not browser.console_errors, f"no console errors ({browser.console_errors[:3]})")
    finally:
        browser.close()
    if failures:
        print(f"{len(failures)} browser check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("browser test passed")


if __name__ == "__main__":
    main()
