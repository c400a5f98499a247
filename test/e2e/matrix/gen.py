#!/usr/bin/env python3
"""Generates a random cluster as a `kubectl get -o json` List for the matrix
oracle: namespaces (some only referenced), Deployments with and without their
ReplicaSets (so some owners are inferred), StatefulSets, DaemonSets (some
hostNetwork), CronJobs and Jobs, bare pods in every phase (Succeeded and
Failed ones are not counted), workloads without pods (template pods, idle
when they carry a uid), and NetworkPolicies using every selector operator,
absent, empty and explicit policyTypes, ingress-only, egress-only and both.

Usage: gen.py [--seed N] [--namespaces N] [--pods N] > cluster.json
Only the Python 3 standard library is used."""
import argparse
import json
import random
import string

KEYS = ["app", "tier", "env", "team", "version", "canary", "zone"]
VALUES = {
    "app": ["web", "api", "db", "cache", "worker", "batch"],
    "tier": ["front", "back", "data"],
    "env": ["prod", "staging", "dev"],
    "team": ["a", "b", "c"],
    "version": ["v1", "v2", "v3"],
    "canary": ["true", "false"],
    "zone": ["x", "y"],
}
PHASES = ["Running"] * 10 + ["Pending", "Unknown", None, None, "Succeeded", "Failed"]


class Gen:
    def __init__(self, seed, n_ns, n_pods):
        self.r = random.Random(seed)
        self.n_ns = n_ns
        self.n_pods = n_pods
        self.items = []
        self.uid_n = 0

    def uid(self):
        self.uid_n += 1
        return "00000000-0000-4000-8000-%012d" % self.uid_n

    def labels(self, lo=1, hi=4):
        keys = self.r.sample(KEYS, self.r.randint(lo, hi))
        return {k: self.r.choice(VALUES[k]) for k in keys}

    def hash(self):
        return "".join(self.r.choice(string.ascii_lowercase + string.digits) for _ in range(9))

    def meta(self, ns, name, labels=None, owner=None, uid=True):
        m = {"name": name, "namespace": ns}
        if uid:
            m["uid"] = self.uid()
        if labels is not None:
            m["labels"] = labels
        if owner is not None:
            refs = []
            # A non-controller reference first: only controller refs count.
            if self.r.random() < 0.1:
                refs.append({"apiVersion": "v1", "kind": "ConfigMap", "name": "unrelated",
                             "uid": self.uid()})
            refs.append({"apiVersion": owner[0], "kind": owner[1], "name": owner[2],
                         "uid": owner[3] or self.uid(), "controller": True,
                         "blockOwnerDeletion": True})
            m["ownerReferences"] = refs
        return m

    def pod(self, ns, name, labels, owner=None, host_network=False, phase="Running", uid=True):
        spec = {"containers": [{"name": "c", "image": "registry.example/app:1"}]}
        if host_network:
            spec["hostNetwork"] = True
        p = {"apiVersion": "v1", "kind": "Pod", "metadata": self.meta(ns, name, labels, owner, uid),
             "spec": spec}
        if phase is not None:
            p["status"] = {"phase": phase}
        self.items.append(p)

    def template(self, labels, host_network=False):
        spec = {"containers": [{"name": "c", "image": "registry.example/app:1"}]}
        if host_network:
            spec["hostNetwork"] = True
        return {"metadata": {"labels": labels}, "spec": spec}

    def workload(self, api, kind, ns, name, tlabels, owner=None, uid=True, host_network=False,
                 extra=None):
        spec = {"selector": {"matchLabels": dict(tlabels)},
                "template": self.template(tlabels, host_network)}
        if kind == "CronJob":
            spec = {"schedule": "*/5 * * * *",
                    "jobTemplate": {"spec": {"template": self.template(tlabels, host_network)}}}
        if extra:
            spec.update(extra)
        w = {"apiVersion": api, "kind": kind, "metadata": self.meta(ns, name, {}, owner, uid),
             "spec": spec}
        self.items.append(w)
        return w["metadata"].get("uid")

    def selector(self):
        """A LabelSelector using any operator; None = podSelector absent."""
        c = self.r.random()
        if c < 0.06:
            return None
        if c < 0.18:
            return {}
        sel = {}
        if self.r.random() < 0.6:
            sel["matchLabels"] = self.labels(1, 2)
        if self.r.random() < 0.6 or not sel:
            exprs = []
            for _ in range(self.r.randint(1, 2)):
                k = self.r.choice(KEYS)
                op = self.r.choice(["In", "NotIn", "Exists", "DoesNotExist"])
                e = {"key": k, "operator": op}
                if op in ("In", "NotIn"):
                    e["values"] = self.r.sample(VALUES[k], self.r.randint(1, len(VALUES[k])))
                exprs.append(e)
            sel["matchExpressions"] = exprs
        return sel

    def netpol(self, ns, name):
        spec = {}
        sel = self.selector()
        if sel is not None:
            spec["podSelector"] = sel
        t = self.r.random()
        if t < 0.3:
            pass  # policyTypes absent
        elif t < 0.4:
            spec["policyTypes"] = []
        elif t < 0.6:
            spec["policyTypes"] = ["Ingress"]
        elif t < 0.8:
            spec["policyTypes"] = ["Egress"]
        else:
            spec["policyTypes"] = self.r.choice([["Ingress", "Egress"], ["Egress", "Ingress"]])
        for d in ("ingress", "egress"):
            x = self.r.random()
            if x < 0.35:
                continue  # absent
            if x < 0.5:
                spec[d] = []
            elif x < 0.8:
                spec[d] = [{}]
            else:
                peer = "from" if d == "ingress" else "to"
                spec[d] = [{peer: [{"podSelector": {"matchLabels": self.labels(1, 1)}}],
                            "ports": [{"port": 80, "protocol": "TCP"}]}]
        self.items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                           "metadata": self.meta(self.ns_name(ns), name), "spec": spec})

    def ns_name(self, i):
        return "ns-%d" % i

    def run(self):
        r = self.r
        per_ns = max(1, self.n_pods // self.n_ns)
        for i in range(self.n_ns):
            ns = self.ns_name(i)
            # Some namespaces are only referenced (synthesised).
            if r.random() < 0.8:
                self.items.append({"apiVersion": "v1", "kind": "Namespace",
                                   "metadata": {"name": ns, "uid": self.uid(),
                                                "labels": {"team": r.choice(VALUES["team"])}}})
            # Manifest-style namespaces: workloads without uid (templates count).
            with_uid = r.random() < 0.7
            made = 0
            k = 0
            while made < per_ns:
                k += 1
                kind = r.choice(["deploy"] * 4 + ["sts"] * 2 + ["ds", "job", "bare", "bare",
                                                                 "empty"])
                tl = self.labels(1, 3)
                if kind == "deploy":
                    name = "d%d" % k
                    # Deployment and ReplicaSet, only the Deployment, or only
                    # pods (the Deployment is then inferred from the hash).
                    mode = r.choice(["full", "full", "full", "no-rs", "pods-only"])
                    duid = None
                    if mode != "pods-only":
                        duid = self.workload("apps/v1", "Deployment", ns, name, tl, uid=with_uid)
                    h = self.hash()
                    rsname = "%s-%s" % (name, h)
                    rsuid = None
                    if mode == "full":
                        rsuid = self.workload("apps/v1", "ReplicaSet", ns, rsname,
                                              dict(tl, **{"pod-template-hash": h}),
                                              owner=("apps/v1", "Deployment", name, duid),
                                              uid=with_uid)
                    for j in range(r.randint(0, 6)):
                        pl = dict(tl, **{"pod-template-hash": h})
                        if r.random() < 0.15:  # a pod whose labels differ
                            pl.update(self.labels(1, 1))
                        self.pod(ns, "%s-%05d" % (rsname, j), pl,
                                 owner=("apps/v1", "ReplicaSet", rsname, rsuid),
                                 phase=r.choice(PHASES))
                        made += 1
                elif kind == "sts":
                    name = "s%d" % k
                    suid = self.workload("apps/v1", "StatefulSet", ns, name, tl, uid=with_uid)
                    for j in range(r.randint(0, 4)):
                        pl = dict(tl, **{"statefulset.kubernetes.io/pod-name": "%s-%d" % (name, j),
                                         "controller-revision-hash": "%s-%s" % (name, self.hash())})
                        self.pod(ns, "%s-%d" % (name, j), pl,
                                 owner=("apps/v1", "StatefulSet", name, suid),
                                 phase=r.choice(PHASES))
                        made += 1
                elif kind == "ds":
                    name = "ds%d" % k
                    hn = r.random() < 0.5
                    dsuid = self.workload("apps/v1", "DaemonSet", ns, name, tl, uid=with_uid,
                                          host_network=hn)
                    for j in range(r.randint(0, 3)):
                        self.pod(ns, "%s-%s" % (name, self.hash()[:5]), dict(tl),
                                 owner=("apps/v1", "DaemonSet", name, dsuid), host_network=hn,
                                 phase=r.choice(PHASES))
                        made += 1
                elif kind == "job":
                    name = "cj%d" % k
                    cjuid = None
                    owner_cj = r.random() < 0.5
                    if owner_cj:
                        cjuid = self.workload("batch/v1", "CronJob", ns, name, tl, uid=with_uid)
                    jname = "%s-%d" % (name, r.randint(1000, 9999))
                    juid = self.workload("batch/v1", "Job", ns, jname, tl,
                                         owner=("batch/v1", "CronJob", name, cjuid) if owner_cj
                                         else None, uid=with_uid)
                    for j in range(r.randint(0, 2)):
                        self.pod(ns, "%s-%s" % (jname, self.hash()[:5]), dict(tl),
                                 owner=("batch/v1", "Job", jname, juid),
                                 phase=r.choice(["Succeeded", "Failed", "Running"]))
                        made += 1
                elif kind == "bare":
                    self.pod(ns, "p%d" % k, self.labels(0, 4), phase=r.choice(PHASES),
                             host_network=r.random() < 0.1)
                    made += 1
                else:
                    # A workload scaled to zero (or a manifest): a template pod.
                    self.workload("apps/v1", r.choice(["Deployment", "StatefulSet"]), ns,
                                  "t%d" % k, tl, uid=with_uid and r.random() < 0.5,
                                  extra={"replicas": 0})
                    made += 1
            for j in range(r.randint(0, 14)):
                self.netpol(i, "np-%d" % j)
        r.shuffle(self.items)
        return {"apiVersion": "v1", "kind": "List", "metadata": {}, "items": self.items}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--namespaces", type=int, default=10)
    ap.add_argument("--pods", type=int, default=2000)
    a = ap.parse_args()
    json.dump(Gen(a.seed, a.namespaces, a.pods).run(), __import__("sys").stdout)


if __name__ == "__main__":
    main()
