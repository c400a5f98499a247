#!/usr/bin/env python3
"""Writes demo/demo-cluster.tar.gz: a troubleshoot.sh-style support bundle of a
small three-node Calico cluster, used by the README's first command.

The cluster is made to show what an audit finds in practice: namespaces
without any policy (legacy, sandbox, kube-system), a namespace isolated for
ingress only (shop), one fully locked down (payments), a hostNetwork
DaemonSet (node-exporter), a policy with rules for a direction its
policyTypes leave out (ignored by Kubernetes), completed Job pods, and a
collector that could not list DaemonSets in one namespace (so the CNI check
must say ERROR, not PASS). Output is deterministic (fixed mtimes)."""
import gzip, io, json, sys, tarfile

T = "2026-11-20T09:14:03Z"
ROOT = "support-bundle-2026-11-20T09_14_03"
uid_n = [0]


def uid():
    uid_n[0] += 1
    return "5f0c%04x-9a1e-4c2b-8d3f-%012x" % (uid_n[0], uid_n[0] * 7919)


def meta(name, ns=None, labels=None, owner=None, annotations=None):
    m = {"name": name, "uid": uid(), "resourceVersion": str(1000 + uid_n[0]),
         "creationTimestamp": "2026-09-01T08:00:00Z"}
    if ns:
        m["namespace"] = ns
    if labels:
        m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    if owner:
        m["ownerReferences"] = [{"apiVersion": owner[0], "kind": owner[1], "name": owner[2],
                                 "uid": owner[3], "controller": True, "blockOwnerDeletion": True}]
    return m


def container(name, image, ports=(), args=None):
    c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent",
         "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}},
         "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
    if ports:
        c["ports"] = [dict({"containerPort": p, "protocol": proto}, **({"name": n} if n else {}))
                      for (n, p, proto) in ports]
    if args:
        c["args"] = args
    return c


NODES = [("cp-1", "10.0.0.10", True), ("worker-1", "10.0.0.11", False), ("worker-2", "10.0.0.12", False)]
ip_n = [0]


def pod_ip():
    ip_n[0] += 1
    return "192.168.%d.%d" % (ip_n[0] // 200 + 10, ip_n[0] % 200 + 2)


objs = {}  # (resource, ns) -> list


def add(res, ns, obj):
    objs.setdefault((res, ns), []).append(obj)


def workload(kind, ns, name, labels, containers, replicas=1, host_network=False, phase="Running",
             api="apps/v1", extra_spec=None):
    """Adds a workload, its ReplicaSet (Deployments) and its pods."""
    w_uid_meta = meta(name, ns, dict(labels))
    spec_tmpl = {"metadata": {"labels": dict(labels)},
                 "spec": {"containers": containers, "hostNetwork": host_network,
                          "dnsPolicy": "ClusterFirstWithHostNet" if host_network else "ClusterFirst"}}
    res = {"Deployment": "deployments", "DaemonSet": "daemonsets", "StatefulSet": "statefulsets"}[kind]
    w = {"apiVersion": api, "kind": kind, "metadata": w_uid_meta,
         "spec": dict({"selector": {"matchLabels": dict(labels)}, "template": spec_tmpl}, **(extra_spec or {}))}
    n = len(NODES) if kind == "DaemonSet" else replicas
    if kind == "DaemonSet":
        w["status"] = {"desiredNumberScheduled": n, "numberReady": n, "currentNumberScheduled": n,
                       "numberAvailable": n, "updatedNumberScheduled": n}
    else:
        w["spec"]["replicas"] = replicas
        w["status"] = {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas}
    add(res, ns, w)
    owner = (api, kind, name, w_uid_meta["uid"])
    plabels = dict(labels)
    if kind == "Deployment":
        h = "%08x" % (abs(hash(name)) % (1 << 32))
        h = {"frontend": "7d9c6b5f4", "cart": "5b8d9c7f6", "checkout": "6c7f8d9b5",
             "catalog": "84c5d6f7b", "prometheus": "69d8f7c5b", "ledger": "7f5c9d8b6",
             "gateway": "5d6c7b8f9", "billing-api": "6b9f8c7d5", "report-ui": "7c8d9f6b5",
             "coredns": "5d78c9869d", "calico-kube-controllers": "7c9b8d6f5",
             "metrics-server": "6d94bc8694"}.get(name, h[:9])
        rs_name = "%s-%s" % (name, h)
        rs_meta = meta(rs_name, ns, dict(labels, **{"pod-template-hash": h}), owner)
        add("replicasets", ns, {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": rs_meta,
                                "spec": {"replicas": replicas, "template": spec_tmpl},
                                "status": {"replicas": replicas, "readyReplicas": replicas}})
        owner = ("apps/v1", "ReplicaSet", rs_name, rs_meta["uid"])
        plabels["pod-template-hash"] = h
    suffixes = ["x7k2p", "q9w4m", "b3n8v", "t6r1c", "h5j2d"]
    for i in range(n):
        node = NODES[i % len(NODES)]
        if kind == "StatefulSet":
            pname = "%s-%d" % (name, i)
            pl = dict(plabels, **{"statefulset.kubernetes.io/pod-name": pname})
        elif kind == "DaemonSet":
            pname = "%s-%s" % (name, suffixes[i][:5])
            pl = dict(plabels)
        else:
            pname = "%s-%s-%s" % (name, plabels.get("pod-template-hash", "x"), suffixes[i])
            pl = dict(plabels)
        ip = node[1] if host_network else pod_ip()
        p = {"apiVersion": "v1", "kind": "Pod", "metadata": meta(pname, ns, pl, owner),
             "spec": {"containers": containers, "nodeName": node[0], "hostNetwork": host_network,
                      "serviceAccountName": "default", "restartPolicy": "Always"},
             "status": {"phase": phase, "hostIP": node[1], "podIP": ip, "podIPs": [{"ip": ip}],
                        "startTime": "2026-11-19T07:00:00Z",
                        "conditions": [{"type": "Ready", "status": "True"}]}}
        add("pods", ns, p)


def netpol(ns, name, spec, labels=None):
    add("network-policy", ns, {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                               "metadata": meta(name, ns, labels), "spec": spec})


def service(ns, name, selector, port, target):
    add("services", ns, {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, ns),
                         "spec": {"selector": selector, "type": "ClusterIP",
                                  "ports": [{"port": port, "targetPort": target, "protocol": "TCP"}]}})


# ---- kube-system: Calico (manifest install), CoreDNS, metrics-server
calico_img = "docker.io/calico/node:v3.28.2"
workload("DaemonSet", "kube-system", "calico-node", {"k8s-app": "calico-node"},
         [container("calico-node", calico_img, args=None)], host_network=True)
workload("Deployment", "kube-system", "calico-kube-controllers", {"k8s-app": "calico-kube-controllers"},
         [container("calico-kube-controllers", "docker.io/calico/kube-controllers:v3.28.2")])
workload("DaemonSet", "kube-system", "kube-proxy", {"k8s-app": "kube-proxy"},
         [container("kube-proxy", "registry.k8s.io/kube-proxy:v1.30.6")], host_network=True)
workload("Deployment", "kube-system", "coredns", {"k8s-app": "kube-dns"},
         [container("coredns", "registry.k8s.io/coredns/coredns:v1.11.3",
                    ports=[("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")])],
         replicas=2)
workload("Deployment", "kube-system", "metrics-server", {"k8s-app": "metrics-server"},
         [container("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
                    ports=[("https", 10250, "TCP")])])
add("configmaps", "kube-system", {"apiVersion": "v1", "kind": "ConfigMap",
    "metadata": meta("calico-config", "kube-system"),
    "data": {"calico_backend": "bird", "veth_mtu": "0",
             "cni_network_config": json.dumps({"name": "k8s-pod-network", "cniVersion": "0.3.1",
                 "plugins": [{"type": "calico", "log_level": "info", "datastore_type": "kubernetes",
                              "ipam": {"type": "calico-ipam"}, "policy": {"type": "k8s"},
                              "kubernetes": {"kubeconfig": "__KUBECONFIG_FILEPATH__"}},
                             {"type": "portmap", "snat": True, "capabilities": {"portMappings": True}}]},
                 indent=2)}})
service("kube-system", "kube-dns", {"k8s-app": "kube-dns"}, 53, 53)

# ---- shop: ingress-isolated only; one policy whose egress rules are ignored
workload("Deployment", "shop", "frontend", {"app": "frontend", "tier": "web"},
         [container("frontend", "ghcr.io/acme/shop-frontend:2.4.1", ports=[("http", 8080, "TCP")])], replicas=3)
workload("Deployment", "shop", "cart", {"app": "cart", "tier": "api"},
         [container("cart", "ghcr.io/acme/shop-cart:1.9.0", ports=[("grpc", 7070, "TCP")])], replicas=2)
workload("Deployment", "shop", "checkout", {"app": "checkout", "tier": "api"},
         [container("checkout", "ghcr.io/acme/shop-checkout:3.0.2", ports=[("grpc", 5050, "TCP")])], replicas=2)
workload("StatefulSet", "shop", "redis", {"app": "redis", "tier": "cache"},
         [container("redis", "docker.io/library/redis:7.2-alpine", ports=[("redis", 6379, "TCP")])], replicas=1)
netpol("shop", "frontend-allow-http", {
    "podSelector": {"matchLabels": {"app": "frontend"}},
    "policyTypes": ["Ingress"],
    "ingress": [{"ports": [{"protocol": "TCP", "port": 8080}]}]})
netpol("shop", "api-from-frontend", {
    "podSelector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["api"]}]},
    "policyTypes": ["Ingress"],
    "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}],
                 "ports": [{"protocol": "TCP", "port": "grpc"}]}],
    # Kubernetes ignores this: policyTypes lists only Ingress.
    "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "redis"}}}],
                "ports": [{"protocol": "TCP", "port": 6379}]}]})
service("shop", "frontend", {"app": "frontend"}, 80, 8080)
add("ingress", "shop", {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
    "metadata": meta("storefront", "shop"),
    "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.acme.example", "http": {"paths": [
        {"path": "/", "pathType": "Prefix",
         "backend": {"service": {"name": "frontend", "port": {"number": 80}}}}]}}]}})
service("shop", "cart", {"app": "cart"}, 7070, 7070)

# ---- payments: default-deny both ways, DNS allowed, ingress from checkout only
workload("Deployment", "payments", "ledger", {"app": "ledger"},
         [container("ledger", "ghcr.io/acme/ledger:5.1.0", ports=[("https", 8443, "TCP")])], replicas=2)
workload("Deployment", "payments", "gateway", {"app": "gateway"},
         [container("gateway", "ghcr.io/acme/pay-gateway:1.2.3", ports=[("https", 8443, "TCP")])], replicas=2)
netpol("payments", "default-deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})
netpol("payments", "allow-dns", {
    "podSelector": {}, "policyTypes": ["Egress"],
    "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]})
netpol("payments", "gateway-from-checkout", {
    "podSelector": {"matchLabels": {"app": "gateway"}}, "policyTypes": ["Ingress"],
    "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}},
                           "podSelector": {"matchLabels": {"app": "checkout"}}}],
                 "ports": [{"protocol": "TCP", "port": 8443}]}]})
netpol("payments", "ledger-from-gateway", {
    "podSelector": {"matchLabels": {"app": "ledger"}}, "policyTypes": ["Ingress", "Egress"],
    "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "gateway"}}}],
                 "ports": [{"protocol": "TCP", "port": 8443}]}],
    "egress": [{"to": [{"ipBlock": {"cidr": "10.20.0.0/16", "except": ["10.20.99.0/24"]}}],
                "ports": [{"protocol": "TCP", "port": 5432}]}]})

# ---- monitoring: prometheus ingress-only policy; node-exporter on the host network
workload("Deployment", "monitoring", "prometheus", {"app.kubernetes.io/name": "prometheus"},
         [container("prometheus", "quay.io/prometheus/prometheus:v2.54.1", ports=[("web", 9090, "TCP")])])
workload("DaemonSet", "monitoring", "node-exporter", {"app.kubernetes.io/name": "node-exporter"},
         [container("node-exporter", "quay.io/prometheus/node-exporter:v1.8.2", ports=[("metrics", 9100, "TCP")])],
         host_network=True)
netpol("monitoring", "prometheus-web", {
    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}},
    "ingress": [{"from": [{"namespaceSelector": {}}], "ports": [{"port": 9090}]}]})

# ---- legacy: no policy at all
workload("Deployment", "legacy", "billing-api", {"app": "billing-api"},
         [container("billing", "registry.acme.internal/billing:2019.4", ports=[("http", 8000, "TCP")])], replicas=2)
workload("Deployment", "legacy", "report-ui", {"app": "report-ui"},
         [container("report-ui", "registry.acme.internal/report-ui:1.0", ports=[("http", 3000, "TCP")])])

# ---- batch: a finished Job (its pods are not counted) and a namespace default-deny
job_meta = meta("nightly-export-29581440", "batch", {"job-name": "nightly-export-29581440"})
add("jobs", "batch", {"apiVersion": "batch/v1", "kind": "Job", "metadata": job_meta,
                      "spec": {"template": {"metadata": {"labels": {"job-name": "nightly-export-29581440"}},
                                            "spec": {"containers": [container("export", "ghcr.io/acme/export:1.0")]}}},
                      "status": {"succeeded": 1}})
add("pods", "batch", {"apiVersion": "v1", "kind": "Pod",
    "metadata": meta("nightly-export-29581440-7vq2k", "batch", {"job-name": "nightly-export-29581440"},
                     ("batch/v1", "Job", "nightly-export-29581440", job_meta["uid"])),
    "spec": {"containers": [container("export", "ghcr.io/acme/export:1.0")], "nodeName": "worker-2",
             "restartPolicy": "Never"},
    "status": {"phase": "Succeeded", "podIP": "192.168.30.7", "podIPs": [{"ip": "192.168.30.7"}]}})
netpol("batch", "default-deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"],
                                     "egress": [{"to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                                                 "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]})

# ---- namespaces (sandbox is empty; kube-node-lease/kube-public hold nothing)
NS = ["default", "kube-system", "kube-public", "kube-node-lease", "shop", "payments", "monitoring",
      "legacy", "batch", "sandbox"]
ns_labels = {"shop": {"team": "storefront"}, "payments": {"team": "payments", "pci": "true"},
             "monitoring": {"team": "platform"}, "legacy": {"team": "finance"}, "batch": {"team": "data"},
             "sandbox": {"team": "platform"}}
namespaces = [{"apiVersion": "v1", "kind": "Namespace",
               "metadata": meta(n, None, dict({"kubernetes.io/metadata.name": n}, **ns_labels.get(n, {}))),
               "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}} for n in NS]

nodes = []
for name, ip, cp in NODES:
    labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
              "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64"}
    if cp:
        labels["node-role.kubernetes.io/control-plane"] = ""
    nodes.append({"apiVersion": "v1", "kind": "Node",
                  "metadata": meta(name, None, labels, annotations={
                      "projectcalico.org/IPv4Address": ip + "/24",
                      "projectcalico.org/IPv4IPIPTunnelAddr": "192.168.%d.0" % (NODES.index((name, ip, cp)) + 10),
                      "node.alpha.kubernetes.io/ttl": "0"}),
                  "spec": {"podCIDR": "192.168.%d.0/24" % (NODES.index((name, ip, cp)) + 10)},
                  "status": {"addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                             "nodeInfo": {"operatingSystem": "linux", "kubeletVersion": "v1.30.6",
                                          "containerRuntimeVersion": "containerd://1.7.22",
                                          "osImage": "Ubuntu 24.04.1 LTS", "architecture": "amd64"},
                             "conditions": [{"type": "Ready", "status": "True"}]}})

KIND = {"pods": ("PodList", "v1"), "network-policy": ("NetworkPolicyList", "networking.k8s.io/v1"),
        "deployments": ("DeploymentList", "apps/v1"), "daemonsets": ("DaemonSetList", "apps/v1"),
        "replicasets": ("ReplicaSetList", "apps/v1"), "statefulsets": ("StatefulSetList", "apps/v1"),
        "services": ("ServiceList", "v1"), "configmaps": ("ConfigMapList", "v1"),
        "jobs": ("JobList", "batch/v1"), "cronjobs": ("CronJobList", "batch/v1"),
        "ingress": ("IngressList", "networking.k8s.io/v1")}


def lst(kind, api, items):
    return {"kind": kind, "apiVersion": api, "metadata": {"resourceVersion": "48213"}, "items": items}


files = {}
files["version.yaml"] = ("apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundleVersion\n"
                         "spec:\n  versionNumber: v0.107.2\n").encode()
files["cluster-info/cluster_version.json"] = json.dumps(
    {"info": {"major": "1", "minor": "30", "gitVersion": "v1.30.6"}, "string": "v1.30.6"}, indent=2).encode()
files["cluster-resources/namespaces.json"] = json.dumps(lst("NamespaceList", "v1", namespaces), indent=2).encode()
files["cluster-resources/nodes.json"] = json.dumps(lst("NodeList", "v1", nodes), indent=2).encode()
for kind in ("validating", "mutating"):
    files["cluster-resources/%s-webhook-configurations.json" % kind] = json.dumps(
        lst("%sWebhookConfigurationList" % kind.capitalize(), "admissionregistration.k8s.io/v1", []),
        indent=2).encode()
files["cluster-resources/custom-resource-definitions.json"] = json.dumps(
    lst("CustomResourceDefinitionList", "apiextensions.k8s.io/v1", []), indent=2).encode()
for res, (kind, api) in KIND.items():
    for n in NS:
        if res == "daemonsets" and n == "monitoring":
            continue  # the collector failed here; see daemonsets-errors.json
        files["cluster-resources/%s/%s.json" % (res, n)] = json.dumps(
            lst(kind, api, objs.get((res, n), [])), indent=2).encode()
files["cluster-resources/daemonsets-errors.json"] = json.dumps(
    ["daemonsets.apps is forbidden: User \"system:serviceaccount:support:collector\" cannot list "
     "resource \"daemonsets\" in API group \"apps\" in the namespace \"monitoring\""], indent=2).encode()
files["cluster-resources/pods/logs/shop/frontend-7d9c6b5f4-x7k2p/frontend.log"] = \
    b"2026-11-20T09:10:00Z GET /healthz 200\n"

def yaml_scalar(v):
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(v)  # a double-quoted JSON string is a valid YAML scalar


def yaml_key(k):
    import re
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_./-]*", k) and k.lower() not in ("y", "n", "yes", "no", "on", "off", "true", "false", "null"):
        return k
    return json.dumps(k)


def yaml_lines(v, ind):
    pad = "  " * ind
    if isinstance(v, dict):
        if not v:
            return [pad + "{}"]
        out = []
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out.append(pad + yaml_key(k) + ":")
                out += yaml_lines(x, ind + 1)
            else:
                out.append(pad + yaml_key(k) + ": " + (yaml_scalar(x) if not isinstance(x, (dict, list)) else ("{}" if isinstance(x, dict) else "[]")))
        return out
    if isinstance(v, list):
        out = []
        for x in v:
            sub = yaml_lines(x, ind + 1)
            out.append(pad + "- " + sub[0].lstrip())
            out += sub[1:]
        return out
    return [pad + yaml_scalar(v)]


def write_forms(d):
    """The same cluster (without the collector error) as a v1 List, as
    multi-document YAML, as a troubleshoot tarball and as a directory."""
    import os
    allobjs = namespaces + nodes + [o for (res, ns) in sorted(objs) for o in objs[(res, ns)]]
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "cluster.json"), "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": allobjs}, f, indent=1)
    with open(os.path.join(d, "cluster.yaml"), "w") as f:
        for o in allobjs:
            f.write("---\n" + "\n".join(yaml_lines(o, 0)) + "\n")
    clean = {p: v for p, v in files.items() if "errors" not in p}
    for res, (kind, api) in KIND.items():
        for n in NS:
            clean["cluster-resources/%s/%s.json" % (res, n)] = json.dumps(
                lst(kind, api, objs.get((res, n), [])), indent=2).encode()
    for p, v in clean.items():
        fp = os.path.join(d, "bundle", p)
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        with open(fp, "wb") as f:
            f.write(v)
    return clean


def write_tar(out, files):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for d in sorted({ROOT + "/" + "/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/") + 1)} | {ROOT}):
                ti = tarfile.TarInfo(d)
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                ti.mtime = 1763629443
                tar.addfile(ti)
            for p in sorted(files):
                data = files[p]
                ti = tarfile.TarInfo(ROOT + "/" + p)
                ti.size = len(data)
                ti.mode = 0o644
                ti.mtime = 1763629443
                tar.addfile(ti, io.BytesIO(data))
    with open(out, "wb") as f:
        f.write(buf.getvalue())
    print("wrote %s (%d bytes)" % (out, len(buf.getvalue())), file=sys.stderr)


if len(sys.argv) > 2 and sys.argv[1] == "--forms":
    clean = write_forms(sys.argv[2])
    write_tar(sys.argv[2] + "/bundle.tar.gz", clean)
    sys.exit(0)
write_tar(sys.argv[1] if len(sys.argv) > 1 else "demo/demo-cluster.tar.gz", files)
sys.exit(0)
buf = io.BytesIO()
with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
    with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in sorted({ROOT + "/" + "/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/") + 1)} | {ROOT}):
            ti = tarfile.TarInfo(d)
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o755
            ti.mtime = 1763629443
            tar.addfile(ti)
        for p in sorted(files):
            data = files[p]
            ti = tarfile.TarInfo(ROOT + "/" + p)
            ti.size = len(data)
            ti.mode = 0o644
            ti.mtime = 1763629443
            tar.addfile(ti, io.BytesIO(data))
out = sys.argv[1] if len(sys.argv) > 1 else "demo/demo-cluster.tar.gz"
with open(out, "wb") as f:
    f.write(buf.getvalue())
print("wrote %s (%d bytes)" % (out, len(buf.getvalue())), file=sys.stderr)
