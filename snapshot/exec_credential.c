/* Exec credential plugins (client.authentication.k8s.io/v1, v1beta1) as
 * kubectl runs them (DESIGN §3.2, §8): no shell, an explicit argv and
 * environment, stdin only when interactive, every other descriptor closed,
 * stdout bounded in size and time, and the process group killed and reaped
 * on timeout. The answer is a secret: it lives in wiped buffers and never
 * appears in a message. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addclosefrom_np (glibc 2.34) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netpol/live.h"
#include "netpol/node.h"
#include "live_internal.h"

#define EXEC_MAX_OUTPUT (1u << 20)

extern char **environ;

void np_exec_result_release(struct np_exec_result *r)
{
	if (!r)
		return;
	np_secret_free(r->token);
	live_wipe_free(r->cert, r->cert_len);
	live_wipe_free(r->key, r->key_len);
	memset(r, 0, sizeof(*r));
}

/* ---- the answer ---- */

struct parse_ctx {
	struct np_exec_result *out;
	const char *api_version;
	struct np_error *err;
	bool seen;
};

static void wipe_node(const struct np_node *n)
{
	if (n && n->type == NP_NODE_STRING && n->u.str.len)
		explicit_bzero((char *)n->u.str.s, n->u.str.len);
}

static int take_str(struct parse_ctx *c, const struct np_node *status, const char *key,
		    char **dst, size_t *len)
{
	const struct np_node *v = np_node_get(status, key);

	if (!v || v->type == NP_NODE_NULL || (v->type == NP_NODE_STRING && !v->u.str.len))
		return 0;
	if (v->type != NP_NODE_STRING)
		return np_error_set(c->err, NP_EAUTH, "exec plugin: status.%s is not a string", key);
	*dst = live_strndup(v->u.str.s, v->u.str.len);
	wipe_node(v);
	if (!*dst)
		return np_error_set(c->err, NP_ENOMEM, "out of memory");
	if (len)
		*len = v->u.str.len;
	return 0;
}

static int parse_doc(void *ctx, const struct np_node *doc, int doc_index)
{
	struct parse_ctx *c = ctx;
	const struct np_node *status;
	const char *av, *kind, *exp;
	char *cert = NULL, *key = NULL;
	size_t cert_len = 0, key_len = 0;
	int rc;

	if (c->seen)
		return np_error_set(c->err, NP_EAUTH, "exec plugin: more than one JSON value on stdout");
	c->seen = true;
	if (!doc || doc->type != NP_NODE_MAP)
		return np_error_set(c->err, NP_EAUTH, "exec plugin: output is not an ExecCredential");
	av = np_node_str(np_node_get(doc, "apiVersion"));
	kind = np_node_str(np_node_get(doc, "kind"));
	if (!kind || strcmp(kind, "ExecCredential"))
		return np_error_set(c->err, NP_EAUTH, "exec plugin: output is not an ExecCredential");
	if (!av || strcmp(av, c->api_version))
		return np_error_set(c->err, NP_EAUTH,
				    "exec plugin: configured for %s, returned another apiVersion",
				    c->api_version);
	status = np_node_get(doc, "status");
	if (!status || status->type != NP_NODE_MAP)
		return np_error_set(c->err, NP_EAUTH, "exec plugin: no status in its output");
	if ((rc = take_str(c, status, "token", &c->out->token, NULL)) < 0 ||
	    (rc = take_str(c, status, "clientCertificateData", &cert, &cert_len)) < 0 ||
	    (rc = take_str(c, status, "clientKeyData", &key, &key_len)) < 0)
		goto out;
	if (!!cert != !!key) {
		rc = np_error_set(c->err, NP_EAUTH, "exec plugin: clientCertificateData and "
				  "clientKeyData must be given together");
		goto out;
	}
	if (!c->out->token && !cert) {
		rc = np_error_set(c->err, NP_EAUTH, "exec plugin: status has neither a token nor "
				  "a client certificate");
		goto out;
	}
	exp = np_node_str(np_node_get(status, "expirationTimestamp"));
	if (exp && *exp && live_parse_rfc3339(exp, &c->out->expires) < 0) {
		rc = np_error_set(c->err, NP_EAUTH, "exec plugin: invalid status.expirationTimestamp");
		goto out;
	}
	c->out->cert = (unsigned char *)cert;
	c->out->cert_len = cert_len;
	c->out->key = (unsigned char *)key;
	c->out->key_len = key_len;
	cert = key = NULL;
	rc = 0;
out:
	live_wipe_free(cert, cert_len);
	live_wipe_free(key, key_len);
	return rc;
}

int np_exec_credential_parse(struct np_exec_result *out, const char *buf, size_t len,
			     const char *api_version, struct np_error *err)
{
	struct np_decode_limits lim;
	struct parse_ctx c = { out, api_version, err, false };
	struct np_error perr;
	int rc;

	memset(out, 0, sizeof(*out));
	np_decode_limits_default(&lim);
	rc = np_json_decode(buf, len, "exec plugin output", &lim, parse_doc, &c, &perr);
	if (rc < 0) {
		np_exec_result_release(out);
		if (rc == NP_ENOMEM)
			return np_error_set(err, rc, "out of memory");
		if (rc == NP_EAUTH)
			return rc; /* parse_doc's own message, already in err */
		/* The parser's message may quote the content: give only the position. */
		return np_error_set(err, NP_EAUTH, "exec plugin: output is not valid JSON "
				    "(line %d, column %d)", perr.line, perr.column);
	}
	if (!c.seen)
		return np_error_set(err, NP_EAUTH, "exec plugin: no output");
	return 0;
}

/* ---- KUBERNETES_EXEC_INFO ---- */

int np_exec_credential_info(char **out, const struct np_kubeconfig *kc, bool interactive,
			    struct np_error *err)
{
	const struct np_exec_config *e = &kc->exec;
	struct lbuf b = { 0 };
	char *ca = NULL;

	*out = NULL;
	lbuf_adds(&b, "{\"apiVersion\":");
	lbuf_add_json_str(&b, e->api_version, strlen(e->api_version));
	lbuf_addf(&b, ",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":%s",
		  interactive ? "true" : "false");
	if (e->provide_cluster_info) {
		lbuf_adds(&b, ",\"cluster\":{\"server\":");
		lbuf_add_json_str(&b, kc->server ? kc->server : "",
				  kc->server ? strlen(kc->server) : 0);
		if (kc->tls_server_name) {
			lbuf_adds(&b, ",\"tls-server-name\":");
			lbuf_add_json_str(&b, kc->tls_server_name, strlen(kc->tls_server_name));
		}
		if (kc->insecure)
			lbuf_adds(&b, ",\"insecure-skip-tls-verify\":true");
		if (kc->ca) {
			ca = live_base64_encode(kc->ca, kc->ca_len);
			if (!ca)
				b.oom = true;
			else {
				lbuf_adds(&b, ",\"certificate-authority-data\":");
				lbuf_add_json_str(&b, ca, strlen(ca));
			}
		}
		if (kc->proxy_url) {
			lbuf_adds(&b, ",\"proxy-url\":");
			lbuf_add_json_str(&b, kc->proxy_url, strlen(kc->proxy_url));
		}
		if (kc->disable_compression)
			lbuf_adds(&b, ",\"disable-compression\":true");
		if (e->cluster_config && strcmp(e->cluster_config, "null")) {
			lbuf_adds(&b, ",\"config\":");
			lbuf_adds(&b, e->cluster_config);
		}
		lbuf_adds(&b, "}");
	}
	lbuf_adds(&b, "}}");
	free(ca);
	if (b.oom) {
		lbuf_release(&b);
		return np_error_set(err, NP_ENOMEM, "out of memory");
	}
	*out = lbuf_detach(&b, NULL);
	return *out ? 0 : np_error_set(err, NP_ENOMEM, "out of memory");
}

/* ---- running it ---- */

/* The executable to run: as configured when it has a slash (kubeconfig.c
 * resolved it against the file's directory), else the first match on our
 * PATH, as Go's exec.LookPath does. NULL when there is none. */
static char *find_program(const char *cmd)
{
	const char *path, *p;
	struct stat st;

	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) == 0 && S_ISREG(st.st_mode) && access(cmd, X_OK) == 0)
			return strdup(cmd);
		return NULL;
	}
	path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;;) {
		const char *end = strchr(p, ':');
		size_t dn = end ? (size_t)(end - p) : strlen(p);
		size_t n = dn + strlen(cmd) + 3;
		char *full = malloc(n);

		if (!full)
			return NULL;
		if (dn)
			snprintf(full, n, "%.*s/%s", (int)dn, p, cmd);
		else
			snprintf(full, n, "./%s", cmd); /* an empty PATH entry is the cwd */
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
			return full;
		free(full);
		if (!end)
			return NULL;
		p = end + 1;
	}
}

static bool env_overridden(const char *entry, const struct np_exec_config *e)
{
	const char *eq = strchr(entry, '=');
	size_t n = eq ? (size_t)(eq - entry) : strlen(entry);
	size_t i;

	if (n == strlen("KUBERNETES_EXEC_INFO") && !strncmp(entry, "KUBERNETES_EXEC_INFO", n))
		return true;
	for (i = 0; i < e->n_env; i++)
		if (strlen(e->env_names[i]) == n && !strncmp(entry, e->env_names[i], n))
			return true;
	return false;
}

static void free_env(char **envp, size_t n)
{
	size_t i;

	if (!envp)
		return;
	for (i = 0; i < n; i++)
		np_secret_free(envp[i]);
	free(envp);
}

/* Ours, minus what the kubeconfig overrides, plus its env, plus the info. */
static char **build_env(const struct np_exec_config *e, const char *info, size_t *count)
{
	size_t n = 0, i, k = 0;
	char **envp;

	for (i = 0; environ && environ[i]; i++)
		n++;
	envp = calloc(n + e->n_env + 2, sizeof(char *));
	if (!envp)
		return NULL;
	for (i = 0; environ && environ[i]; i++) {
		if (env_overridden(environ[i], e))
			continue;
		if (!(envp[k++] = strdup(environ[i])))
			goto oom;
	}
	for (i = 0; i < e->n_env; i++) {
		size_t len = strlen(e->env_names[i]) + strlen(e->env_values[i]) + 2;
		size_t j;
		bool later = false;

		/* The last of repeated names wins, as in Go's exec. */
		for (j = i + 1; j < e->n_env; j++)
			later |= !strcmp(e->env_names[i], e->env_names[j]);
		if (later)
			continue;
		if (!(envp[k] = malloc(len)))
			goto oom;
		snprintf(envp[k++], len, "%s=%s", e->env_names[i], e->env_values[i]);
	}
	{
		size_t len = strlen(info) + sizeof("KUBERNETES_EXEC_INFO=");

		if (!(envp[k] = malloc(len)))
			goto oom;
		snprintf(envp[k++], len, "KUBERNETES_EXEC_INFO=%s", info);
	}
	*count = k;
	return envp;
oom:
	free_env(envp, k);
	return NULL;
}

static int spawn_plugin(pid_t *pid, const char *prog, char **argv, char **envp, bool interactive,
			int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	int rc;

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return rc;
	if ((rc = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return rc;
	}
	sigemptyset(&none);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	/* Non-interactive plugins get their own process group so a timeout can
	 * kill everything they started; an interactive one stays in ours so it
	 * can read the terminal. */
	if (!interactive) {
		flags |= POSIX_SPAWN_SETPGROUP;
		posix_spawnattr_setpgroup(&at, 0);
	}
	if ((rc = posix_spawnattr_setflags(&at, flags)) != 0 ||
	    (rc = posix_spawnattr_setsigmask(&at, &none)) != 0 ||
	    (rc = posix_spawnattr_setsigdefault(&at, &all)) != 0)
		goto out;
	if (!interactive &&
	    (rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) != 0)
		goto out;
	if ((rc = posix_spawn_file_actions_adddup2(&fa, out_fd, 1)) != 0)
		goto out;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* Nothing of ours (sockets, the kubeconfig, other pipes) leaks into the plugin. */
	if ((rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) != 0)
		goto out;
#endif
	rc = posix_spawn(pid, prog, &fa, &at, argv, envp);
out:
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static void kill_and_reap(pid_t pid, bool group)
{
	int st;

	if (group)
		kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

int np_exec_credential_run(struct np_exec_result *out, const struct np_kubeconfig *kc,
			   bool stdin_tty, long long timeout_ms, struct np_error *err)
{
	const struct np_exec_config *e = &kc->exec;
	struct lbuf buf = { .secret = true };
	char *prog = NULL, *info = NULL, **argv = NULL, **envp = NULL;
	size_t n_env = 0, i;
	int fds[2] = { -1, -1 };
	pid_t pid = -1;
	bool interactive, exited = false;
	long long deadline;
	int rc, status = 0;

	memset(out, 0, sizeof(*out));
	if (!kc->has_exec || !e->command)
		return np_error_set(err, NP_EAUTH, "no exec plugin configured");
	switch (e->interactive) {
	case NP_EXEC_INTERACTIVE_ALWAYS:
		if (!stdin_tty)
			return np_error_set(err, NP_EAUTH, "exec plugin %s needs a terminal on "
					    "stdin (interactiveMode: Always)", e->command);
		interactive = true;
		break;
	case NP_EXEC_INTERACTIVE_NEVER:
		interactive = false;
		break;
	default:
		interactive = stdin_tty;
	}
	prog = find_program(e->command);
	if (!prog) {
		if (e->install_hint && *e->install_hint)
			return np_error_set(err, NP_EAUTH, "exec plugin: executable %s not found: %s",
					    e->command, e->install_hint);
		return np_error_set(err, NP_EAUTH, "exec plugin: executable %s not found",
				    e->command);
	}
	if ((rc = np_exec_credential_info(&info, kc, interactive, err)) < 0)
		goto out;
	argv = calloc(e->n_args + 2, sizeof(char *));
	envp = build_env(e, info, &n_env);
	if (!argv || !envp) {
		rc = np_error_set(err, NP_ENOMEM, "out of memory");
		goto out;
	}
	argv[0] = e->command;
	for (i = 0; i < e->n_args; i++)
		argv[i + 1] = e->args[i];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		rc = np_error_set(err, NP_EAUTH, "exec plugin %s: pipe: %s", e->command,
				  strerror(errno));
		goto out;
	}
	rc = spawn_plugin(&pid, prog, argv, envp, interactive, fds[1]);
	close(fds[1]);
	fds[1] = -1;
	if (rc != 0) {
		pid = -1;
		rc = np_error_set(err, NP_EAUTH, "exec plugin %s: %s", e->command, strerror(rc));
		goto out;
	}
	deadline = live_now_ms() + (timeout_ms > 0 ? timeout_ms : 60000);
	/* Read until EOF, then wait for the exit, all within the deadline. */
	for (;;) {
		struct pollfd pfd = { fds[0], POLLIN, 0 };
		long long left = deadline - live_now_ms();
		char chunk[8192];
		ssize_t r;
		int pr;

		if (left <= 0) {
			rc = np_error_set(err, NP_EAUTH, "exec plugin %s: timed out after %lld ms",
					  e->command, timeout_ms > 0 ? timeout_ms : 60000);
			goto out;
		}
		if (fds[0] < 0) {
			pid_t w = waitpid(pid, &status, WNOHANG);

			if (w == pid) {
				exited = true;
				break;
			}
			if (w < 0 && errno != EINTR) {
				rc = np_error_set(err, NP_EAUTH, "exec plugin %s: %s", e->command,
						  strerror(errno));
				goto out;
			}
			poll(NULL, 0, left < 10 ? (int)left : 10);
			continue;
		}
		pr = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			rc = np_error_set(err, NP_EAUTH, "exec plugin %s: poll: %s", e->command,
					  strerror(errno));
			goto out;
		}
		if (pr == 0)
			continue;
		r = read(fds[0], chunk, sizeof(chunk));
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			rc = np_error_set(err, NP_EAUTH, "exec plugin %s: read: %s", e->command,
					  strerror(errno));
			goto out;
		}
		if (r == 0) {
			close(fds[0]);
			fds[0] = -1;
			continue;
		}
		if (buf.n + (size_t)r > EXEC_MAX_OUTPUT) {
			explicit_bzero(chunk, sizeof(chunk));
			rc = np_error_set(err, NP_EAUTH, "exec plugin %s: output larger than 1 MiB",
					  e->command);
			goto out;
		}
		rc = lbuf_add(&buf, chunk, (size_t)r);
		explicit_bzero(chunk, sizeof(chunk));
		if (rc < 0) {
			rc = np_error_set(err, NP_ENOMEM, "out of memory");
			goto out;
		}
	}
	pid = -1;
	if (WIFSIGNALED(status)) {
		rc = np_error_set(err, NP_EAUTH, "exec plugin %s: killed by signal %d", e->command,
				  WTERMSIG(status));
		goto out;
	}
	if (WEXITSTATUS(status) != 0) {
		rc = np_error_set(err, NP_EAUTH, "exec plugin %s: exit status %d", e->command,
				  WEXITSTATUS(status));
		goto out;
	}
	rc = np_exec_credential_parse(out, buf.p ? buf.p : "", buf.n, e->api_version, err);
	if (rc < 0 && err) {
		char msg[sizeof(err->msg)];

		/* Name the command: several users may run different plugins. */
		snprintf(msg, sizeof(msg), "%s", err->msg);
		if (!strncmp(msg, "exec plugin", 11))
			snprintf(err->msg, sizeof(err->msg), "exec plugin %.200s%.800s", e->command,
				 msg + 11);
	}
out:
	if (pid > 0 && !exited)
		kill_and_reap(pid, !interactive);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	lbuf_release(&buf);
	free(prog);
	free(info);
	free(argv);
	free_env(envp, n_env);
	return rc;
}
