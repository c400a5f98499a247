#!/usr/bin/env python3
"""Independent count of what a bundle holds, for comparison with
`audit -o json`'s summary: namespaces (defined or referenced by a decoded
object), counted pods (phase not Succeeded/Failed) and NetworkPolicies.
Usage: bundle_counts.py PATH...  (files, directories or .tar.gz)"""
import io, json, os, sys, tarfile

try:
    import yaml
except ImportError:  # only the YAML bundles need it
    yaml = None

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"}


def docs(name, data):
    if name.endswith((".yaml", ".yml")):
        if yaml is None:
            sys.exit("python3-yaml is needed for " + name)
        return [d for d in yaml.safe_load_all(data) if d is not None]
    try:
        return [json.loads(data)]
    except ValueError:
        return []


def items(doc, kind_hint=None):
    if isinstance(doc, list):
        for i in doc:
            if isinstance(i, dict):
                if "kind" not in i and kind_hint:
                    i = dict(i, kind=kind_hint)
                yield i
    elif isinstance(doc, dict):
        if isinstance(doc.get("kind"), str) and doc["kind"].endswith("List") and "items" in doc:
            k = doc["kind"][:-4] or kind_hint
            for i in doc.get("items") or []:
                if isinstance(i, dict):
                    if "kind" not in i and k and k != "":
                        i = dict(i, kind=k)
                    yield i
        else:
            yield doc


def hint_for(path):
    parts = path.split("/")
    base = parts[-1]
    if "cluster-resources" in parts:
        res = parts[parts.index("cluster-resources") + 1]
        if res.endswith(".json") and res != "namespaces.json":
            return None, False
        if res == "pods" and "logs" in parts:
            return None, False
        m = {"pods": "Pod", "network-policy": "NetworkPolicy", "namespaces.json": "Namespace",
             "deployments": "Deployment", "daemonsets": "DaemonSet", "replicasets": "ReplicaSet",
             "statefulsets": "StatefulSet", "jobs": "Job", "cronjobs": "CronJob", "nodes.json": "Node"}
        return m.get(res), res in m
    legacy = {"Pods.json": "Pod", "DaemonSets.json": "DaemonSet", "Nodes.json": "Node",
              "NetworkPolicies.json": "NetworkPolicy", "Namespaces.json": "Namespace",
              "Deployments.json": "Deployment", "ReplicaSets.json": "ReplicaSet",
              "core_v1_pods.json": "Pod", "core_v1_nodes.json": "Node", "core_v1_namespaces.json": "Namespace",
              "networking.k8s.io_v1_networkpolicies.json": "NetworkPolicy",
              "pods.json": "Pod", "daemonsets.json": "DaemonSet", "deployments.json": "Deployment",
              "replicasets.json": "ReplicaSet", "replication-controllers.json": "ReplicationController"}
    if base in legacy:
        return legacy[base], True
    if base.endswith((".yaml", ".yml", ".json")) and "/meta/" not in path and base != "serverversion.json":
        return None, True
    return None, False


def walk(path):
    if os.path.isdir(path):
        for dp, dn, fn in os.walk(path):
            dn.sort()
            for f in sorted(fn):
                p = os.path.join(dp, f)
                with open(p, "rb") as fh:
                    yield p, fh.read()
    elif tarfile.is_tarfile(path):
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile():
                    yield m.name, t.extractfile(m).read()
    else:
        with open(path, "rb") as fh:
            yield path, fh.read()


namespaces, pods, policies, dumpdirs = set(), set(), set(), set()
for arg in sys.argv[1:]:
    for name, data in walk(arg):
        kind_hint, wanted = hint_for(name)
        if not wanted:
            continue
        parts = name.split("/")
        if parts[-1] in ("pods.json", "services.json", "daemonsets.json") and "cluster-resources" not in parts:
            dumpdirs.add(parts[-2])  # cluster-info dump: namespace directories
        if len(parts) >= 3 and parts[-3] == "ns" and "resources" in parts:
            dumpdirs.add(parts[-2])  # sonobuoy: resources/ns/<ns>/
        for d in docs(name, data):
            for o in items(d, kind_hint):
                kind = o.get("kind")
                md = o.get("metadata") or {}
                ns = md.get("namespace")
                if kind == "Namespace":
                    namespaces.add(md.get("name"))
                elif kind in ("Pod", "NetworkPolicy") or kind in WORKLOADS:
                    ns = ns or "default"
                    namespaces.add(ns)
                    key = (ns, md.get("name"))
                    if kind == "Pod" and (o.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                        pods.add(key)
                    if kind == "NetworkPolicy" and o.get("apiVersion", "").startswith(("networking.k8s.io", "extensions")):
                        policies.add(key)
namespaces |= dumpdirs
print(json.dumps({"namespaces": len(namespaces), "pods": len(pods), "policies": len(policies)}, sort_keys=True))
