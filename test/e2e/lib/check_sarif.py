#!/usr/bin/env python3
"""A structural checker for SARIF 2.1.0 as `audit -o sarif` writes it.

The SARIF JSON schema cannot be fetched offline, so this checks the parts of
the 2.1.0 specification (OASIS, sections 3.13-3.58) the report uses: sarifLog
(version, $schema, runs), run (tool.driver with a name and rules, results,
invocations, artifacts, columnKind), reportingDescriptor (unique id,
shortDescription.text, help.text, defaultConfiguration.level), result
(ruleId, ruleIndex pointing at that rule, level, kind, message.text,
locations, partialFingerprints of strings, suppressions), location
(physicalLocation: artifactLocation.uri a URI reference, index into
artifacts, region startLine/startColumn >= 1; logicalLocations with a
fullyQualifiedName), artifact (location.uri, parentIndex earlier),
invocation (executionSuccessful, toolExecutionNotifications with level,
message.text, associatedRule). No string holds a character XML 1.0 forbids.

With --json REPORT.json (the same run's -o json): a rule per control; a
result per FAIL/WARN finding, in order, with the level the spec maps
(error: FAIL medium+, warning: FAIL low, note: WARN), its fingerprint, a
physical location exactly when the finding has a file (member as a nested
artifact) and always a logical kind/namespace/name; ERROR controls as
notifications naming their rule.

Usage: check_sarif.py REPORT.sarif [--json REPORT.json]
"""
import argparse
import json
import re
import sys

LEVELS = {"none", "note", "warning", "error"}
KINDS = {"notApplicable", "pass", "fail", "review", "open", "informational"}
SEV = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
URI_REF = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:)?[A-Za-z0-9\-._~/%!$&'()*+,;=:@]*$")
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
problems = []


def fail(msg):
    problems.append(msg)
    print("FAIL: " + msg)


def walk_strings(v, path="$"):
    if isinstance(v, str):
        yield path, v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from walk_strings(k, path + ".<key>")
            yield from walk_strings(x, path + "." + k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from walk_strings(x, "%s[%d]" % (path, i))


def need(obj, key, typ, where):
    if not isinstance(obj, dict) or key not in obj:
        fail("%s: missing %s" % (where, key))
        return None
    if not isinstance(obj[key], typ):
        fail("%s.%s: %s, want %s" % (where, key, type(obj[key]).__name__, typ))
        return None
    return obj[key]


def message(obj, key, where):
    m = need(obj, key, dict, where)
    if m is not None:
        need(m, "text", str, where + "." + key)


def check_location(loc, where, artifacts):
    phys = loc.get("physicalLocation")
    logical = loc.get("logicalLocations")
    if phys is None and logical is None:
        fail(where + ": neither a physical nor a logical location")
    if phys is not None:
        al = need(phys, "artifactLocation", dict, where + ".physicalLocation")
        if al is not None:
            uri = need(al, "uri", str, where + ".artifactLocation")
            if uri is not None and not URI_REF.match(uri):
                fail("%s: uri %r is not a URI reference" % (where, uri))
            if "index" in al:
                i = al["index"]
                if not isinstance(i, int) or not 0 <= i < len(artifacts):
                    fail("%s: artifact index %r out of range" % (where, i))
                elif artifacts[i].get("location", {}).get("uri") != uri:
                    fail("%s: uri %r differs from artifact %d's" % (where, uri, i))
        region = phys.get("region")
        if region is not None:
            for k in ("startLine", "startColumn"):
                if k in region and (not isinstance(region[k], int) or region[k] < 1):
                    fail("%s: region.%s %r" % (where, k, region[k]))
            if "startColumn" in region and "startLine" not in region:
                fail(where + ": startColumn without startLine")
    if logical is not None:
        if not isinstance(logical, list) or not logical:
            fail(where + ": logicalLocations is not a non-empty array")
        else:
            for ll in logical:
                need(ll, "fullyQualifiedName", str, where + ".logicalLocations[]")


def check_structure(log):
    runs = None
    if need(log, "version", str, "sarifLog") != "2.1.0":
        fail("version is not 2.1.0")
    schema = log.get("$schema")
    if schema is not None and "sarif" not in schema:
        fail("$schema %r" % schema)
    runs = need(log, "runs", list, "sarifLog")
    if not runs:
        fail("no runs")
        return None
    run = runs[0]
    tool = need(run, "tool", dict, "run")
    driver = need(tool, "driver", dict, "tool") if tool else None
    rules = []
    if driver:
        need(driver, "name", str, "driver")
        rules = need(driver, "rules", list, "driver") or []
        ids = set()
        for i, r in enumerate(rules):
            w = "rules[%d]" % i
            rid = need(r, "id", str, w)
            if rid in ids:
                fail("rule id %s twice" % rid)
            ids.add(rid)
            message(r, "shortDescription", w)
            message(r, "help", w)
            cfg = r.get("defaultConfiguration")
            if cfg is not None and cfg.get("level") not in LEVELS:
                fail("%s: defaultConfiguration.level %r" % (w, cfg.get("level")))
    artifacts = run.get("artifacts", [])
    if not isinstance(artifacts, list):
        fail("artifacts is not an array")
        artifacts = []
    for i, art in enumerate(artifacts):
        loc = need(art, "location", dict, "artifacts[%d]" % i)
        if loc is not None:
            uri = need(loc, "uri", str, "artifacts[%d].location" % i)
            if uri is not None and not URI_REF.match(uri):
                fail("artifacts[%d]: uri %r is not a URI reference" % (i, uri))
        if "parentIndex" in art:
            p = art["parentIndex"]
            if not isinstance(p, int) or not 0 <= p < i:
                fail("artifacts[%d]: parentIndex %r" % (i, p))
    results = need(run, "results", list, "run") or []
    for i, res in enumerate(results):
        w = "results[%d]" % i
        rid = need(res, "ruleId", str, w)
        ri = res.get("ruleIndex")
        if ri is not None:
            if not isinstance(ri, int) or not 0 <= ri < len(rules):
                fail("%s: ruleIndex %r out of range" % (w, ri))
            elif rules[ri].get("id") != rid:
                fail("%s: ruleIndex %d is %s, ruleId %s" % (w, ri, rules[ri].get("id"), rid))
        if res.get("level", "warning") not in LEVELS:
            fail("%s: level %r" % (w, res.get("level")))
        if res.get("kind", "fail") not in KINDS:
            fail("%s: kind %r" % (w, res.get("kind")))
        message(res, "message", w)
        for j, loc in enumerate(need(res, "locations", list, w) or []):
            check_location(loc, "%s.locations[%d]" % (w, j), artifacts)
        pf = res.get("partialFingerprints", {})
        if not isinstance(pf, dict) or not all(isinstance(v, str) for v in pf.values()):
            fail(w + ": partialFingerprints is not an object of strings")
        for s in res.get("suppressions", []):
            if s.get("kind") not in ("inSource", "external"):
                fail("%s: suppression kind %r" % (w, s.get("kind")))
    for i, inv in enumerate(run.get("invocations", [])):
        w = "invocations[%d]" % i
        if not isinstance(need(inv, "executionSuccessful", bool, w), bool):
            continue
        for j, n in enumerate(inv.get("toolExecutionNotifications", [])):
            wn = "%s.toolExecutionNotifications[%d]" % (w, j)
            if n.get("level", "warning") not in LEVELS:
                fail("%s: level %r" % (wn, n.get("level")))
            message(n, "message", wn)
            ar = n.get("associatedRule")
            if ar is not None:
                idx = ar.get("index")
                if not isinstance(idx, int) or not 0 <= idx < len(rules) or rules[idx].get("id") != ar.get("id"):
                    fail("%s: associatedRule %r does not name a rule" % (wn, ar))
    if run.get("columnKind", "unicodeCodePoints") not in ("utf16CodeUnits", "unicodeCodePoints"):
        fail("columnKind %r" % run.get("columnKind"))
    for path, s in walk_strings(log):
        if FORBIDDEN.search(s):
            fail("%s holds a character XML 1.0 forbids: %r" % (path, s[:80]))
    return run


def expected_level(status, severity):
    if status == "WARN":
        return "note"
    return "error" if SEV[severity] >= SEV["medium"] else "warning"


def check_against_json(run, report):
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    if [r["id"] for r in rules] != [c["id"] for c in report["controls"]]:
        fail("rules %s, controls %s" % ([r["id"] for r in rules], [c["id"] for c in report["controls"]]))
    findings = [(c, f) for c in report["controls"] for f in c["findings"]
                if f.get("level", "FAIL") in ("FAIL", "WARN")]
    if len(results) != len(findings):
        fail("%d results, %d FAIL/WARN findings" % (len(results), len(findings)))
    artifacts = run.get("artifacts", [])
    for res, (c, f) in zip(results, findings):
        w = "%s %s/%s" % (c["id"], f["object"].get("namespace"), f["object"]["name"])
        if res["ruleId"] != c["id"]:
            fail("%s: ruleId %s" % (w, res["ruleId"]))
        want = expected_level(f.get("level", "FAIL"), c["severity"])
        if res.get("level") != want:
            fail("%s: level %s, want %s" % (w, res.get("level"), want))
        fp = list(res.get("partialFingerprints", {}).values())
        if f["fingerprint"] and not FORBIDDEN.search(f["fingerprint"]) and "\x1b" not in f["fingerprint"] \
                and fp != [f["fingerprint"]]:
            fail("%s: partialFingerprints %r, fingerprint %r" % (w, fp, f["fingerprint"]))
        loc = res["locations"][0]
        phys = loc.get("physicalLocation")
        if bool(phys) != bool(f.get("file")):
            fail("%s: physical location %s, file %r" % (w, "present" if phys else "absent", f.get("file")))
        if phys:
            region = phys.get("region", {})
            if f.get("line") and region.get("startLine") != f["line"]:
                fail("%s: startLine %r, line %r" % (w, region.get("startLine"), f["line"]))
            if f.get("column") and region.get("startColumn") != f["column"]:
                fail("%s: startColumn %r, column %r" % (w, region.get("startColumn"), f["column"]))
            art = artifacts[phys["artifactLocation"]["index"]]
            if f.get("member"):
                if "parentIndex" not in art:
                    fail("%s: an archive member without a parent artifact" % w)
                elif not artifacts[art["parentIndex"]]["location"]["uri"].endswith(
                        f["file"].split("/")[-1].replace(" ", "%20")):
                    fail("%s: member's parent is %r" % (w, artifacts[art["parentIndex"]]["location"]["uri"]))
        fq = loc.get("logicalLocations", [{}])[0].get("fullyQualifiedName")
        o = f["object"]
        want_fq = "/".join(x for x in (o["kind"], o.get("namespace"), o["name"]) if x is not None)
        if not FORBIDDEN.search(want_fq) and "\x1b" not in want_fq and fq != want_fq:
            fail("%s: logical location %r, want %r" % (w, fq, want_fq))
        if bool(res.get("suppressions")) != bool(f.get("suppressed")):
            fail("%s: suppressions do not match" % w)
    notes = [n for inv in run.get("invocations", []) for n in inv.get("toolExecutionNotifications", [])
             if n.get("associatedRule")]
    errors = [c["id"] for c in report["controls"] if c["status"] == "ERROR"]
    if sorted(n["associatedRule"]["id"] for n in notes) != sorted(errors):
        fail("ERROR controls %s, notifications for %s" % (errors, [n["associatedRule"]["id"] for n in notes]))
    print("sarif: %d rules, %d results, %d ERROR notifications match the JSON report"
          % (len(rules), len(results), len(notes)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--json")
    a = ap.parse_args()
    try:
        log = json.load(open(a.report, encoding="utf-8"))
    except ValueError as e:
        fail("not JSON: %s" % e)
        return 1
    run = check_structure(log)
    if run is not None and a.json and not problems:
        check_against_json(run, json.load(open(a.json, encoding="utf-8")))
    print("sarif: %d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
