# Shared setup for the live-mode tests (sourced by bash scripts).
# Needs python3 and openssl (else exit 77 = skipped). Everything happens in a
# temporary directory; the API server binds 127.0.0.1 only and is killed by
# its PID on exit.

LIVE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SERVER_PID=
PROXY_PID=
T=

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

live_cleanup() {
	if [ -n "$PROXY_PID" ]; then
		kill "$PROXY_PID" 2>/dev/null
		wait "$PROXY_PID" 2>/dev/null
	fi
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	[ -n "$T" ] && [ -z "${KEEP_TMP:-}" ] && rm -rf "$T"
}

live_init() {
	# Debian's python3 first: version-manager shims cost seconds per start.
	PYTHON=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
	[ -n "$PYTHON" ] || skip "python3 is not installed"
	command -v openssl >/dev/null 2>&1 || skip "openssl is not installed"
	command -v jq >/dev/null 2>&1 || skip "jq is not installed"
	T=$(mktemp -d "${TMPDIR:-/tmp}/np-live.XXXXXX")
	trap live_cleanup EXIT
	# A meson timeout sends SIGTERM: exit through the EXIT trap so the servers go too.
	trap 'exit 143' TERM
	trap 'exit 130' INT
	# No ambient configuration leaks in.
	unset KUBECONFIG KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT
	unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy NO_PROXY no_proxy
	export HOME="$T/home"
	mkdir -p "$HOME"
	export ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=86}"
	export CI=1
}

# CA, server certificate (127.0.0.1, localhost, kubernetes.test), a client
# certificate (CN=cert-user) and an unrelated CA.
make_certs() {
	(
		cd "$T" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt -days 2 \
			-subj "/CN=np-test-ca" 2>/dev/null || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other-ca.key -out other-ca.crt \
			-days 2 -subj "/CN=np-other-ca" 2>/dev/null || exit 1
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
			-subj "/CN=np-test-server" 2>/dev/null || exit 1
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.test\n' > san.ext
		openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-out server.crt -days 2 -extfile san.ext 2>/dev/null || exit 1
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client.key -out client.csr \
			-subj "/CN=cert-user" 2>/dev/null || exit 1
		printf 'extendedKeyUsage=clientAuth\n' > client.ext
		openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-out client.crt -days 2 -extfile client.ext 2>/dev/null || exit 1
	) || fail "openssl could not make the test certificates"
}

gen_cluster() {
	"$PYTHON" "$LIVE_DIR/gen_cluster.py" "$T/cluster.json" "$@" || fail "gen_cluster.py"
}

# start_server [--faults FILE] [--http] [other apiserver.py flags]
start_server() {
	rm -f "$T/port"
	"$PYTHON" "$LIVE_DIR/apiserver.py" --objects "$T/cluster.json" --port-file "$T/port" \
		--cert "$T/server.crt" --key "$T/server.key" --client-ca "$T/ca.crt" \
		--token good-token=token-user --token exec-token=exec-user \
		--token exec-token-1=exec-user --token exec-token-2=exec-user \
		--basic basic-user=basic-pass \
		--crd-group policy.networking.k8s.io --log "$T/requests.log" "$@" \
		2>"$T/server.err" &
	SERVER_PID=$!
	local i
	# START_WAIT: tenths of a second to wait (a 300 MB cluster takes a while to load)
	for i in $(seq 1 "${START_WAIT:-100}"); do
		[ -s "$T/port" ] && break
		kill -0 "$SERVER_PID" 2>/dev/null || { cat "$T/server.err" >&2; fail "the API server died"; }
		sleep 0.1
	done
	[ -s "$T/port" ] || fail "the API server did not start"
	PORT=$(cat "$T/port")
	: > "$T/requests.log"
}

start_proxy() {
	rm -f "$T/proxy.port"
	"$PYTHON" "$LIVE_DIR/proxy.py" --port-file "$T/proxy.port" --log "$T/proxy.log" \
		2>"$T/proxy.err" &
	PROXY_PID=$!
	local i
	for i in $(seq 1 100); do
		[ -s "$T/proxy.port" ] && break
		sleep 0.1
	done
	[ -s "$T/proxy.port" ] || fail "the proxy did not start"
	PROXY_PORT=$(cat "$T/proxy.port")
}

stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
	fi
}

b64() {
	base64 -w0 < "$1"
}

# write_kubeconfig FILE USER-BLOCK [SERVER-URL] [EXTRA-CLUSTER-LINES]
write_kubeconfig() {
	local file=$1 user=$2 server=${3:-https://127.0.0.1:$PORT} extra=${4:-}
	cat > "$file" <<EOF
apiVersion: v1
kind: Config
current-context: test
clusters:
- name: test-cluster
  cluster:
    server: $server
    certificate-authority-data: $(b64 "$T/ca.crt")
$extra
contexts:
- name: test
  context:
    cluster: test-cluster
    user: test-user
users:
- name: test-user
  user:
$user
EOF
}

user_token() { printf '    token: good-token\n'; }
user_cert() {
	printf '    client-certificate-data: %s\n    client-key-data: %s\n' \
		"$(b64 "$T/client.crt")" "$(b64 "$T/client.key")"
}
user_basic() { printf '    username: basic-user\n    password: basic-pass\n'; }
# user_exec MODE [extra env lines]
user_exec() {
	cat <<EOF
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $PYTHON
      args: ["$LIVE_DIR/exec-plugin.py", "--flag"]
      interactiveMode: Never
      provideClusterInfo: true
      installHint: "install the test plugin"
      env:
      - name: PLUGIN_MODE
        value: "$1"
      - name: PLUGIN_COUNT
        value: "$T/plugin.count"
      - name: PLUGIN_INFO
        value: "$T/plugin.info"
      - name: PLUGIN_CERT
        value: "$T/client.crt"
      - name: PLUGIN_KEY
        value: "$T/client.key"
${2:-}
EOF
}

# Drops what legitimately differs between two reports of the same objects:
# where they were read (source, inputs, locations) and when.
normalize_report() {
	jq -S 'del(.generatedAt, .source, .inputs)
	       | walk(if type == "object" then del(.source, .file, .member, .line, .column,
	                                            .objectLine, .location) else . end)' "$1"
}

requests() {
	cat "$T/requests.log"
}

# Server certificates that must fail verification: expired.crt (signed by the
# test CA for the right names, valid only in 2020) and wrongname.crt (the test
# CA, current, but for np-wrong.test only). Needs make_certs first.
make_bad_server_certs() {
	(
		cd "$T" || exit 1
		mkdir -p ca-db
		: > ca-db/index.txt
		echo 1000 > ca-db/serial
		cat > ca-db/ca.cnf <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = $T/ca-db/index.txt
new_certs_dir = $T/ca-db
serial = $T/ca-db/serial
default_md = sha256
policy = any
unique_subject = no
[ any ]
commonName = supplied
[ ext ]
subjectAltName = IP:127.0.0.1,DNS:localhost,DNS:kubernetes.test
CNF
		openssl ca -batch -config ca-db/ca.cnf -cert ca.crt -keyfile ca.key -in server.csr \
			-out expired.crt -startdate 20200101000000Z -enddate 20200102000000Z \
			-extensions ext -notext 2>/dev/null || exit 1
		printf 'subjectAltName=DNS:np-wrong.test\n' > wrong.ext
		openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-out wrongname.crt -days 2 -extfile wrong.ext 2>/dev/null || exit 1
	) || fail "openssl could not make the bad server certificates"
}
