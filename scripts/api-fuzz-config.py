#!/usr/bin/env python3
"""Writes the schemathesis.toml scripts/api-fuzz runs with: dictionaries of the seeded org's
real values (materialized periods, scopes, stages, breakdown keys, team and rep ids), so
generated requests reach the 200 paths of every operation as well as their errors, and the
two warnings that say they did not (missing test data, validation mismatch) fail the run.

    api-fuzz-config.py BASE_URL TOKEN OUT_FILE
"""
import json
import sys
import urllib.request

base, token, out = sys.argv[1:4]


def get(path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


teams = [team["external_id"] for team in get("/v1/teams")["teams"]]
reps = [rep["external_id"] for rep in get("/v1/reps")["reps"]]
stages = sorted({f"{stage['pipeline']}/{stage['stage']}" for stage in get("/v1/stage-metrics?period=2026-11")["stages"]})
keys = sorted({row["key"] for row in get("/v1/breakdowns?period=2026-11")["breakdowns"]})
# The org's fiscal year starts in April; days 2026-10-01..2026-11-20 are materialized.
periods = ["2026-11", "2026-10", "2026-Q3", "2026", "2026-11-05", "2026-10-20", "2026-W45"]
target_periods = ["2026-11", "2026-Q3", "2026", "2027-Q1", "2026-W50"]


def values(name, items):
    return f"[dictionaries.{name}]\nvalues = {json.dumps(items)}\n"


def bind(key, dictionary, probability):
    return f'"{key}" = {{ dictionary = "{dictionary}", probability = {probability} }}\n'


text = "# Written by scripts/api-fuzz-config.py for one run; not kept.\n"
text += '[warnings]\nfail-on = ["missing_test_data", "validation_mismatch"]\n\n'
text += values("periods", periods) + values("target_periods", target_periods)
text += values("from_periods", ["2026-10", "2026-W41", "2026-10-01"]) + values("to_periods", ["2026-11", "2026-W46", "2026-11-20"])
text += values("scopes", ["org"] + [f"team:{t}" for t in teams] + [f"rep:{r}" for r in reps])
text += values("stages", stages) + values("keys", keys) + values("teams", teams) + values("ids", teams + reps)
text += "\n[parameters]\n"
text += bind("query.period", "periods", 0.8) + bind("query.from", "from_periods", 0.8) + bind("query.to", "to_periods", 0.8)
text += bind("query.scope", "scopes", 0.7) + bind("query.stage", "stages", 0.8) + bind("query.key", "keys", 0.8)
text += bind("query.team", "teams", 0.7) + bind("path.external_id", "ids", 0.5)
text += bind("body.parent_external_id", "teams", 0.8) + bind("body.team_external_id", "teams", 0.8)
text += bind("body.scope", "scopes", 0.7) + bind("body.period", "target_periods", 0.8)
# A backtest's range is of its period kind and closed by today, and a plan is for the org or a
# team: rules across parameters no schema can say, so these operations draw from their own.
text += values("backtest_kinds", ["month"])
text += values("backtest_from", ["2026-06", "2026-08"]) + values("backtest_to", ["2026-09", "2026-10"])
text += values("plan_scopes", ["org"] + [f"team:{t}" for t in teams])
text += '\n[[operations]]\ninclude-path = "/v1/forecast/backtest"\n[operations.parameters]\n'
text += bind("query.period_kind", "backtest_kinds", 0.9) + bind("query.from", "backtest_from", 0.9) + bind("query.to", "backtest_to", 0.9)
text += '\n[[operations]]\ninclude-path = "/v1/plan/quotas/apply"\n[operations.parameters]\n'
text += bind("body.scope", "plan_scopes", 0.9) + bind("body.period", "target_periods", 0.9)
with open(out, "w") as file:
    file.write(text)
