#!/usr/bin/env python3
"""Checks a krew Plugin manifest against its release archives (DESIGN §9).

The manifest: krew.googlecontainertools.github.com/v1alpha2 Plugin named
netpol (the file netpol.yaml), version vX.Y.Z (= --version), descriptions,
caveats naming `help rbac` and the completion shim, an https homepage, and
platforms with selector.matchLabels os/arch (linux|darwin x amd64|arm64, no
duplicates), an https uri ending in the archive name, a 64-hex sha256, bin
and files (LICENSE among them). Each platform whose archive is in DIST: the
sha256 matches, bin and every files.from are in it, installing it as krew
does (files.from -> files.to) gives an executable bin, and, for the platform
of this machine, that bin runs `version` and prints the manifest's version.

Usage: check_manifest.py --version X.Y.Z [--require OS/ARCH]... MANIFEST DIST
Exit 0 pass, 1 fail, 77 skipped (PyYAML missing).
"""
import argparse
import hashlib
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml (PyYAML) is not installed")
    sys.exit(77)

PLATFORM_KEYS = {"selector", "uri", "sha256", "bin", "files"}
SPEC_KEYS = {"version", "homepage", "shortDescription", "description", "caveats", "platforms"}
problems = []


def fail(msg):
    problems.append(msg)
    print("FAIL: " + msg)


def this_platform():
    osname = {"Linux": "linux", "Darwin": "darwin"}.get(platform.system())
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine())
    return osname, arch


def check_structure(m, path, version):
    if not isinstance(m, dict):
        fail("the manifest is not a mapping")
        return []
    if m.get("apiVersion") != "krew.googlecontainertools.github.com/v1alpha2":
        fail("apiVersion is %r" % m.get("apiVersion"))
    if m.get("kind") != "Plugin":
        fail("kind is %r" % m.get("kind"))
    name = (m.get("metadata") or {}).get("name")
    if name != "netpol":
        fail("metadata.name is %r" % name)
    if os.path.basename(path) != "%s.yaml" % name:
        fail("krew wants the file named after the plugin: %s" % os.path.basename(path))
    spec = m.get("spec")
    if not isinstance(spec, dict):
        fail("no spec")
        return []
    extra = set(spec) - SPEC_KEYS
    if extra:
        fail("unknown spec keys %s" % sorted(extra))
    v = spec.get("version")
    if not isinstance(v, str) or not re.fullmatch(r"v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", v):
        fail("spec.version %r is not vX.Y.Z" % v)
    elif v != "v" + version:
        fail("spec.version %s, meson's project version is %s" % (v, version))
    sd = spec.get("shortDescription")
    if not isinstance(sd, str) or not sd.strip() or "\n" in sd.strip() or len(sd) > 50:
        fail("shortDescription must be one line of at most 50 characters: %r" % sd)
    if not isinstance(spec.get("description"), str) or len(spec["description"].strip()) < 40:
        fail("description is missing or too short")
    cav = spec.get("caveats") or ""
    for needle in ("kubectl netpol help rbac", "kubectl_complete-netpol", "completion"):
        if needle not in cav:
            fail("caveats do not mention %r" % needle)
    if v and isinstance(v, str) and "@" in cav:
        fail("caveats hold an unfilled placeholder")
    hp = spec.get("homepage")
    if not isinstance(hp, str) or not re.fullmatch(r"https://[^\s/]+(/\S*)?", hp):
        fail("homepage %r is not an https URL" % hp)
    plats = spec.get("platforms")
    if not isinstance(plats, list) or not plats:
        fail("no platforms")
        return []
    seen = set()
    out = []
    for i, p in enumerate(plats):
        where = "platforms[%d]" % i
        if not isinstance(p, dict):
            fail(where + " is not a mapping")
            continue
        extra = set(p) - PLATFORM_KEYS
        if extra:
            fail("%s: unknown keys %s" % (where, sorted(extra)))
        labels = ((p.get("selector") or {}).get("matchLabels")) or {}
        if set(labels) != {"os", "arch"}:
            fail("%s: selector.matchLabels must be exactly os and arch: %r" % (where, labels))
        osname, arch = labels.get("os"), labels.get("arch")
        if osname not in ("linux", "darwin") or arch not in ("amd64", "arm64"):
            fail("%s: unexpected platform %s/%s" % (where, osname, arch))
        if (osname, arch) in seen:
            fail("%s: %s/%s listed twice" % (where, osname, arch))
        seen.add((osname, arch))
        uri = p.get("uri")
        want_name = "kubectl-netpol_%s_%s_%s.tar.gz" % (v, osname, arch)
        if not isinstance(uri, str) or not uri.startswith("https://") or not uri.endswith("/" + want_name):
            fail("%s: uri %r does not end in /%s" % (where, uri, want_name))
        sha = p.get("sha256")
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
            fail("%s: sha256 %r is not 64 lowercase hex digits" % (where, sha))
        b = p.get("bin")
        if not isinstance(b, str) or not b:
            fail(where + ": no bin")
        files = p.get("files")
        if not isinstance(files, list) or not files:
            fail(where + ": no files")
            files = []
        for f in files:
            if not isinstance(f, dict) or set(f) != {"from", "to"} or not all(
                    isinstance(f[k], str) and f[k] for k in ("from", "to")):
                fail("%s: bad files entry %r" % (where, f))
        froms = [f.get("from") for f in files if isinstance(f, dict)]
        if "LICENSE" not in froms:
            fail(where + ": files do not include LICENSE")
        out.append({"os": osname, "arch": arch, "uri": uri, "sha256": sha, "bin": b,
                    "files": [f for f in files if isinstance(f, dict)], "name": want_name})
    return out


def install_like_krew(tar, files, dest):
    """Extracts the archive and copies files.from to files.to as krew does."""
    work = os.path.join(dest, "extract")
    os.makedirs(work)
    for member in tar.getmembers():
        target = os.path.realpath(os.path.join(work, member.name))
        if not target.startswith(os.path.realpath(work) + os.sep):
            fail("archive member escapes the directory: %r" % member.name)
            return None
        if not (member.isfile() or member.isdir()):
            fail("archive member is not a file or directory: %r" % member.name)
            return None
    try:
        tar.extractall(work, filter="data")
    except TypeError:  # Python before 3.11.4: members were checked above
        tar.extractall(work)
    store = os.path.join(dest, "store")
    os.makedirs(store)
    for f in files:
        src = os.path.join(work, f["from"])
        dst_dir = os.path.join(store, f["to"])
        os.makedirs(dst_dir, exist_ok=True)
        if os.path.exists(src):
            shutil.copy2(src, os.path.join(dst_dir, os.path.basename(src)))
    return store


def check_archive(p, dist, version, run_it):
    path = os.path.join(dist, p["name"])
    if not os.path.exists(path):
        return False
    h = hashlib.sha256(open(path, "rb").read()).hexdigest()
    if h != p["sha256"]:
        fail("%s: sha256 %s, the manifest says %s" % (p["name"], h, p["sha256"]))
    with tarfile.open(path, "r:gz") as tar:
        names = {os.path.normpath(m.name): m for m in tar.getmembers()}
        for f in p["files"]:
            if os.path.normpath(f["from"]) not in names:
                fail("%s: files.from %s is not in the archive" % (p["name"], f["from"]))
        lic = names.get("LICENSE")
        if lic is not None:
            text = tar.extractfile(lic).read().decode("utf-8", "replace")
            if "Apache License" not in text or "Version 2.0, January 2004" not in text:
                fail(p["name"] + ": LICENSE is not the Apache-2.0 text")
        with tempfile.TemporaryDirectory() as tmp:
            store = install_like_krew(tar, p["files"], tmp)
            if store is None:
                return True
            binary = os.path.join(store, p["bin"])
            if not os.path.isfile(binary):
                fail("%s: bin %s is not installed by files" % (p["name"], p["bin"]))
                return True
            if not os.stat(binary).st_mode & stat.S_IXUSR:
                fail("%s: bin %s is not executable" % (p["name"], p["bin"]))
            shim = os.path.join(store, "kubectl_complete-netpol")
            if os.path.isfile(shim) and not os.stat(shim).st_mode & stat.S_IXUSR:
                fail(p["name"] + ": kubectl_complete-netpol is not executable")
            if run_it:
                r = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=30,
                                   env={"PATH": "/usr/bin:/bin", "HOME": tmp})
                print("%s version: %s" % (p["bin"], r.stdout.strip()))
                if r.returncode != 0 or r.stdout.strip() != "kubectl-netpol v" + version:
                    fail("%s: `%s version` printed %r (exit %d), want kubectl-netpol v%s"
                         % (p["name"], p["bin"], r.stdout.strip(), r.returncode, version))
                r = subprocess.run([shim, ""], capture_output=True, text=True, timeout=30,
                                   env={"PATH": "/usr/bin:/bin", "HOME": tmp})
                if r.returncode != 0 or not r.stdout.rstrip().endswith(":4") or "audit" not in r.stdout:
                    fail("%s: the installed kubectl_complete-netpol does not answer: %r"
                         % (p["name"], r.stdout[-200:]))
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", required=True)
    ap.add_argument("--require", action="append", default=[])
    ap.add_argument("manifest")
    ap.add_argument("dist")
    a = ap.parse_args()
    try:
        m = yaml.safe_load(open(a.manifest, encoding="utf-8"))
    except yaml.YAMLError as e:
        fail("not valid YAML: %s" % e)
        m = None
    plats = check_structure(m, a.manifest, a.version) if m is not None else []
    have = {"%s/%s" % (p["os"], p["arch"]) for p in plats}
    for r in a.require:
        if r not in have:
            fail("no %s platform" % r)
    here = this_platform()
    checked = 0
    for p in plats:
        if check_archive(p, a.dist, a.version, (p["os"], p["arch"]) == here):
            checked += 1
            print("%s/%s: checked against %s" % (p["os"], p["arch"], p["name"]))
        else:
            print("%s/%s: no archive here, structure only" % (p["os"], p["arch"]))
    if checked == 0:
        fail("no platform's archive was in %s" % a.dist)
    print("manifest: %d platforms, %d archives checked, %d problems" % (len(plats), checked, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
