#!/usr/bin/env python3
"""Writes test/data/reach/k8s-e2e/<case>/{policy.yaml,expect.txt}: cases of the
upstream Kubernetes e2e netpol suite (test/e2e/network/netpol/network_policy.go)
on its model (namespaces x, y, z; pods a, b, c; ports 80/81 over TCP, UDP and
SCTP), written from the upstream tests' policies and Reachability expectations
(ExpectAllIngress, ExpectAllEgress, ExpectPeer, Expect). Only the final state
of tests that update objects is kept. Run once; the outputs are checked in and
test/e2e/reach/run.sh reads them (python is not needed at test time).

expect.txt: for each probe, "probe PROTO/PORT" then a truth table, rows = from,
columns = to, "." allowed, "X" blocked, "-" on the diagonal (a pod to itself is
always allowed and never listed by reach)."""
import os
import re
import sys

NS = ["x", "y", "z"]
PODS = ["a", "b", "c"]
ALL = [f"{n}/{p}" for n in NS for p in PODS]
IP = {f"{n}/{p}": f"192.168.{i + 1}.{j + 1}" for i, n in enumerate(NS) for j, p in enumerate(PODS)}


class Reach:
    def __init__(self, default=True):
        self.m = {(s, d): default for s in ALL for d in ALL}

    def expect(self, s, d, v):
        self.m[(s, d)] = v
        return self

    def all_ingress(self, d, v):
        for s in ALL:
            self.m[(s, d)] = v
        return self

    def all_egress(self, s, v):
        for d in ALL:
            self.m[(s, d)] = v
        return self

    def peer(self, frm, to, v):
        """frm/to: "x" (namespace) or "x/a" (pod)."""
        def match(sel, pod):
            return pod == sel or pod.split("/")[0] == sel
        for s in ALL:
            for d in ALL:
                if match(frm, s) and match(to, d):
                    self.m[(s, d)] = v
        return self

    def table(self):
        lines = ["     " + " ".join(f"{d:<3}" for d in ALL)]
        for s in ALL:
            cells = []
            for d in ALL:
                cells.append("-  " if s == d else (".  " if self.m[(s, d)] else "X  "))
            lines.append(f"{s:<5}" + " ".join(cells).rstrip())
        return "\n".join(lines)


def np(name, ns, pod_selector, ingress=None, egress=None, types=None):
    """A NetworkPolicy as YAML text; rules are YAML snippets (lists)."""
    y = [
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata:",
        f"  name: {name}",
        f"  namespace: {ns}",
        "spec:",
        f"  podSelector: {pod_selector}",
    ]
    if types:
        y.append("  policyTypes: [" + ", ".join(types) + "]")
    if ingress is not None:
        y.append("  ingress:" + ("" if ingress else " []"))
        y.extend("  " + l for l in ingress)
    if egress is not None:
        y.append("  egress:" + ("" if egress else " []"))
        y.extend("  " + l for l in egress)
    # YAML 1.1 reads a bare y as true: quote namespace names.
    text = "\n".join(y) + "\n"
    text = re.sub(r"\b(ns|namespace|kubernetes\.io/metadata\.name): ([xyz])\b", r'\1: "\2"', text)
    return re.sub(r"values: \[([xyz])\]", r'values: ["\1"]', text)


POD_A = "{matchLabels: {pod: a}}"
ALLPODS = "{}"
DNS = ["- ports:", "  - {protocol: UDP, port: 53}"]

CASES = []


def case(name, title, policies, probes):
    CASES.append((name, title, policies, probes))


# --- ingress ---
case("default-deny-ingress", "should support a 'default-deny-ingress' policy",
     [np("deny-ingress", "x", ALLPODS, types=["Ingress"])],
     {"tcp/80": Reach().all_ingress("x/a", False).all_ingress("x/b", False)
      .all_ingress("x/c", False)})

case("default-deny-all", "should support a 'default-deny-all' policy",
     [np("deny-all", "x", ALLPODS, types=["Ingress", "Egress"])],
     {"tcp/80": Reach().peer("x", "x", False).peer("x", "y", False).peer("x", "z", False)
      .peer("y", "x", False).peer("z", "x", False)})

case("podselector-same-ns",
     "should enforce policy to allow traffic from pods within server namespace based on PodSelector",
     [np("x-a-allows-x-b", "x", POD_A,
         ingress=["- from:", "  - podSelector: {matchLabels: {pod: b}}"], types=["Ingress"])],
     {"tcp/80": Reach().all_ingress("x/a", False).expect("x/b", "x/a", True)})

case("ingress-target", "should enforce policy to allow ingress traffic for a target",
     [np("deny-ingress", "x", ALLPODS, types=["Ingress"]),
      np("allow-all-to-a", "x", POD_A, ingress=["- {}"])],
     {"tcp/80": Reach().all_ingress("x/b", False).all_ingress("x/c", False)})

case("ingress-all-namespaces", "should enforce policy to allow ingress traffic from pods in all namespaces",
     [np("allow-from-another-ns", "x", POD_A,
         ingress=["- from:", "  - namespaceSelector: {}"])],
     {"tcp/80": Reach()})

case("nsselector-different-ns",
     "should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector",
     [np("allow-client-a-via-ns-selector", "x", POD_A,
         ingress=["- from:", "  - namespaceSelector: {matchLabels: {ns: y}}"])],
     {"tcp/80": Reach().peer("x", "x/a", False).peer("z", "x/a", False)})

case("podselector-matchexpressions", "should enforce policy based on PodSelector with MatchExpressions",
     [np("allow-client-a-via-pod-selector-with-match-expressions", "x", POD_A,
         ingress=["- from:", "  - podSelector:",
                  "      matchExpressions: [{key: pod, operator: In, values: [b]}]"])],
     {"tcp/80": Reach().all_ingress("x/a", False).expect("x/b", "x/a", True)})

case("nsselector-matchexpressions", "should enforce policy based on NamespaceSelector with MatchExpressions",
     [np("allow-any-client-with-expression-selector", "x", POD_A,
         ingress=["- from:", "  - namespaceSelector:",
                  "      matchExpressions: [{key: ns, operator: In, values: [y]}]"])],
     {"tcp/80": Reach().peer("x", "x/a", False).peer("z", "x/a", False)})

case("podselector-or-nsselector", "should enforce policy based on PodSelector or NamespaceSelector",
     [np("allow-ns-y-match-selector", "x", POD_A,
         ingress=["- from:",
                  "  - namespaceSelector:",
                  "      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]",
                  "  - podSelector: {matchLabels: {pod: b}}"])],
     {"tcp/80": Reach().expect("x/c", "x/a", False)})

case("podselector-and-nsselector", "should enforce policy based on PodSelector and NamespaceSelector",
     [np("allow-ns-y-podselector-and-nsselector", "x", POD_A,
         ingress=["- from:",
                  "  - namespaceSelector:",
                  "      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]",
                  "    podSelector: {matchLabels: {pod: b}}"])],
     {"tcp/80": Reach().all_ingress("x/a", False).expect("y/b", "x/a", True)
      .expect("z/b", "x/a", True)})

case("multiple-podselectors-and-nsselectors",
     "should enforce policy based on Multiple PodSelectors and NamespaceSelectors",
     [np("allow-z-ns-y-podselector-and-nsselector", "x", POD_A,
         ingress=["- from:",
                  "  - namespaceSelector:",
                  "      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]",
                  "    podSelector:",
                  "      matchExpressions: [{key: pod, operator: In, values: [b, c]}]"])],
     {"tcp/80": Reach().all_ingress("x/a", False).expect("y/b", "x/a", True)
      .expect("y/c", "x/a", True).expect("z/b", "x/a", True).expect("z/c", "x/a", True)})

case("any-podselectors", "should enforce policy based on any PodSelectors",
     [np("allow-x-a-from-b-or-c", "x", POD_A,
         ingress=["- from:",
                  "  - podSelector: {matchLabels: {pod: b}}",
                  "  - podSelector: {matchLabels: {pod: c}}"])],
     {"tcp/80": Reach().all_ingress("x/a", False).expect("x/b", "x/a", True)
      .expect("x/c", "x/a", True)})

case("pod-in-other-ns",
     "should enforce policy to allow traffic only from a pod in a different namespace based on "
     "PodSelector and NamespaceSelector",
     [np("allow-ns-y-pod-a-via-namespace-pod-selector", "x", POD_A,
         ingress=["- from:",
                  "  - namespaceSelector: {matchLabels: {ns: y}}",
                  "    podSelector: {matchLabels: {pod: a}}"])],
     {"tcp/80": Reach().all_ingress("x/a", False).expect("y/a", "x/a", True)})

case("ports", "should enforce policy based on Ports",
     [np("allow-ingress-on-port-81-ns-x", "x", POD_A,
         ingress=["- from:", "  - namespaceSelector: {matchLabels: {ns: y}}",
                  "  ports:", "  - {protocol: TCP, port: 81}"])],
     {"tcp/80": Reach().all_ingress("x/a", False),
      "tcp/81": Reach().peer("x", "x/a", False).peer("z", "x/a", False)})

case("stacked-policies", "should enforce multiple, stacked policies with overlapping podSelectors",
     [np("allow-ingress-port-80", "x", POD_A,
         ingress=["- from:", "  - namespaceSelector: {matchLabels: {ns: y}}",
                  "  ports:", "  - {protocol: TCP, port: 80}"]),
      np("allow-ingress-port-81", "x", POD_A,
         ingress=["- from:", "  - namespaceSelector: {matchLabels: {ns: y}}",
                  "  ports:", "  - {protocol: TCP, port: 81}"])],
     {"tcp/80": Reach().peer("x", "x/a", False).peer("z", "x/a", False),
      "tcp/81": Reach().peer("x", "x/a", False).peer("z", "x/a", False)})

case("allow-all", "should support allow-all policy",
     [np("allow-all", "x", ALLPODS, ingress=["- {}"], types=["Ingress"])],
     {"tcp/80": Reach(), "tcp/81": Reach()})

case("named-port-ingress", "should allow ingress access on one named port",
     [np("allow-all-ingress-on-named-port", "x", ALLPODS,
         ingress=["- ports:", "  - {port: serve-81-tcp}"])],
     {"tcp/81": Reach(), "tcp/80": Reach().peer("x", "x", False).peer("y", "x", False)
      .peer("z", "x", False)})

case("named-port-ingress-from-ns", "should allow ingress access from namespace on one named port",
     [np("allow-80-from-ns-y", "x", ALLPODS,
         ingress=["- from:", "  - namespaceSelector: {matchLabels: {ns: y}}",
                  "  ports:", "  - {port: serve-80-tcp}"])],
     {"tcp/80": Reach().peer("x", "x", False).peer("z", "x", False),
      "tcp/81": Reach().peer("x", "x", False).peer("y", "x", False).peer("z", "x", False)})

case("named-port-egress", "should allow egress access on one named port",
     [np("allow-egress-on-named-port", "x", ALLPODS,
         egress=["- ports:", "  - {port: serve-80-tcp}"], types=["Egress"])],
     {"tcp/80": Reach(), "tcp/81": Reach().peer("x", "x", False).peer("x", "y", False)
      .peer("x", "z", False)})

case("deny-other-namespaces", "should deny ingress from pods on other namespaces",
     [np("deny-other-ns", "x", ALLPODS, ingress=["- from:", "  - podSelector: {}"])],
     {"tcp/80": Reach().peer("y", "x", False).peer("z", "x", False)})

case("deny-egress-podselector", "should deny egress from pods based on PodSelector",
     [np("deny-egress-pod-a", "x", POD_A, types=["Egress"])],
     {"tcp/80": Reach().all_egress("x/a", False)})

case("deny-egress-all", "should deny egress from all pods in a namespace",
     [np("deny-egress-ns-x", "x", ALLPODS, types=["Egress"])],
     {"tcp/80": Reach().all_egress("x/a", False).all_egress("x/b", False).all_egress("x/c", False)})

case("ingress-and-egress", "should work with Ingress, Egress specified together",
     [np("allow-ingress-egress", "x", POD_A,
         ingress=["- from:", "  - podSelector: {matchLabels: {pod: b}}"],
         egress=["- ports:", "  - {protocol: TCP, port: 80}", "  - {protocol: UDP, port: 53}"])],
     {"tcp/80": Reach().all_ingress("x/a", False).expect("x/b", "x/a", True),
      "tcp/81": Reach().all_ingress("x/a", False).all_egress("x/a", False)
      .expect("x/b", "x/a", True)})

case("egress-pod-and-ns",
     "should enforce egress policy allowing traffic to a server in a different namespace based on "
     "PodSelector and NamespaceSelector",
     [np("allow-to-ns-y-pod-a", "x", POD_A,
         egress=["- to:", "  - namespaceSelector: {matchLabels: {ns: y}}",
                 "    podSelector: {matchLabels: {pod: a}}",
                 "  ports:", "  - {protocol: TCP, port: 80}"] + DNS, types=["Egress"])],
     {"tcp/80": Reach().all_egress("x/a", False).expect("x/a", "y/a", True)})

case("ingress-any-port-protocol",
     "should enforce ingress policy allowing any port traffic to a server on a specific protocol",
     [np("allow-ingress-by-proto", "x", POD_A, ingress=["- ports:", "  - {protocol: TCP}"])],
     {"tcp/80": Reach(), "tcp/81": Reach(), "udp/80": Reach().all_ingress("x/a", False)})

case("multiple-ingress-allow-all",
     "should enforce multiple ingress policies with ingress allow-all policy taking precedence",
     [np("allow-ingress-port-80", "x", POD_A, ingress=["- ports:", "  - {protocol: TCP, port: 80}"]),
      np("allow-all-ingress", "x", POD_A, ingress=["- {}"])],
     {"tcp/80": Reach(), "tcp/81": Reach()})

case("multiple-egress-allow-all",
     "should enforce multiple egress policies with egress allow-all policy taking precedence",
     [np("allow-egress-port-80", "x", POD_A, egress=["- ports:", "  - {protocol: TCP, port: 80}"],
         types=["Egress"]),
      np("allow-all-egress", "x", POD_A, egress=["- {}"], types=["Egress"])],
     {"tcp/80": Reach(), "tcp/81": Reach()})

case("egress-cidr", "should allow egress access to server in CIDR block",
     [np("allow-client-a-via-cidr-egress-rule", "x", POD_A,
         egress=["- to:", f"  - ipBlock: {{cidr: {IP['y/b']}/32}}"] + DNS, types=["Egress"])],
     {"tcp/80": Reach().all_egress("x/a", False).expect("x/a", "y/b", True)})

case("egress-cidr-except", "should enforce except clause while egress access to server in CIDR block",
     [np("deny-client-a-via-except-cidr-egress-rule", "x", POD_A,
         egress=["- to:", "  - ipBlock:", "      cidr: 192.168.1.0/24",
                 f"      except: [{IP['x/b']}/32]"] + DNS, types=["Egress"])],
     {"tcp/80": Reach().all_egress("x/a", False).expect("x/a", "x/c", True)})

case("egress-cidr-except-overlap",
     "should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed",
     [np("deny-client-a-via-except-cidr-egress-rule", "x", POD_A,
         egress=["- to:", "  - ipBlock:", "      cidr: 192.168.1.0/24",
                 f"      except: [{IP['x/b']}/32]"] + DNS, types=["Egress"]),
      np("allow-client-a-via-cidr-egress-rule", "x", POD_A,
         egress=["- to:", f"  - ipBlock: {{cidr: {IP['x/b']}/32}}"], types=["Egress"])],
     {"tcp/80": Reach().all_egress("x/a", False).expect("x/a", "x/b", True)
      .expect("x/a", "x/c", True)})

case("ingress-egress-independent",
     "should enforce policies to check ingress and egress policies can be controlled independently "
     "based on PodSelector",
     [np("allow-egress-to-b", "x", POD_A, egress=["- to:", "  - podSelector: {matchLabels: {pod: b}}"],
         types=["Egress"]),
      np("deny-ingress-to-a", "x", POD_A, types=["Ingress"])],
     {"tcp/80": Reach().all_egress("x/a", False).all_ingress("x/a", False)
      .expect("x/a", "x/b", True)})

case("udp-only", "should not allow access by TCP when a policy specifies only UDP",
     [np("allow-only-udp-ingress-on-port-81", "x", POD_A,
         ingress=["- ports:", "  - {protocol: UDP, port: 81}"])],
     {"tcp/81": Reach().all_ingress("x/a", False), "udp/81": Reach()})

case("nsselector-default-ns-label",
     "should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using "
     "default ns label",
     [np("allow-client-a-via-ns-selector-for-immutable-ns-label", "x", POD_A,
         ingress=["- from:",
                  "  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}"])],
     {"tcp/80": Reach().peer("x", "x/a", False).peer("z", "x/a", False)})

case("nsselector-default-ns-label-egress",
     "should enforce policy based on NamespaceSelector with MatchExpressions using default ns label",
     [np("allow-client-a-via-ns-selector-for-immutable-ns-label", "x", POD_A,
         egress=["- to:", "  - namespaceSelector:",
                 "      matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, "
                 "values: [y]}]"], types=["Egress"])],
     {"tcp/80": Reach().peer("x/a", "y", False)})

case("client-side-egress-deny",
     "should support denying of egress traffic on the client side (even if the server explicitly "
     "allows this traffic)",
     [np("allow-to-a-from-x-a", "y", POD_A,
         ingress=["- from:", "  - namespaceSelector: {matchLabels: {ns: x}}",
                  "    podSelector: {matchLabels: {pod: a}}"]),
      np("allow-from-x-a-to-y-b", "x", POD_A,
         egress=["- to:", "  - namespaceSelector: {matchLabels: {ns: y}}",
                 "    podSelector: {matchLabels: {pod: b}}"], types=["Egress"])],
     {"tcp/80": Reach().all_egress("x/a", False).expect("x/a", "y/b", True)
      .all_ingress("y/a", False).expect("x/a", "y/a", False)})

case("sctp-ports", "should enforce policy based on Ports [Feature:SCTPConnectivity]",
     [np("allow-ingress-on-sctp-port-81", "x", POD_A,
         ingress=["- from:", "  - namespaceSelector: {matchLabels: {ns: y}}",
                  "  ports:", "  - {protocol: SCTP, port: 81}"])],
     {"sctp/81": Reach().peer("x", "x/a", False).peer("z", "x/a", False),
      "sctp/80": Reach().all_ingress("x/a", False)})

case("udp-ports", "should enforce policy based on Ports (UDP)",
     [np("allow-ingress-on-udp-port-81", "x", POD_A,
         ingress=["- from:", "  - namespaceSelector: {matchLabels: {ns: y}}",
                  "  ports:", "  - {protocol: UDP, port: 81}"])],
     {"udp/81": Reach().peer("x", "x/a", False).peer("z", "x/a", False),
      "udp/80": Reach().all_ingress("x/a", False)})

case("port-range", "should enforce policy based on a range of ports (endPort)",
     [np("allow-egress-port-range", "x", POD_A,
         egress=["- ports:", "  - {protocol: TCP, port: 80, endPort: 81}"], types=["Egress"])],
     {"tcp/80": Reach(), "tcp/81": Reach(), "udp/80": Reach().all_egress("x/a", False)})


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "data", "reach", "k8s-e2e")
    for name, title, policies, probes in CASES:
        d = os.path.join(root, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "policy.yaml"), "w") as f:
            f.write(f"# upstream: {title}\n" + "---\n".join(policies))
        with open(os.path.join(d, "expect.txt"), "w") as f:
            f.write(f"# upstream: {title}\n")
            for probe, r in probes.items():
                f.write(f"probe {probe}\n{r.table()}\n")
    print(f"{len(CASES)} cases")


if __name__ == "__main__":
    main()
