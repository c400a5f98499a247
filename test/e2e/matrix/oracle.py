#!/usr/bin/env python3
"""An independent computation of `kubectl netpol matrix -o json` from the
spec (DESIGN §4, §6.2), compared pod by pod and policy by policy with what
the binary printed. Written from the spec, not from the C code; NetworkPolicy
only (what gen.py generates).

Usage: oracle.py CLUSTER.json MATRIX.json [-n NS] [-l SELECTOR]
Exit 0 when they agree, 1 with the differences listed."""
import argparse
import json
import sys

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                  "ReplicationController", "Job", "CronJob"}


# ---- label selectors (DESIGN §4) ----

def expr_matches(e, labels):
    key, op = e["key"], e["operator"]
    vals = e.get("values") or []
    if op == "In":
        return key in labels and labels[key] in vals
    if op == "NotIn":
        return key not in labels or labels[key] not in vals
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    raise ValueError(op)


def selector_matches(sel, labels):
    """metav1.LabelSelector; None (absent) and {} match everything."""
    if not sel:
        return True
    for k, v in (sel.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    return all(expr_matches(e, labels) for e in sel.get("matchExpressions") or [])


def split_terms(text):
    terms, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            terms.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        terms.append(cur.strip())
    return terms


def parse_l(text):
    """kubectl -l syntax into a LabelSelector."""
    sel = {"matchLabels": {}, "matchExpressions": []}
    for t in split_terms(text):
        for word, op in ((" notin ", "NotIn"), (" in ", "In")):
            if word in t:
                k, rest = t.split(word, 1)
                vals = [v.strip() for v in rest.strip().strip("()").split(",")]
                sel["matchExpressions"].append({"key": k.strip(), "operator": op, "values": vals})
                break
        else:
            if "!=" in t:
                k, v = t.split("!=", 1)
                sel["matchExpressions"].append({"key": k.strip(), "operator": "NotIn",
                                                "values": [v.strip()]})
            elif "==" in t or "=" in t:
                k, v = t.split("==", 1) if "==" in t else t.split("=", 1)
                sel["matchLabels"][k.strip()] = v.strip()
            elif t.startswith("!"):
                sel["matchExpressions"].append({"key": t[1:].strip(), "operator": "DoesNotExist"})
            else:
                sel["matchExpressions"].append({"key": t, "operator": "Exists"})
    return sel


# ---- the cluster ----

def controller_ref(meta):
    for r in meta.get("ownerReferences") or []:
        if r.get("controller") is True:
            return r
    return None


def template_of(obj):
    spec = obj.get("spec") or {}
    if obj["kind"] == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return spec.get("template") or {}


def effective_types(spec):
    written = spec.get("policyTypes")
    if written:
        return [t for t in ("Ingress", "Egress") if t in written]
    return ["Ingress"] + (["Egress"] if spec.get("egress") else [])


def build(cluster):
    items = cluster["items"]
    workloads = {}
    for o in items:
        if o["kind"] in WORKLOAD_KINDS:
            m = o["metadata"]
            workloads[(m["namespace"], o["kind"], m["name"])] = o

    def chase(ns, kind, name, depth):
        """Follows controller refs through workloads in the input."""
        for _ in range(depth, 5):
            w = workloads.get((ns, kind, name))
            if w is None:
                break
            ref = controller_ref(w["metadata"])
            if ref is None:
                break
            kind, name = ref["kind"], ref["name"]
        return (kind, name)

    def top_owner(pod):
        """(kind, name, inferred) following controller refs (DESIGN §4)."""
        m = pod["metadata"]
        ns = m["namespace"]
        ref = controller_ref(m)
        if ref is None:
            return ("Pod", m["name"], False)
        kind, name = ref["kind"], ref["name"]
        for depth in range(5):
            w = workloads.get((ns, kind, name))
            if w is None:
                h = (m.get("labels") or {}).get("pod-template-hash")
                if depth == 0 and kind == "ReplicaSet" and h and name.endswith("-" + h) \
                        and len(name) > len(h) + 1:
                    # An absent ReplicaSet <x>-<hash> implies Deployment x:
                    # the link is inferred whether or not x is in the input.
                    dname = name[:-len(h) - 1]
                    d = workloads.get((ns, "Deployment", dname))
                    if d is None:
                        return ("Deployment", dname, True)
                    dref = controller_ref(d["metadata"])
                    if dref is None:
                        return ("Deployment", dname, True)
                    top = chase(ns, dref["kind"], dref["name"], depth + 1)
                    return (top[0], top[1], True)
                return (kind, name, False)
            wref = controller_ref(w["metadata"])
            if wref is None:
                return (kind, name, False)
            kind, name = wref["kind"], wref["name"]
        return (kind, name, False)

    pods = []
    tops = set()
    for o in items:
        if o["kind"] != "Pod":
            continue
        m = o["metadata"]
        phase = (o.get("status") or {}).get("phase")
        counted = phase not in ("Succeeded", "Failed")
        top = top_owner(o)
        if counted:
            tops.add((m["namespace"], top[0], top[1]))
        pods.append({"namespace": m["namespace"], "name": m["name"],
                     "labels": m.get("labels") or {}, "top": top, "counted": counted,
                     "hostNetwork": bool((o.get("spec") or {}).get("hostNetwork")),
                     "template": False, "idle": False})
    for (ns, kind, name), w in workloads.items():
        if (ns, kind, name) in tops:
            continue
        ref = controller_ref(w["metadata"])
        if kind in ("ReplicaSet", "Job") and ref and (ns, ref["kind"], ref["name"]) in workloads:
            continue
        t = template_of(w)
        pods.append({"namespace": ns, "name": name,
                     "labels": (t.get("metadata") or {}).get("labels") or {},
                     "top": (kind, name, False), "counted": True,
                     "hostNetwork": bool((t.get("spec") or {}).get("hostNetwork")),
                     "template": True, "idle": "uid" in w["metadata"]})
    policies = []
    for o in items:
        if o["kind"] == "NetworkPolicy":
            m = o["metadata"]
            spec = o.get("spec") or {}
            policies.append({"namespace": m["namespace"], "name": m["name"],
                             "selector": spec.get("podSelector"),
                             "types": effective_types(spec),
                             "written": None if "policyTypes" not in spec else
                             [t for t in ("Ingress", "Egress") if t in spec["policyTypes"]]})
    return pods, policies


def matrix(cluster, only_ns=None, label_sel=None):
    pods, policies = build(cluster)
    shown = [p for p in pods if p["counted"] and not p["idle"]
             and (only_ns is None or p["namespace"] == only_ns)
             and (label_sel is None or selector_matches(label_sel, p["labels"]))]
    shown.sort(key=lambda p: (p["namespace"], p["name"], p["template"]))
    pols = [q for q in policies if only_ns is None or q["namespace"] == only_ns]
    pols.sort(key=lambda q: (q["namespace"], q["name"]))

    def selects(q, p):
        return (q["namespace"] == p["namespace"] and not p["hostNetwork"]
                and selector_matches(q["selector"], p["labels"]))

    out_pods = []
    selected = {id(q): [] for q in pols}
    for p in shown:
        entry = {"namespace": p["namespace"], "name": p["name"],
                 "workload": {"kind": p["top"][0], "name": p["top"][1], "inferred": p["top"][2]},
                 "hostNetwork": p["hostNetwork"], "template": p["template"]}
        for d, key in (("Ingress", "ingress"), ("Egress", "egress")):
            qs = [q for q in pols if d in q["types"] and selects(q, p)]
            entry[key] = {"isolated": bool(qs),
                          "policies": ["%s/%s" % (q["namespace"], q["name"]) for q in qs],
                          "policyRefs": [{"kind": "NetworkPolicy", "apiGroup": "networking.k8s.io",
                                          "namespace": q["namespace"], "name": q["name"]}
                                         for q in qs]}
        for q in pols:
            if selects(q, p):
                selected[id(q)].append("%s/%s" % (p["namespace"], p["name"]))
        out_pods.append(entry)
    out_pols = []
    for q in pols:
        if label_sel is not None and not selected[id(q)]:
            continue
        out_pols.append({"namespace": q["namespace"], "name": q["name"], "kind": "NetworkPolicy",
                         "apiGroup": "networking.k8s.io", "policyTypes": q["types"],
                         "policyTypesWritten": q["written"],
                         "selectedPods": len(selected[id(q)]), "selected": selected[id(q)]})
    return out_pols, out_pods


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cluster")
    ap.add_argument("got")
    ap.add_argument("-n", dest="namespace")
    ap.add_argument("-l", dest="selector")
    a = ap.parse_args()
    with open(a.cluster) as f:
        cluster = json.load(f)
    with open(a.got) as f:
        got = json.load(f)
    want_pols, want_pods = matrix(cluster, a.namespace,
                                  parse_l(a.selector) if a.selector else None)
    problems = []
    if got.get("apiVersion") != "kubectl-netpol/v1" or got.get("kind") != "CoverageMatrix":
        problems.append("not a kubectl-netpol/v1 CoverageMatrix")
    if got.get("errors") != []:
        problems.append("errors: %s" % json.dumps(got.get("errors"))[:300])
    gp, gq = got.get("pods") or [], got.get("policies") or []
    if len(gp) != len(want_pods):
        problems.append("pods: %d, oracle %d" % (len(gp), len(want_pods)))
    for g, w in zip(gp, want_pods):
        if g != w:
            problems.append("pod %s/%s:\n  got    %s\n  oracle %s" % (
                w["namespace"], w["name"], json.dumps(g, sort_keys=True),
                json.dumps(w, sort_keys=True)))
    if len(gq) != len(want_pols):
        problems.append("policies: %d, oracle %d" % (len(gq), len(want_pols)))
    for g, w in zip(gq, want_pols):
        if g != w:
            problems.append("policy %s/%s:\n  got    %s\n  oracle %s" % (
                w["namespace"], w["name"], json.dumps(g, sort_keys=True)[:600],
                json.dumps(w, sort_keys=True)[:600]))
    if problems:
        print("%d difference(s); first ones:" % len(problems))
        for p in problems[:10]:
            print(p)
        return 1
    iso = sum(1 for p in want_pods if p["ingress"]["isolated"])
    print("agree: %d pods (%d ingress-isolated, %d hostNetwork, %d templates), %d policies" % (
        len(want_pods), iso, sum(p["hostNetwork"] for p in want_pods),
        sum(p["template"] for p in want_pods), len(want_pols)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
