#!/usr/bin/env python3
"""Structure and safety of an `audit -o html` report (DESIGN §6.3, §8).

Checks, with the standard library's HTML parser: a doctype; one <meta
http-equiv="Content-Security-Policy"> with exactly the policy of DESIGN §8;
no element that runs or loads anything (script, iframe, object, embed, link,
base, form, img with a remote src, audio, video, source, frame); no on*
attribute; every href a same-page anchor (#id) that exists; every src a
data: URI; no url(...) or @import to anywhere in styles; elements closed in
order; sections Summary, Controls, Findings and Coverage heat map. With
--json REPORT.json (the same run's -o json): every control id with its
status, every finding's object name (as text), and a heat map table when the
report has pods.

Usage: check_html.py REPORT.html [--json REPORT.json]
"""
import argparse
import html.parser
import json
import re
import sys

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BANNED = {"script", "iframe", "object", "embed", "link", "base", "form", "frame", "frameset", "audio",
          "video", "source", "applet", "portal", "svg", "math"}
problems = []


def fail(msg):
    problems.append(msg)
    print("FAIL: " + msg)


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.csp = []
        self.doctype = False
        self.ids = set()
        self.hrefs = []
        self.text = []
        self.headings = []
        self.in_heading = None
        self.tables = []
        self.styles = []
        self.in_style = False

    def handle_decl(self, decl):
        if decl.lower() == "doctype html":
            self.doctype = True

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in BANNED:
            fail("<%s> element" % tag)
        for k, v in attrs:
            if k.startswith("on"):
                fail("<%s %s=...>: an inline handler" % (tag, k))
            if k == "id":
                self.ids.add(v)
            if k == "href":
                if not v or not v.startswith("#"):
                    fail("<%s href=%r>: not a same-page anchor" % (tag, v))
                else:
                    self.hrefs.append(v[1:])
            if k in ("src", "srcset", "action", "formaction", "data", "poster", "background"):
                if not (v or "").startswith("data:"):
                    fail("<%s %s=%r>: loads something" % (tag, k, v))
            if k == "style":
                self.styles.append(v or "")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(a.get("content"))
        if tag == "table":
            self.tables.append(a.get("class") or "")
        if tag == "style":
            self.in_style = True
        if tag in ("h1", "h2", "h3"):
            self.in_heading = []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            fail("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "style":
            self.in_style = False
        if tag in ("h1", "h2", "h3") and self.in_heading is not None:
            self.headings.append("".join(self.in_heading).strip())
            self.in_heading = None

    def handle_data(self, data):
        if self.in_style:
            self.styles.append(data)
            return
        self.text.append(data)
        if self.in_heading is not None:
            self.in_heading.append(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--json")
    a = ap.parse_args()
    src = open(a.report, encoding="utf-8").read()
    p = Page()
    p.feed(src)
    p.close()
    if not p.doctype:
        fail("no <!DOCTYPE html>")
    if p.csp != [CSP]:
        fail("Content-Security-Policy %r, want [%r]" % (p.csp, CSP))
    if p.stack:
        fail("unclosed elements %s" % p.stack)
    for s in p.styles:
        if re.search(r"url\s*\(|@import|expression\s*\(", s, re.I):
            fail("a style loads something: %r" % s[:80])
    for h in p.hrefs:
        if h not in p.ids:
            fail("href #%s points nowhere" % h)
    text = "".join(p.text)
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text):
        fail("a control character or bidi override in the text")
    for want in ("Summary", "Controls", "Findings", "Coverage heat map"):
        if not any(h.startswith(want) for h in p.headings):
            fail("no %r section" % want)
    if a.json:
        report = json.load(open(a.json, encoding="utf-8"))
        for c in report["controls"]:
            if c["id"] not in text:
                fail("control %s is not in the page" % c["id"])
            for f in c["findings"]:
                name = f["object"]["name"]
                if re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", name):
                    continue  # shown escaped
                if name not in text:
                    fail("%s: finding %r is not in the page" % (c["id"], name))
        if report["summary"]["pods"] + report["summary"]["podsTemplate"] > 0 and "heat" not in p.tables:
            fail("pods, but no heat map table")
        print("html: %d controls and their findings are in the page" % len(report["controls"]))
    print("html: %d headings, %d tables, %d problems" % (len(p.headings), len(p.tables), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
