#!/usr/bin/env python3
"""Writes the layout fixtures of test/data/input (see README.md). Run here."""
import json
import os


def w(path, obj, raw=False):
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    with open(path, 'w') as f:
        f.write(obj if raw else json.dumps(obj, indent=2) + '\n')


def pod(ns, name, app, kind=True):
    p = {"metadata": {"name": name, "namespace": ns, "labels": {"app": app}},
         "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}]},
         "status": {"phase": "Running", "podIP": "10.0.0.%d" % (len(name) + len(ns))}}
    return {"apiVersion": "v1", "kind": "Pod", **p} if kind else p


def ns(name, kind=True):
    n = {"metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}}}
    return {"apiVersion": "v1", "kind": "Namespace", **n} if kind else n


def deploy(nsn, name, kind=True):
    d = {"metadata": {"name": name, "namespace": nsn},
         "spec": {"selector": {"matchLabels": {"app": name}},
                  "template": {"metadata": {"labels": {"app": name}},
                               "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
    return {"apiVersion": "apps/v1", "kind": "Deployment", **d} if kind else d


def netpol(nsn, name):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": nsn},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}


def node(name, kind=True):
    n = {"metadata": {"name": name, "labels": {"kubernetes.io/os": "linux"}},
         "status": {"addresses": [{"type": "InternalIP", "address": "192.168.0.10"}]}}
    return {"apiVersion": "v1", "kind": "Node", **n} if kind else n


def lst(kind, items, api="v1"):
    return {"apiVersion": api, "kind": kind, "metadata": {}, "items": items}


def to_yaml(o, ind=0):
    """Block-style YAML for the plain dicts above."""
    sp = "  " * ind
    out = ""
    if isinstance(o, dict):
        for k, v in o.items():
            if isinstance(v, (dict, list)) and v:
                out += f"{sp}{k}:\n" + to_yaml(v, ind + 1)
            else:
                out += f"{sp}{k}: {json.dumps(v)}\n"
    elif isinstance(o, list):
        for v in o:
            if isinstance(v, (dict, list)) and v:
                inner = to_yaml(v, ind + 1)
                out += f"{sp}- " + inner[len(sp) + 2:]
            else:
                out += f"{sp}- {json.dumps(v)}\n"
    return out


# ---- troubleshoot bundle (one top directory, as support-bundle-*.tar.gz unpacks) ----
R = "troubleshoot/bundle/cluster-resources/"
w("troubleshoot/bundle/version.yaml", "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundleVersion\n"
  "spec:\n  versionNumber: v0.99.0\n", raw=True)
w("troubleshoot/bundle/analysis.json", [])
w(R + "namespaces.json", lst("NamespaceList", [ns("team-a"), ns("team-b")]))
w(R + "nodes.json", [node("node-1", kind=False)])
w(R + "pods/team-a.json", [pod("team-a", "web-1", "web", kind=False)])
w(R + "pods/logs/team-a/web-1/c.log", "hello\n", raw=True)
w(R + "pods-errors.json", {"team-b": "pods is forbidden: User \"x\" cannot list resource \"pods\" "
                                     "in the namespace \"team-b\""})
w(R + "deployments-errors.json", ["deployments.apps is forbidden: cannot list"])
# troubleshoot writes the API's own messages: each names its namespace
w(R + "daemonsets/team-a.json", lst("DaemonSetList", []))
w(R + "daemonsets-errors.json", ["daemonsets.apps is forbidden: User \"x\" cannot list resource "
                                 "\"daemonsets\" in API group \"apps\" in the namespace \"team-b\""])
w(R + "configmaps/team-a.json", lst("ConfigMapList", []))
w(R + "configmaps-errors/team-b.json", ["configmaps is forbidden in team-b"])
w(R + "services/team-a.json", lst("ServiceList", []))
w(R + "statefulsets/team-a.json", "[{\"metadata\": {\"name\": \"db\"\n", raw=True)
w(R + "statefulsets/team-b.json", [])
rules_no_list = [{"verbs": ["get"], "apiGroups": [""], "resources": ["services"]},
                 {"verbs": ["list", "get"], "apiGroups": ["", "apps"],
                  "resources": ["pods", "configmaps", "deployments"]}]
w(R + "auth-cani-list/team-a.json", rules_no_list)
w(R + "auth-cani-list/team-b.json", rules_no_list)

# ---- kubectl cluster-info dump --output-directory ----
D = "cidump/"
w(D + "nodes.json", lst("NodeList", [node("node-1", kind=False)]))
for n in ["default", "team-a"]:
    w(D + n + "/pods.json", lst("PodList", [pod(n, "p-" + n, "web", kind=False)]))
    w(D + n + "/services.json", lst("ServiceList", []))
    w(D + n + "/daemonsets.json", lst("DaemonSetList", [], "apps/v1"))
    w(D + n + "/deployments.json", lst("DeploymentList", [deploy(n, "web", kind=False)], "apps/v1"))
    w(D + n + "/replicasets.json", lst("ReplicaSetList", [], "apps/v1"))
    w(D + n + "/replication-controllers.json", lst("ReplicationControllerList", []))
    w(D + n + "/events.json", lst("EventList", []))
    w(D + n + "/p-" + n + "/logs.txt", "log line\n", raw=True)
w(D + "empty-ns/events.json", lst("EventList", []))
w(D + "empty-ns/pods.json", lst("PodList", []))
w(D + "empty-ns/services.json", lst("ServiceList", []))

# ---- the same dump's stdout form ----
out = json.dumps(lst("NodeList", [node("node-1", kind=False)]), indent=4) + "\n"
out += json.dumps(lst("PodList", [pod("team-a", "web-1", "web", kind=False),
                                  pod("team-a", "web-2", "web", kind=False)]), indent=4) + "\n"
out += ("==== START logs for container c of pod team-a/web-1 ====\n{ this is not JSON\n\"kind\": \"Pod\"\n"
        "==== END logs for container c of pod team-a/web-1 ====\n")
out += json.dumps(lst("ReplicationControllerList", []), indent=4) + "\n"
w("cidump-stdout.txt", out, raw=True)

# ---- sonobuoy (current names) ----
S = "sonobuoy/"
w(S + "resources/ns/team-a/core_v1_pods.json", lst("PodList", [pod("team-a", "web-1", "web")]))
w(S + "resources/ns/team-a/networking.k8s.io_v1_networkpolicies.json",
  lst("NetworkPolicyList", [netpol("team-a", "deny")], "networking.k8s.io/v1"))
w(S + "resources/ns/team-b/core_v1_pods.json", lst("PodList", [pod("team-b", "api-1", "api")]))
w(S + "resources/cluster/core_v1_nodes.json", lst("NodeList", [node("node-1")]))
w(S + "meta/query-time.json", [
    {"queryobj": "pods", "namespace": "team-a", "time": "1ms"},
    {"queryobj": "networkpolicies", "namespace": "team-b", "time": "1ms", "error": {}},
])
w(S + "meta/config.json", {"Resources": ["pods", "nodes", "networkpolicies", "deployments"]})
w(S + "plugins/e2e/results/global/junit.xml", "<testsuites/>\n", raw=True)

# ---- sonobuoy 0.10 (bare arrays, items without kind) ----
L = "sonobuoy-legacy/"
w(L + "resources/ns/team-a/Pods.json", [pod("team-a", "web-1", "web", kind=False),
                                         pod("team-a", "web-2", "web", kind=False)])
w(L + "resources/cluster/Nodes.json", [node("node-1", kind=False)])
w(L + "meta/config.json", {"Resources": ["Pods", "Nodes"]})

# ---- Velero ----
V = "velero/backup/"
w(V + "metadata/version", "1\n", raw=True)
w(V + "resources/namespaces/cluster/team-a.json", ns("team-a"))
w(V + "resources/pods/namespaces/team-a/web-1.json", pod("team-a", "web-1", "web"))
w(V + "resources/networkpolicies.networking.k8s.io/namespaces/team-a/deny.json", netpol("team-a", "deny"))
w(V + "resources/networkpolicies.networking.k8s.io/v1-preferredversion/namespaces/team-a/deny.json",
  netpol("team-a", "deny"))
w(V + "resources/deployments.apps/v1-preferredversion/namespaces/team-a/web.json", deploy("team-a", "web"))

# ---- generic directory ----
G = "generic/"
w(G + "a-pods.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: team-a\nspec:\n"
  "  containers:\n  - name: c\n    image: nginx\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n"
  "  namespace: team-a\nspec:\n  containers:\n  - name: c\n    image: nginx\n", raw=True)
w(G + "b/c-pod.yml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: c\n  namespace: team-a\n", raw=True)
w(G + "b/d-netpol.json", netpol("team-a", "d"))
w(G + "README.md", "kind: Pod\n", raw=True)
w(G + ".hidden/e-pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hidden\n  namespace: team-a\n",
  raw=True)
w(G + "broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n", raw=True)
w(G + "10-cni.conflist", {"cniVersion": "0.4.0", "name": "k8s-pod-network",
                          "plugins": [{"type": "calico"}, {"type": "portmap"}]})

# ---- one small cluster, four ways ----
C = "same/"
nss = [ns("team-a"), ns("team-b")]
pods_ = [pod("team-a", "web-1", "web"), pod("team-a", "web-2", "web"), pod("team-b", "api-1", "api")]
deps = [deploy("team-a", "web"), deploy("team-b", "api")]
nps = [netpol("team-a", "deny-all"), netpol("team-b", "deny-all")]
nodes = [node("node-1")]
allobjs = nss + nodes + pods_ + deps + nps
w(C + "list.json", lst("List", allobjs))
w(C + "multi.yaml", "".join("---\n" + to_yaml(o) for o in allobjs), raw=True)
for o in allobjs:
    k = o["kind"].lower()
    nsn = o["metadata"].get("namespace", "cluster")
    w(f"{C}dir/{nsn}/{k}-{o['metadata']['name']}.yaml", to_yaml(o), raw=True)
T = C + "troubleshoot/support-bundle-2024/cluster-resources/"
w(T + "namespaces.json", lst("NamespaceList", nss))
w(T + "nodes.json", lst("NodeList", nodes))
for n in ["team-a", "team-b"]:
    w(T + f"pods/{n}.json", lst("PodList", [p for p in pods_ if p["metadata"]["namespace"] == n]))
    w(T + f"deployments/{n}.json",
      lst("DeploymentList", [d for d in deps if d["metadata"]["namespace"] == n], "apps/v1"))
    w(T + f"network-policy/{n}.json",
      lst("NetworkPolicyList", [p for p in nps if p["metadata"]["namespace"] == n], "networking.k8s.io/v1"))
