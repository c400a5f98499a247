#!/usr/bin/env python3
"""Checks of `fix` output (run by test/e2e/fix/run.sh).

  check.py all BINARY CLUSTER.json TMPDIR
      the whole sequence run.sh describes, on one cluster (one Python
      start-up per cluster: the checks below, plus the binary's own verdicts).

  check.py input BINARY SOURCE TMPDIR
      fix on a real input (bundle, archive, odd objects): API-valid, the
      four controls pass after it with and without --no-preserve,
      idempotent, explained in -o json (kubectl-netpol/notes).

  check.py schema FIX.json
      every item is a NetworkPolicy the API server accepts: required fields,
      enum values, name and label syntax, selector operators and values,
      ipBlock CIDRs and excepts, port numbers and names, endPort; no unknown
      field; the managed-by label and the control annotation on each.

  check.py preserve CLUSTER.json REACH-BEFORE.json REACH-AFTER.json
      the traffic today's Services, Ingresses and policies imply, computed
      here from the cluster independently of the binary, is still allowed by
      `reach` after the fix wherever it was allowed before:
        - every pod to a Service's backends on its target ports (hostNetwork
          sources aside: they are node addresses, which fix leaves alone);
        - ingress controllers (hostNetwork ones too) to Ingress backends;
        - the pods of a policy to the pods its egress rule names in another
          namespace or its own (and the reverse for ingress rules), on the
          rule's ports.
      Prints how many such connections were checked, and how many allowed
      pairs of the original cluster fix closed (for information).

Only the Python 3 standard library is used."""
import ipaddress
import json
import re
import sys

NS_LABEL = "kubernetes.io/metadata.name"
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUB = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
PORT_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


class Problems:
    def __init__(self):
        self.v = []

    def add(self, where, msg):
        self.v.append("%s: %s" % (where, msg))


def keys_only(p, where, obj, allowed):
    if not isinstance(obj, dict):
        p.add(where, "must be an object")
        return False
    for k in obj:
        if k not in allowed:
            p.add(where, "unknown field %r" % k)
    return True


def check_qualified_key(p, where, k):
    if not isinstance(k, str) or not k:
        p.add(where, "label key must be a non-empty string")
        return
    prefix, _, name = k.rpartition("/")
    if prefix and (len(prefix) > 253 or not DNS1123_SUB.match(prefix)):
        p.add(where, "label key prefix %r is not a DNS subdomain" % prefix)
    if len(name) > 63 or not LABEL_NAME.match(name):
        p.add(where, "label key name %r is invalid" % name)


def check_label_value(p, where, v):
    if not isinstance(v, str) or len(v) > 63 or not LABEL_VALUE.match(v):
        p.add(where, "label value %r is invalid" % (v,))


def check_selector(p, where, s):
    if not keys_only(p, where, s, ("matchLabels", "matchExpressions")):
        return
    ml = s.get("matchLabels", {})
    if not isinstance(ml, dict):
        p.add(where + ".matchLabels", "must be a map")
    else:
        for k, v in ml.items():
            check_qualified_key(p, where + ".matchLabels", k)
            check_label_value(p, where + ".matchLabels." + str(k), v)
    me = s.get("matchExpressions", [])
    if not isinstance(me, list):
        p.add(where + ".matchExpressions", "must be a list")
        return
    for i, e in enumerate(me):
        w = "%s.matchExpressions[%d]" % (where, i)
        if not keys_only(p, w, e, ("key", "operator", "values")):
            continue
        check_qualified_key(p, w + ".key", e.get("key"))
        op = e.get("operator")
        vals = e.get("values")
        if op in ("In", "NotIn"):
            if not isinstance(vals, list) or not vals:
                p.add(w, "In/NotIn needs values")
            else:
                for v in vals:
                    check_label_value(p, w + ".values", v)
        elif op in ("Exists", "DoesNotExist"):
            if vals:
                p.add(w, "Exists/DoesNotExist takes no values")
        else:
            p.add(w, "operator %r is not In, NotIn, Exists or DoesNotExist" % (op,))


def check_port(p, where, port):
    if not keys_only(p, where, port, ("protocol", "port", "endPort")):
        return
    if port.get("protocol", "TCP") not in ("TCP", "UDP", "SCTP"):
        p.add(where, "protocol %r" % (port.get("protocol"),))
    v = port.get("port")
    if isinstance(v, bool):
        p.add(where, "port must be a number or a name")
    elif isinstance(v, int):
        if not 1 <= v <= 65535:
            p.add(where, "port %d out of range" % v)
    elif isinstance(v, str):
        if len(v) > 15 or not PORT_NAME.match(v) or "--" in v or not re.search("[a-z]", v):
            p.add(where, "port name %r is not an IANA service name" % v)
    elif v is not None:
        p.add(where, "port must be a number or a name")
    if "endPort" in port:
        e = port["endPort"]
        if not isinstance(v, int) or isinstance(e, bool) or not isinstance(e, int) or e < v \
                or e > 65535:
            p.add(where, "endPort %r needs a numeric port at or below it" % (e,))


def check_peer(p, where, peer):
    if not keys_only(p, where, peer, ("podSelector", "namespaceSelector", "ipBlock")):
        return
    if "ipBlock" in peer:
        if len(peer) != 1:
            p.add(where, "ipBlock with a selector")
        b = peer["ipBlock"]
        if not keys_only(p, where + ".ipBlock", b, ("cidr", "except")):
            return
        try:
            net = ipaddress.ip_network(b.get("cidr"), strict=False)
        except (ValueError, TypeError):
            p.add(where + ".ipBlock.cidr", "invalid CIDR %r" % (b.get("cidr"),))
            return
        for e in b.get("except", []):
            try:
                en = ipaddress.ip_network(e, strict=False)
                if en.version != net.version or not en.subnet_of(net):
                    p.add(where + ".ipBlock.except", "%s is outside %s" % (e, net))
            except (ValueError, TypeError):
                p.add(where + ".ipBlock.except", "invalid CIDR %r" % (e,))
        return
    if not peer:
        p.add(where, "empty peer")
    for k in ("podSelector", "namespaceSelector"):
        if k in peer:
            check_selector(p, where + "." + k, peer[k])


def check_policy(p, i, o):
    w = "items[%d]" % i
    if not keys_only(p, w, o, ("apiVersion", "kind", "metadata", "spec")):
        return
    if o.get("apiVersion") != "networking.k8s.io/v1" or o.get("kind") != "NetworkPolicy":
        p.add(w, "not a networking.k8s.io/v1 NetworkPolicy")
    meta = o.get("metadata")
    if keys_only(p, w + ".metadata", meta, ("name", "namespace", "labels", "annotations")):
        name, ns = meta.get("name"), meta.get("namespace")
        if not isinstance(name, str) or len(name) > 253 or not DNS1123_SUB.match(name):
            p.add(w + ".metadata.name", "%r is not a DNS subdomain" % (name,))
        if not isinstance(ns, str) or len(ns) > 63 or not DNS1123_LABEL.match(ns):
            p.add(w + ".metadata.namespace", "%r is not a DNS label" % (ns,))
        labels = meta.get("labels", {})
        for k, v in labels.items():
            check_qualified_key(p, w + ".metadata.labels", k)
            check_label_value(p, w + ".metadata.labels", v)
        if labels.get("app.kubernetes.io/managed-by") != "kubectl-netpol":
            p.add(w + ".metadata.labels", "no app.kubernetes.io/managed-by: kubectl-netpol")
        ann = meta.get("annotations", {})
        for k, v in ann.items():
            check_qualified_key(p, w + ".metadata.annotations", k)
            if not isinstance(v, str):
                p.add(w + ".metadata.annotations", "value of %s must be a string" % k)
        if not re.match(r"^NP-\d{3}(,NP-\d{3})*$", ann.get("kubectl-netpol/control", "")):
            p.add(w + ".metadata.annotations", "no kubectl-netpol/control naming the controls")
    spec = o.get("spec")
    if not keys_only(p, w + ".spec", spec, ("podSelector", "policyTypes", "ingress", "egress")):
        return
    if "podSelector" not in spec:
        p.add(w + ".spec", "podSelector is required")
    else:
        check_selector(p, w + ".spec.podSelector", spec["podSelector"])
    types = spec.get("policyTypes", [])
    if not isinstance(types, list) or len(set(types)) != len(types) or \
            any(t not in ("Ingress", "Egress") for t in types):
        p.add(w + ".spec.policyTypes", "must list Ingress and/or Egress once: %r" % (types,))
    for d, peer_key in (("ingress", "from"), ("egress", "to")):
        rules = spec.get(d, [])
        if rules and d.capitalize() not in types:
            p.add(w + ".spec." + d, "rules of a direction policyTypes omits")
        if not isinstance(rules, list):
            p.add(w + ".spec." + d, "must be a list")
            continue
        for j, r in enumerate(rules):
            rw = "%s.spec.%s[%d]" % (w, d, j)
            if not keys_only(p, rw, r, (peer_key, "ports")):
                continue
            for k, peer in enumerate(r.get(peer_key, [])):
                check_peer(p, "%s.%s[%d]" % (rw, peer_key, k), peer)
            for k, port in enumerate(r.get("ports", [])):
                check_port(p, "%s.ports[%d]" % (rw, k), port)


def cmd_schema(path):
    doc = json.load(open(path))
    p = Problems()
    if doc.get("apiVersion") != "v1" or doc.get("kind") != "List" or \
            not isinstance(doc.get("items"), list):
        p.add("root", "not a v1 List")
    names = set()
    for i, o in enumerate(doc.get("items", [])):
        check_policy(p, i, o)
        key = (o.get("metadata", {}).get("namespace"), o.get("metadata", {}).get("name"))
        if key in names:
            p.add("items[%d]" % i, "duplicate name %s/%s" % key)
        names.add(key)
    for x in p.v[:40]:
        print("FAIL " + x)
    print("%d NetworkPolicies, %d problems" % (len(doc.get("items", [])), len(p.v)))
    return 1 if p.v else 0


# ---- preserve ----

def sel_matches(sel, labels):
    if sel is None:
        return True
    for k, v in (sel.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in sel.get("matchExpressions") or []:
        k, op, vals = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(k) not in vals:
            return False
        if op == "NotIn" and k in labels and labels[k] in vals:
            return False
        if op == "Exists" and k not in labels:
            return False
        if op == "DoesNotExist" and k in labels:
            return False
    return True


def sel_empty(sel):
    return not sel or (not sel.get("matchLabels") and not sel.get("matchExpressions"))


def workload(pod):
    m = pod["metadata"]
    for o in m.get("ownerReferences", []):
        if o.get("controller"):
            return (m["namespace"], o["name"], o["kind"])
    return (m["namespace"], m["name"], "Pod")


def resolve(pod, port, proto):
    """A port (number or name) on a destination pod, or None."""
    if isinstance(port, int):
        return port
    for c in pod["spec"].get("containers", []):
        for cp in c.get("ports", []):
            if cp.get("name") == port and cp.get("protocol", "TCP") == proto:
                return cp["containerPort"]
    return None


def load_reach(path):
    out = {}
    for c in json.load(open(path))["connections"]:
        s, d = c["src"], c["dst"]
        if "namespace" not in s or "namespace" not in d:
            continue
        key = ((s["namespace"], s["name"], s["kind"]), (d["namespace"], d["name"], d["kind"]))
        out[key] = {a["protocol"]: a["ports"] for a in c["allowed"]}
    return out


def allowed(reach, src, dst, proto, port):
    for lo, hi in reach.get((src, dst), {}).get(proto, []):
        if lo <= port <= hi:
            return True
    return False


def is_ingress_controller(pod):
    l = pod["metadata"].get("labels", {})
    return l.get("app.kubernetes.io/name") in ("ingress-nginx", "traefik", "haproxy-ingress")


def effective_types(spec):
    if spec.get("policyTypes"):
        return set(spec["policyTypes"])
    t = {"Ingress"}
    if spec.get("egress"):
        t.add("Egress")
    return t


def implied(cluster):
    items = cluster["items"]
    pods = [o for o in items if o["kind"] == "Pod" and
            o.get("status", {}).get("phase") not in ("Succeeded", "Failed")]
    ns_labels = {o["metadata"]["name"]: dict(o["metadata"].get("labels", {}),
                                             **{NS_LABEL: o["metadata"]["name"]})
                 for o in items if o["kind"] == "Namespace"}
    for p in pods:
        ns_labels.setdefault(p["metadata"]["namespace"], {NS_LABEL: p["metadata"]["namespace"]})
    host = lambda p: p["spec"].get("hostNetwork", False)
    lab = lambda p: p["metadata"].get("labels", {})
    out = set()  # (src workload, dst workload, proto, port, why)

    def to_pods(srcs, dsts, ports, why):
        for d in dsts:
            for proto, port in ports:
                n = resolve(d, port, proto)
                if n is None:
                    continue
                for s in srcs:
                    if workload(s) != workload(d):
                        out.add((workload(s), workload(d), proto, n, why))

    services = {}
    for s in items:
        if s["kind"] != "Service" or "selector" not in s.get("spec", {}):
            continue
        ns = s["metadata"]["namespace"]
        backends = [p for p in pods if p["metadata"]["namespace"] == ns and
                    all(lab(p).get(k) == v for k, v in s["spec"]["selector"].items())]
        ports = [(sp.get("protocol", "TCP"), sp.get("targetPort", sp["port"]))
                 for sp in s["spec"].get("ports", [])]
        services[(ns, s["metadata"]["name"])] = (backends, ports)
        to_pods([p for p in pods if not host(p)], backends, ports,
                "Service %s/%s" % (ns, s["metadata"]["name"]))
    ctrls = [p for p in pods if is_ingress_controller(p)]
    for g in items:
        if g["kind"] != "Ingress":
            continue
        ns = g["metadata"]["namespace"]
        for rule in g["spec"].get("rules", []):
            for path in rule.get("http", {}).get("paths", []):
                svc = path["backend"]["service"]["name"]
                if (ns, svc) in services:
                    b, ports = services[(ns, svc)]
                    to_pods(ctrls, b, ports, "Ingress %s/%s" % (ns, g["metadata"]["name"]))
    for pol in items:
        if pol["kind"] != "NetworkPolicy":
            continue
        y = pol["metadata"]["namespace"]
        spec = pol["spec"]
        selected = [p for p in pods if p["metadata"]["namespace"] == y and not host(p) and
                    sel_matches(spec.get("podSelector"), lab(p))]
        types = effective_types(spec)
        for d, peer_key in (("egress", "to"), ("ingress", "from")):
            if d.capitalize() not in types:
                continue
            for rule in spec.get(d, []):
                ports = [(pt.get("protocol", "TCP"), pt["port"]) for pt in rule.get("ports", [])
                         if "port" in pt]
                if not ports:
                    continue
                for peer in rule.get(peer_key, []):
                    if "ipBlock" in peer:
                        continue
                    nss = peer.get("namespaceSelector")
                    if "namespaceSelector" in peer and sel_empty(nss) and \
                            sel_empty(peer.get("podSelector")):
                        continue  # "everything": fix does not mirror it
                    named = [p for p in pods if not host(p) and
                             (sel_matches(nss, ns_labels[p["metadata"]["namespace"]])
                              if "namespaceSelector" in peer else p["metadata"]["namespace"] == y)
                             and sel_matches(peer.get("podSelector"), lab(p))]
                    why = "NetworkPolicy %s/%s %s" % (y, pol["metadata"]["name"], d)
                    if d == "egress":
                        to_pods(selected, named, ports, why)
                    else:
                        to_pods(named, selected, ports, why)
    return out


def cmd_preserve(cluster_path, before_path, after_path):
    cluster = json.load(open(cluster_path))
    before, after = load_reach(before_path), load_reach(after_path)
    want = implied(cluster)
    checked = lost = 0
    problems = []
    for src, dst, proto, port, why in sorted(want):
        if not allowed(before, src, dst, proto, port):
            continue
        checked += 1
        if not allowed(after, src, dst, proto, port):
            lost += 1
            problems.append("%s/%s[%s] => %s/%s[%s] %s %d (%s) was allowed, is not now" % (
                src[0], src[1], src[2], dst[0], dst[1], dst[2], proto, port, why))
    for x in problems[:40]:
        print("FAIL " + x)
    closed = sum(1 for k in before if k not in after)
    print("%d implied connections checked, %d lost; %d of %d allowed workload pairs closed "
          "(traffic nothing implies)" % (checked, lost, closed, len(before)))
    if checked == 0:
        print("FAIL nothing checked: the generated cluster implies no traffic")
        return 1
    return 1 if problems else 0


# ---- the whole sequence on one cluster ----

CONTROLS = "NP-102,NP-103,NP-201,NP-205"


def run(binary, *args, want=(0,)):
    import subprocess
    r = subprocess.run([binary] + list(args), capture_output=True, text=True)
    if r.returncode not in want:
        raise RuntimeError("%s exited %d: %s" % (" ".join(args), r.returncode, r.stderr[:400]))
    return r


def statuses(report_text):
    return " ".join("%s=%s" % (c["id"], c["status"]) for c in json.loads(report_text)["controls"])


def json_notes(items, must):
    """Every policy of -o json explains itself in kubectl-netpol/notes, as the
    YAML comments do; one of them contains must."""
    fails = []
    notes = [i["metadata"].get("annotations", {}).get("kubectl-netpol/notes") for i in items]
    for i, n in zip(items, notes):
        if i["metadata"]["annotations"].get("kubectl-netpol/purpose") != "default-deny" and not n:
            fails.append("-o json: %s/%s has no kubectl-netpol/notes" % (
                i["metadata"]["namespace"], i["metadata"]["name"]))
    if not any(n and must in n for n in notes):
        fails.append("-o json: no kubectl-netpol/notes says %r" % must)
    return fails


def cmd_all(binary, cluster, tmp):
    """Every check of run.sh on one cluster; files go to the directory tmp."""
    import os
    fails = []
    fy, fj = os.path.join(tmp, "fix.yaml"), os.path.join(tmp, "fix.json")
    r0, r1 = os.path.join(tmp, "r0.json"), os.path.join(tmp, "r1.json")
    npy = os.path.join(tmp, "np.yaml")
    want = "NP-102=PASS NP-103=PASS NP-201=PASS NP-205=PASS"
    open(fy, "w").write(run(binary, "fix", "-f", cluster).stdout)
    open(fj, "w").write(run(binary, "fix", "-f", cluster, "-o", "json").stdout)
    items = json.load(open(fj))["items"]
    if not items:
        fails.append("fix generated nothing")
    if open(fy).read().count("\nkind: NetworkPolicy\n") != len(items):
        fails.append("yaml and json disagree on the number of policies")
    # valid for the API server: the schema here, and NP-208 of our decoder
    if cmd_schema(fj) != 0:
        fails.append("schema")
    got = statuses(run(binary, "audit", "-f", fy, "--controls", "NP-208", "-o", "json",
                       want=(0, 1)).stdout)
    if got != "NP-208=PASS":
        fails.append("NP-208 on the output: " + got)
    # the controls pass once the output is applied
    got = statuses(run(binary, "audit", "-f", cluster, "-f", fy, "--controls", CONTROLS, "-o",
                       "json", want=(0, 1)).stdout)
    if got != want:
        fails.append("audit after fix: " + got)
    # idempotent; --check
    again = json.loads(run(binary, "fix", "-f", cluster, "-f", fy, "-o", "json").stdout)["items"]
    if again:
        fails.append("fix on its own output generates %d more" % len(again))
    r = run(binary, "fix", "--check", "-f", cluster, "-f", fy, want=(0, 1))
    if r.returncode != 0:
        fails.append("fix --check after fix exited %d" % r.returncode)
    r = run(binary, "fix", "--check", "-f", cluster, want=(0, 1))
    if r.returncode != 1 or r.stdout:
        fails.append("fix --check before fix: exit %d, stdout %r" % (r.returncode, r.stdout[:80]))
    # preserve, checked with reach
    open(r0, "w").write(run(binary, "reach", "-f", cluster, "-o", "json").stdout)
    open(r1, "w").write(run(binary, "reach", "-f", cluster, "-f", fy, "-o", "json").stdout)
    if cmd_preserve(cluster, r0, r1) != 0:
        fails.append("preserve")
    # --no-preserve
    text = run(binary, "fix", "-f", cluster, "--no-preserve").stdout
    open(npy, "w").write(text)
    if "purpose: preserve" in text:
        fails.append("--no-preserve wrote preserve policies")
    if "\n# Not allowed (--no-preserve)" not in text:
        fails.append("--no-preserve lists nothing to allow")
    got = statuses(run(binary, "audit", "-f", cluster, "-f", npy, "--controls", CONTROLS, "-o",
                       "json", want=(0, 1)).stdout)
    if got != want:
        fails.append("audit after fix --no-preserve: " + got)
    # JSON cannot hold comments: the same explanations travel in an annotation
    fails += json_notes(json.loads(run(binary, "fix", "-f", cluster, "--no-preserve", "-o",
                                       "json").stdout)["items"], "Not allowed (--no-preserve)")
    fails += json_notes(items, "Service ")
    # -n: one namespace
    ns_items = json.loads(run(binary, "fix", "-f", cluster, "-n", "app-0", "-o", "json").stdout)["items"]
    if not ns_items or any(i["metadata"]["namespace"] != "app-0" for i in ns_items):
        fails.append("fix -n app-0 wrote %d policies, some of other namespaces" % len(ns_items))
    for f in fails:
        print("FAIL " + f)
    return 1 if fails else 0


def cmd_input(binary, source, tmp):
    """fix on a real input (a bundle, an archive, a file of odd objects):
    API-valid, the controls pass once applied (with and without preserve),
    idempotent, explained in -o json too."""
    import os
    fails = []
    fy, fj, npy = (os.path.join(tmp, n) for n in ("in-fix.yaml", "in-fix.json", "in-np.yaml"))
    want = "NP-102=PASS NP-103=PASS NP-201=PASS NP-205=PASS"
    open(fy, "w").write(run(binary, "fix", "-f", source).stdout)
    open(fj, "w").write(run(binary, "fix", "-f", source, "-o", "json").stdout)
    items = json.load(open(fj))["items"]
    if not items:
        fails.append("fix generated nothing")
    if cmd_schema(fj) != 0:
        fails.append("schema")
    got = statuses(run(binary, "audit", "-f", fy, "--controls", "NP-208", "-o", "json",
                       want=(0, 1)).stdout)
    if got != "NP-208=PASS":
        fails.append("NP-208 on the output: " + got)
    for name, path in (("fix", fy), ("fix --no-preserve", npy)):
        if path == npy:
            open(npy, "w").write(run(binary, "fix", "-f", source, "--no-preserve").stdout)
        got = statuses(run(binary, "audit", "-f", source, "-f", path, "--controls", CONTROLS,
                           "-o", "json", want=(0, 1)).stdout)
        if got != want:
            fails.append("audit after %s: %s" % (name, got))
    again = json.loads(run(binary, "fix", "-f", source, "-f", fy, "-o", "json").stdout)["items"]
    if again:
        fails.append("fix on its own output generates %d more" % len(again))
    fails += json_notes(items, "NP-205")
    for f in fails:
        print("FAIL " + f)
    if not fails:
        print("%d NetworkPolicies; controls pass after fix; idempotent" % len(items))
    return 1 if fails else 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "input":
        try:
            return cmd_input(sys.argv[2], sys.argv[3], sys.argv[4])
        except RuntimeError as e:
            print("FAIL %s" % e)
            return 1
    if len(sys.argv) == 5 and sys.argv[1] == "all":
        try:
            return cmd_all(sys.argv[2], sys.argv[3], sys.argv[4])
        except RuntimeError as e:
            print("FAIL %s" % e)
            return 1
    if len(sys.argv) >= 3 and sys.argv[1] == "schema":
        return cmd_schema(sys.argv[2])
    if len(sys.argv) == 5 and sys.argv[1] == "preserve":
        return cmd_preserve(sys.argv[2], sys.argv[3], sys.argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
