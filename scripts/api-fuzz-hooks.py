"""schemathesis hooks for scripts/api-fuzz (loaded through SCHEMATHESIS_HOOKS).

A CSV body is valid only for its import kind and the org's rows, which no schema can say,
so generated text reaches only the 422 path of POST /v1/imports/{kind}. For the kinds
`teams` and `reps`, this turns the generated text into a one-row CSV of that kind whose
name is the generated text (quoted, control characters dropped), so the 200 path is
fuzzed as well: any name must import, read back and answer a documented body.
"""
import hashlib
import re

import schemathesis

HEADERS = {
    "teams": "external_id,name,parent_external_id,kind",
    "reps": "external_id,name,email,team_external_id,role,hired_on,left_on",
}


def quoted(text):
    return '"' + text.replace('"', '""') + '"'


@schemathesis.hook
def map_case(ctx, case):
    kind = (case.path_parameters or {}).get("kind")
    if case.operation.path != "/v1/imports/{kind}" or kind not in HEADERS or not isinstance(case.body, str):
        return case
    name = re.sub(r"[\x00-\x1f\x7f-\x9f]", "", case.body).strip()[:150] or "Fuzz"
    tag = hashlib.sha256(case.body.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    if kind == "teams":
        row = [f"fuzz-team-{tag}", quoted(name), "", "field"]
    else:
        row = [f"fuzz-rep-{tag}", quoted(name), f"fuzz-{tag}@example.com", "", "ae", "2026-01-05", ""]
    case.body = HEADERS[kind] + "\r\n" + ",".join(row) + "\r\n"
    return case
