#!/usr/bin/env python3
"""Structure and safety of an `audit -o markdown` report (DESIGN §6.3, §8).

Checks: at most 65,000 characters; a heading; the summary table with one row
per control of the JSON report (--json), each row exactly five cells (so no
'|' from an input split a row) and the control's status; <details> blocks
balanced, each with a <summary>, one per control that has findings; code
fences closed; outside code: no HTML tag but details, summary, b and sub, no
live @mention, no unescaped '[' (no link), no control character or ESC.
Unless the report is cut, every finding of the JSON report has its row.
--expect-cut: the report must be cut and point to --full-report PATH.

Usage: check_markdown.py REPORT.md [--json REPORT.json] [--expect-cut]
                         [--full-report PATH]
"""
import argparse
import json
import re
import sys

ALLOWED_TAGS = {"details", "summary", "b", "sub"}
problems = []


def fail(msg):
    problems.append(msg)
    print("FAIL: " + msg)


def split_cells(row):
    """Cells of a table row, splitting only at unescaped '|'."""
    cells, cur, i = [], "", 0
    body = row.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            cur += body[i:i + 2]
            i += 2
            continue
        if c == "|":
            cells.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    cells.append(cur.strip())
    return cells


def prose_lines(lines):
    """Lines outside fenced code blocks, with their numbers."""
    fence = None
    for n, line in enumerate(lines, 1):
        m = re.match(r"^(`{3,})", line)
        if fence is None:
            if m:
                fence = m.group(1)
                continue
            yield n, line
        elif line.strip() == fence or (line.startswith(fence) and line.strip("`") == ""
                                       and len(line.strip()) >= len(fence)):
            fence = None
    if fence is not None:
        fail("a code fence is never closed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--json")
    ap.add_argument("--expect-cut", action="store_true")
    ap.add_argument("--full-report")
    a = ap.parse_args()
    raw = open(a.report, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        fail("not UTF-8: %s" % e)
        text = raw.decode("utf-8", "replace")
    if len(text) > 65000:
        fail("%d characters, more than 65,000" % len(text))
    lines = text.split("\n")
    if not lines[0].startswith("## kubectl-netpol audit"):
        fail("no heading: %r" % lines[0][:80])

    prose = list(prose_lines(lines))
    for n, line in prose:
        for m in re.finditer(r"<(/?)([A-Za-z][A-Za-z0-9-]*)", line):
            if m.group(2).lower() not in ALLOWED_TAGS:
                fail("line %d: HTML tag <%s%s> outside code" % (n, m.group(1), m.group(2)))
        if re.search(r"(?<![\w`&;])@[A-Za-z0-9_-]", line):
            fail("line %d: a live @mention: %r" % (n, line[:120]))
        for m in re.finditer(r"(?<!\\)\[", line):
            if not line.startswith("> [!WARNING]"):
                fail("line %d: an unescaped '[' (a link): %r" % (n, line[:120]))
                break
        if re.search(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]", line):
            fail("line %d: a control character or bidi override" % n)
    # code blocks must not carry terminal escapes either
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text.replace("\n", "")):
        fail("a control character in the report")

    # summary table
    try:
        start = lines.index("| Control | Status | Severity | Title | Result |")
    except ValueError:
        fail("no summary table")
        start = None
    rows = {}
    if start is not None:
        if lines[start + 1] != "|---|---|---|---|---|":
            fail("summary table without its delimiter row")
        for line in lines[start + 2:]:
            if not line.startswith("|"):
                break
            cells = split_cells(line)
            if len(cells) != 5:
                fail("summary row with %d cells: %r" % (len(cells), line[:120]))
                continue
            rows[cells[0].replace("\\", "")] = cells

    # details blocks
    opens = [n for n, l in prose if l.strip() == "<details>"]
    closes = [n for n, l in prose if l.strip() == "</details>"]
    if len(opens) != len(closes):
        fail("%d <details> but %d </details>" % (len(opens), len(closes)))
    depth = 0
    for n, l in prose:
        if l.strip() == "<details>":
            depth += 1
            if depth > 1:
                fail("line %d: nested <details>" % n)
        elif l.strip() == "</details>":
            depth -= 1
            if depth < 0:
                fail("line %d: </details> without <details>" % n)
    summaries = [l for _, l in prose if l.startswith("<summary>")]
    if len(summaries) != len(opens):
        fail("%d <details> but %d <summary>" % (len(opens), len(summaries)))
    for _, l in prose:
        if l.startswith("| ") and not l.startswith("| Control |") and not l.startswith("| Namespace |"):
            n_cells = len(split_cells(l))
            if n_cells not in (4, 5):
                fail("table row with %d cells: %r" % (n_cells, l[:120]))

    cut = "This comment is cut at 65000 characters" in text
    if a.expect_cut and not cut:
        fail("the report was expected to be cut")
    if cut and a.full_report and a.full_report not in text.replace("\\", ""):
        fail("the cut notice does not point to %s" % a.full_report)

    if a.json:
        report = json.load(open(a.json, encoding="utf-8"))
        for c in report["controls"]:
            row = rows.get(c["id"])
            if not row:
                fail("no summary row for %s" % c["id"])
            elif c["status"] not in row[1]:
                fail("%s: status %r, JSON says %s" % (c["id"], row[1], c["status"]))
            if c["findings"] and not cut and not any("<b>%s</b>" % c["id"] in s for s in summaries):
                fail("%s has findings but no <details>" % c["id"])
        if len(rows) != len(report["controls"]):
            fail("%d summary rows, %d controls" % (len(rows), len(report["controls"])))
        finding_rows = sum(1 for _, l in prose if l.startswith("| ") and len(split_cells(l)) == 4
                           and not l.startswith("| Namespace |"))
        total = sum(len(c["findings"]) for c in report["controls"])
        if not cut and finding_rows != total:
            fail("%d finding rows, the JSON report has %d findings" % (finding_rows, total))
        if cut and finding_rows >= total:
            fail("cut, yet all %d findings are shown" % total)
        print("markdown: %d controls, %d of %d findings shown%s" % (len(rows), finding_rows, total,
                                                                    ", cut" if cut else ""))
    print("markdown: %d characters, %d problems" % (len(text), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
