#!/usr/bin/env python3
"""A loopback Kubernetes API server for kubectl-netpol's live-mode tests.

Standard library only. Serves discovery (/api, /apis, /api/v1, /apis/G/V),
paginated lists (limit + continue) and single GETs from a JSON List of
objects, over TLS (or plain http with --http), with bearer-token, basic and
client-certificate users. Faults are injected from a JSON file (see FAULTS
below). Every request is logged as one JSON line (--log) so tests can check
what was asked (only GET, never all ConfigMaps, limit=500, gzip...).

It binds 127.0.0.1 only and writes its port to --port-file once listening.

FAULTS keys (all optional; counters are consumed per matching request):
  unauthorized: true            every request is 401
  reject_tokens: [T, ...]       these bearer tokens get 401
  first_401: N                  the first N requests get 401
  forbid: [{"resource": R, "namespace": NS|null}]
                                403 on a list of R: namespace null = the
                                cluster-wide list, "*" = every list of R
  gone: {R: N}                  410 on the next N continue requests of R
  gone_first: {R: N}            410 on the next N requests of R (any page)
  throttle: {R: N}              429 with Retry-After: 1 on the next N lists of R
  unavailable: {R: N}           503 with Retry-After: 1 on the next N lists of R
  error500: {R: N}              500 without Retry-After on the next N lists of R
  truncate: {R: N}              cut the next N bodies of R half-way
  corrupt: {R: N}               the next N bodies of R are not JSON
  slow: {R: SECONDS}            delay every list of R
  discovery_forbidden: true     /apis is 403
  unauthorized_resources: [R]   401 on every list of R (after the first request)
  redirect: {R: N}              302 to another path on the next N lists of R
  invalid: {R: N}               the next N bodies of R are complete but invalid
                                JSON (a trailing comma, then a NUL byte)
  trickle: {R: SECONDS}         slow loris: every list of R sends its headers,
                                then one body byte every SECONDS, so no idle
                                or low-speed timeout ever fires
  endless: {R: N}               the next N lists of R stream a body that never
                                ends (chunked; items of ~4 KiB forever)
"""
import argparse
import base64
import gzip
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUILTIN = {
    # (group, version): [(plural, kind, namespaced)]
    ("", "v1"): [("pods", "Pod", True), ("namespaces", "Namespace", False),
                 ("nodes", "Node", False), ("configmaps", "ConfigMap", True),
                 ("services", "Service", True), ("secrets", "Secret", True)],
    ("apps", "v1"): [("daemonsets", "DaemonSet", True), ("deployments", "Deployment", True),
                     ("replicasets", "ReplicaSet", True), ("statefulsets", "StatefulSet", True)],
    ("batch", "v1"): [("jobs", "Job", True), ("cronjobs", "CronJob", True)],
    ("networking.k8s.io", "v1"): [("networkpolicies", "NetworkPolicy", True),
                                  ("ingresses", "Ingress", True)],
    ("admissionregistration.k8s.io", "v1"): [
        ("validatingwebhookconfigurations", "ValidatingWebhookConfiguration", False),
        ("mutatingwebhookconfigurations", "MutatingWebhookConfiguration", False)],
    ("apiregistration.k8s.io", "v1"): [("apiservices", "APIService", False)],
}
CRDS = {
    "policy.networking.k8s.io": {"v1alpha1": [
        ("adminnetworkpolicies", "AdminNetworkPolicy", False),
        ("baselineadminnetworkpolicies", "BaselineAdminNetworkPolicy", False)]},
    "cilium.io": {"v2": [("ciliumnetworkpolicies", "CiliumNetworkPolicy", True),
                         ("ciliumclusterwidenetworkpolicies", "CiliumClusterwideNetworkPolicy",
                          False)]},
    "crd.projectcalico.org": {"v1": [("networkpolicies", "NetworkPolicy", True),
                                     ("globalnetworkpolicies", "GlobalNetworkPolicy", False)]},
    "projectcalico.org": {"v3": [("networkpolicies", "NetworkPolicy", True),
                                 ("globalnetworkpolicies", "GlobalNetworkPolicy", False)]},
}


class State:
    def __init__(self, args):
        with open(args.objects) as f:
            doc = json.load(f)
        self.objects = doc["items"] if isinstance(doc, dict) else doc
        self.faults = {}
        if args.faults:
            with open(args.faults) as f:
                self.faults = json.load(f)
        self.tokens = dict(t.split("=", 1) for t in (args.token or []))
        self.basic = dict(b.split("=", 1) for b in (args.basic or []))
        self.crd_groups = set(args.crd_group or [])
        self.anonymous = args.anonymous
        self.prefix = (args.prefix or "").rstrip("/")
        self.cache_pages = args.cache_pages
        self.page_cache = {}
        self.lock = threading.Lock()
        self.log = open(args.log, "a") if args.log else None
        self.requests = 0
        self.index = {}
        # (group, version, plural) -> (kind, namespaced)
        self.resources = {}
        for (g, v), lst in BUILTIN.items():
            for plural, kind, nsd in lst:
                self.resources[(g, v, plural)] = (kind, nsd)
        for g in self.crd_groups:
            for v, lst in CRDS[g].items():
                for plural, kind, nsd in lst:
                    self.resources[(g, v, plural)] = (kind, nsd)

    def take(self, key, res):
        """Consumes one count of fault key for resource res."""
        with self.lock:
            d = self.faults.get(key) or {}
            n = d.get(res, 0)
            if n > 0:
                d[res] = n - 1
                return True
        return False

    def items_for(self, group, version, plural):
        """The objects of one resource, sorted by (namespace, name); cached."""
        key = (group, version, plural)
        with self.lock:
            if key in self.index:
                return self.index[key]
        kind, _ = self.resources[key]
        av = f"{group}/{version}" if group else version
        out = [o for o in self.objects if o.get("kind") == kind and o.get("apiVersion") == av]
        out.sort(key=lambda o: (o.get("metadata", {}).get("namespace", ""),
                                o.get("metadata", {}).get("name", "")))
        with self.lock:
            self.index[key] = out
        return out

    def write_log(self, rec):
        if self.log:
            with self.lock:
                self.log.write(json.dumps(rec, sort_keys=True) + "\n")
                self.log.flush()


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-apiserver/1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    # -- plumbing --
    def send_json(self, code, obj, extra=None, res=None, raw=None, cache_key=None):
        st = self.server.state
        gz = "gzip" in (self.headers.get("Accept-Encoding") or "") and raw is None
        if cache_key is not None:
            with st.lock:
                hit = st.page_cache.get(cache_key + (gz,))
            if hit is not None:
                self.send_response(code)
                for k, v in hit[1].items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(hit[0])))
                self.end_headers()
                self.wfile.write(hit[0])
                return
        body = raw if raw is not None else json.dumps(obj).encode()
        headers = {"Content-Type": "application/json"}
        if "gzip" in (self.headers.get("Accept-Encoding") or "") and raw is None:
            # the API server's level (defaultGzipContentEncodingLevel = 1)
            body = gzip.compress(body, compresslevel=1)
            headers["Content-Encoding"] = "gzip"
        headers.update(extra or {})
        if cache_key is not None:
            with st.lock:
                st.page_cache[cache_key + (gz,)] = (body, headers)
        cut = res is not None and code == 200 and st.take("truncate", res)
        trickle = (st.faults.get("trickle") or {}).get(res) if res is not None else None
        self.send_response(code)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if cut:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return
        if trickle and code == 200:
            self.wfile.flush()
            try:
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(trickle)
            except OSError:
                self.close_connection = True
            return
        self.wfile.write(body)

    def send_endless(self, kind):
        """A 200 list whose items never end, until the client hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True
        pad = "x" * 4000
        head = ('{"kind": "%sList", "apiVersion": "v1", "metadata": {}, "items": [' % kind)
        try:
            self.write_chunk(head.encode())
            n = 0
            while True:
                batch = []
                for _ in range(64):
                    batch.append('{"metadata": {"name": "endless-%d", "namespace": "default", '
                                 '"annotations": {"pad": "%s"}}, "spec": {}},' % (n, pad))
                    n += 1
                self.write_chunk("".join(batch).encode())
        except OSError:
            pass

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")

    def user(self):
        st = self.server.state
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("Bearer "):
            tok = auth[7:]
            if tok in (st.faults.get("reject_tokens") or []):
                return None, "bearer"
            return st.tokens.get(tok), "bearer"
        if auth.startswith("Basic "):
            try:
                u, p = base64.b64decode(auth[6:]).decode().split(":", 1)
            except Exception:
                return None, "basic"
            return (u if st.basic.get(u) == p else None), "basic"
        cert = None
        try:
            cert = self.connection.getpeercert()
        except (AttributeError, ValueError):
            cert = None
        if cert:
            for rdn in cert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        return v, "cert"
        return st.anonymous, "none"

    def do_POST(self):
        self.reject()

    do_PUT = do_PATCH = do_DELETE = do_POST

    def reject(self):
        self.server.state.write_log({"method": self.command, "path": self.path})
        self.send_json(405, status(405, "MethodNotAllowed", "only GET here"))

    def do_GET(self):
        st = self.server.state
        u = urllib.parse.urlsplit(self.path)
        if st.prefix:
            if not u.path.startswith(st.prefix + "/"):
                st.write_log({"method": "GET", "path": u.path, "status": 404})
                self.send_json(404, status(404, "NotFound", "outside the prefix"))
                return
            u = u._replace(path=u.path[len(st.prefix):])
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        user, kind = self.user()
        with st.lock:
            st.requests += 1
            nreq = st.requests
        rec = {"method": "GET", "path": u.path, "query": q, "user": user, "auth": kind,
               "gzip": "gzip" in (self.headers.get("Accept-Encoding") or ""),
               "impersonate": self.headers.get("Impersonate-User"),
               "impersonate_groups": self.headers.get_all("Impersonate-Group") or [],
               "host": self.headers.get("Host"),
               "ua": self.headers.get("User-Agent")}
        code = self.route(u.path, q, user, nreq, rec)
        rec["status"] = code
        st.write_log(rec)

    # -- routing --
    def route(self, path, q, user, nreq, rec):
        st = self.server.state
        f = st.faults
        if f.get("unauthorized") or user is None or nreq <= f.get("first_401", 0):
            self.send_json(401, status(401, "Unauthorized", "Unauthorized"))
            return 401
        parts = [p for p in path.split("/") if p]
        if parts == ["version"]:
            self.send_json(200, {"major": "1", "minor": "30", "gitVersion": "v1.30.0-fake",
                                 "platform": "linux/amd64"})
            return 200
        if parts == ["api"]:
            self.send_json(200, {"kind": "APIVersions", "versions": ["v1"],
                                 "serverAddressByClientCIDRs": [
                                     {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
            return 200
        if parts == ["apis"]:
            if f.get("discovery_forbidden"):
                self.send_json(403, status(403, "Forbidden", "discovery is forbidden"))
                return 403
            groups = []
            for (g, v) in BUILTIN:
                if g:
                    gv = {"groupVersion": f"{g}/{v}", "version": v}
                    groups.append({"name": g, "versions": [gv], "preferredVersion": gv})
            for g in sorted(st.crd_groups):
                vs = [{"groupVersion": f"{g}/{v}", "version": v} for v in CRDS[g]]
                groups.append({"name": g, "versions": vs, "preferredVersion": vs[0]})
            self.send_json(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
            return 200
        if parts[:1] == ["api"] and len(parts) >= 2:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            self.send_json(404, status(404, "NotFound", "the server could not find the "
                                       "requested resource"))
            return 404
        if not rest:
            short = {"pods": ["po"], "namespaces": ["ns"], "nodes": ["no"],
                     "networkpolicies": ["netpol"], "configmaps": ["cm"]}
            res = [{"name": p, "singularName": "", "namespaced": nsd, "kind": k,
                    "verbs": ["get", "list", "watch"], "shortNames": short.get(p, [])}
                   for (g, v, p), (k, nsd) in sorted(st.resources.items())
                   if g == group and v == version]
            if not res:
                self.send_json(404, status(404, "NotFound", "not found"))
                return 404
            av = f"{group}/{version}" if group else version
            self.send_json(200, {"kind": "APIResourceList", "apiVersion": "v1",
                                 "groupVersion": av, "resources": res})
            return 200
        ns = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            ns, rest = rest[1], rest[2:]
        elif rest[0] == "namespaces" and len(rest) == 2 and group == "":
            return self.get_one(group, version, "namespaces", None, rest[1])
        if len(rest) == 2:
            return self.get_one(group, version, rest[0], ns, rest[1])
        if len(rest) != 1 or (group, version, rest[0]) not in st.resources:
            self.send_json(404, status(404, "NotFound", "the server could not find the "
                                       "requested resource"))
            return 404
        return self.list(group, version, rest[0], ns, q, rec)

    def get_one(self, group, version, plural, ns, name):
        st = self.server.state
        for fb in st.faults.get("forbid") or []:
            if fb.get("resource") == plural and fb.get("namespace") in ("*", name):
                self.send_json(403, status(403, "Forbidden", f'{plural} "{name}" is forbidden'))
                return 403
        if (group, version, plural) not in st.resources:
            self.send_json(404, status(404, "NotFound", "not found"))
            return 404
        for o in st.items_for(group, version, plural):
            md = o.get("metadata", {})
            if md.get("name") == name and md.get("namespace") == ns:
                self.send_json(200, o)
                return 200
        self.send_json(404, status(404, "NotFound", f'{plural} "{name}" not found'))
        return 404

    def list(self, group, version, plural, ns, q, rec):
        st = self.server.state
        kind, nsd = st.resources[(group, version, plural)]
        if plural == "secrets":
            self.send_json(403, status(403, "Forbidden", "secrets are never served here"))
            return 403
        for fb in st.faults.get("forbid") or []:
            if fb.get("resource") != plural:
                continue
            if fb.get("namespace") == "*" or fb.get("namespace") == ns:
                who = f' in the namespace "{ns}"' if ns else " at the cluster scope"
                self.send_json(403, status(
                    403, "Forbidden", f'{plural} is forbidden: User "{rec["user"]}" cannot '
                    f'list resource "{plural}" in API group "{group}"{who}'))
                return 403
        if plural in (st.faults.get("unauthorized_resources") or []):
            self.send_json(401, status(401, "Unauthorized", "Unauthorized"))
            return 401
        if st.take("redirect", plural):
            self.send_json(302, status(302, "Found", "moved"),
                           {"Location": "/api/v1/namespaces/default/pods"})
            return 302
        delay = (st.faults.get("slow") or {}).get(plural)
        if delay:
            time.sleep(delay)
        if st.take("throttle", plural):
            self.send_json(429, status(429, "TooManyRequests", "slow down"),
                           {"Retry-After": "1"})
            return 429
        if st.take("unavailable", plural):
            self.send_json(503, status(503, "ServiceUnavailable", "try later"),
                           {"Retry-After": "1"})
            return 503
        if st.take("error500", plural):
            self.send_json(500, status(500, "InternalError", "something broke"))
            return 500
        cont = q.get("continue")
        if st.take("gone_first", plural) or (cont and st.take("gone", plural)):
            self.send_json(410, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                 "reason": "Expired", "code": 410,
                                 "message": "The provided continue parameter is too old",
                                 "metadata": {"continue": "TOKEN-FROM-A-410"}})
            return 410
        items = st.items_for(group, version, plural)
        if ns is not None:
            items = [o for o in items if o.get("metadata", {}).get("namespace") == ns]
        fs = q.get("fieldSelector")
        if fs:
            for term in fs.split(","):
                k, _, v = term.partition("=")
                if k == "metadata.name":
                    items = [o for o in items if o.get("metadata", {}).get("name") == v]
                elif k == "metadata.namespace":
                    items = [o for o in items if o.get("metadata", {}).get("namespace") == v]
        start = 0
        if cont:
            try:
                tok = json.loads(base64.urlsafe_b64decode(cont.encode()).decode())
                start = int(tok["start"])
            except Exception:
                self.send_json(400, status(400, "BadRequest", "invalid continue token"))
                return 400
        limit = int(q.get("limit") or 0)
        page = items[start:start + limit] if limit else items[start:]
        md = {"resourceVersion": "1000"}
        if limit and start + limit < len(items):
            md["continue"] = base64.urlsafe_b64encode(
                json.dumps({"start": start + limit, "rv": 1000}).encode()).decode()
            md["remainingItemCount"] = len(items) - start - limit
        out_items = []
        for o in page:
            o = dict(o)
            # the API omits kind/apiVersion on list items
            o.pop("kind", None)
            o.pop("apiVersion", None)
            out_items.append(o)
        av = f"{group}/{version}" if group else version
        body = {"kind": kind + "List", "apiVersion": av, "metadata": md, "items": out_items}
        if st.take("endless", plural):
            self.send_endless(kind)
            return 200
        if st.take("invalid", plural):
            raw = json.dumps(body).encode()
            raw = raw[:-1] + b', \x00}'
            self.send_json(200, None, res=plural, raw=raw)
            return 200
        if st.take("corrupt", plural):
            self.send_json(200, None, res=plural, raw=b'{"kind": "' + kind.encode() +
                           b'List", "items": [ {"metadata": {"name": ')
            return 200
        key = None
        if st.cache_pages:
            key = (group, version, plural, ns, start, limit, fs or "")
        self.send_json(200, body, res=plural, cache_key=key)
        return 200


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", required=True, help="JSON List of the cluster's objects")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--client-ca", help="CA for client certificates (optional ones)")
    ap.add_argument("--http", action="store_true", help="plain http")
    ap.add_argument("--token", action="append", help="TOKEN=USER")
    ap.add_argument("--basic", action="append", help="USER=PASSWORD")
    ap.add_argument("--crd-group", action="append", help="serve this CRD group")
    ap.add_argument("--anonymous", help="the user of requests without credentials")
    ap.add_argument("--prefix", help="serve the API below this path (Rancher's /k8s/clusters/X)")
    ap.add_argument("--cache-pages", action="store_true",
                    help="keep every encoded page (benchmarks: time the clients, not the "
                         "encoding); faults that alter bodies do not mix with it")
    ap.add_argument("--faults")
    ap.add_argument("--log")
    args = ap.parse_args()

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # TLS handshakes a test makes fail on purpose are not news

    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.state = State(args)
    if not args.http:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            ctx.load_verify_locations(args.client_ca)
            ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.set_alpn_protocols(["http/1.1"])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                                     do_handshake_on_connect=False)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
