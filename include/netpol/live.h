/* Live API source: kubeconfig resolution, authentication and listing
 * (DESIGN §3.2). snapshot/ never prints; cmd/ maps NP_ENET/NP_EAUTH to exit 3. */
#ifndef NETPOL_LIVE_H
#define NETPOL_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/model.h"
#include "netpol/snapshot.h"
#include "netpol/error.h"

/* Live flags as kubectl spells them (DESIGN §2.1). All strings borrowed from argv. */
struct np_live_options {
	const char *kubeconfig;            /* --kubeconfig */
	const char *context;               /* --context */
	const char *cluster;               /* --cluster */
	const char *user;                  /* --user */
	const char *server;                /* -s/--server */
	const char *token;                 /* --token */
	const char *certificate_authority; /* --certificate-authority */
	const char *client_certificate;    /* --client-certificate */
	const char *client_key;            /* --client-key */
	const char *tls_server_name;       /* --tls-server-name */
	bool insecure_skip_tls_verify;     /* --insecure-skip-tls-verify */
	const char *as;                    /* --as */
	size_t n_as_groups;
	const char **as_groups;            /* --as-group (repeatable) */
	const char *as_uid;                /* --as-uid */
	const char *username;              /* --username */
	const char *password;              /* --password */
	long long request_timeout_ms;      /* --request-timeout, 0 = none */
	long long timeout_ms;              /* --timeout, whole run (default 10 min) */
	bool disable_compression;          /* --disable-compression */
	const char *namespace;             /* -n (NULL = all namespaces) */
	int verbosity;                     /* -v level; >= 2 logs requests (redacted) */
	bool progress;                     /* one progress line on stderr (cmd decides: TTY, !-q, CI unset) */
	/* Which resources the selected controls need (bit per enum np_resource); 0 = all. */
	unsigned long long resources;
	/* Addition (live): never hand an exec plugin the terminal (__complete, DESIGN §8). */
	bool exec_noninteractive;
};

/* Fetches what opt->resources names into m (availability recorded per
 * resource/namespace; forbidden and failed lists become unreadable).
 * Returns NP_ENET / NP_EAUTH when nothing could be fetched (exit 3),
 * NP_EUSAGE for a bad kubeconfig/context (exit 2). Log lines (verbosity,
 * progress) go through log_fn when non-NULL; secrets are never passed to it. */
/* Log levels: -1 the progress line (replaces the previous one; only sent
 * when opt->progress), 0 warnings (plain http, insecure-skip-tls-verify),
 * 1 notes (-v: retries, fallbacks, plugin runs), 2 one line per request
 * (-vv: method, URL without userinfo, status, bytes, milliseconds). */
typedef void (*np_log_fn)(void *ctx, int level, const char *line);
int np_live_load(struct np_model *m, const struct np_live_options *opt,
		 const struct np_load_options *load, np_log_fn log_fn, void *log_ctx,
		 struct np_error *err);

/* ---- kubeconfig (snapshot/kubeconfig.c) ----
 * Resolution as kubectl does it: --kubeconfig alone, else $KUBECONFIG (first
 * file to set a key wins; relative paths against the defining file), else
 * ~/.kube/config, else the in-cluster service account; then the flags. */

enum np_exec_interactive {
	NP_EXEC_INTERACTIVE_UNSET, NP_EXEC_INTERACTIVE_NEVER,
	NP_EXEC_INTERACTIVE_IFAVAILABLE, NP_EXEC_INTERACTIVE_ALWAYS,
};

/* users[].user.exec. Every string is owned by the enclosing np_kubeconfig;
 * env values are treated as secrets (wiped when freed). */
struct np_exec_config {
	char *api_version;     /* client.authentication.k8s.io/v1 or v1beta1 */
	char *command;         /* a PATH name, or a path resolved against the kubeconfig's dir */
	size_t n_args;
	char **args;
	size_t n_env;
	char **env_names;
	char **env_values;
	char *install_hint;    /* may be NULL */
	enum np_exec_interactive interactive; /* v1beta1 default: IfAvailable */
	bool provide_cluster_info;
	char *cluster_config;  /* JSON of the cluster's client.authentication.k8s.io/exec extension, or NULL */
};

/* The resolved view of one context. Secret fields (token, password, key,
 * exec env values) are wiped by np_kubeconfig_free. */
struct np_kubeconfig {
	char *context_name;    /* "in-cluster" for the service account */
	char *cluster_name;
	char *user_name;
	char *namespace;       /* context namespace (NULL if unset) */
	char *origin;          /* file the context came from (NULL: flags / in-cluster) */
	char *server;          /* URL as configured */
	unsigned char *ca;     /* PEM bundle replacing the system roots, NULL = system roots */
	size_t ca_len;
	bool insecure;         /* insecure-skip-tls-verify */
	char *tls_server_name;
	char *proxy_url;
	bool disable_compression;
	unsigned char *cert, *key; /* client certificate / key, PEM, in memory */
	size_t cert_len, key_len;
	char *token;
	char *token_file;      /* re-read on every refresh; wins over token */
	char *username, *password;
	bool has_exec;
	struct np_exec_config exec;
	char *auth_provider;   /* name of a legacy auth-provider (unsupported), else NULL */
	char *as, *as_uid;     /* impersonation */
	size_t n_as_groups;
	char **as_groups;
	size_t n_as_extra;
	char **as_extra_keys, **as_extra_values;
	bool in_cluster;
};

/* The process environment kubeconfig resolution reads; tests substitute it. */
struct np_kubeconfig_env {
	const char *kubeconfig;   /* $KUBECONFIG, NULL if unset */
	const char *home;         /* $HOME */
	const char *sa_dir;       /* service-account directory (token, ca.crt, namespace) */
	const char *service_host; /* $KUBERNETES_SERVICE_HOST */
	const char *service_port; /* $KUBERNETES_SERVICE_PORT */
};
/* Fills e from getenv() and the standard service-account path (borrowed). */
void np_kubeconfig_env_default(struct np_kubeconfig_env *e);

/* Resolves the context opt selects into *out (caller frees with
 * np_kubeconfig_free). NP_EUSAGE with err naming the file for a missing
 * --kubeconfig, a syntax error, an unknown context/cluster/user, a bad
 * base64 field, a CA with insecure-skip-tls-verify, or no configuration at
 * all; NP_ENOMEM. Reads the certificate and key files it names, never
 * writes any file. Does not run exec plugins. */
int np_kubeconfig_load(struct np_kubeconfig **out, const struct np_live_options *opt,
		       const struct np_kubeconfig_env *env, struct np_error *err);
void np_kubeconfig_free(struct np_kubeconfig *kc);

/* The bearer token to send: the token file's content (re-read now, trailing
 * whitespace dropped) if one is set, else the token. *out is NULL when the
 * user has neither; the caller frees it with np_secret_free. NP_EAUTH when
 * the token file cannot be read. */
int np_kubeconfig_token(char **out, const struct np_kubeconfig *kc, struct np_error *err);

/* Wipes a NUL-terminated secret and frees it; NULL-safe. */
void np_secret_free(char *s);

/* ---- exec credential plugins (snapshot/exec_credential.c) ---- */

/* A plugin's answer. Secrets, wiped by np_exec_result_release. */
struct np_exec_result {
	char *token;
	unsigned char *cert, *key; /* PEM */
	size_t cert_len, key_len;
	long long expires;         /* Unix seconds of expirationTimestamp, 0 = none */
};
void np_exec_result_release(struct np_exec_result *r);

/* Parses a plugin's stdout (an ExecCredential of api_version). NP_EAUTH
 * with a message that never quotes the content. */
int np_exec_credential_parse(struct np_exec_result *out, const char *buf, size_t len,
			     const char *api_version, struct np_error *err);

/* Runs the plugin of kc (posix_spawn, no shell; our environment plus the
 * kubeconfig env plus KUBERNETES_EXEC_INFO; stdin /dev/null unless
 * interactive; stdout read up to 1 MiB within timeout_ms, after which the
 * process group is killed and reaped) and parses its answer. stdin_tty says
 * whether a terminal is on stdin (IfAvailable). NP_EAUTH naming the command
 * (and its installHint when the binary is missing) on any failure. */
int np_exec_credential_run(struct np_exec_result *out, const struct np_kubeconfig *kc,
			   bool stdin_tty, long long timeout_ms, struct np_error *err);

/* Builds KUBERNETES_EXEC_INFO for kc into *out (caller frees with free()). */
int np_exec_credential_info(char **out, const struct np_kubeconfig *kc, bool interactive,
			    struct np_error *err);

/* ---- snapshot verb (snapshot/live_snapshot.c) ---- */

/* The archive (one top directory, kubectl-netpol-snapshot/):
 *   cluster-resources/<res>/<ns>.json        namespaced Lists (items carry kind/apiVersion)
 *   cluster-resources/<res>.json             cluster-scoped Lists (nodes, namespaces, ...)
 *   cluster-resources/custom-resources/<plural.group>[/<ns>].json
 *   cluster-resources/custom-resource-definitions.json  the served policy CRDs
 *   cluster-resources/<res>-errors.json      ["msg"] whole resource / {"ns": "msg"} per namespace
 *   kubectl-netpol-snapshot.json             {"apiVersion": "kubectl-netpol/v1", "kind": "Snapshot",
 *       "version", "context", "server", "time", "namespace" (-n or null),
 *       "availability": [{"resource", "apiGroup", "namespace", "state": "read|notCollected|
 *       unreadable", "reason", "message"}]} -- the model's availability records, exact.
 * <res> uses troubleshoot's names (pods, network-policy, ingress, ...). */

/* What np_live_snapshot wrote, for the verb's summary line. */
struct np_live_snapshot_stats {
	size_t objects;      /* items written */
	size_t lists;        /* resource/namespace lists written */
	size_t unreadable;   /* *-errors.json entries */
};

/* Fetches what opt->resources names (as np_live_load) and writes it to path
 * as a troubleshoot-layout .tar.gz with a kubectl-netpol-snapshot.json
 * marker, mode 0600, through a temporary file in the same directory
 * (O_EXCL|O_NOFOLLOW) renamed over path. Secrets, ConfigMap data other than
 * CNI keys, env values, envFrom, volumes, managedFields and unread
 * annotations are never written. Errors as np_live_load, plus NP_EIO (with
 * err->file = path) when the file cannot be written. m receives the decoded
 * objects too (so the caller can summarise); stats may be NULL. */
int np_live_snapshot(const char *path, struct np_model *m, const struct np_live_options *opt,
		     const struct np_load_options *load, np_log_fn log_fn, void *log_ctx,
		     struct np_live_snapshot_stats *stats, struct np_error *err);

#endif
