#!/usr/bin/env python3
"""The man page and every verb's --help agree (DESIGN §9).

For every verb `kubectl-netpol help` lists: its --help exits 0, the man page
names the verb (in SYNOPSIS and as a VERBS entry), every flag its --help
mentions (--long, -s, -vv) appears in the man page, and every -o value its
--help lists appears in the man page's synopsis line for that verb. The page
must also format without groff warnings where groff is installed.

Usage: check_man.py BINARY MANPAGE
"""
import re
import shutil
import subprocess
import sys

# a flag starts a word, or follows ( [ , ' " |
FLAG = re.compile(r"(?<![^\s(\[,'\"|])(--?[A-Za-z][A-Za-z0-9-]*)")


def roff_args(s):
    """Macro arguments: blank-separated, double quotes group."""
    args, cur, quoted, any_ = [], "", False, False
    for ch in s:
        if ch == '"':
            quoted = not quoted
            any_ = True
        elif ch in " \t" and not quoted:
            if cur or any_:
                args.append(cur)
            cur, any_ = "", False
        else:
            cur += ch
    if cur or any_:
        args.append(cur)
    return args


def man_text(src):
    """The page's words as a reader sees them, roughly: roff escapes gone."""
    t = src.replace("\\-", "-").replace("\\e", "\\")
    t = re.sub(r"\\f[BIRP]", "", t)
    t = re.sub(r"\\f\[[A-Z]*\]", "", t)
    t = t.replace("\\c", "")
    lines = []
    for line in t.splitlines():
        if line.startswith('.\\"'):
            continue
        if line.startswith("."):
            # macro arguments are text too (.B --flag, .BR a , b)
            parts = line.split(None, 1)
            args = roff_args(parts[1]) if len(parts) > 1 else []
            # alternating-font macros join their arguments without blanks
            sep = "" if parts[0] in (".BR", ".RB", ".IR", ".RI", ".BI", ".IB") else " "
            line = sep.join(args)
        lines.append(line)
    return "\n".join(lines)


def synopsis_of(src_text, verb):
    """The SYNOPSIS lines of one verb, joined (up to the next .br)."""
    m = re.search(r"\.SH SYNOPSIS\n(.*?)\n\.SH ", src_text, re.S)
    if not m:
        return ""
    for block in m.group(1).split("\n.br\n"):
        if block.startswith(".B kubectl netpol " + verb):
            return man_text(block)
    return ""


def main():
    binary, page = sys.argv[1], sys.argv[2]
    src = open(page, encoding="utf-8").read()
    text = man_text(src)
    words = set(FLAG.findall(text))
    problems = []

    top = subprocess.run([binary, "help"], capture_output=True, text=True, check=True).stdout
    verbs = re.findall(r"^  ([a-z][a-z_-]*)\s{2,}", top.split("Verbs:", 1)[1], re.M)
    if len(verbs) < 5:
        problems.append("help lists only %r" % verbs)
    for verb in verbs:
        r = subprocess.run([binary, verb, "--help"], capture_output=True, text=True)
        if r.returncode != 0:
            problems.append("%s --help: exit %d" % (verb, r.returncode))
            continue
        if not re.search(r"^\.B kubectl netpol %s\b" % re.escape(verb), src, re.M):
            problems.append("%s: not in SYNOPSIS" % verb)
        if not re.search(r"^\.TP\n\.B %s\n" % re.escape(verb), src, re.M):
            problems.append("%s: no entry under VERBS" % verb)
        for flag in sorted(set(FLAG.findall(r.stdout))):
            if flag not in words:
                problems.append("%s --help names %s, the man page does not" % (verb, flag))
        m = re.search(r"Output format: ([a-z|]+)", r.stdout)
        if m and m.group(1) != "none":
            syn = synopsis_of(src, verb)
            for fmt in m.group(1).split("|"):
                if not re.search(r"(?<![a-z])%s(?![a-z])" % fmt, syn):
                    problems.append("%s: -o %s is not in its SYNOPSIS line" % (verb, fmt))
        print("%s: %d flags checked" % (verb, len(set(FLAG.findall(r.stdout)))))

    if shutil.which("groff"):
        g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", page], capture_output=True, text=True)
        if g.returncode != 0 or g.stderr.strip():
            problems.append("groff warnings: " + g.stderr.strip()[:500])
    else:
        print("groff not installed: formatting not checked")

    for p in problems:
        print("FAIL: " + p)
    print("man page: %d verbs, %d problems" % (len(verbs), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
