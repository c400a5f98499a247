#!/usr/bin/env python3
"""Writes the fixture cluster the live tests serve, as one JSON v1 List.

Deterministic. Enough pods in team-a (700) and overall (> 1000) that lists
take several pages of 500. Holds things live mode must never fetch or write
(a Secret, a non-CNI ConfigMap, env values, managedFields, annotations)
next to what the audit needs (namespaces, pods, policies, workloads, a
Calico DaemonSet and ConfigMap, nodes, an AdminNetworkPolicy).
Usage: gen_cluster.py OUT.json [--pods-a N]
"""
import json
import sys

SECRET = "s3cr3t-value-never-written"


def meta(name, ns=None, labels=None, **extra):
    m = {"name": name, "uid": f"uid-{ns or 'cluster'}-{name}", "resourceVersion": "1",
         "creationTimestamp": "2024-01-01T00:00:00Z",
         "managedFields": [{"manager": "kubectl", "operation": "Update",
                            "fieldsV1": {"f:metadata": {}}}]}
    if ns:
        m["namespace"] = ns
    if labels:
        m["labels"] = labels
    m.update(extra)
    return m


def pod(name, ns, labels, owner=None, host_network=False, phase="Running", ip="10.0.0.1",
        ports=None, env_secret=False):
    c = {"name": "main", "image": "nginx:1.25",
         "ports": ports or [{"containerPort": 8080, "name": "http", "protocol": "TCP"}]}
    if env_secret:
        c["env"] = [{"name": "PASSWORD", "value": SECRET},
                    {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]
        c["envFrom"] = [{"secretRef": {"name": "app-secret"}}]
    md = meta(name, ns, labels, annotations={"kubectl.kubernetes.io/last-applied-configuration":
                                             "{\"password\": \"" + SECRET + "\"}"})
    if owner:
        md["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1],
                                  "uid": f"uid-{ns}-{owner[1]}", "controller": True}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md,
            "spec": {"containers": [c], "hostNetwork": host_network, "nodeName": "node-1",
                     "volumes": [{"name": "secret-vol", "secret": {"secretName": "app-secret"}}]},
            "status": {"phase": phase, "podIP": ip, "podIPs": [{"ip": ip}]}}


def main():
    out = sys.argv[1]
    pods_a = 700
    if "--pods-a" in sys.argv:
        pods_a = int(sys.argv[sys.argv.index("--pods-a") + 1])
    items = []
    for ns, labels in [("default", {}), ("kube-system", {}), ("team-a", {"team": "a"}),
                       ("team-b", {"team": "b"}), ("team-c", {"team": "c"})]:
        lab = {"kubernetes.io/metadata.name": ns}
        lab.update(labels)
        items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": meta(ns, None, lab),
                      "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    for i in (1, 2):
        items.append({"apiVersion": "v1", "kind": "Node",
                      "metadata": meta(f"node-{i}", None, {"kubernetes.io/os": "linux",
                                                           "kubernetes.io/hostname": f"node-{i}"},
                                       annotations={"projectcalico.org/IPv4Address": f"192.168.0.{i}/24",
                                                    "example.com/owner": "someone"}),
                      "spec": {"podCIDR": f"10.244.{i}.0/24"},
                      "status": {"addresses": [{"type": "InternalIP", "address": f"192.168.0.{i}"}],
                                 "nodeInfo": {"kubeletVersion": "v1.30.0", "operatingSystem": "linux"}}})
    # kube-system: Calico
    tmpl = {"metadata": {"labels": {"k8s-app": "calico-node"}},
            "spec": {"hostNetwork": True,
                     "containers": [{"name": "calico-node", "image": "docker.io/calico/node:v3.27.0",
                                     "env": [{"name": "CALICO_NETWORKING_BACKEND", "value": "bird"},
                                             {"name": "DATASTORE_TYPE", "value": "kubernetes"},
                                             {"name": "API_KEY", "value": SECRET}]}],
                     "volumes": [{"name": "cni-bin", "hostPath": {"path": "/opt/cni/bin"}}]}}
    items.append({"apiVersion": "apps/v1", "kind": "DaemonSet",
                  "metadata": meta("calico-node", "kube-system", {"k8s-app": "calico-node"}),
                  "spec": {"selector": {"matchLabels": {"k8s-app": "calico-node"}}, "template": tmpl},
                  "status": {"desiredNumberScheduled": 2, "numberReady": 2}})
    for i in (1, 2):
        p = pod(f"calico-node-{i}", "kube-system", {"k8s-app": "calico-node"},
                owner=("DaemonSet", "calico-node"), host_network=True, ip=f"192.168.0.{i}")
        p["spec"]["containers"][0]["image"] = "docker.io/calico/node:v3.27.0"
        items.append(p)
    cni = {"name": "k8s-pod-network", "cniVersion": "0.3.1",
           "plugins": [{"type": "calico", "policy": {"type": "k8s"}}, {"type": "portmap"}]}
    items.append({"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": meta("calico-config", "kube-system"),
                  "data": {"cni_network_config": json.dumps(cni), "calico_backend": "bird",
                           "typha_service_name": "none", "private-key": SECRET}})
    items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("app-config", "team-a"),
                  "data": {"password": SECRET}})
    items.append({"apiVersion": "v1", "kind": "Secret", "metadata": meta("app-secret", "team-a"),
                  "type": "Opaque", "data": {"password": "czNjcjN0"}})
    # team-a: a Deployment with many pods, isolated by a default-deny
    sel = {"app": "web"}
    items.append({"apiVersion": "apps/v1", "kind": "Deployment",
                  "metadata": meta("web", "team-a", sel),
                  "spec": {"replicas": pods_a, "selector": {"matchLabels": sel},
                           "template": {"metadata": {"labels": sel},
                                        "spec": {"containers": [{"name": "main", "image": "nginx",
                                                                 "env": [{"name": "TOKEN", "value": SECRET}]}]}}},
                  "status": {"replicas": pods_a, "readyReplicas": pods_a}})
    items.append({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                  "metadata": dict(meta("web-5d4f", "team-a", dict(sel, **{"pod-template-hash": "5d4f"})),
                                   ownerReferences=[{"apiVersion": "apps/v1", "kind": "Deployment",
                                                     "name": "web", "uid": "uid-team-a-web",
                                                     "controller": True}]),
                  "spec": {"replicas": pods_a, "selector": {"matchLabels": sel},
                           "template": {"metadata": {"labels": dict(sel, **{"pod-template-hash": "5d4f"})},
                                        "spec": {"containers": [{"name": "main", "image": "nginx"}]}}},
                  "status": {"replicas": pods_a, "readyReplicas": pods_a}})
    for i in range(pods_a):
        items.append(pod(f"web-5d4f-{i:05d}", "team-a", dict(sel, **{"pod-template-hash": "5d4f"}),
                         owner=("ReplicaSet", "web-5d4f"), ip=f"10.1.{i // 250}.{i % 250 + 1}",
                         env_secret=(i == 0)))
    items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                  "metadata": meta("default-deny", "team-a"),
                  "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
    items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                  "metadata": meta("allow-web", "team-a"),
                  "spec": {"podSelector": {"matchLabels": sel},
                           "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "b"}}}],
                                        "ports": [{"port": "http"}]}],
                           "egress": [{"to": [{"namespaceSelector": {}}],
                                       "ports": [{"port": 53, "protocol": "UDP"}]}]}})
    # team-b: unprotected pods, a Service and an Ingress
    for i in range(400):
        items.append(pod(f"api-{i:04d}", "team-b", {"app": "api"}, ip=f"10.2.{i // 250}.{i % 250 + 1}"))
    items.append({"apiVersion": "v1", "kind": "Service", "metadata": meta("api", "team-b"),
                  "spec": {"selector": {"app": "api"}, "ports": [{"port": 80, "targetPort": 8080}]}})
    items.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("api", "team-b"),
                  "spec": {"rules": [{"host": "api.example.com"}]}})
    # team-c: other workload kinds, one policy with a bad selector operator
    items.append({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta("db", "team-c", {"app": "db"}),
                  "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "db"}},
                           "template": {"metadata": {"labels": {"app": "db"}},
                                        "spec": {"containers": [{"name": "db", "image": "postgres"}]}}},
                  "status": {"replicas": 1, "readyReplicas": 1}})
    items.append(dict(pod("db-0", "team-c", {"app": "db"}, ip="10.3.0.1"),
                      metadata=dict(meta("db-0", "team-c", {"app": "db"}),
                                    ownerReferences=[{"apiVersion": "apps/v1", "kind": "StatefulSet",
                                                      "name": "db", "uid": "uid-team-c-db",
                                                      "controller": True}])))
    items.append({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("nightly", "team-c"),
                  "spec": {"schedule": "0 0 * * *",
                           "jobTemplate": {"spec": {"template": {"metadata": {"labels": {"job": "nightly"}},
                                                                 "spec": {"containers": [{"name": "j", "image": "busybox"}],
                                                                          "restartPolicy": "Never"}}}}}})
    items.append({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("nightly-1", "team-c"),
                  "spec": {"template": {"metadata": {"labels": {"job": "nightly"}},
                                        "spec": {"containers": [{"name": "j", "image": "busybox"}],
                                                 "restartPolicy": "Never"}}},
                  "status": {"succeeded": 1}})
    items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                  "metadata": meta("db-ingress", "team-c"),
                  "spec": {"podSelector": {"matchExpressions": [{"key": "app", "operator": "In",
                                                                 "values": ["db"]}]},
                           "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "missing"}}}]}]}})
    # default: a hostNetwork pod
    items.append(pod("debug", "default", {"run": "debug"}, host_network=True, ip="192.168.0.9"))
    # cluster-scoped policy kinds
    items.append({"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy",
                  "metadata": meta("deny-team-c-egress"),
                  "spec": {"priority": 10,
                           "subject": {"namespaces": {"matchLabels": {"team": "c"}}},
                           "egress": [{"name": "deny-all", "action": "Deny",
                                       "to": [{"namespaces": {}}]}]}})
    items.append({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
                  "metadata": meta("policy-check"), "webhooks": []})
    with open(out, "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
