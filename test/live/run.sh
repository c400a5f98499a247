#!/bin/bash
# Live-mode tests against the loopback API server (test/live/apiserver.py).
# Usage: run.sh BINARY CASE. Each case is a function below; exit 0 pass,
# 1 fail, 77 skipped (python3, openssl or jq missing).
#
# The central check: a live audit of the fixture cluster equals the offline
# audit of the same objects (gen_cluster.py's List), except where they were
# read (source, locations) — for every auth kind and recoverable fault.

BIN=${1:?binary}
CASE=${2:?case}
source "$(dirname "$0")/lib.sh"

# ---- helpers ----

# audit_live KUBECONFIG [flags...]: $T/live.json, $T/live.err, $RC
audit_live() {
	local kc=$1
	shift
	"$BIN" audit --kubeconfig "$kc" -o json "$@" > "$T/live.json" 2> "$T/live.err"
	RC=$?
}

audit_offline() {
	"$BIN" audit -f "$T/cluster.json" -o json "$@" > "$T/offline.json" 2> "$T/offline.err"
	OFFLINE_RC=$?
	[ "$OFFLINE_RC" -le 1 ] || { cat "$T/offline.err" >&2; fail "offline audit exit $OFFLINE_RC"; }
}

assert_same_as_offline() {
	audit_offline "$@"
	[ "$RC" = "$OFFLINE_RC" ] || { cat "$T/live.err" >&2; fail "live exit $RC, offline exit $OFFLINE_RC"; }
	normalize_report "$T/live.json" > "$T/live.norm"
	normalize_report "$T/offline.json" > "$T/offline.norm"
	if ! diff -u "$T/offline.norm" "$T/live.norm" > "$T/diff"; then
		head -60 "$T/diff" >&2
		fail "the live report differs from the offline report of the same objects"
	fi
	[ "$(jq '.summary.pods' "$T/live.json")" -gt 1000 ] || fail "the live report lacks pods"
}

assert_exit() {
	[ "$RC" = "$1" ] || { cat "$T/live.err" >&2; fail "exit $RC, expected $1"; }
}

# One stderr line that contains the text (the one-line reason of DESIGN §2.4).
assert_one_line_error() {
	local n
	n=$(wc -l < "$T/live.err")
	[ "$n" = 1 ] || { cat "$T/live.err" >&2; fail "expected one stderr line, got $n"; }
	grep -qF -- "$1" "$T/live.err" || { cat "$T/live.err" >&2; fail "stderr lacks: $1"; }
}

assert_no_secrets() {
	local f
	for f in "$@"; do
		for s in good-token exec-token basic-pass s3cr3t "PRIVATE KEY" \
			"$(head -c 40 "$T/client.key" | tail -c 20)" "$(b64 "$T/client.key" | cut -c 30-60)"; do
			if grep -qF -- "$s" "$f"; then
				fail "$f contains a secret ($s)"
			fi
		done
	done
}

# Every request was a GET (the server logs the others too).
assert_only_get() {
	[ -z "$(jq -r 'select(.method != "GET") | .path' "$T/requests.log")" ] ||
		fail "a request other than GET was sent"
}

count_requests() {
	jq -c "select($1)" "$T/requests.log" | wc -l
}

faults() {
	printf '%s\n' "$1" > "$T/faults.json"
}

setup_default() {
	live_init
	make_certs
	gen_cluster
}

# ---- cases ----

case_kubectl_compat() {
	command -v kubectl >/dev/null 2>&1 || skip "kubectl is not installed"
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	KUBECACHEDIR="$T/cache" kubectl --kubeconfig "$T/kc" get pods -A -o json > "$T/pods.json" \
		2> "$T/kubectl.err" || { cat "$T/kubectl.err" >&2; fail "kubectl get pods failed"; }
	[ "$(jq '.items | length' "$T/pods.json")" = \
	  "$(jq '[.items[] | select(.kind == "Pod")] | length' "$T/cluster.json")" ] ||
		fail "kubectl saw another number of pods"
	[ "$(count_requests '.path == "/api/v1/pods" and .query.continue != null')" -ge 2 ] ||
		fail "kubectl did not page through the pods"
}

case_auth_token() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc" -vv
	assert_same_as_offline
	assert_only_get
	assert_no_secrets "$T/live.json" "$T/live.err"
	[ "$(count_requests '.user != "token-user"')" = 0 ] || fail "a request was not token-user's"
	[ "$(count_requests '.gzip | not')" = 0 ] || fail "a request did not accept gzip"
	[ "$(count_requests '.path == "/api/v1/pods" and .query.limit == "500"')" = 3 ] ||
		fail "pods were not listed in 3 pages of 500"
	[ "$(count_requests '(.path | test("/secrets")) ')" = 0 ] || fail "secrets were requested"
	[ "$(count_requests '(.path | test("configmaps$")) and (.path | test("/namespaces/") | not)')" = 0 ] ||
		fail "ConfigMaps were listed cluster-wide"
	[ "$(count_requests '(.path | test("configmaps$")) and (.query.fieldSelector | test("^metadata.name=") | not)')" = 0 ] ||
		fail "ConfigMaps were listed without a name"
	grep -q "GET https://127.0.0.1:$PORT/api/v1/pods?limit=500 200" "$T/live.err" ||
		fail "-vv does not log requests"
}

case_auth_cert() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_cert)"
	audit_live "$T/kc" -vv
	assert_same_as_offline
	[ "$(count_requests '.auth != "cert" or .user != "cert-user"')" = 0 ] ||
		fail "a request did not use the client certificate"
	assert_no_secrets "$T/live.json" "$T/live.err"
}

case_auth_basic() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_basic)"
	audit_live "$T/kc" -vv
	assert_same_as_offline
	[ "$(count_requests '.auth != "basic"')" = 0 ] || fail "a request did not use basic auth"
	assert_no_secrets "$T/live.json" "$T/live.err"
}

case_auth_exec() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_exec token)"
	audit_live "$T/kc" -vv
	assert_same_as_offline
	[ "$(cat "$T/plugin.count")" = 1 ] || fail "the plugin ran $(cat "$T/plugin.count") times, not once"
	[ "$(count_requests '.user != "exec-user"')" = 0 ] || fail "a request was not exec-user's"
	jq -e --arg url "https://127.0.0.1:$PORT" '
		(.info | fromjson) as $i
		| $i.apiVersion == "client.authentication.k8s.io/v1" and $i.kind == "ExecCredential"
		  and $i.spec.interactive == false and $i.spec.cluster.server == $url
		  and ($i.spec.cluster["certificate-authority-data"] | length) > 100
		  and .argv == ["--flag"] and .stdin_tty == false
		  and ([.fds[] | select(. > 3)] | length) == 0' "$T/plugin.info" > /dev/null ||
		{ cat "$T/plugin.info" >&2; fail "the plugin's environment, argv or descriptors are wrong"; }
	assert_no_secrets "$T/live.json" "$T/live.err"
}

case_auth_exec_cert() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_exec cert)"
	audit_live "$T/kc"
	assert_same_as_offline
	[ "$(count_requests '.auth != "cert" or .user != "cert-user"')" = 0 ] ||
		fail "the plugin's client certificate was not used"
}

case_exec_missing_binary() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_exec token | sed "s|command: $PYTHON|command: np-missing-plugin|")"
	audit_live "$T/kc"
	assert_exit 3
	assert_one_line_error "np-missing-plugin"
	grep -qF "install the test plugin" "$T/live.err" || fail "the installHint is not shown"
	[ "$(count_requests 'true')" = 0 ] || fail "requests were sent without credentials"
}

case_exec_failure() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_exec fail)"
	audit_live "$T/kc"
	assert_exit 3
	grep -qF "plugin: login required" "$T/live.err" || fail "the plugin's stderr does not pass through"
	grep -q "exit status 1" "$T/live.err" || fail "the failure is not explained"
}

case_exec_timeout() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_exec sleep)"
	local t0=$SECONDS
	audit_live "$T/kc" --timeout 3s
	assert_exit 3
	assert_one_line_error "timed out"
	[ $((SECONDS - t0)) -lt 15 ] || fail "the plugin timeout was not enforced"
}

case_exec_refresh_on_401() {
	setup_default
	faults '{"first_401": 1}'
	start_server --faults "$T/faults.json"
	write_kubeconfig "$T/kc" "$(user_exec token "      - name: PLUGIN_TOKEN
        value: exec-token-%n")"
	audit_live "$T/kc"
	assert_same_as_offline
	[ "$(cat "$T/plugin.count")" = 2 ] || fail "the plugin was not re-run once after the 401"
}

case_auth_failure_token() {
	setup_default
	faults '{"unauthorized": true}'
	start_server --faults "$T/faults.json"
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc"
	assert_exit 3
	assert_one_line_error "authentication failed for context test (user test-user)"
	assert_no_secrets "$T/live.err"
}

case_auth_failure_exec() {
	setup_default
	faults '{"unauthorized": true}'
	start_server --faults "$T/faults.json"
	write_kubeconfig "$T/kc" "$(user_exec token)"
	audit_live "$T/kc"
	assert_exit 3
	assert_one_line_error "authentication failed for context test (user test-user)"
	[ "$(cat "$T/plugin.count")" = 2 ] || fail "credentials were not refreshed exactly once"
}

case_connection_refused() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	stop_server
	audit_live "$T/kc"
	assert_exit 3
	assert_one_line_error "cannot reach the API server"
}

case_dns_failure() {
	setup_default
	write_kubeconfig "$T/kc" "$(user_token)" "https://np-no-such-host.invalid:6443"
	audit_live "$T/kc" --timeout 20s
	assert_exit 3
	assert_one_line_error "cannot reach the API server"
}

case_tls_unknown_ca() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	sed -i "s|certificate-authority-data: .*|certificate-authority-data: $(b64 "$T/other-ca.crt")|" "$T/kc"
	audit_live "$T/kc"
	assert_exit 3
	assert_one_line_error "TLS verification failed"
	[ "$(count_requests 'true')" = 0 ] || fail "a request went through an unverified connection"
}

case_tls_server_name() {
	setup_default
	start_server
	# The certificate has no DNS name np-wrong.test: verification must use tls-server-name.
	write_kubeconfig "$T/kc" "$(user_token)" "https://127.0.0.1:$PORT" "    tls-server-name: kubernetes.test"
	audit_live "$T/kc"
	assert_same_as_offline
	write_kubeconfig "$T/kc2" "$(user_token)" "https://127.0.0.1:$PORT" "    tls-server-name: np-wrong.test"
	audit_live "$T/kc2"
	assert_exit 3
	assert_one_line_error "TLS verification failed"
}

case_insecure_skip_verify() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	sed -i "s|certificate-authority-data: .*|insecure-skip-tls-verify: true|" "$T/kc"
	audit_live "$T/kc"
	assert_same_as_offline
	grep -q "warning: insecure-skip-tls-verify" "$T/live.err" || fail "no warning for insecure-skip-tls-verify"
}

case_plain_http() {
	setup_default
	start_server --http --anonymous anonymous-user
	write_kubeconfig "$T/kc" "$(user_token)" "http://127.0.0.1:$PORT"
	audit_live "$T/kc"
	assert_same_as_offline
	grep -q "warning: http://127.0.0.1:$PORT is plain http" "$T/live.err" || fail "no warning for http"
	[ "$(count_requests '.auth != "none"')" = 0 ] || fail "credentials were sent over plain http"
}

case_kubeconfig_merge() {
	setup_default
	start_server
	mkdir -p "$T/sub"
	cp "$T/ca.crt" "$T/sub/ca.pem"
	echo good-token > "$T/sub/token"
	cat > "$T/a.yaml" <<EOF
current-context: merged
contexts:
- name: merged
  context: {cluster: c, user: u}
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:$PORT", certificate-authority: sub/ca.pem}
EOF
	cat > "$T/sub/b.yaml" <<EOF
current-context: ignored
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u
  user: {tokenFile: token}
EOF
	KUBECONFIG="$T/missing.yaml:$T/a.yaml:$T/sub/b.yaml" \
		"$BIN" audit -o json > "$T/live.json" 2> "$T/live.err"
	RC=$?
	assert_same_as_offline
	[ "$(count_requests '.user != "token-user"')" = 0 ] || fail "the tokenFile was not used"
}

case_missing_kubeconfig() {
	setup_default
	audit_live "$T/nope.yaml"
	assert_exit 2
	assert_one_line_error "nope.yaml"
}

case_unknown_context() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc" --context nope
	assert_exit 2
	assert_one_line_error 'context "nope" does not exist'
}

case_auth_provider() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(printf '    auth-provider:\n      name: oidc\n      config: {id-token: s3cr3t}\n')"
	audit_live "$T/kc"
	assert_exit 2
	assert_one_line_error "not supported, use an exec plugin"
	assert_no_secrets "$T/live.err"
}

case_flags_override() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(printf '    token: wrong-token\n')" "https://127.0.0.1:1"
	audit_live "$T/kc" --server "https://127.0.0.1:$PORT" --token good-token \
		--certificate-authority "$T/ca.crt" --as alice --as-group g1 --as-group g2 -vv
	assert_same_as_offline
	[ "$(count_requests '.user != "token-user" or .impersonate != "alice" or .impersonate_groups != ["g1","g2"]')" = 0 ] ||
		fail "flags did not override the kubeconfig"
	assert_no_secrets "$T/live.err" "$T/live.json"
}

case_namespace_only() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	"$BIN" audit --kubeconfig "$T/kc" -n team-a -o json > "$T/live.json" 2> "$T/live.err"
	RC=$?
	[ "$RC" -le 1 ] || { cat "$T/live.err" >&2; fail "exit $RC"; }
	[ "$(count_requests '(.path | test("/(pods|networkpolicies|deployments)$")) and (.path | test("/namespaces/team-a/") | not)')" = 0 ] ||
		fail "-n team-a listed other namespaces"
	[ "$(count_requests '.path == "/api/v1/namespaces/team-a"')" = 1 ] ||
		fail "the Namespace object was not read"
	[ "$(jq '.summary.pods' "$T/live.json")" = 700 ] || fail "team-a's pods are not all there"
}

case_proxy_url() {
	setup_default
	start_server
	start_proxy
	write_kubeconfig "$T/kc" "$(user_token)" "https://127.0.0.1:$PORT" \
		"    proxy-url: http://127.0.0.1:$PROXY_PORT"
	audit_live "$T/kc"
	assert_same_as_offline
	grep -q "^127.0.0.1:$PORT\$" "$T/proxy.log" || fail "the proxy-url was not used"
}

case_https_proxy_env() {
	setup_default
	start_server
	start_proxy
	write_kubeconfig "$T/kc" "$(user_token)"
	HTTPS_PROXY="http://127.0.0.1:$PROXY_PORT" audit_live "$T/kc"
	assert_same_as_offline
	grep -q "^127.0.0.1:$PORT\$" "$T/proxy.log" || fail "HTTPS_PROXY was not used"
}

case_server_path_prefix() {
	setup_default
	start_server --prefix /k8s/clusters/c-x
	write_kubeconfig "$T/kc" "$(user_token)" "https://127.0.0.1:$PORT/k8s/clusters/c-x/"
	audit_live "$T/kc"
	assert_same_as_offline
	[ "$(count_requests '.status == 404')" = 0 ] || fail "a request missed the path prefix"
}

case_disable_compression() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc" --disable-compression
	assert_same_as_offline
	[ "$(count_requests '.gzip')" = 0 ] || fail "gzip was requested with --disable-compression"
}

case_discovery_prefers_calico_v3() {
	setup_default
	start_server --crd-group projectcalico.org --crd-group crd.projectcalico.org --crd-group cilium.io
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc"
	# Not compared with the offline audit: the served CRDs are CNI evidence
	# that the fixture's objects do not hold.
	[ "$RC" -le 1 ] || { cat "$T/live.err" >&2; fail "exit $RC"; }
	[ "$(count_requests '.path == "/apis/projectcalico.org/v3/networkpolicies"')" = 1 ] ||
		fail "Calico's v3 API was not listed"
	[ "$(count_requests '(.path | test("^/apis/crd.projectcalico.org/v1/")) ')" = 0 ] ||
		fail "Calico's CRDs were listed although v3 is served"
	[ "$(count_requests '.path == "/apis/cilium.io/v2/ciliumnetworkpolicies"')" = 1 ] ||
		fail "Cilium policies were not listed"
	[ "$(count_requests '(.path | test("^/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies$"))')" = 1 ] ||
		fail "AdminNetworkPolicies were not listed"
}

case_discovery_crd_v1_without_v3() {
	setup_default
	start_server --crd-group crd.projectcalico.org
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc"
	[ "$(count_requests '.path == "/apis/crd.projectcalico.org/v1/globalnetworkpolicies"')" = 1 ] ||
		fail "Calico's CRDs were not listed"
}

# ---- recoverable faults: the report is the same as without them ----

fault_case() {
	setup_default
	faults "$1"
	start_server --faults "$T/faults.json"
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc" -v
	assert_same_as_offline
}

case_fault_410_restart() {
	fault_case '{"gone": {"pods": 1}}'
	[ "$(count_requests '.path == "/api/v1/pods" and .status == 410')" = 1 ] || fail "no 410 was served"
	[ "$(count_requests '.path == "/api/v1/pods" and .query.continue == "TOKEN-FROM-A-410"')" = 0 ] ||
		fail "a 410's token was used"
}

case_fault_410_twice_unpaginated() {
	fault_case '{"gone": {"pods": 2}}'
	[ "$(count_requests '.path == "/api/v1/pods" and .status == 200 and .query.limit == null')" = 1 ] ||
		fail "the second 410 did not lead to one unpaginated list"
}

case_fault_429_retry_after() {
	fault_case '{"throttle": {"pods": 2, "nodes": 1}}'
	[ "$(count_requests '.status == 429')" = 3 ] || fail "the 429s were not served"
}

case_fault_503_retry_after() {
	fault_case '{"unavailable": {"networkpolicies": 2}}'
	[ "$(count_requests '.status == 503')" = 2 ] || fail "the 503s were not served"
}

case_fault_truncated_body() {
	fault_case '{"truncate": {"pods": 1, "namespaces": 1}}'
}

case_fault_corrupt_body() {
	fault_case '{"corrupt": {"networkpolicies": 1}}'
}

case_fault_403_namespace_fallback() {
	fault_case '{"forbid": [{"resource": "pods", "namespace": null}, {"resource": "networkpolicies", "namespace": null}]}'
	[ "$(count_requests '.path == "/api/v1/namespaces/team-b/pods" and .status == 200')" -ge 1 ] ||
		fail "pods were not listed per namespace"
}

case_fault_slow() {
	fault_case '{"slow": {"pods": 0.5}}'
}

# ---- unrecoverable faults: ERROR with the reason, exit 1 ----

error_case() {
	setup_default
	faults "$1"
	start_server --faults "$T/faults.json"
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc" "${@:3}"
	assert_exit 1
	jq -e --arg r "$2" '.errors | map(select(.resource == "pods" and .reason == $r)) | length > 0' \
		"$T/live.json" > /dev/null || { jq .errors "$T/live.json" >&2; fail "no pods error with reason $2"; }
	jq -e '.summary.complete == false and .summary.status.ERROR > 0' "$T/live.json" > /dev/null ||
		fail "the report does not say it is incomplete"
}

case_error_403_everywhere() {
	error_case '{"forbid": [{"resource": "pods", "namespace": "*"}]}' forbidden
	jq -e '.errors[] | select(.resource == "pods") | .message | test("cannot list resource")' \
		"$T/live.json" > /dev/null || fail "the API's message is not kept"
}

case_error_corrupt_twice() {
	error_case '{"corrupt": {"pods": 2}}' parseError
}

case_error_truncated_twice() {
	error_case '{"truncate": {"pods": 2}}' parseError
}

case_error_500() {
	error_case '{"error500": {"pods": 1}}' collectorError
}

case_error_request_timeout() {
	error_case '{"slow": {"pods": 3}}' timeout --request-timeout 1s
}

case_error_403_one_namespace() {
	error_case '{"forbid": [{"resource": "pods", "namespace": null}, {"resource": "pods", "namespace": "team-b"}]}' forbidden
	jq -e '[.errors[] | select(.resource == "pods")] | length == 1 and .[0].namespace == "team-b"' \
		"$T/live.json" > /dev/null || { jq .errors "$T/live.json" >&2; fail "only team-b's pods should be unreadable"; }
}

case_error_401_after_first_request() {
	error_case '{"unauthorized_resources": ["pods"]}' unauthorized
}

case_error_redirect_not_followed() {
	error_case '{"redirect": {"pods": 1}}' collectorError
	[ "$(count_requests '.path == "/api/v1/namespaces/default/pods"')" = 0 ] || fail "a redirect was followed"
}

case_error_response_limit() {
	error_case '{}' limit --limit member-bytes=64Ki
}

case_error_run_timeout() {
	error_case '{"slow": {"pods": 30}}' timeout --timeout 4s
}

case_error_discovery_forbidden() {
	setup_default
	faults '{"discovery_forbidden": true}'
	start_server --faults "$T/faults.json"
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc"
	assert_exit 1
	jq -e '.errors | map(select(.resource == "adminnetworkpolicies" and .reason == "forbidden")) | length == 1' \
		"$T/live.json" > /dev/null || { jq .errors "$T/live.json" >&2; fail "the policy CRDs are not unreadable"; }
}

# ---- snapshot ----

case_snapshot_round_trip() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc"
	ln -s "$T/elsewhere" "$T/snap.tar.gz"
	"$BIN" snapshot --kubeconfig "$T/kc" "$T/snap.tar.gz" > "$T/snap.out" 2> "$T/snap.err" ||
		{ cat "$T/snap.err" >&2; fail "snapshot failed"; }
	[ ! -L "$T/snap.tar.gz" ] && [ ! -e "$T/elsewhere" ] || fail "the snapshot followed a symlink"
	[ "$(stat -c %a "$T/snap.tar.gz")" = 600 ] || fail "the snapshot is not mode 0600"
	[ -z "$(ls -A "$T" | grep -F .tmp)" ] || fail "a temporary file was left behind"
	tar xzf "$T/snap.tar.gz" -O > "$T/snap.all" || fail "not a tar.gz"
	assert_no_secrets "$T/snap.all" "$T/snap.out" "$T/snap.err"
	grep -q "API_KEY\|last-applied-configuration\|managedFields\|secret-vol\|private-key" "$T/snap.all" &&
		fail "the snapshot holds env values, annotations, managedFields, volumes or ConfigMap data"
	tar xzf "$T/snap.tar.gz" -O kubectl-netpol-snapshot/kubectl-netpol-snapshot.json |
		jq -e '.kind == "Snapshot" and .context == "test" and (.availability | length) > 10' > /dev/null ||
		fail "the marker is missing or incomplete"
	"$BIN" audit -f "$T/snap.tar.gz" -o json > "$T/offline.json" 2> "$T/offline.err"
	OFFLINE_RC=$?
	[ "$RC" = "$OFFLINE_RC" ] || fail "audit -f on the snapshot exits $OFFLINE_RC, live $RC"
	normalize_report "$T/live.json" > "$T/live.norm"
	normalize_report "$T/offline.json" > "$T/offline.norm"
	diff -u "$T/live.norm" "$T/offline.norm" > "$T/diff" ||
		{ head -40 "$T/diff" >&2; fail "audit -f on the snapshot differs from the live audit"; }
}

case_snapshot_namespace() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc" -n team-a
	"$BIN" snapshot --kubeconfig "$T/kc" -n team-a "$T/snap.tar.gz" > "$T/snap.out" 2> "$T/snap.err" ||
		{ cat "$T/snap.err" >&2; fail "snapshot failed"; }
	[ -z "$(tar tzf "$T/snap.tar.gz" | grep '/pods/' | grep -v '/pods/team-a.json$')" ] ||
		fail "the snapshot holds other namespaces"
	"$BIN" audit -f "$T/snap.tar.gz" -n team-a -o json > "$T/offline.json" 2> "$T/offline.err"
	OFFLINE_RC=$?
	[ "$RC" = "$OFFLINE_RC" ] || fail "audit -f on the snapshot exits $OFFLINE_RC, live $RC"
	normalize_report "$T/live.json" > "$T/live.norm"
	normalize_report "$T/offline.json" > "$T/offline.norm"
	diff -u "$T/live.norm" "$T/offline.norm" > "$T/diff" ||
		{ head -40 "$T/diff" >&2; fail "audit -f -n on the snapshot differs from the live audit -n"; }
}

case_snapshot_unreadable() {
	setup_default
	faults '{"forbid": [{"resource": "pods", "namespace": "*"}]}'
	start_server --faults "$T/faults.json"
	write_kubeconfig "$T/kc" "$(user_token)"
	"$BIN" snapshot --kubeconfig "$T/kc" --file "$T/snap.tar.gz" > "$T/snap.out" 2> "$T/snap.err"
	RC=$?
	[ "$RC" = 1 ] || { cat "$T/snap.err" >&2; fail "snapshot exit $RC, expected 1"; }
	grep -q "pods in team-a unreadable (forbidden)" "$T/snap.err" || fail "the unreadable namespaces are not named"
	tar tzf "$T/snap.tar.gz" | grep -q "cluster-resources/pods-errors.json" || fail "no pods-errors.json"
	"$BIN" audit -f "$T/snap.tar.gz" -o json > "$T/offline.json" 2> "$T/offline.err"
	[ $? = 1 ] || fail "audit -f on a snapshot with unreadable pods does not exit 1"
	jq -e '.summary.status.ERROR > 0' "$T/offline.json" > /dev/null || fail "no ERROR offline"
	# The same report as the live audit, reasons and the API's messages included.
	audit_live "$T/kc"
	normalize_report "$T/live.json" > "$T/live.norm"
	normalize_report "$T/offline.json" > "$T/offline.norm"
	diff -u "$T/live.norm" "$T/offline.norm" > "$T/diff" ||
		{ head -40 "$T/diff" >&2; fail "audit -f on the snapshot differs from the live audit"; }
}

# snapshot_parity FAULTS: with these faults, audit -f on a snapshot equals the live audit.
snapshot_parity() {
	setup_default
	faults "$1"
	start_server --faults "$T/faults.json"
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc"
	"$BIN" snapshot --kubeconfig "$T/kc" "$T/snap.tar.gz" > "$T/snap.out" 2> "$T/snap.err"
	[ $? -le 1 ] || { cat "$T/snap.err" >&2; fail "snapshot failed"; }
	"$BIN" audit -f "$T/snap.tar.gz" -o json > "$T/offline.json" 2> "$T/offline.err"
	OFFLINE_RC=$?
	[ "$RC" = "$OFFLINE_RC" ] || fail "audit -f on the snapshot exits $OFFLINE_RC, live $RC"
	normalize_report "$T/live.json" > "$T/live.norm"
	normalize_report "$T/offline.json" > "$T/offline.norm"
	diff -u "$T/live.norm" "$T/offline.norm" > "$T/diff" ||
		{ head -40 "$T/diff" >&2; fail "audit -f on the snapshot differs from the live audit"; }
}

case_snapshot_403_one_namespace() {
	snapshot_parity '{"forbid": [{"resource": "pods", "namespace": null}, {"resource": "pods", "namespace": "team-b"}]}'
}

case_snapshot_discovery_forbidden() {
	snapshot_parity '{"discovery_forbidden": true}'
}

case_snapshot_unreachable() {
	setup_default
	write_kubeconfig "$T/kc" "$(user_token)" "https://127.0.0.1:1"
	"$BIN" snapshot --kubeconfig "$T/kc" "$T/snap.tar.gz" > "$T/snap.out" 2> "$T/live.err"
	RC=$?
	assert_exit 3
	assert_one_line_error "cannot reach"
	[ ! -e "$T/snap.tar.gz" ] || fail "a snapshot was written"
}

# ---- least privilege (DESIGN §3.2): only what the selected controls read ----

# The resources listed (the last path segment of every list request).
listed() {
	jq -r 'select(.method == "GET") | .path' "$T/requests.log" |
		awk -F/ '$NF != "" { print $NF }' | sort -u
}

assert_listed() {
	local r
	for r in "$@"; do
		[ "$(count_requests "(.path | endswith(\"/$r\"))")" -ge 1 ] ||
			{ listed >&2; fail "$r was not listed"; }
	done
}

# Not requested, and not reported either (neither errors[] nor warnings[]).
assert_not_listed() {
	local r
	for r in "$@"; do
		[ "$(count_requests "(.path | test(\"/$r(/|$)\"))")" = 0 ] ||
			{ listed >&2; fail "$r was requested"; }
		[ "$(jq --arg r "$r" '[(.errors + .warnings)[] | select(.resource == $r)] | length' "$T/live.json")" = 0 ] ||
			fail "$r, never fetched, is reported in errors[] or warnings[]"
	done
}

# The live report of a selection equals the offline report of the same
# selection over every object. Without a platform control the header's
# cluster section only shows what was fetched: it is left out.
assert_selection_same_as_offline() {
	audit_offline "$@"
	[ "$RC" = "$OFFLINE_RC" ] || { cat "$T/live.err" >&2; fail "live exit $RC, offline exit $OFFLINE_RC"; }
	normalize_report "$T/live.json" | jq -S 'del(.cluster)' > "$T/live.norm"
	normalize_report "$T/offline.json" | jq -S 'del(.cluster)' > "$T/offline.norm"
	if ! diff -u "$T/offline.norm" "$T/live.norm" > "$T/diff"; then
		head -60 "$T/diff" >&2
		fail "the live report of the selection differs from the offline one"
	fi
	jq -e '.summary.complete == true and (.errors | length) == 0' "$T/live.json" > /dev/null ||
		fail "the restricted live report claims missing data"
}

least_privilege_case() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc" "$@"
	[ "$RC" -le 1 ] || { cat "$T/live.err" >&2; fail "exit $RC"; }
	assert_only_get
	assert_selection_same_as_offline "$@"
	assert_listed namespaces pods networkpolicies adminnetworkpolicies baselineadminnetworkpolicies
	assert_not_listed secrets ingresses
}

# A tenant: namespace-only rights in team-a (every cluster-scope list is
# forbidden, nodes too), plus read on the cluster-scoped policy kinds.
TENANT_FORBID='{"forbid": [
	{"resource": "pods", "namespace": null}, {"resource": "networkpolicies", "namespace": null},
	{"resource": "namespaces", "namespace": null}, {"resource": "nodes", "namespace": null},
	{"resource": "daemonsets", "namespace": null}, {"resource": "deployments", "namespace": null},
	{"resource": "replicasets", "namespace": null}, {"resource": "statefulsets", "namespace": null},
	{"resource": "jobs", "namespace": null}, {"resource": "cronjobs", "namespace": null},
	{"resource": "services", "namespace": null}, {"resource": "configmaps", "namespace": "*"},
	{"resource": "validatingwebhookconfigurations", "namespace": null},
	{"resource": "mutatingwebhookconfigurations", "namespace": null},
	{"resource": "apiservices", "namespace": null}'

tenant_server() {
	setup_default
	faults "$TENANT_FORBID$1]}"
	start_server --faults "$T/faults.json"
	write_kubeconfig "$T/kc" "$(user_token)"
}

# DESIGN §3.2: namespace-only rights suffice for NP-103/NP-201, and the
# report equals the offline one of the same namespace.
case_tenant_namespace_controls() {
	tenant_server ""
	audit_live "$T/kc" -n team-a --controls NP-103,NP-201
	[ "$RC" -le 1 ] || { cat "$T/live.err" >&2; fail "exit $RC"; }
	assert_only_get
	# the controls equal the offline ones; the cluster-scoped webhook and
	# APIService lists (NP-201's remediation safety, DESIGN §5.5) are
	# forbidden, which the report says as warnings, never as errors
	audit_offline -n team-a --controls NP-103,NP-201
	[ "$RC" = "$OFFLINE_RC" ] || fail "live exit $RC, offline exit $OFFLINE_RC"
	normalize_report "$T/live.json" | jq -S '[.controls, .summary.status]' > "$T/live.norm"
	normalize_report "$T/offline.json" | jq -S '[.controls, .summary.status]' > "$T/offline.norm"
	diff -u "$T/offline.norm" "$T/live.norm" >&2 || fail "the tenant's controls differ from the offline ones"
	jq -e '(.errors | length) == 0 and ([.warnings[] | .reason] | unique) == ["forbidden"]
		and ([.warnings[] | .resource] | sort) == ["apiservices", "webhookconfigurations"]' \
		"$T/live.json" > /dev/null || { jq -c '[.errors, .warnings]' "$T/live.json" >&2; fail "unexpected errors or warnings"; }
	jq -e '[.controls[] | select(.status == "ERROR")] | length == 0' "$T/live.json" > /dev/null ||
		fail "a namespace control is ERROR with namespace rights"
	[ "$(jq '.summary.pods' "$T/live.json")" = 700 ] || fail "team-a's pods are not all there"
}

# The same tenant running every control: a useful report, the cluster-level
# controls ERROR with the API's reason, the namespace ones as before.
case_tenant_all_controls() {
	tenant_server ""
	audit_live "$T/kc" -n team-a
	assert_exit 1
	jq -e '.controls[] | select(.id == "NP-101") | .status == "ERROR"' "$T/live.json" > /dev/null ||
		fail "NP-101 is not ERROR without nodes and DaemonSets"
	jq -e '[.controls[] | select(.id == "NP-103" or .id == "NP-201") | .status]
		| all(. != "ERROR")' "$T/live.json" > /dev/null ||
		fail "NP-103/NP-201 are ERROR although team-a could be read"
	jq -e '[.errors[] | select(.resource == "nodes") | .reason] == ["forbidden"]' "$T/live.json" > /dev/null ||
		{ jq -c .errors "$T/live.json" >&2; fail "the nodes error does not say forbidden"; }
	jq -e '.summary.complete == false' "$T/live.json" > /dev/null || fail "the report claims to be complete"
}

# Cluster-scoped policy kinds that exist but cannot be listed: NP-103 cannot
# know whether an AdminNetworkPolicy selects team-a's pods, so it is ERROR.
case_tenant_without_admin_policies() {
	tenant_server ', {"resource": "adminnetworkpolicies", "namespace": null}'
	audit_live "$T/kc" -n team-a --controls NP-103
	assert_exit 1
	jq -e '.controls[] | select(.id == "NP-103") | .status == "ERROR"' "$T/live.json" > /dev/null ||
		fail "NP-103 passed or failed without the AdminNetworkPolicies"
}

case_least_privilege_np102() {
	least_privilege_case --controls NP-102
	assert_listed services validatingwebhookconfigurations mutatingwebhookconfigurations apiservices daemonsets
	assert_not_listed nodes configmaps deployments replicasets statefulsets jobs cronjobs
	jq -e '[.controls[].id] == ["NP-102"]' "$T/live.json" > /dev/null || fail "other controls ran"
}

case_least_privilege_np208() {
	least_privilege_case --controls np-208
	assert_not_listed nodes configmaps services daemonsets deployments replicasets statefulsets \
		jobs cronjobs validatingwebhookconfigurations mutatingwebhookconfigurations apiservices
}

case_least_privilege_pod_controls() {
	least_privilege_case --controls 'NP-103,NP-2*' --skip-controls NP-201,NP-205,NP-208
	assert_listed daemonsets deployments replicasets statefulsets jobs cronjobs
	assert_not_listed nodes configmaps services validatingwebhookconfigurations \
		mutatingwebhookconfigurations apiservices
}

# NP-205 tells an ipBlock holding only the DNS ClusterIP (WARN) from one
# that misses DNS (FAIL): it needs Services, and nothing cluster-level.
case_least_privilege_np205() {
	least_privilege_case --controls NP-205
	assert_listed services daemonsets deployments
	assert_not_listed nodes configmaps validatingwebhookconfigurations \
		mutatingwebhookconfigurations apiservices
}

case_least_privilege_platform() {
	least_privilege_case --controls NP-101
	# a platform control: the cluster section is complete, so compare all of it
	assert_same_as_offline --controls NP-101
	assert_listed nodes daemonsets deployments configmaps
	assert_not_listed services validatingwebhookconfigurations mutatingwebhookconfigurations apiservices
	[ "$(count_requests '(.path | endswith("/configmaps")) and (.query.fieldSelector | test("^metadata.name=") | not)')" = 0 ] ||
		fail "ConfigMaps were listed without a name"
}

case_least_privilege_all_controls() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc"
	assert_same_as_offline
	assert_listed namespaces pods networkpolicies nodes daemonsets deployments replicasets \
		statefulsets jobs cronjobs configmaps services validatingwebhookconfigurations \
		mutatingwebhookconfigurations apiservices
	# Ingresses serve `fix` only.
	assert_not_listed secrets ingresses
}

# A snapshot of a selection holds only what it read; an offline audit of it
# reproduces the selection's controls and never passes a control it lacks data for.
case_snapshot_controls() {
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	"$BIN" snapshot --kubeconfig "$T/kc" --controls NP-102 "$T/snap.tar.gz" > "$T/snap.out" 2> "$T/snap.err" ||
		{ cat "$T/snap.err" >&2; fail "snapshot failed"; }
	[ "$(count_requests '(.path | test("/nodes$|/configmaps$|/ingresses$"))')" = 0 ] ||
		fail "the snapshot fetched what NP-102 does not read"
	audit_live "$T/kc" --controls NP-102
	"$BIN" audit -f "$T/snap.tar.gz" -o json --controls NP-102 > "$T/snap.json" 2> "$T/snap.err"
	[ $? = "$RC" ] || fail "the snapshot's audit exits otherwise"
	diff <(normalize_report "$T/live.json" | jq .controls) <(normalize_report "$T/snap.json" | jq .controls) > "$T/diff" ||
		{ head -40 "$T/diff" >&2; fail "the snapshot's NP-102 differs from the live one"; }
	"$BIN" audit -f "$T/snap.tar.gz" -o json --controls NP-101 > "$T/snap101.json" 2> "$T/snap.err"
	jq -e '.controls[0].status == "ERROR"' "$T/snap101.json" > /dev/null ||
		fail "NP-101 on a snapshot without nodes is not ERROR"
}

# ---- hostile servers (issue #9) ----

case_tls_expired_certificate() {
	setup_default
	make_bad_server_certs
	start_server --cert "$T/expired.crt"
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc"
	assert_exit 3
	assert_one_line_error "TLS verification failed"
	grep -qi "expired" "$T/live.err" || { cat "$T/live.err" >&2; fail "the reason does not say expired"; }
	[ "$(count_requests 'true')" = 0 ] || fail "a request went through an unverified connection"
}

case_tls_wrong_name() {
	setup_default
	make_bad_server_certs
	start_server --cert "$T/wrongname.crt"
	write_kubeconfig "$T/kc" "$(user_token)"
	audit_live "$T/kc"
	assert_exit 3
	assert_one_line_error "TLS verification failed"
	[ "$(count_requests 'true')" = 0 ] || fail "a request went through an unverified connection"
	# the name the certificate does carry, given as tls-server-name, is accepted
	write_kubeconfig "$T/kc2" "$(user_token)" "https://127.0.0.1:$PORT" "    tls-server-name: np-wrong.test"
	audit_live "$T/kc2"
	assert_same_as_offline
}

# Slow loris: a byte every 0.2 s keeps every idle and low-speed timer quiet;
# --request-timeout bounds the whole request.
case_error_slow_loris() {
	local t0=$SECONDS
	error_case '{"trickle": {"pods": 0.2}}' timeout --request-timeout 2s
	[ $((SECONDS - t0)) -lt 30 ] || fail "the slow-loris list took $((SECONDS - t0)) s"
}

# A body that never ends stops at the per-response byte limit (member-bytes).
# The 1 GiB default takes a few seconds on loopback; the case sets 64 MiB to
# keep the suite quick and bounds the wall time and peak memory.
endless_case() {
	local t0 rss
	setup_default
	faults '{"endless": {"pods": 100}}'
	start_server --faults "$T/faults.json"
	write_kubeconfig "$T/kc" "$(user_token)"
	t0=$(date +%s%N)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$T/rss" "$BIN" audit --kubeconfig "$T/kc" -o json "$@" \
			> "$T/live.json" 2> "$T/live.err"
		RC=$?
	else
		audit_live "$T/kc" "$@"
	fi
	ELAPSED_MS=$((($(date +%s%N) - t0) / 1000000))
	assert_exit 1
	jq -e '.errors | map(select(.resource == "pods" and .reason == "limit")) | length > 0' \
		"$T/live.json" > /dev/null || { jq .errors "$T/live.json" >&2; fail "no pods error with reason limit"; }
	jq -e '.summary.complete == false and .summary.status.ERROR > 0' "$T/live.json" > /dev/null ||
		fail "the report does not say it is incomplete"
	if [ -s "$T/rss" ]; then
		rss=$(tail -1 "$T/rss")
		echo "endless body: ${ELAPSED_MS} ms, peak RSS ${rss} KiB"
		[ "$rss" -lt 1048576 ] || fail "peak RSS ${rss} KiB for an endless body"
	fi
}

case_error_endless_body() {
	endless_case --limit member-bytes=64Mi
	[ "$ELAPSED_MS" -lt 10000 ] || fail "the endless body took $ELAPSED_MS ms"
}

# Invalid JSON (complete, with a trailing comma and a NUL byte): retried once,
# then the resource is unreadable.
case_fault_invalid_json() {
	fault_case '{"invalid": {"pods": 1}}'
}

case_error_invalid_json_twice() {
	error_case '{"invalid": {"pods": 2}}' parseError
}

# ---- as a kubectl plugin ----

case_kubectl_plugin() {
	command -v kubectl >/dev/null 2>&1 || skip "kubectl is not installed"
	setup_default
	start_server
	write_kubeconfig "$T/kc" "$(user_token)"
	mkdir -p "$T/bin"
	ln -s "$BIN" "$T/bin/kubectl-netpol"
	PATH="$T/bin:$PATH" kubectl netpol version > "$T/version.out" 2> "$T/version.err" ||
		{ cat "$T/version.err" >&2; fail "kubectl netpol version failed"; }
	"$BIN" version > "$T/version.direct"
	cmp -s "$T/version.out" "$T/version.direct" || fail "kubectl netpol version differs from the binary's"
	PATH="$T/bin:$PATH" KUBECONFIG="$T/kc" KUBECACHEDIR="$T/cache" kubectl netpol audit -o json \
		> "$T/live.json" 2> "$T/live.err"
	RC=$?
	assert_same_as_offline
	[ "$(count_requests '.user != "token-user"')" = 0 ] || fail "the plugin did not use KUBECONFIG's user"
}

fn="case_${CASE//-/_}"
declare -F "$fn" > /dev/null || { echo "unknown case $CASE" >&2; exit 2; }
"$fn"
echo "PASS: $CASE"
