#!/usr/bin/env python3
"""Generates a random cluster for the `fix` checks, as a `kubectl get -o json`
List: Nodes with addresses; kube-system with CoreDNS (k8s-app=kube-dns, named
dns/dns-tcp ports), NodeLocal DNSCache (hostNetwork DaemonSet with -localip),
kube-proxy (hostNetwork) and metrics-server behind an APIService; an ingress
controller (hostNetwork in some seeds) behind a LoadBalancer Service and a
ValidatingWebhookConfiguration; cert-manager's webhook; application
namespaces of Deployments (with their ReplicaSets), StatefulSets and
hostNetwork DaemonSets, Services (numeric, named and absent targetPorts,
NodePort, without selector), Ingresses, and NetworkPolicies: a fully
isolated namespace, ingress-only default-denies, partial policies selecting
some workloads, policies naming pods of other namespaces, and random ones
using every selector operator.

Usage: gen.py [--seed N] [--namespaces N] > cluster.json
Only the Python 3 standard library is used."""
import argparse
import json
import random
import string
import sys

APPS = ["web", "api", "db", "cache", "worker", "auth", "search", "queue"]
TIERS = ["front", "back", "data"]


class Gen:
    def __init__(self, seed, n_ns):
        self.r = random.Random(seed)
        self.n_ns = n_ns
        self.items = []
        self.uid_n = 0
        self.ip_n = 10
        self.nodes = ["10.0.0.%d" % i for i in range(1, 4)]

    def uid(self):
        self.uid_n += 1
        return "00000000-0000-4000-8000-%012d" % self.uid_n

    def pod_ip(self):
        self.ip_n += 1
        return "10.244.%d.%d" % (self.ip_n // 250, self.ip_n % 250 + 1)

    def hash(self):
        return "".join(self.r.choice(string.ascii_lowercase + string.digits) for _ in range(9))

    def add(self, api, kind, ns, name, spec=None, labels=None, extra=None):
        meta = {"name": name, "uid": self.uid()}
        if ns is not None:
            meta["namespace"] = ns
        if labels:
            meta["labels"] = labels
        o = {"apiVersion": api, "kind": kind, "metadata": meta}
        if spec is not None:
            o["spec"] = spec
        if extra:
            o.update(extra)
        self.items.append(o)
        return o

    def namespace(self, name, labels=None):
        l = dict(labels or {})
        l["kubernetes.io/metadata.name"] = name
        self.add("v1", "Namespace", None, name, labels=l)

    @staticmethod
    def container(ports, args=None):
        c = {"name": "c", "image": "registry.example/app:1"}
        if ports:
            c["ports"] = [dict(p) for p in ports]
        if args:
            c["args"] = list(args)
        return c

    def pods_of(self, ns, owner_kind, owner_name, owner_uid, labels, ports, n, host=False,
                args=None):
        for j in range(n):
            name = "%s-%s" % (owner_name, self.hash()[:5]) if owner_kind != "StatefulSet" \
                else "%s-%d" % (owner_name, j)
            pl = dict(labels)
            if owner_kind == "StatefulSet":
                pl["statefulset.kubernetes.io/pod-name"] = name
            ip = self.r.choice(self.nodes) if host else self.pod_ip()
            spec = {"containers": [self.container(ports, args)], "nodeName": "node-1"}
            if host:
                spec["hostNetwork"] = True
            self.items.append({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": name, "namespace": ns, "uid": self.uid(), "labels": pl,
                             "ownerReferences": [{"apiVersion": "apps/v1", "kind": owner_kind,
                                                  "name": owner_name, "uid": owner_uid,
                                                  "controller": True}]},
                "spec": spec,
                "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}]}})

    def template(self, labels, ports, host=False, args=None):
        spec = {"containers": [self.container(ports, args)]}
        if host:
            spec["hostNetwork"] = True
        return {"metadata": {"labels": dict(labels)}, "spec": spec}

    def deployment(self, ns, name, labels, ports, n=None, host=False, args=None):
        n = self.r.randint(1, 3) if n is None else n
        d = self.add("apps/v1", "Deployment", ns, name,
                     {"replicas": n, "selector": {"matchLabels": dict(labels)},
                      "template": self.template(labels, ports, host, args)})
        h = self.hash()
        rs_labels = dict(labels, **{"pod-template-hash": h})
        rs = self.add("apps/v1", "ReplicaSet", ns, "%s-%s" % (name, h),
                      {"replicas": n, "selector": {"matchLabels": rs_labels},
                       "template": self.template(rs_labels, ports, host, args)})
        rs["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment",
                                              "name": name, "uid": d["metadata"]["uid"],
                                              "controller": True}]
        self.pods_of(ns, "ReplicaSet", rs["metadata"]["name"], rs["metadata"]["uid"], rs_labels,
                     ports, n, host, args)

    def statefulset(self, ns, name, labels, ports):
        n = self.r.randint(1, 3)
        s = self.add("apps/v1", "StatefulSet", ns, name,
                     {"replicas": n, "selector": {"matchLabels": dict(labels)},
                      "template": self.template(labels, ports)})
        self.pods_of(ns, "StatefulSet", name, s["metadata"]["uid"], labels, ports, n)

    def daemonset(self, ns, name, labels, ports, host=True, args=None):
        d = self.add("apps/v1", "DaemonSet", ns, name,
                     {"selector": {"matchLabels": dict(labels)},
                      "template": self.template(labels, ports, host, args)},
                     extra={"status": {"desiredNumberScheduled": 3, "numberReady": 3}})
        self.pods_of(ns, "DaemonSet", name, d["metadata"]["uid"], labels, ports, 2, host, args)

    def service(self, ns, name, selector, ports, type_=None):
        spec = {"ports": ports}
        if selector is not None:
            spec["selector"] = selector
        if type_:
            spec["type"] = type_
        self.add("v1", "Service", ns, name, spec)

    def netpol(self, ns, name, spec):
        self.add("networking.k8s.io/v1", "NetworkPolicy", ns, name, spec)

    # ---- random selectors for random policies ----
    def rsel(self):
        c = self.r.random()
        if c < 0.25:
            return {}
        sel = {}
        if c < 0.6:
            sel["matchLabels"] = {"app": self.r.choice(APPS)}
        else:
            op = self.r.choice(["In", "NotIn", "Exists", "DoesNotExist"])
            e = {"key": self.r.choice(["app", "tier"]), "operator": op}
            if op in ("In", "NotIn"):
                e["values"] = self.r.sample(APPS if e["key"] == "app" else TIERS, 2)
            sel["matchExpressions"] = [e]
        return sel

    def system(self, host_ctrl):
        self.namespace("kube-system")
        self.namespace("kube-public")
        self.namespace("default")
        dns_ports = [{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                     {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                     {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}]
        self.deployment("kube-system", "coredns", {"k8s-app": "kube-dns"}, dns_ports, n=2)
        self.service("kube-system", "kube-dns", {"k8s-app": "kube-dns"},
                     [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": "dns"},
                      {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": "dns-tcp"}])
        self.daemonset("kube-system", "node-local-dns", {"k8s-app": "node-local-dns"},
                       [{"name": "dns", "containerPort": 53, "protocol": "UDP"}],
                       args=["-localip", "169.254.20.10,10.96.0.10", "-conf", "/etc/Corefile"])
        self.daemonset("kube-system", "kube-proxy", {"k8s-app": "kube-proxy"}, [])
        self.deployment("kube-system", "metrics-server", {"k8s-app": "metrics-server"},
                        [{"name": "https", "containerPort": 4443}], n=1)
        self.service("kube-system", "metrics-server", {"k8s-app": "metrics-server"},
                     [{"name": "https", "port": 443, "targetPort": "https"}])
        self.add("apiregistration.k8s.io/v1", "APIService", None, "v1beta1.metrics.k8s.io",
                 {"group": "metrics.k8s.io", "version": "v1beta1",
                  "service": {"name": "metrics-server", "namespace": "kube-system"}})
        self.service("default", "kubernetes", None, [{"name": "https", "port": 443,
                                                      "targetPort": 6443}])
        # the ingress controller, and its admission webhook
        self.namespace("ingress-nginx")
        ctrl = {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"}
        self.deployment("ingress-nginx", "ingress-nginx-controller", ctrl,
                        [{"name": "http", "containerPort": 80}, {"name": "https", "containerPort": 443},
                         {"name": "webhook", "containerPort": 8443}], n=2, host=host_ctrl)
        self.service("ingress-nginx", "ingress-nginx-controller", ctrl,
                     [{"name": "http", "port": 80, "targetPort": "http"},
                      {"name": "https", "port": 443, "targetPort": "https"}], "LoadBalancer")
        self.service("ingress-nginx", "ingress-nginx-controller-admission", ctrl,
                     [{"name": "https-webhook", "port": 443, "targetPort": "webhook"}])
        self.add("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", None,
                 "ingress-nginx-admission", extra={"webhooks": [
                     {"name": "validate.nginx.ingress.kubernetes.io",
                      "clientConfig": {"service": {"namespace": "ingress-nginx",
                                                   "name": "ingress-nginx-controller-admission",
                                                   "path": "/networking/v1/ingresses"}}}]})
        # cert-manager's webhook, on a numeric target port
        self.namespace("cert-manager")
        self.deployment("cert-manager", "cert-manager-webhook", {"app": "webhook"},
                        [{"name": "https", "containerPort": 10250}], n=1)
        self.deployment("cert-manager", "cert-manager", {"app": "cert-manager"},
                        [{"name": "http-metrics", "containerPort": 9402}], n=1)
        self.service("cert-manager", "cert-manager-webhook", {"app": "webhook"},
                     [{"name": "https", "port": 443, "targetPort": 10250}])
        for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
            self.add("admissionregistration.k8s.io/v1", kind, None, "cert-manager-webhook",
                     extra={"webhooks": [{"name": "webhook.cert-manager.io", "clientConfig": {
                         "service": {"namespace": "cert-manager", "name": "cert-manager-webhook",
                                     "path": "/validate"}}}]})
        for n in self.nodes:
            i = n.rsplit(".", 1)[1]
            self.add("v1", "Node", None, "node-%s" % i, extra={"status": {
                "addresses": [{"type": "InternalIP", "address": n}],
                "nodeInfo": {"operatingSystem": "linux"}}})

    def app_namespace(self, ns, mode):
        r = self.r
        self.namespace(ns, {"team": r.choice(["a", "b", "c"])})
        apps = r.sample(APPS, r.randint(3, 6))
        for a in apps:
            labels = {"app": a, "tier": r.choice(TIERS)}
            ports = [{"name": "http", "containerPort": 8080}]
            if r.random() < 0.5:
                ports.append({"name": "grpc", "containerPort": 9090})
            if r.random() < 0.3:
                ports.append({"name": "metrics", "containerPort": 9100})
            if a == "db" and r.random() < 0.5:
                self.statefulset(ns, a, labels, ports + [{"name": "pg", "containerPort": 5432}])
            else:
                self.deployment(ns, a, labels, ports + ([{"name": "pg", "containerPort": 5432}]
                                                        if a == "db" else []))
            t = r.random()
            if t < 0.7:
                sp = [{"name": "http", "port": 80,
                       "targetPort": r.choice([8080, "http"])}]
                if a == "db":
                    sp.append({"name": "pg", "port": 5432})
                if r.random() < 0.3:
                    sp.append({"name": "grpc", "port": 9090, "targetPort": "grpc"})
                self.service(ns, a, {"app": a}, sp, "NodePort" if r.random() < 0.15 else None)
            elif t < 0.8:
                self.service(ns, a + "-external", None, [{"port": 443}])
        if r.random() < 0.3:
            # a hostNetwork agent, behind a Service on the node's address
            self.daemonset(ns, "agent", {"app": "agent"},
                           [{"name": "agent", "containerPort": 9200}])
            self.service(ns, "agent", {"app": "agent"}, [{"port": 9200}])
        svcs = [o["metadata"]["name"] for o in self.items
                if o["kind"] == "Service" and o["metadata"].get("namespace") == ns
                and "selector" in o["spec"]]
        if svcs and r.random() < 0.6:
            paths = [{"path": "/" + s, "pathType": "Prefix",
                      "backend": {"service": {"name": s, "port": {"number": 80}}}}
                     for s in r.sample(svcs, min(len(svcs), 2))]
            self.add("networking.k8s.io/v1", "Ingress", ns, "public",
                     {"ingressClassName": "nginx", "rules": [{"host": ns + ".example",
                                                               "http": {"paths": paths}}]})
        if mode == "isolated":
            self.netpol(ns, "deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})
            self.netpol(ns, "allow-web", {"podSelector": {"matchLabels": {"app": apps[0]}},
                                           "ingress": [{"ports": [{"port": 8080}]}]})
        elif mode == "ingress-only":
            self.netpol(ns, "deny-ingress", {"podSelector": {}, "policyTypes": ["Ingress"]})
        elif mode == "partial":
            a = apps[0]
            self.netpol(ns, "%s-ingress" % a, {
                "podSelector": {"matchLabels": {"app": a}},
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": apps[1]}}}],
                             "ports": [{"port": 8080}]}]})
            self.netpol(ns, "%s-egress" % apps[1], {
                "podSelector": {"matchLabels": {"app": apps[1]}}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"podSelector": {"matchLabels": {"app": a}}}],
                            "ports": [{"port": 8080}]}]})
        elif mode == "random":
            for j in range(r.randint(1, 4)):
                spec = {"podSelector": self.rsel()}
                tt = r.random()
                if tt < 0.3:
                    spec["policyTypes"] = ["Ingress"]
                elif tt < 0.5:
                    spec["policyTypes"] = ["Egress"]
                elif tt < 0.7:
                    spec["policyTypes"] = ["Ingress", "Egress"]
                for d, peer in (("ingress", "from"), ("egress", "to")):
                    if r.random() < 0.5:
                        spec[d] = [{peer: [{"podSelector": self.rsel()}],
                                    "ports": [{"port": r.choice([8080, 9090, 5432])}]}]
                self.netpol(ns, "np-%d" % j, spec)
        return apps

    def cross_namespace(self, namespaces):
        """Policies naming pods of other namespaces: the mirrors fix keeps."""
        r = self.r
        for k in range(len(namespaces) // 2):
            src, dst = r.sample(namespaces, 2)
            self.netpol(src, "to-%s" % dst, {
                "podSelector": {"matchLabels": {"app": r.choice(APPS)}},
                "policyTypes": ["Egress"],
                "egress": [{"to": [{"namespaceSelector": {"matchLabels": {
                    "kubernetes.io/metadata.name": dst}},
                    "podSelector": {"matchLabels": {"app": r.choice(APPS)}}}],
                    "ports": [{"port": 5432}, {"protocol": "TCP", "port": "http"}]}]})
            self.netpol(dst, "from-%s" % src, {
                "podSelector": {"matchExpressions": [{"key": "app", "operator": "In",
                                                      "values": r.sample(APPS, 2)}]},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
                    "kubernetes.io/metadata.name": src}}}],
                    "ports": [{"port": 9090}]}]})

    def run(self):
        r = self.r
        self.system(host_ctrl=r.random() < 0.5)
        modes = ["none", "none", "isolated", "ingress-only", "partial", "random"]
        names = []
        for i in range(self.n_ns):
            ns = "app-%d" % i
            self.app_namespace(ns, modes[i % len(modes)] if i < len(modes) else r.choice(modes))
            names.append(ns)
        self.cross_namespace(names)
        r.shuffle(self.items)
        return {"apiVersion": "v1", "kind": "List", "metadata": {}, "items": self.items}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--namespaces", type=int, default=8)
    a = ap.parse_args()
    json.dump(Gen(a.seed, a.namespaces).run(), sys.stdout)


if __name__ == "__main__":
    main()
