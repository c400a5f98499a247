#!/usr/bin/env python3
"""Writes a realistic synthetic cluster for bench/run (DESIGN §7).

    bench/gen.py --pods N [--namespaces N] [--policies N] [--seed S] OUTDIR

writes, from the same objects:
  OUTDIR/cluster.json   one `kubectl get -A -o json` v1 List (4-space indent,
                        as kubectl prints it)
  OUTDIR/cluster.yaml   multi-document YAML, one object per document, keys
                        sorted and scalars quoted as kubectl -o yaml does
  OUTDIR/bundle.tar.gz  a troubleshoot.sh support bundle (v0.123 layout:
                        cluster-resources/<res>/<ns>.json typed Lists with
                        2-space indent, namespaces.json, nodes.json)

The cluster: nodes (with images, conditions, addresses), namespaces with
team/env labels, Deployments with several replicas (pods owned by
ReplicaSets that are not in the input, as `kubectl get pods` exports show),
StatefulSets (a unique label per pod), completed Job pods, a calico-node and
kube-proxy DaemonSet with a hostNetwork pod per node, CoreDNS in kube-system,
and NetworkPolicies of every shape (default-deny per direction, namespace and
pod selectors, matchExpressions of each operator, ipBlock with except, named
ports, endPort, DNS egress, allow-all, policyTypes absent). Pods carry what a
real export carries: managedFields from two managers, env, volumes, probes,
resources, tolerations and a full status with conditions and container
states. Output is deterministic for a seed.
"""
import argparse
import hashlib
import io
import json
import os
import random
import re
import sys
import tarfile
import time

T0 = "2026-03-02T08:00:00Z"
ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
TEAMS = ["payments", "search", "checkout", "identity", "data", "ml", "web", "mobile", "infra",
         "growth", "ads", "risk"]
ENVS = ["prod", "staging", "dev"]
COMPONENTS = ["api", "worker", "frontend", "cache", "db", "queue", "gateway", "scheduler"]
IMAGES = ["nginx:1.27.3", "redis:7.4.1", "postgres:16.6", "ghcr.io/acme/api:2.14.0",
          "ghcr.io/acme/worker:2.14.0", "quay.io/prometheus/node-exporter:v1.8.2",
          "docker.io/library/python:3.12-slim", "registry.k8s.io/pause:3.10",
          "ghcr.io/acme/frontend:5.2.1", "rabbitmq:3.13-management"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.uid_n = 0
        self.rv = 100000

    def uid(self):
        self.uid_n += 1
        h = hashlib.md5(b"%d" % self.uid_n).hexdigest()
        return "%s-%s-4%s-8%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])

    def res_version(self):
        self.rv += self.r.randint(1, 50)
        return str(self.rv)

    def hash10(self, s):
        return hashlib.sha1(s.encode()).hexdigest()[:10].translate(
            str.maketrans("0123456789abcdef", "bcdfghjklmnpqrst"))

    def suffix5(self):
        return "".join(self.r.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))


class Slots:
    """Template mode: every per-pod value is a sentinel that the writers turn
    into a %-format slot, so a pod is rendered by one `%` per format instead
    of a pure-Python serialisation (which would make 100k pods take minutes).
    Slot names starting with r_ sit inside a larger string (managedFields
    keys); the others are whole scalars, quoted for YAML at fill time."""

    def __getitem__(self, k):
        return "zqz%szqz" % k


SLOT = re.compile(r"zqz(\w+?)zqz")


def fields_container(c):
    f = {".": {}, "f:image": {}, "f:name": {}, "f:resources": {}}
    if c.get("env"):
        f["f:env"] = dict([(".", {})] + [('k:{"name":"%s"}' % e["name"], {})
                                         for e in c["env"]])
    if c.get("ports"):
        f["f:ports"] = dict([(".", {})] + [
            ('k:{"containerPort":%d,"protocol":"%s"}' % (p["containerPort"], p["protocol"]), {})
            for p in c["ports"]])
    return f


ENV = [("LOG_LEVEL", "info"), ("REGION", "eu-west-1"), ("OTEL_ENDPOINT",
                                                       "http://otel-collector.observability:4317"),
       ("CACHE_TTL", "300"), ("WORKERS", "8")]


def container(V, i, name, ports, env_n):
    c = {"name": name, "image": V["img%d" % i]}
    if ports:
        c["ports"] = [{"name": pn, "containerPort": p, "protocol": proto} for pn, p, proto in ports]
    if env_n:
        c["env"] = [{"name": k, "value": v} for k, v in ENV[:env_n]]
    c["resources"] = {"limits": {"memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}
    if ports:
        c["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": ports[0][1], "scheme": "HTTP"},
                               "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1,
                               "failureThreshold": 3}
    c["volumeMounts"] = [{"name": V["vol"], "readOnly": True,
                          "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]
    c.update({"terminationMessagePath": "/dev/termination-log",
              "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"})
    return c


def pod_obj(shape):
    """The pod of a shape with every per-pod value a slot. shape: (owner kind and
    apiVersion or None, label keys, containers ((name, ports, env_n), ...),
    annotated, phase, hostNetwork, serviceAccount)."""
    V = Slots()
    owner, label_keys, cspec, annotated, phase, host_network, sa = shape
    labels = dict((k, V["l%d" % i]) for i, k in enumerate(label_keys))
    annotations = {"prometheus.io/scrape": "true", "prometheus.io/port": "9090",
                   "kubectl.kubernetes.io/restartedAt": T0} if annotated else None
    containers = [container(V, i, *c) for i, c in enumerate(cspec)]
    meta = {"name": V["name"]}
    if owner:
        meta["generateName"] = V["gen"]
    meta.update({"namespace": V["ns"], "uid": V["uid"], "resourceVersion": V["rv"],
                 "creationTimestamp": T0, "labels": labels})
    if annotations:
        meta["annotations"] = annotations
    if owner:
        meta["ownerReferences"] = [{"apiVersion": owner[0], "kind": owner[1], "name": V["owner"],
                                    "uid": V["ouid"], "controller": True,
                                    "blockOwnerDeletion": True}]
    fmeta = {"f:generateName": {}, "f:labels": dict([(".", {})] +
                                                     [("f:" + k, {}) for k in sorted(labels)])}
    if annotations:
        fmeta["f:annotations"] = dict([(".", {})] + [("f:" + k, {}) for k in sorted(annotations)])
    if owner:
        fmeta["f:ownerReferences"] = {".": {}, 'k:{"uid":"%s"}' % V["r_ouid"]: {}}
    meta["managedFields"] = [
        {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
         "time": T0, "fieldsType": "FieldsV1",
         "fieldsV1": {"f:metadata": fmeta,
                      "f:spec": dict([("f:containers",
                                       dict(('k:{"name":"%s"}' % c["name"], fields_container(c))
                                            for c in containers))] +
                                     [(k, {}) for k in ("f:dnsPolicy", "f:restartPolicy",
                                                        "f:serviceAccountName", "f:volumes")])}},
        {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": T0,
         "fieldsType": "FieldsV1", "subresource": "status",
         "fieldsV1": {"f:status": {
             "f:conditions": dict(('k:{"type":"%s"}' % t, {".": {}, "f:status": {}})
                                  for t in ("ContainersReady", "Ready")),
             "f:containerStatuses": {}, "f:hostIP": {}, "f:hostIPs": {}, "f:phase": {},
             "f:podIP": {}, "f:podIPs": {".": {}, 'k:{"ip":"%s"}' % V["r_pip"]: {".": {},
                                                                              "f:ip": {}}},
             "f:startTime": {}}}},
    ]
    spec = {
        "volumes": [{"name": V["vol"], "projected": {"sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt",
                                                                   "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
                "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}],
            "defaultMode": 420}}],
        "containers": containers,
        "restartPolicy": "Never" if phase == "Succeeded" else "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirstWithHostNet" if host_network else "ClusterFirst",
        "serviceAccountName": sa, "serviceAccount": sa, "nodeName": V["node"],
        "securityContext": {}, "schedulerName": "default-scheduler",
        "tolerations": [
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
             "effect": "NoExecute", "tolerationSeconds": 300}],
        "priority": 0, "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority",
    }
    if host_network:
        spec["hostNetwork"] = True
    ready = "False" if phase == "Succeeded" else "True"
    status = {
        "phase": phase,
        "conditions": [{"type": t, "status": ready if t in ("Ready", "ContainersReady") else "True",
                        "lastProbeTime": None, "lastTransitionTime": T0}
                       for t in ("PodReadyToStartContainers", "Initialized", "Ready",
                                 "ContainersReady", "PodScheduled")],
        "hostIP": V["hip"], "hostIPs": [{"ip": V["hip"]}],
        "podIP": V["pip"], "podIPs": [{"ip": V["pip"]}], "startTime": T0,
        "containerStatuses": [{
            "name": c["name"],
            "state": ({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": T0,
                                      "finishedAt": T0, "containerID": V["cid%d" % i]}}
                      if phase == "Succeeded" else {"running": {"startedAt": T0}}),
            "lastState": {}, "ready": phase != "Succeeded", "restartCount": 0,
            "image": c["image"], "imageID": V["iid%d" % i], "containerID": V["cid%d" % i],
            "started": phase != "Succeeded"} for i, c in enumerate(containers)],
        "qosClass": "Burstable",
    }
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def to_format(text):
    return SLOT.sub(r"%(\1)s", text.replace("%", "%%"))


class Pod:
    """A pod to write: its shape's templates (one per output format) and values."""
    templates = {}

    def __init__(self, shape, values):
        t = Pod.templates.get(shape)
        if t is None:
            obj = pod_obj(shape)
            out = []
            yemit(out, obj, "")
            t = (to_format(indent(json.dumps(obj, indent=4), 8)),
                 to_format(indent(json.dumps(obj, indent=2), 4)),
                 to_format("".join(out)))
            Pod.templates[shape] = t
        self.t = t
        self.values = values

    def json_list(self):
        return self.t[0] % self.values

    def json_bundle(self):
        return self.t[1] % self.values

    def yaml(self):
        yv = dict((k, v if k.startswith("r_") else yscalar(v)) for k, v in self.values.items())
        return self.t[2] % yv


def indent(text, n):
    return re.sub(r"(?m)^", " " * n, text)


def pod(g, ns, name, labels, owner, cspec, images, node, host_ip, pod_ip, phase="Running",
        host_network=False, annotated=False, sa="default"):
    """owner: (apiVersion, kind, name, uid) or None; cspec: ((name, ports, env_n), ...)."""
    uid = g.uid()
    keys = tuple(labels)
    shape = (owner[:2] if owner else None, keys, tuple(cspec), annotated, phase, host_network, sa)
    v = {"name": name, "ns": ns, "uid": uid, "rv": g.res_version(), "vol":
         "kube-api-access-" + g.suffix5(), "node": node, "hip": host_ip, "pip": pod_ip,
         "r_pip": pod_ip}
    for i, k in enumerate(keys):
        v["l%d" % i] = labels[k]
    if owner:
        v.update({"gen": name[:name.rfind("-") + 1], "owner": owner[2], "ouid": owner[3],
                  "r_ouid": owner[3]})
    for i, im in enumerate(images):
        v["img%d" % i] = im
        v["iid%d" % i] = "%s@sha256:%s" % (im.split(":")[0], hashlib.sha256(im.encode()).hexdigest())
        v["cid%d" % i] = "containerd://" + hashlib.sha256((uid + str(i)).encode()).hexdigest()
    return Pod(shape, v)


def node_obj(g, i):
    name = "ip-10-0-%d-%d.eu-west-1.compute.internal" % (i // 250, i % 250 + 4)
    ip = "10.0.%d.%d" % (i // 250, i % 250 + 4)
    zone = ZONES[i % 3]
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/instance-type": "m6i.2xlarge",
              "beta.kubernetes.io/os": "linux", "failure-domain.beta.kubernetes.io/region": "eu-west-1",
              "failure-domain.beta.kubernetes.io/zone": zone, "kubernetes.io/arch": "amd64",
              "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
              "node.kubernetes.io/instance-type": "m6i.2xlarge",
              "topology.kubernetes.io/region": "eu-west-1", "topology.kubernetes.io/zone": zone,
              "projectcalico.org/ds-ready": "true"}
    return name, ip, {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "uid": g.uid(), "resourceVersion": g.res_version(),
                     "creationTimestamp": T0, "labels": labels,
                     "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                     "projectcalico.org/IPv4Address": ip + "/20",
                                     "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": {"providerID": "aws:///%s/i-0%015x" % (zone, i * 7919 + 12345),
                 "podCIDR": "192.168.%d.0/24" % (i % 256)},
        "status": {
            "capacity": {"cpu": "8", "ephemeral-storage": "83873772Ki", "memory": "32386324Ki",
                         "pods": "110"},
            "allocatable": {"cpu": "7910m", "ephemeral-storage": "76224326324", "memory": "31369492Ki",
                            "pods": "110"},
            "conditions": [{"type": t, "status": "False" if t != "Ready" else "True",
                            "lastHeartbeatTime": T0, "lastTransitionTime": T0,
                            "reason": "Kubelet" + t, "message": "kubelet status " + t}
                           for t in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")],
            "addresses": [{"type": "InternalIP", "address": ip},
                          {"type": "Hostname", "address": name},
                          {"type": "InternalDNS", "address": name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"machineID": g.hash10(name) * 3, "systemUUID": g.uid(),
                         "bootID": g.uid(), "kernelVersion": "6.1.115-126.197.amzn2023.x86_64",
                         "osImage": "Amazon Linux 2023.6.20241121", "containerRuntimeVersion":
                         "containerd://1.7.23", "kubeletVersion": "v1.31.2-eks-94953ac",
                         "kubeProxyVersion": "v1.31.2-eks-94953ac", "operatingSystem": "linux",
                         "architecture": "amd64"},
            "images": [{"names": ["%s@sha256:%s" % (im.split(":")[0],
                                                    hashlib.sha256(im.encode()).hexdigest()), im],
                        "sizeBytes": 10000000 + 7919 * k} for k, im in enumerate(IMAGES)],
        }}


def daemonset(g, ns, name, labels, image, nodes, extra_containers=()):
    containers = [{"name": name, "image": image, "resources": {"requests": {"cpu": "250m"}},
                   "securityContext": {"privileged": True}}] + list(extra_containers)
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": ns, "uid": g.uid(),
                         "resourceVersion": g.res_version(), "generation": 1,
                         "creationTimestamp": T0, "labels": dict(labels),
                         "annotations": {"deprecated.daemonset.template.generation": "1"}},
            "spec": {"selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"containers": containers, "hostNetwork": True,
                                           "serviceAccountName": name,
                                           "priorityClassName": "system-node-critical",
                                           "tolerations": [{"operator": "Exists"}]}},
                     "updateStrategy": {"type": "RollingUpdate",
                                        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                     "revisionHistoryLimit": 10},
            "status": {"currentNumberScheduled": nodes, "numberMisscheduled": 0,
                       "desiredNumberScheduled": nodes, "numberReady": nodes,
                       "observedGeneration": 1, "updatedNumberScheduled": nodes,
                       "numberAvailable": nodes}}


def policies_for(g, ns, ns_labels, workloads, count, first):
    """count NetworkPolicies of rotating shapes for namespace ns."""
    out = []
    shapes = ["deny-ingress", "deny-all", "allow-same-ns", "allow-from-team", "match-expr",
              "ipblock", "named-port", "dns-egress", "endport", "allow-all-ingress",
              "no-policytypes", "egress-to-db", "exists-notin", "monitoring"]
    for k in range(count):
        shape = shapes[(first + k) % len(shapes)]
        w = workloads[k % len(workloads)] if workloads else ("x", {"app": "x"}, "http", 8080)
        wname, wlabels, pname, pnum = w
        name = "%s-%s-%d" % (shape, wname, k) if k >= len(shapes) else "%s-%s" % (shape, wname)
        app_sel = {"matchLabels": {"app": wlabels["app"]}}
        spec = {}
        if shape == "deny-ingress":
            spec = {"podSelector": {}, "policyTypes": ["Ingress"]}
        elif shape == "deny-all":
            spec = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        elif shape == "allow-same-ns":
            spec = {"podSelector": app_sel, "ingress": [{"from": [{"podSelector": {}}]}],
                    "policyTypes": ["Ingress"]}
        elif shape == "allow-from-team":
            spec = {"podSelector": app_sel, "ingress": [{"from": [
                {"namespaceSelector": {"matchLabels": {"team": ns_labels.get("team", "x")}},
                 "podSelector": {"matchLabels": {"tier": "frontend"}}}],
                "ports": [{"protocol": "TCP", "port": pnum}]}], "policyTypes": ["Ingress"]}
        elif shape == "match-expr":
            spec = {"podSelector": {"matchExpressions": [
                {"key": "app.kubernetes.io/component", "operator": "In",
                 "values": ["api", "worker", "frontend"]},
                {"key": "tier", "operator": "NotIn", "values": ["db"]}]},
                "ingress": [{"from": [{"namespaceSelector": {"matchExpressions": [
                    {"key": "env", "operator": "In", "values": ["prod", "staging"]}]}}]}],
                "policyTypes": ["Ingress"]}
        elif shape == "ipblock":
            spec = {"podSelector": app_sel, "egress": [{"to": [{"ipBlock": {
                "cidr": "10.0.0.0/8", "except": ["10.0.0.0/20", "10.96.0.0/12"]}}],
                "ports": [{"protocol": "TCP", "port": 443}]},
                {"to": [{"ipBlock": {"cidr": "172.16.%d.0/24" % (first % 256)}}]}],
                "policyTypes": ["Egress"]}
        elif shape == "named-port":
            spec = {"podSelector": app_sel, "ingress": [{"from": [{"podSelector": {
                "matchLabels": {"tier": "frontend"}}}], "ports": [{"port": pname}]}]}
        elif shape == "dns-egress":
            spec = {"podSelector": {}, "egress": [{"to": [{"namespaceSelector": {"matchLabels": {
                "kubernetes.io/metadata.name": "kube-system"}}, "podSelector": {"matchLabels": {
                    "k8s-app": "kube-dns"}}}], "ports": [{"protocol": "UDP", "port": 53},
                                                        {"protocol": "TCP", "port": 53}]}],
                "policyTypes": ["Egress"]}
        elif shape == "endport":
            spec = {"podSelector": app_sel, "ingress": [{"ports": [
                {"protocol": "TCP", "port": 30000, "endPort": 32767},
                {"protocol": "UDP", "port": 5000}]}], "policyTypes": ["Ingress"]}
        elif shape == "allow-all-ingress":
            spec = {"podSelector": app_sel, "ingress": [{}], "policyTypes": ["Ingress"]}
        elif shape == "no-policytypes":
            spec = {"podSelector": app_sel, "ingress": [{"from": [{"podSelector": {
                "matchLabels": {"app": wlabels["app"]}}}]}],
                "egress": [{"to": [{"podSelector": {}}]}]}
        elif shape == "egress-to-db":
            spec = {"podSelector": app_sel, "egress": [{"to": [{"podSelector": {"matchLabels": {
                "tier": "db"}}}], "ports": [{"protocol": "TCP", "port": 5432}]}],
                "policyTypes": ["Egress"]}
        elif shape == "exists-notin":
            spec = {"podSelector": {"matchExpressions": [
                {"key": "statefulset.kubernetes.io/pod-name", "operator": "Exists"},
                {"key": "env", "operator": "DoesNotExist"}]},
                "ingress": [{"from": [{"podSelector": {"matchExpressions": [
                    {"key": "app", "operator": "NotIn", "values": ["legacy"]}]}}]}],
                "policyTypes": ["Ingress"]}
        elif shape == "monitoring":
            spec = {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {
                "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
                "ports": [{"protocol": "TCP", "port": "metrics"}]}], "policyTypes": ["Ingress"]}
        uid = g.uid()
        out.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": name, "namespace": ns, "uid": uid,
                                 "resourceVersion": g.res_version(), "generation": 1,
                                 "creationTimestamp": T0,
                                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration":
                                                 json.dumps({"apiVersion": "networking.k8s.io/v1",
                                                             "kind": "NetworkPolicy",
                                                             "metadata": {"name": name,
                                                                          "namespace": ns},
                                                             "spec": spec},
                                                            separators=(",", ":")) + "\n"},
                                 "managedFields": [{"manager": "kubectl-client-side-apply",
                                                    "operation": "Update",
                                                    "apiVersion": "networking.k8s.io/v1",
                                                    "time": T0, "fieldsType": "FieldsV1",
                                                    "fieldsV1": {"f:metadata": {"f:annotations": {
                                                        ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}},
                                                        "f:spec": {"f:podSelector": {},
                                                                   "f:policyTypes": {}}}}]},
                    "spec": spec})
    return out


def build(args):
    """Yields (resource, namespace, object) in List order."""
    g = Gen(args.seed)
    n_nodes = max(3, args.pods // 100)
    n_ns = args.namespaces
    nodes = [node_obj(g, i) for i in range(n_nodes)]
    ns_names = ["kube-system", "default", "monitoring"] + [
        "%s-%s-%03d" % (TEAMS[i % len(TEAMS)], ENVS[i % 3], i) for i in range(max(0, n_ns - 3))]
    ns_names = ns_names[:n_ns]
    ns_labels = {}
    for i, ns in enumerate(ns_names):
        lab = {"kubernetes.io/metadata.name": ns}
        if i >= 3:
            lab.update({"team": TEAMS[(i - 3) % len(TEAMS)], "env": ENVS[(i - 3) % 3]})
            if i % 5 == 0:
                lab["istio-injection"] = "enabled"
        ns_labels[ns] = lab
    for ns in ns_names:
        yield "namespaces", None, {
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": ns, "uid": g.uid(), "resourceVersion": g.res_version(),
                         "creationTimestamp": T0, "labels": ns_labels[ns],
                         "managedFields": [{"manager": "kubectl-create", "operation": "Update",
                                            "apiVersion": "v1", "time": T0, "fieldsType": "FieldsV1",
                                            "fieldsV1": {"f:metadata": {"f:labels": {
                                                ".": {}, "f:kubernetes.io/metadata.name": {}}}}}]},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
    for name, ip, obj in nodes:
        yield "nodes", None, obj
    calico_lab = {"k8s-app": "calico-node"}
    proxy_lab = {"k8s-app": "kube-proxy"}
    ds_calico = daemonset(g, "kube-system", "calico-node", calico_lab,
                          "docker.io/calico/node:v3.29.1", n_nodes)
    ds_proxy = daemonset(g, "kube-system", "kube-proxy", proxy_lab,
                         "registry.k8s.io/kube-proxy:v1.31.2", n_nodes)
    yield "daemonsets", "kube-system", ds_calico
    yield "daemonsets", "kube-system", ds_proxy

    # Pods: DaemonSet pods first, then CoreDNS, then tenant workloads until args.pods.
    ip_n = [0]

    def pod_ip():
        ip_n[0] += 1
        k = ip_n[0]
        return "192.168.%d.%d" % ((k // 250) % 256, k % 250 + 2) if k < 64000 else \
            "100.%d.%d.%d" % (64 + (k >> 16) % 64, (k >> 8) % 256, k % 256)

    made = 0
    policies = []
    for ds, lab, img in ((ds_calico, calico_lab, "docker.io/calico/node:v3.29.1"),
                         (ds_proxy, proxy_lab, "registry.k8s.io/kube-proxy:v1.31.2")):
        owner = ("apps/v1", "DaemonSet", ds["metadata"]["name"], ds["metadata"]["uid"])
        for name, ip, _ in nodes:
            if made >= args.pods:
                break
            labels = dict(lab, **{"controller-revision-hash": g.hash10(ds["metadata"]["name"]),
                                  "pod-template-generation": "1"})
            yield "pods", "kube-system", pod(
                g, "kube-system", "%s-%s" % (ds["metadata"]["name"], g.suffix5()), labels, owner,
                ((ds["metadata"]["name"], (), 2),), (img,), name, ip, ip,
                host_network=True, sa=ds["metadata"]["name"])
            made += 1
    rs = "coredns-" + g.hash10("coredns")
    for k in range(2):
        if made >= args.pods:
            break
        name, ip, _ = nodes[k % n_nodes]
        yield "pods", "kube-system", pod(
            g, "kube-system", "%s-%s" % (rs, g.suffix5()),
            {"k8s-app": "kube-dns", "pod-template-hash": rs[8:]},
            ("apps/v1", "ReplicaSet", rs, g.uid()),
            (("coredns", (("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")),
              0),), ("registry.k8s.io/coredns/coredns:v1.11.3",), name, ip, pod_ip(),
            sa="coredns")
        made += 1
    tenant = [ns for ns in ns_names if ns not in ("kube-system",)]
    per_ns = max(1, (args.pods - made + len(tenant) - 1) // len(tenant)) if tenant else 0
    per_ns_pol = [args.policies // len(tenant) + (1 if i < args.policies % len(tenant) else 0)
                  for i in range(len(tenant))] if tenant else []
    pol_first = 0
    for ti, ns in enumerate(tenant):
        workloads = []
        left = min(per_ns, args.pods - made)
        w = 0
        while left > 0:
            comp = COMPONENTS[(ti + w) % len(COMPONENTS)]
            wname = "%s-%s" % (comp, ns.split("-")[0]) if w < len(COMPONENTS) else \
                "%s-%d" % (comp, w)
            kind = "StatefulSet" if comp in ("db", "queue") else (
                "Job" if comp == "scheduler" else "Deployment")
            replicas = min(left, {"StatefulSet": 3, "Job": 2}.get(kind, g.r.choice((2, 3, 4, 6))))
            tier = {"frontend": "frontend", "db": "db", "cache": "db"}.get(comp, "backend")
            ports = {"db": [("postgres", 5432, "TCP")], "cache": [("redis", 6379, "TCP")],
                     "queue": [("amqp", 5672, "TCP"), ("metrics", 15692, "TCP")],
                     "frontend": [("http", 8080, "TCP")], "scheduler": []}.get(
                comp, [("http", 8080, "TCP"), ("metrics", 9090, "TCP"), ("grpc", 9000, "TCP")])
            base = {"app": wname, "app.kubernetes.io/name": wname,
                    "app.kubernetes.io/instance": "%s-%s" % (wname, ns),
                    "app.kubernetes.io/component": comp,
                    "app.kubernetes.io/part-of": ns.split("-")[0],
                    "app.kubernetes.io/version": "2.14.0", "app.kubernetes.io/managed-by": "Helm",
                    "helm.sh/chart": "%s-1.4.2" % comp, "tier": tier}
            if ns_labels[ns].get("team"):
                base["team"] = ns_labels[ns]["team"]
            if ports:
                workloads.append((wname, base, ports[0][0], ports[0][1]))
            if kind == "Deployment":
                rs = "%s-%s" % (wname, g.hash10(ns + wname))
                owner = ("apps/v1", "ReplicaSet", rs, g.uid())
            else:
                owner = ("apps/v1" if kind == "StatefulSet" else "batch/v1", kind, wname, g.uid())
            img = IMAGES[(ti + w) % len(IMAGES)]
            for r in range(replicas):
                labels = dict(base)
                if kind == "Deployment":
                    labels["pod-template-hash"] = rs[len(wname) + 1:]
                    pname = "%s-%s" % (rs, g.suffix5())
                elif kind == "StatefulSet":
                    pname = "%s-%d" % (wname, r)
                    labels["controller-revision-hash"] = "%s-%s" % (wname, g.hash10(wname + ns))
                    labels["statefulset.kubernetes.io/pod-name"] = pname
                    labels["apps.kubernetes.io/pod-index"] = str(r)
                else:
                    pname = "%s-%s" % (wname, g.suffix5())
                    labels["batch.kubernetes.io/job-name"] = wname
                    labels["job-name"] = wname
                    labels["batch.kubernetes.io/controller-uid"] = owner[3]
                node_name, host_ip, _ = nodes[g.r.randrange(n_nodes)]
                cs = ((comp, tuple(ports), 1 + (ti + w) % 2),)
                images = (img,)
                if w % 8 == 0:
                    cs += (("istio-proxy", (("http-envoy-prom", 15090, "TCP"),), 1),)
                    images += ("docker.io/istio/proxyv2:1.24.1",)
                yield "pods", ns, pod(g, ns, pname, labels, owner, cs, images, node_name,
                                      host_ip, pod_ip(),
                                      phase="Succeeded" if kind == "Job" else "Running",
                                      annotated=w % 2 == 0)
                made += 1
                left -= 1
            w += 1
        for p in policies_for(g, ns, ns_labels[ns], workloads, per_ns_pol[ti], pol_first):
            policies.append(p)
        pol_first += per_ns_pol[ti]
    for p in policies:
        yield "network-policy", p["metadata"]["namespace"], p


# ---- writers ----

class JsonListWriter:
    """`kubectl get -A -o json`: a v1 List, 4-space indent."""

    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8", buffering=1 << 20)
        self.f.write('{\n    "apiVersion": "v1",\n    "items": [')
        self.n = 0

    def add(self, obj):
        s = obj.json_list() if isinstance(obj, Pod) else \
            indent(json.dumps(obj, indent=4, ensure_ascii=False), 8)
        self.f.write((",\n" if self.n else "\n") + s)
        self.n += 1

    def close(self):
        self.f.write('\n    ],\n    "kind": "List",\n    "metadata": {\n'
                     '        "resourceVersion": ""\n    }\n}\n')
        self.f.close()


_PLAIN_BAD_FIRST = set("-?:,[]{}#&*!|>'\"%@` ")
_SPECIAL = re.compile(r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|"
                      r"n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)"
                      r"(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|[-+]?\.(?:inf|Inf|INF)|"
                      r"\.(?:nan|NaN|NAN)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|=|<<)$")


def yscalar(s):
    if isinstance(s, bool):
        return "true" if s else "false"
    if s is None:
        return "null"
    if isinstance(s, (int, float)):
        return repr(s)
    if (not s or s[0] in _PLAIN_BAD_FIRST or s[-1] in " :" or ": " in s or " #" in s or
            "\n" in s or "\t" in s or _SPECIAL.match(s)):
        if "\n" not in s and "'" not in s and all(0x20 <= ord(ch) < 0x7f for ch in s):
            return "'" + s + "'" if not _SPECIAL.match(s) else '"' + s + '"'
        return json.dumps(s)
    return s


def yemit(out, v, ind):
    """go-yaml v2 style (what kubectl prints): sorted keys, sequences not indented
    under their key."""
    if isinstance(v, dict):
        for k in sorted(v):
            x = v[k]
            if isinstance(x, dict) and x:
                out.append("%s%s:\n" % (ind, yscalar(k)))
                yemit(out, x, ind + "  ")
            elif isinstance(x, list) and x:
                out.append("%s%s:\n" % (ind, yscalar(k)))
                yemit(out, x, ind)
            else:
                out.append("%s%s: %s\n" % (ind, yscalar(k), "{}" if isinstance(x, dict) else
                                            "[]" if isinstance(x, list) else yscalar(x)))
    else:
        for x in v:
            if isinstance(x, dict) and x:
                sub = []
                yemit(sub, x, ind + "  ")
                sub[0] = ind + "- " + sub[0][len(ind) + 2:]
                out.extend(sub)
            elif isinstance(x, list) and x:
                sub = []
                yemit(sub, x, ind + "  ")
                sub[0] = ind + "- " + sub[0][len(ind) + 2:]
                out.extend(sub)
            else:
                out.append("%s- %s\n" % (ind, "{}" if isinstance(x, dict) else
                                        "[]" if isinstance(x, list) else yscalar(x)))


class YamlWriter:
    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8", buffering=1 << 20)

    def add(self, obj):
        if isinstance(obj, Pod):
            self.f.write("---\n" + obj.yaml())
            return
        out = ["---\n"]
        yemit(out, obj, "")
        self.f.write("".join(out))

    def close(self):
        self.f.close()


class BundleWriter:
    """troubleshoot.sh v0.123: typed Lists per resource and namespace, 2-space indent."""
    LIST = {"pods": ("PodList", "v1"), "network-policy": ("NetworkPolicyList", "networking.k8s.io/v1"),
            "daemonsets": ("DaemonSetList", "apps/v1"), "namespaces": ("NamespaceList", "v1"),
            "nodes": ("NodeList", "v1")}
    ROOT = "support-bundle-2026-03-02T08_00_00"

    def __init__(self, path):
        self.tf = tarfile.open(path, "w:gz", compresslevel=6, format=tarfile.GNU_FORMAT)
        self.key = None
        self.items = []
        self.done = set()

    def add(self, res, ns, obj):
        # The generator yields each (resource, namespace) group contiguously.
        if (res, ns) != self.key:
            self.flush()
            self.key = (res, ns)
        self.items.append(obj.json_bundle() if isinstance(obj, Pod) else
                          indent(json.dumps(obj, indent=2, ensure_ascii=False), 4))

    def flush(self):
        if self.key is None:
            return
        res, ns = self.key
        kind, api = self.LIST[res]
        body = ('{\n  "kind": "%s",\n  "apiVersion": "%s",\n  "metadata": {\n'
                '    "resourceVersion": "987654"\n  },\n  "items": ' % (kind, api))
        body += ("[\n" + ",\n".join(self.items) + "\n  ]\n}\n") if self.items else "null\n}\n"
        data = body.encode()
        ti = tarfile.TarInfo("%s/cluster-resources/%s" % (
            self.ROOT, "%s.json" % res if ns is None else "%s/%s.json" % (res, ns)))
        ti.size = len(data)
        ti.mtime = 1772438400
        ti.mode = 0o644
        self.tf.addfile(ti, io.BytesIO(data))
        self.done.add(self.key)
        self.key = None
        self.items = []

    def close(self, namespaces):
        self.flush()
        # Every namespace gets a file per namespaced resource (an empty List: none).
        for ns in namespaces:
            for res in ("pods", "network-policy", "daemonsets"):
                if (res, ns) not in self.done:
                    self.key = (res, ns)
                    self.flush()
        self.tf.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pods", type=int, required=True)
    ap.add_argument("--namespaces", type=int)
    ap.add_argument("--policies", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formats", default="json,yaml,tgz")
    ap.add_argument("outdir")
    args = ap.parse_args()
    if args.namespaces is None:
        args.namespaces = max(4, args.pods // 40)
    if args.policies is None:
        args.policies = args.namespaces * 4
    formats = set(args.formats.split(","))
    os.makedirs(args.outdir, exist_ok=True)
    t = time.time()
    jw = JsonListWriter(os.path.join(args.outdir, "cluster.json.tmp")) if "json" in formats else None
    yw = YamlWriter(os.path.join(args.outdir, "cluster.yaml.tmp")) if "yaml" in formats else None
    bw = BundleWriter(os.path.join(args.outdir, "bundle.tar.gz.tmp")) if "tgz" in formats else None
    counts = {}
    namespaces = []
    for res, ns, obj in build(args):
        counts[res] = counts.get(res, 0) + 1
        if res == "namespaces":
            namespaces.append(obj["metadata"]["name"])
        if jw:
            jw.add(obj)
        if yw:
            yw.add(obj)
        if bw:
            bw.add(res, ns, obj)
    for w, name in ((jw, "cluster.json"), (yw, "cluster.yaml"), (bw, "bundle.tar.gz")):
        if w:
            if w is bw:
                w.close(namespaces)
            else:
                w.close()
            os.replace(os.path.join(args.outdir, name + ".tmp"), os.path.join(args.outdir, name))
    print("%s: %s in %.1f s" % (args.outdir, ", ".join("%d %s" % (v, k) for k, v in
                                                        sorted(counts.items())),
                                time.time() - t), file=sys.stderr)


if __name__ == "__main__":
    main()
