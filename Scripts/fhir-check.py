#!/usr/bin/env python3
"""Checks newline-delimited FHIR R4 Bundles (mbt's `.fhir.ndjson`) with three independent
clients, none of them mbt's: fhirkit-rs (R4 structure, every issue with its path), fhirpathpy
with its R4 model (the Bundle and Observation invariants bdl-3, bdl-7, obs-3, obs-6, every
reference resolving inside its Bundle, the required code lists) and ucumvert (every Quantity
code in the UCUM system is UCUM). Also the JSON rules a hand-written encoder must keep: no
null, no empty array, object or string. Prints one line per problem: FILE:LINE: PATH: what.
Exit 0 when there is none, 1 otherwise.

    pip install fhirkit-rs fhirpathpy ucumvert
    python3 Scripts/fhir-check.py reports/clinic.fhir.ndjson
"""
import json
import sys

import fhirkit
import fhirpathpy
from fhirpathpy.models import models
from ucumvert import get_ucum_parser, parse_ucum

R4 = models["r4"]
# ucumvert builds its grammar anew on every parse_ucum() call (0.12 s each): one parser, and
# each distinct code parsed once.
UCUM_PARSER = get_ucum_parser()
# fhirpathpy parses an expression on every evaluate(): each invariant compiled once.
_COMPILED = {}


def evaluate(resource, expression, _context, model):
    if expression not in _COMPILED:
        _COMPILED[expression] = fhirpathpy.compile(expression, model)
    return _COMPILED[expression](resource, {})
UCUM_SEEN = {}


def ucum_problem(code):
    """None when code is UCUM, else the parser's complaint (remembered per code)."""
    if code not in UCUM_SEEN:
        try:
            parse_ucum(code, parser=UCUM_PARSER)
            UCUM_SEEN[code] = None
        except Exception as e:  # ucumvert raises lark errors for a non-UCUM code
            UCUM_SEEN[code] = type(e).__name__
    return UCUM_SEEN[code]
UCUM = "http://unitsofmeasure.org"
CODES = {
    ("Bundle", "type"): {"document", "message", "transaction", "transaction-response", "batch", "batch-response", "history", "searchset", "collection"},
    ("Observation", "status"): {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"},
    ("DiagnosticReport", "status"): {"registered", "partial", "preliminary", "final", "amended", "corrected", "appended", "cancelled", "entered-in-error", "unknown"},
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
    ("ServiceRequest", "status"): {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    ("ServiceRequest", "intent"): {"proposal", "plan", "directive", "order", "original-order", "reflex-order", "filler-order", "instance-order", "option"},
    ("CarePlan", "status"): {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("CodeSystem", "status"): {"draft", "active", "retired", "unknown"},
    ("CodeSystem", "content"): {"not-present", "example", "fragment", "complete", "supplement"},
}
REQUIRED = {"CodeSystem": ["status", "content"], "Observation": ["status", "code"], "DiagnosticReport": ["status", "code"], "ServiceRequest": ["status", "intent", "subject"], "CarePlan": ["status", "intent", "subject"]}
METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}


def walk(node, path, out):
    """Every (path, key, value) below node; and the JSON rules: no null, no empty value."""
    if isinstance(node, dict):
        if not node:
            out.append((path, "empty object"))
        for k, v in node.items():
            p = f"{path}.{k}"
            if v is None:
                out.append((p, "null"))
            elif v == [] or v == "":
                out.append((p, "empty " + ("array" if v == [] else "string")))
            walk(v, p, out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if v is None:
                out.append((f"{path}[{i}]", "null"))
            walk(v, f"{path}[{i}]", out)


def quantities(node, path):
    if isinstance(node, dict):
        if "system" in node and "code" in node and ("value" in node or "unit" in node):
            yield path, node
        for k, v in node.items():
            yield from quantities(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from quantities(v, f"{path}[{i}]")


def references(node, path):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "reference" and isinstance(v, str):
                yield path, v
            else:
                yield from references(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from references(v, f"{path}[{i}]")


def check(bundle):
    problems = []
    # fhirkit-rs: the R4 structure.
    for issue in fhirkit.validate(json.dumps(bundle)):
        if issue.severity == "error":
            problems.append((issue.path, "fhirkit: " + issue.message))
    # The JSON rules.
    rules = []
    walk(bundle, "Bundle", rules)
    problems += [(p, "json: " + m) for p, m in rules]
    # A resource on its own (the published CodeSystem): checked as a Bundle's one entry.
    if bundle.get("resourceType") != "Bundle":
        resource = bundle
        bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource}]}
        if resource.get("resourceType") == "CodeSystem":
            codes = [c.get("code") for c in resource.get("concept", [])]
            if len(set(codes)) != len(codes):
                problems.append(("CodeSystem.concept", "csd-1: a code appears more than once"))
    # fhirpathpy, R4 model: the invariants.
    if not evaluate(bundle, "(type = 'batch' or type = 'transaction') implies entry.all(request.exists())", {}, R4) == [True]:
        problems.append(("Bundle.entry", "bdl-3: every entry of a transaction needs a request"))
    if not evaluate(bundle, "(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl & iif(resource.meta.versionId.exists(), resource.meta.versionId, '')).isDistinct()", {}, R4) == [True]:
        problems.append(("Bundle.entry.fullUrl", "bdl-7: fullUrl must be unique"))
    full = [e.get("fullUrl") for e in bundle.get("entry", [])]
    for i, entry in enumerate(bundle.get("entry", [])):
        r = entry.get("resource", {})
        rt = r.get("resourceType", "?")
        base = f"Bundle.entry[{i}].resource({rt})"
        if rt == "Observation":
            for j, rr in enumerate(r.get("referenceRange", [])):
                if evaluate(rr, "low.exists() or high.exists() or text.exists()", {}, R4) != [True]:
                    problems.append((f"{base}.referenceRange[{j}]", "obs-3: needs low, high or text"))
            if evaluate(r, "dataAbsentReason.empty() or value.empty()", {}, R4) != [True]:
                problems.append((base, "obs-6: dataAbsentReason only without a value"))
            for j, c in enumerate(r.get("component", [])):
                if c.get("code") == r.get("code") and any(k.startswith("value") for k in c):
                    problems.append((f"{base}.component[{j}]", "obs-7: a component with the Observation's own code has no value"))
        for field in REQUIRED.get(rt, []):
            if not evaluate(r, f"{field}.exists()", {}, R4) == [True]:
                problems.append((f"{base}.{field}", "required, missing"))
        for (t, field), allowed in CODES.items():
            if t == rt and field in r and r[field] not in allowed:
                problems.append((f"{base}.{field}", f"'{r[field]}' is not in the required code list"))
        req = entry.get("request", {})
        if req and req.get("method") not in METHODS:
            problems.append((f"Bundle.entry[{i}].request.method", f"'{req.get('method')}' is not an HTTP verb FHIR allows"))
        for p, ref in references(r, base):
            if ref.startswith("urn:uuid:") and ref not in full:
                problems.append((p, f"reference {ref} does not resolve inside the Bundle"))
    t = bundle.get("type")
    if (("Bundle", "type") in CODES) and t not in CODES[("Bundle", "type")]:
        problems.append(("Bundle.type", f"'{t}' is not in the required code list"))
    # ucumvert: every UCUM code parses.
    for p, q in quantities(bundle, "Bundle"):
        if q.get("system") == UCUM:
            complaint = ucum_problem(q["code"])
            if complaint:
                problems.append((p + ".code", f"ucum: '{q['code']}' is not UCUM ({complaint})"))
    return problems


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = 0
    for name in argv[1:]:
        with open(name, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    bundle = json.loads(line)
                except json.JSONDecodeError as e:
                    print(f"{name}:{n}: not JSON: {e}")
                    found += 1
                    continue
                for path, what in check(bundle):
                    print(f"{name}:{n}: {path}: {what}")
                    found += 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
