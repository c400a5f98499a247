#!/usr/bin/env python3
"""Structure of an `audit -o junit` report, read with a real XML parser.

Checks: the file parses (xml.etree) and holds no character XML 1.0 forbids;
<testsuites> with integer tests/failures/errors/skipped equal to the sums of
its <testsuite>s, each of which equals the count of its <testcase>s and
their outcomes; every testcase has classname and name, and at most one of
<failure>, <error>, <skipped>. With --json REPORT.json (the same run's -o
json): one testcase per control, FAIL -> <failure> whose text carries every
finding's message, ERROR -> <error>, WARN/MANUAL/SKIP -> <skipped>, PASS ->
none.

Usage: check_junit.py REPORT.xml [--json REPORT.json]
"""
import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET

FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
OUTCOMES = ("failure", "error", "skipped")
problems = []


def fail(msg):
    problems.append(msg)
    print("FAIL: " + msg)


def count_attr(el, name):
    v = el.get(name)
    if v is None or not re.fullmatch(r"\d+", v):
        fail("<%s %s=%r>" % (el.tag, name, v))
        return -1
    return int(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--json")
    a = ap.parse_args()
    raw = open(a.report, "rb").read()
    if FORBIDDEN.search(raw):
        fail("a character XML 1.0 forbids")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        fail("does not parse: %s" % e)
        return 1
    if root.tag != "testsuites":
        fail("root is <%s>" % root.tag)
    totals = {k: 0 for k in ("tests", "failures", "errors", "skipped")}
    cases = []
    for suite in root:
        if suite.tag != "testsuite":
            fail("<%s> under <testsuites>" % suite.tag)
            continue
        if not suite.get("name"):
            fail("a testsuite without a name")
        mine = {k: 0 for k in totals}
        for tc in suite.iter("testcase"):
            mine["tests"] += 1
            if not tc.get("name") or not tc.get("classname"):
                fail("a testcase without name or classname")
            outcome = [c.tag for c in tc if c.tag in OUTCOMES]
            if len(outcome) > 1:
                fail("%s: several outcomes %s" % (tc.get("name"), outcome))
            for o, k in zip(OUTCOMES, ("failures", "errors", "skipped")):
                if o in outcome:
                    mine[k] += 1
            cases.append(tc)
        for k in totals:
            if count_attr(suite, k) != mine[k]:
                fail("testsuite %r: %s=%s, its testcases give %d" % (suite.get("name"), k, suite.get(k), mine[k]))
            totals[k] += mine[k]
    for k in totals:
        if count_attr(root, k) != totals[k]:
            fail("testsuites: %s=%s, the suites give %d" % (k, root.get(k), totals[k]))

    if a.json:
        report = json.load(open(a.json, encoding="utf-8"))
        by_id = {}
        for tc in cases:
            by_id[tc.get("name").split(" ", 1)[0]] = tc
        if len(cases) != len(report["controls"]):
            fail("%d testcases, %d controls" % (len(cases), len(report["controls"])))
        for c in report["controls"]:
            tc = by_id.get(c["id"])
            if tc is None:
                fail("no testcase for %s" % c["id"])
                continue
            want = {"FAIL": "failure", "ERROR": "error", "PASS": None}.get(c["status"], "skipped")
            got = [x.tag for x in tc if x.tag in OUTCOMES]
            if (got[0] if got else None) != want:
                fail("%s %s: outcome %s, want %s" % (c["id"], c["status"], got, want))
            if c["status"] == "FAIL":
                text = tc.find("failure").text or ""
                for f in c["findings"]:
                    msg = f["message"]
                    if re.search(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", msg):
                        continue  # shown escaped
                    if msg not in text:
                        fail("%s: the failure text lacks %r" % (c["id"], msg))
        print("junit: %d testcases match the JSON report" % len(cases))
    print("junit: %d suites, %d testcases, %d problems" % (len(root), len(cases), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
