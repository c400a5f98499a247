#!/usr/bin/env python3
"""Admin-tier policies for bench/reach.sh (DESIGN §7): writes OUT.yaml with N
AdminNetworkPolicies (team namespaces selected by label, Allow/Deny/Pass rules
with pod selectors, port ranges, named ports and networks) and a
BaselineAdminNetworkPolicy "default", to go with bench/gen.py's cluster so
the reach benchmark covers every tier.

    bench/reach_gen.py [--anps N] [--seed S] OUT.yaml
"""
import argparse
import random

TEAMS = ["payments", "search", "checkout", "identity", "data", "ml", "web", "mobile", "infra",
         "growth", "ads", "risk"]
COMPONENTS = ["api", "worker", "frontend", "cache", "db", "queue", "gateway", "scheduler"]


def anp(r, i):
    team = TEAMS[i % len(TEAMS)]
    other = TEAMS[(i + 3) % len(TEAMS)]
    comp = r.choice(COMPONENTS)
    return f"""apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: bench-anp-{i:03d}
spec:
  priority: {i * 7 % 1000}
  subject:
    pods:
      namespaceSelector: {{matchLabels: {{team: {team}}}}}
      podSelector: {{matchExpressions: [{{key: app, operator: In, values: [{comp}, {r.choice(COMPONENTS)}]}}]}}
  ingress:
  - name: allow-{other}
    action: Allow
    from:
    - namespaces: {{matchLabels: {{team: {other}}}}}
    ports:
    - portRange: {{protocol: TCP, start: {8000 + i % 50}, end: {8100 + i % 50}}}
  - name: pass-monitoring
    action: Pass
    from:
    - namespaces: {{matchLabels: {{kubernetes.io/metadata.name: monitoring}}}}
  - name: deny-rest-{i}
    action: Deny
    from:
    - pods: {{namespaceSelector: {{}}, podSelector: {{matchLabels: {{app: {r.choice(COMPONENTS)}}}}}}}
  egress:
  - name: deny-metadata
    action: Deny
    to:
    - networks: [169.254.169.254/32, 10.{i % 256}.0.0/16]
  - name: allow-named
    action: Allow
    to:
    - namespaces: {{matchLabels: {{team: {team}}}}}
    ports:
    - namedPort: http
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anps", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("out")
    a = ap.parse_args()
    r = random.Random(a.seed)
    docs = [anp(r, i) for i in range(a.anps)]
    docs.append("""apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata:
  name: default
spec:
  subject:
    namespaces: {matchExpressions: [{key: team, operator: Exists}]}
  ingress:
  - name: deny-other-teams
    action: Deny
    from:
    - namespaces: {matchExpressions: [{key: env, operator: In, values: [dev]}]}
""")
    with open(a.out, "w") as f:
        f.write("---\n".join(docs))


if __name__ == "__main__":
    main()
