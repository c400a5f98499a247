/* kubeconfig resolution as kubectl does it (DESIGN §3.2): which files, how
 * they merge, which context, and how the live flags override it. Paths in a
 * file are resolved against that file's directory before merging, so a
 * merged view never needs to remember where a relative path came from.
 * Secrets (tokens, passwords, keys, exec env values) are copied into
 * buffers that are wiped when freed, and wiped from the parse tree and the
 * file buffer as soon as they are copied. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netpol/live.h"
#include "netpol/node.h"
#include "live_internal.h"

#define KC_MAX_FILE (16u << 20)   /* a kubeconfig larger than this is not one */
#define KC_MAX_PEM (4u << 20)     /* certificate, key or CA bundle file */
#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

struct kc_file;

struct kc_cluster {
	char *name;
	const struct kc_file *file;
	char *server, *ca_file, *tls_server_name, *proxy_url, *exec_ext;
	unsigned char *ca_data;
	size_t ca_len;
	bool insecure, disable_compression;
};

struct kc_user {
	char *name;
	const struct kc_file *file;
	char *cert_file, *key_file, *token, *token_file, *username, *password;
	char *as, *as_uid, *auth_provider;
	unsigned char *cert_data, *key_data;
	size_t cert_len, key_len;
	size_t n_as_groups;
	char **as_groups;
	size_t n_extra;
	char **extra_keys, **extra_values;
	bool has_exec;
	struct np_exec_config exec;
};

struct kc_context {
	char *name;
	const struct kc_file *file;
	char *cluster, *user, *namespace;
};

struct kc_file {
	char *path, *dir;
	char *current_context;
	size_t n_clusters, n_users, n_contexts;
	struct kc_cluster *clusters;
	struct kc_user *users;
	struct kc_context *contexts;
};

struct kc_set {
	size_t n;
	struct kc_file **files;
};

/* ---- freeing ---- */

void np_secret_free(char *s)
{
	if (s)
		live_wipe_free(s, strlen(s));
}

static void free_strv(char **v, size_t n, bool secret)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++) {
		if (secret)
			np_secret_free(v[i]);
		else
			free(v[i]);
	}
	free(v);
}

static void exec_release(struct np_exec_config *e)
{
	free(e->api_version);
	free(e->command);
	free_strv(e->args, e->n_args, false);
	free_strv(e->env_names, e->n_env, false);
	free_strv(e->env_values, e->n_env, true);
	free(e->install_hint);
	free(e->cluster_config);
	memset(e, 0, sizeof(*e));
}

static void cluster_release(struct kc_cluster *c)
{
	free(c->name);
	free(c->server);
	free(c->ca_file);
	free(c->tls_server_name);
	free(c->proxy_url);
	free(c->exec_ext);
	free(c->ca_data);
}

static void user_release(struct kc_user *u)
{
	free(u->name);
	free(u->cert_file);
	free(u->key_file);
	np_secret_free(u->token);
	free(u->token_file);
	free(u->username);
	np_secret_free(u->password);
	free(u->as);
	free(u->as_uid);
	free(u->auth_provider);
	free(u->cert_data);
	live_wipe_free(u->key_data, u->key_len);
	free_strv(u->as_groups, u->n_as_groups, false);
	free_strv(u->extra_keys, u->n_extra, false);
	free_strv(u->extra_values, u->n_extra, false);
	exec_release(&u->exec);
}

static void file_free(struct kc_file *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n_clusters; i++)
		cluster_release(&f->clusters[i]);
	for (i = 0; i < f->n_users; i++)
		user_release(&f->users[i]);
	for (i = 0; i < f->n_contexts; i++) {
		free(f->contexts[i].name);
		free(f->contexts[i].cluster);
		free(f->contexts[i].user);
		free(f->contexts[i].namespace);
	}
	free(f->clusters);
	free(f->users);
	free(f->contexts);
	free(f->path);
	free(f->dir);
	free(f->current_context);
	free(f);
}

static void set_release(struct kc_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		file_free(s->files[i]);
	free(s->files);
	s->files = NULL;
	s->n = 0;
}

void np_kubeconfig_free(struct np_kubeconfig *kc)
{
	if (!kc)
		return;
	free(kc->context_name);
	free(kc->cluster_name);
	free(kc->user_name);
	free(kc->namespace);
	free(kc->origin);
	free(kc->server);
	free(kc->ca);
	free(kc->tls_server_name);
	free(kc->proxy_url);
	free(kc->cert);
	live_wipe_free(kc->key, kc->key_len);
	np_secret_free(kc->token);
	free(kc->token_file);
	free(kc->username);
	np_secret_free(kc->password);
	exec_release(&kc->exec);
	free(kc->auth_provider);
	free(kc->as);
	free(kc->as_uid);
	free_strv(kc->as_groups, kc->n_as_groups, false);
	free_strv(kc->as_extra_keys, kc->n_as_extra, false);
	free_strv(kc->as_extra_values, kc->n_as_extra, false);
	free(kc);
}

/* ---- parsing one file ---- */

struct parse_ctx {
	struct kc_file *f;
	struct np_error *err;
	bool seen;
};

static int perr(struct parse_ctx *c, const struct np_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parse_ctx *c, const struct np_node *at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return np_error_setat(c->err, NP_EUSAGE, c->f->path, NULL, at ? at->line : 0,
			      at ? at->column : 0, "kubeconfig: %s", msg);
}

/* Zeroes a secret scalar in the parse tree once it has been copied. */
static void wipe_node(const struct np_node *n)
{
	if (n && (n->type == NP_NODE_STRING || n->type == NP_NODE_FLOAT) && n->u.str.len)
		explicit_bzero((char *)n->u.str.s, n->u.str.len);
}

/* A string field: absent or null leaves *out NULL; other non-strings are errors. */
static int get_str(struct parse_ctx *c, const struct np_node *map, const char *key, char **out,
		   bool secret)
{
	const struct np_node *v = np_node_get(map, key);

	*out = NULL;
	if (!v || v->type == NP_NODE_NULL)
		return 0;
	/* kubectl's decoder takes strings only: an unquoted 8080 or true is an error. */
	if (v->type != NP_NODE_STRING)
		return perr(c, v, "%s: expected a string", key);
	*out = live_strndup(v->u.str.s, v->u.str.len);
	if (!*out)
		return np_error_set(c->err, NP_ENOMEM, "out of memory");
	if (secret)
		wipe_node(v);
	return 0;
}

static int get_bool(struct parse_ctx *c, const struct np_node *map, const char *key, bool *out)
{
	const struct np_node *v = np_node_get(map, key);

	if (!v || v->type == NP_NODE_NULL)
		return 0;
	if (v->type != NP_NODE_BOOL)
		return perr(c, v, "%s: expected true or false", key);
	*out = v->u.b;
	return 0;
}

static int get_b64(struct parse_ctx *c, const struct np_node *map, const char *key,
		   unsigned char **out, size_t *len, bool secret)
{
	const struct np_node *v = np_node_get(map, key);

	*out = NULL;
	*len = 0;
	if (!v || v->type == NP_NODE_NULL)
		return 0;
	if (v->type != NP_NODE_STRING)
		return perr(c, v, "%s: expected a base64 string", key);
	if (live_base64_decode(v->u.str.s, v->u.str.len, out, len) < 0)
		return perr(c, v, "%s: invalid base64", key);
	if (secret)
		wipe_node(v);
	return 0;
}

static int resolve_path(struct parse_ctx *c, char **p)
{
	char *joined;
	size_t n;

	if (!*p || !**p || (*p)[0] == '/' || !c->f->dir)
		return 0;
	n = strlen(c->f->dir) + strlen(*p) + 2;
	joined = malloc(n);
	if (!joined)
		return np_error_set(c->err, NP_ENOMEM, "out of memory");
	snprintf(joined, n, "%s/%s", c->f->dir, *p);
	free(*p);
	*p = joined;
	return 0;
}

static int get_path(struct parse_ctx *c, const struct np_node *map, const char *key, char **out)
{
	int rc = get_str(c, map, key, out, false);

	if (rc < 0)
		return rc;
	return resolve_path(c, out);
}

static int get_strv(struct parse_ctx *c, const struct np_node *map, const char *key, char ***out,
		    size_t *n)
{
	const struct np_node *v = np_node_get(map, key);
	size_t i;

	*out = NULL;
	*n = 0;
	if (!v || v->type == NP_NODE_NULL)
		return 0;
	if (v->type != NP_NODE_SEQ)
		return perr(c, v, "%s: expected a list of strings", key);
	*out = calloc(v->u.seq.n + 1, sizeof(char *));
	if (!*out)
		return np_error_set(c->err, NP_ENOMEM, "out of memory");
	for (i = 0; i < v->u.seq.n; i++) {
		const struct np_node *it = v->u.seq.items[i];

		if (!it || it->type != NP_NODE_STRING)
			return perr(c, it ? it : v, "%s: expected a list of strings", key);
		(*out)[i] = live_strndup(it->u.str.s, it->u.str.len);
		if (!(*out)[i])
			return np_error_set(c->err, NP_ENOMEM, "out of memory");
		(*n)++;
	}
	return 0;
}

static int parse_exec(struct parse_ctx *c, const struct np_node *ex, struct np_exec_config *e,
		      const char *uname)
{
	const struct np_node *env, *v;
	char *mode = NULL;
	int rc;
	size_t i;

	if (ex->type != NP_NODE_MAP)
		return perr(c, ex, "user \"%s\": exec: expected a mapping", uname);
	if ((rc = get_str(c, ex, "apiVersion", &e->api_version, false)) < 0 ||
	    (rc = get_str(c, ex, "command", &e->command, false)) < 0 ||
	    (rc = get_strv(c, ex, "args", &e->args, &e->n_args)) < 0 ||
	    (rc = get_str(c, ex, "installHint", &e->install_hint, false)) < 0 ||
	    (rc = get_bool(c, ex, "provideClusterInfo", &e->provide_cluster_info)) < 0 ||
	    (rc = get_str(c, ex, "interactiveMode", &mode, false)) < 0)
		goto out;
	if (!e->command || !*e->command) {
		rc = perr(c, ex, "user \"%s\": exec: command is required", uname);
		goto out;
	}
	if (!e->api_version || !*e->api_version) {
		rc = perr(c, ex, "user \"%s\": exec: apiVersion is required", uname);
		goto out;
	}
	if (strcmp(e->api_version, "client.authentication.k8s.io/v1") &&
	    strcmp(e->api_version, "client.authentication.k8s.io/v1beta1")) {
		rc = perr(c, np_node_get(ex, "apiVersion"),
			  "user \"%s\": exec: apiVersion %s is not supported "
			  "(client.authentication.k8s.io/v1 or v1beta1)", uname, e->api_version);
		goto out;
	}
	if (!mode || !*mode) {
		if (!strcmp(e->api_version, "client.authentication.k8s.io/v1")) {
			rc = perr(c, ex, "user \"%s\": exec: interactiveMode is required "
				  "for client.authentication.k8s.io/v1", uname);
			goto out;
		}
		e->interactive = NP_EXEC_INTERACTIVE_IFAVAILABLE;
	} else if (!strcmp(mode, "Never")) {
		e->interactive = NP_EXEC_INTERACTIVE_NEVER;
	} else if (!strcmp(mode, "IfAvailable")) {
		e->interactive = NP_EXEC_INTERACTIVE_IFAVAILABLE;
	} else if (!strcmp(mode, "Always")) {
		e->interactive = NP_EXEC_INTERACTIVE_ALWAYS;
	} else {
		rc = perr(c, np_node_get(ex, "interactiveMode"),
			  "user \"%s\": exec: invalid interactiveMode %s", uname, mode);
		goto out;
	}
	/* A command with a slash is a path relative to this file, as kubectl resolves it. */
	if (strchr(e->command, '/') && (rc = resolve_path(c, &e->command)) < 0)
		goto out;
	env = np_node_get(ex, "env");
	if (env && env->type != NP_NODE_NULL) {
		if (env->type != NP_NODE_SEQ) {
			rc = perr(c, env, "user \"%s\": exec: env: expected a list", uname);
			goto out;
		}
		e->env_names = calloc(env->u.seq.n + 1, sizeof(char *));
		e->env_values = calloc(env->u.seq.n + 1, sizeof(char *));
		if (!e->env_names || !e->env_values) {
			rc = np_error_set(c->err, NP_ENOMEM, "out of memory");
			goto out;
		}
		for (i = 0; i < env->u.seq.n; i++) {
			v = env->u.seq.items[i];
			if (!v || v->type != NP_NODE_MAP) {
				rc = perr(c, v ? v : env, "user \"%s\": exec: env: expected "
					  "name/value entries", uname);
				goto out;
			}
			e->n_env++;
			if ((rc = get_str(c, v, "name", &e->env_names[i], false)) < 0 ||
			    (rc = get_str(c, v, "value", &e->env_values[i], true)) < 0)
				goto out;
			if (!e->env_names[i] || !*e->env_names[i] || strchr(e->env_names[i], '=')) {
				rc = perr(c, v, "user \"%s\": exec: env: invalid name", uname);
				goto out;
			}
			if (!e->env_values[i] && !(e->env_values[i] = strdup(""))) {
				rc = np_error_set(c->err, NP_ENOMEM, "out of memory");
				goto out;
			}
		}
	}
out:
	free(mode);
	return rc;
}

static int parse_extras(struct parse_ctx *c, const struct np_node *v, struct kc_user *u)
{
	size_t i, j, total = 0;

	if (!v || v->type == NP_NODE_NULL)
		return 0;
	if (v->type != NP_NODE_MAP)
		return perr(c, v, "user \"%s\": as-user-extra: expected a mapping", u->name);
	for (i = 0; i < v->u.map.n; i++) {
		const struct np_node *l = v->u.map.pairs[i].value;

		if (!l || l->type != NP_NODE_SEQ)
			return perr(c, l ? l : v, "user \"%s\": as-user-extra: expected lists",
				    u->name);
		total += l->u.seq.n;
	}
	u->extra_keys = calloc(total + 1, sizeof(char *));
	u->extra_values = calloc(total + 1, sizeof(char *));
	if (!u->extra_keys || !u->extra_values)
		return np_error_set(c->err, NP_ENOMEM, "out of memory");
	for (i = 0; i < v->u.map.n; i++) {
		const struct np_node *l = v->u.map.pairs[i].value;

		for (j = 0; j < l->u.seq.n; j++) {
			const struct np_node *it = l->u.seq.items[j];

			if (!it || it->type != NP_NODE_STRING)
				return perr(c, it ? it : l, "user \"%s\": as-user-extra: expected "
					    "strings", u->name);
			u->extra_keys[u->n_extra] = strdup(v->u.map.pairs[i].key);
			u->extra_values[u->n_extra] = live_strndup(it->u.str.s, it->u.str.len);
			u->n_extra++;
			if (!u->extra_keys[u->n_extra - 1] || !u->extra_values[u->n_extra - 1])
				return np_error_set(c->err, NP_ENOMEM, "out of memory");
		}
	}
	return 0;
}

static int parse_user(struct parse_ctx *c, const struct np_node *m, struct kc_user *u)
{
	const struct np_node *ex, *ap;
	int rc;

	if (m->type != NP_NODE_MAP)
		return perr(c, m, "user \"%s\": expected a mapping", u->name);
	if ((rc = get_path(c, m, "client-certificate", &u->cert_file)) < 0 ||
	    (rc = get_path(c, m, "client-key", &u->key_file)) < 0 ||
	    (rc = get_b64(c, m, "client-certificate-data", &u->cert_data, &u->cert_len, false)) < 0 ||
	    (rc = get_b64(c, m, "client-key-data", &u->key_data, &u->key_len, true)) < 0 ||
	    (rc = get_str(c, m, "token", &u->token, true)) < 0 ||
	    (rc = get_path(c, m, "tokenFile", &u->token_file)) < 0 ||
	    (rc = get_str(c, m, "username", &u->username, false)) < 0 ||
	    (rc = get_str(c, m, "password", &u->password, true)) < 0 ||
	    (rc = get_str(c, m, "as", &u->as, false)) < 0 ||
	    (rc = get_str(c, m, "as-uid", &u->as_uid, false)) < 0 ||
	    (rc = get_strv(c, m, "as-groups", &u->as_groups, &u->n_as_groups)) < 0 ||
	    (rc = parse_extras(c, np_node_get(m, "as-user-extra"), u)) < 0)
		return rc;
	ap = np_node_get(m, "auth-provider");
	if (ap && ap->type != NP_NODE_NULL) {
		const struct np_node *nm = ap->type == NP_NODE_MAP ? np_node_get(ap, "name") : NULL;

		u->auth_provider = live_strdup(np_node_str(nm) ? np_node_str(nm) : "unnamed");
		if (!u->auth_provider)
			return np_error_set(c->err, NP_ENOMEM, "out of memory");
		/* Its config holds refresh tokens: never keep them around. */
		if (ap->type == NP_NODE_MAP) {
			const struct np_node *cfg = np_node_get(ap, "config");
			size_t i;

			if (cfg && cfg->type == NP_NODE_MAP)
				for (i = 0; i < cfg->u.map.n; i++)
					wipe_node(cfg->u.map.pairs[i].value);
		}
	}
	ex = np_node_get(m, "exec");
	if (ex && ex->type != NP_NODE_NULL) {
		u->has_exec = true;
		if ((rc = parse_exec(c, ex, &u->exec, u->name)) < 0)
			return rc;
	}
	return 0;
}

static int parse_cluster(struct parse_ctx *c, const struct np_node *m, struct kc_cluster *cl)
{
	const struct np_node *ext;
	int rc;
	size_t i;

	if (m->type != NP_NODE_MAP)
		return perr(c, m, "cluster \"%s\": expected a mapping", cl->name);
	if ((rc = get_str(c, m, "server", &cl->server, false)) < 0 ||
	    (rc = get_path(c, m, "certificate-authority", &cl->ca_file)) < 0 ||
	    (rc = get_b64(c, m, "certificate-authority-data", &cl->ca_data, &cl->ca_len, false)) < 0 ||
	    (rc = get_bool(c, m, "insecure-skip-tls-verify", &cl->insecure)) < 0 ||
	    (rc = get_str(c, m, "tls-server-name", &cl->tls_server_name, false)) < 0 ||
	    (rc = get_str(c, m, "proxy-url", &cl->proxy_url, false)) < 0 ||
	    (rc = get_bool(c, m, "disable-compression", &cl->disable_compression)) < 0)
		return rc;
	ext = np_node_get(m, "extensions");
	if (ext && ext->type == NP_NODE_SEQ) {
		for (i = 0; i < ext->u.seq.n; i++) {
			const struct np_node *e = ext->u.seq.items[i];
			struct lbuf b = { 0 };

			if (!e || e->type != NP_NODE_MAP ||
			    !np_node_str(np_node_get(e, "name")) ||
			    strcmp(np_node_str(np_node_get(e, "name")),
				   "client.authentication.k8s.io/exec"))
				continue;
			if (live_node_json(&b, np_node_get(e, "extension"), 0) < 0) {
				lbuf_release(&b);
				return np_error_set(c->err, NP_ENOMEM, "out of memory");
			}
			free(cl->exec_ext);
			cl->exec_ext = lbuf_detach(&b, NULL);
			if (!cl->exec_ext)
				return np_error_set(c->err, NP_ENOMEM, "out of memory");
		}
	}
	return 0;
}

static int parse_context(struct parse_ctx *c, const struct np_node *m, struct kc_context *ct)
{
	int rc;

	if (m->type != NP_NODE_MAP)
		return perr(c, m, "context \"%s\": expected a mapping", ct->name);
	if ((rc = get_str(c, m, "cluster", &ct->cluster, false)) < 0 ||
	    (rc = get_str(c, m, "user", &ct->user, false)) < 0 ||
	    (rc = get_str(c, m, "namespace", &ct->namespace, false)) < 0)
		return rc;
	return 0;
}

/* Parses one of clusters/users/contexts: a list of {name, <inner>: {...}}.
 * A name repeated within one file is an error, as in kubectl. */
static int parse_named(struct parse_ctx *c, const struct np_node *doc, const char *list,
		       const char *inner)
{
	const struct np_node *seq = np_node_get(doc, list);
	struct kc_file *f = c->f;
	void *mem;
	size_t i, j, n;
	int rc = 0;

	if (!seq || seq->type == NP_NODE_NULL)
		return 0;
	if (seq->type != NP_NODE_SEQ)
		return perr(c, seq, "%s: expected a list", list);
	n = seq->u.seq.n;
	if (!strcmp(list, "clusters"))
		mem = f->clusters = calloc(n + 1, sizeof(*f->clusters));
	else if (!strcmp(list, "users"))
		mem = f->users = calloc(n + 1, sizeof(*f->users));
	else
		mem = f->contexts = calloc(n + 1, sizeof(*f->contexts));
	if (!mem)
		return np_error_set(c->err, NP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const struct np_node *it = seq->u.seq.items[i], *body;
		const char *name;

		if (!it || it->type != NP_NODE_MAP)
			return perr(c, it ? it : seq, "%s: expected entries with a name", list);
		name = np_node_str(np_node_get(it, "name"));
		if (!name)
			return perr(c, it, "%s: an entry has no name", list);
		body = np_node_get(it, inner);
		for (j = 0; j < i; j++) {
			const char *other = !strcmp(list, "clusters") ? f->clusters[j].name :
					    !strcmp(list, "users") ? f->users[j].name :
					    f->contexts[j].name;

			if (!strcmp(other, name))
				return perr(c, it, "%s: duplicate name \"%s\"", list, name);
		}
		if (!strcmp(list, "clusters")) {
			struct kc_cluster *cl = &f->clusters[f->n_clusters++];

			cl->file = f;
			if (!(cl->name = strdup(name)))
				return np_error_set(c->err, NP_ENOMEM, "out of memory");
			if (body && body->type != NP_NODE_NULL)
				rc = parse_cluster(c, body, cl);
		} else if (!strcmp(list, "users")) {
			struct kc_user *u = &f->users[f->n_users++];

			u->file = f;
			if (!(u->name = strdup(name)))
				return np_error_set(c->err, NP_ENOMEM, "out of memory");
			if (body && body->type != NP_NODE_NULL)
				rc = parse_user(c, body, u);
		} else {
			struct kc_context *ct = &f->contexts[f->n_contexts++];

			ct->file = f;
			if (!(ct->name = strdup(name)))
				return np_error_set(c->err, NP_ENOMEM, "out of memory");
			if (body && body->type != NP_NODE_NULL)
				rc = parse_context(c, body, ct);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int parse_doc(void *ctx, const struct np_node *doc, int doc_index)
{
	struct parse_ctx *c = ctx;
	int rc;

	/* kubectl reads the first document only. */
	if (c->seen)
		return 0;
	c->seen = true;
	if (!doc || doc->type == NP_NODE_NULL)
		return 0;
	if (doc->type != NP_NODE_MAP)
		return perr(c, doc, "expected a mapping (kind: Config)");
	if ((rc = get_str(c, doc, "current-context", &c->f->current_context, false)) < 0 ||
	    (rc = parse_named(c, doc, "clusters", "cluster")) < 0 ||
	    (rc = parse_named(c, doc, "users", "user")) < 0 ||
	    (rc = parse_named(c, doc, "contexts", "context")) < 0)
		return rc;
	return 0;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return live_strndup(path, (size_t)(slash - path));
}

/* Loads one file. *missing is set (and 0 returned) when it does not exist. */
static int load_file(struct kc_file **out, const char *path, bool *missing, struct np_error *err)
{
	struct np_decode_limits lim;
	struct parse_ctx c = { 0 };
	struct kc_file *f = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	*missing = false;
	rc = live_read_file(path, KC_MAX_FILE, &buf, &len, err);
	if (rc < 0) {
		if (rc == NP_EIO && errno == ENOENT && access(path, F_OK) < 0) {
			*missing = true;
			return 0;
		}
		return np_error_setat(err, NP_EUSAGE, path, NULL, 0, 0, "kubeconfig: %s",
				      err ? err->msg : "cannot be read");
	}
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path)) || !(f->dir = dir_of(path))) {
		rc = np_error_set(err, NP_ENOMEM, "out of memory");
		goto out;
	}
	c.f = f;
	c.err = err;
	np_decode_limits_default(&lim);
	rc = np_yaml_decode(buf, len, path, &lim, parse_doc, &c, err);
	if (rc < 0) {
		if (rc != NP_ENOMEM && rc != NP_EUSAGE) {
			if (err) {
				err->code = NP_EUSAGE;
				if (!err->file[0])
					snprintf(err->file, sizeof(err->file), "%s", path);
			}
			rc = NP_EUSAGE;
		}
		goto out;
	}
	*out = f;
	f = NULL;
out:
	file_free(f);
	live_wipe_free(buf, len);
	return rc;
}

static int set_add(struct kc_set *s, struct kc_file *f)
{
	struct kc_file **nf = realloc(s->files, (s->n + 1) * sizeof(*nf));

	if (!nf)
		return NP_ENOMEM;
	s->files = nf;
	s->files[s->n++] = f;
	return 0;
}

/* The files kubectl would read, parsed in precedence order. */
static int load_set(struct kc_set *s, const struct np_live_options *opt,
		    const struct np_kubeconfig_env *env, struct np_error *err)
{
	struct kc_file *f = NULL;
	bool missing;
	int rc;

	if (opt->kubeconfig && *opt->kubeconfig) {
		rc = load_file(&f, opt->kubeconfig, &missing, err);
		if (rc < 0)
			return rc;
		if (missing)
			return np_error_setat(err, NP_EUSAGE, opt->kubeconfig, NULL, 0, 0,
					      "kubeconfig: no such file");
		if (set_add(s, f) < 0) {
			file_free(f);
			return np_error_set(err, NP_ENOMEM, "out of memory");
		}
		return 0;
	}
	if (env->kubeconfig && *env->kubeconfig) {
		const char *p = env->kubeconfig;

		while (*p) {
			const char *end = strchr(p, ':');
			size_t n = end ? (size_t)(end - p) : strlen(p);
			char *path;
			size_t i;
			bool dup = false;

			path = live_strndup(p, n);
			p += n + (end ? 1 : 0);
			if (!path)
				return np_error_set(err, NP_ENOMEM, "out of memory");
			for (i = 0; i < s->n && *path; i++)
				dup |= !strcmp(s->files[i]->path, path);
			if (!*path || dup) {
				free(path);
				continue;
			}
			rc = load_file(&f, path, &missing, err);
			free(path);
			if (rc < 0)
				return rc;
			if (missing)
				continue;
			if (set_add(s, f) < 0) {
				file_free(f);
				return np_error_set(err, NP_ENOMEM, "out of memory");
			}
		}
		return 0;
	}
	if (env->home && *env->home) {
		size_t n = strlen(env->home) + sizeof("/.kube/config");
		char *path = malloc(n);

		if (!path)
			return np_error_set(err, NP_ENOMEM, "out of memory");
		snprintf(path, n, "%s/.kube/config", env->home);
		rc = load_file(&f, path, &missing, err);
		free(path);
		if (rc < 0)
			return rc;
		if (!missing && set_add(s, f) < 0) {
			file_free(f);
			return np_error_set(err, NP_ENOMEM, "out of memory");
		}
	}
	return 0;
}

/* ---- merged lookups: the first file to define a name wins ---- */

static const struct kc_cluster *find_cluster(const struct kc_set *s, const char *name)
{
	size_t i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->files[i]->n_clusters; j++)
			if (!strcmp(s->files[i]->clusters[j].name, name))
				return &s->files[i]->clusters[j];
	return NULL;
}

static const struct kc_user *find_user(const struct kc_set *s, const char *name)
{
	size_t i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->files[i]->n_users; j++)
			if (!strcmp(s->files[i]->users[j].name, name))
				return &s->files[i]->users[j];
	return NULL;
}

static const struct kc_context *find_context(const struct kc_set *s, const char *name)
{
	size_t i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->files[i]->n_contexts; j++)
			if (!strcmp(s->files[i]->contexts[j].name, name))
				return &s->files[i]->contexts[j];
	return NULL;
}

static const char *current_context(const struct kc_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->files[i]->current_context && *s->files[i]->current_context)
			return s->files[i]->current_context;
	return NULL;
}

static bool set_empty(const struct kc_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->files[i]->n_clusters || s->files[i]->n_users || s->files[i]->n_contexts ||
		    (s->files[i]->current_context && *s->files[i]->current_context))
			return false;
	return true;
}

/* ---- building the resolved view ---- */

static int dup_into(char **dst, const char *src)
{
	free(*dst);
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : NP_ENOMEM;
}

static int dup_bytes(unsigned char **dst, size_t *dlen, const unsigned char *src, size_t n)
{
	*dst = NULL;
	*dlen = 0;
	if (!src)
		return 0;
	*dst = malloc(n ? n : 1);
	if (!*dst)
		return NP_ENOMEM;
	memcpy(*dst, src, n);
	*dlen = n;
	return 0;
}

static int dup_strv(char ***dst, size_t *dn, char *const *src, size_t n)
{
	size_t i;

	*dst = NULL;
	*dn = 0;
	if (!n)
		return 0;
	*dst = calloc(n + 1, sizeof(char *));
	if (!*dst)
		return NP_ENOMEM;
	for (i = 0; i < n; i++) {
		(*dst)[i] = strdup(src[i]);
		if (!(*dst)[i])
			return NP_ENOMEM;
		(*dn)++;
	}
	return 0;
}

/* Reads a PEM file named by a kubeconfig field or a flag. */
static int read_pem(const char *path, const char *what, unsigned char **out, size_t *len,
		    bool secret, struct np_error *err)
{
	char *buf = NULL;
	size_t n = 0;
	int rc;

	rc = live_read_file(path, KC_MAX_PEM, &buf, &n, err);
	if (rc < 0) {
		if (rc == NP_ENOMEM)
			return rc;
		return np_error_setat(err, NP_EUSAGE, path, NULL, 0, 0, "%s: %s", what,
				      err ? err->msg : "cannot be read");
	}
	*out = (unsigned char *)buf;
	*len = n;
	(void)secret; /* live_read_file already wipes on every copy */
	return 0;
}

static int copy_exec(struct np_exec_config *d, const struct np_exec_config *s)
{
	size_t i;

	d->interactive = s->interactive;
	d->provide_cluster_info = s->provide_cluster_info;
	if (dup_into(&d->api_version, s->api_version) < 0 || dup_into(&d->command, s->command) < 0 ||
	    dup_into(&d->install_hint, s->install_hint) < 0 ||
	    dup_strv(&d->args, &d->n_args, s->args, s->n_args) < 0)
		return NP_ENOMEM;
	if (s->n_env) {
		d->env_names = calloc(s->n_env + 1, sizeof(char *));
		d->env_values = calloc(s->n_env + 1, sizeof(char *));
		if (!d->env_names || !d->env_values)
			return NP_ENOMEM;
		for (i = 0; i < s->n_env; i++) {
			d->env_names[i] = strdup(s->env_names[i]);
			d->env_values[i] = strdup(s->env_values[i]);
			d->n_env++;
			if (!d->env_names[i] || !d->env_values[i])
				return NP_ENOMEM;
		}
	}
	return 0;
}

static int apply_cluster(struct np_kubeconfig *kc, const struct kc_cluster *cl, struct np_error *err)
{
	int rc;

	kc->insecure = cl->insecure;
	kc->disable_compression = cl->disable_compression;
	if (dup_into(&kc->server, cl->server) < 0 ||
	    dup_into(&kc->tls_server_name, cl->tls_server_name) < 0 ||
	    dup_into(&kc->proxy_url, cl->proxy_url) < 0)
		return np_error_set(err, NP_ENOMEM, "out of memory");
	/* Inline data wins over the file, as in client-go. */
	if (cl->ca_data) {
		if (dup_bytes(&kc->ca, &kc->ca_len, cl->ca_data, cl->ca_len) < 0)
			return np_error_set(err, NP_ENOMEM, "out of memory");
	} else if (cl->ca_file && *cl->ca_file) {
		rc = read_pem(cl->ca_file, "certificate-authority", &kc->ca, &kc->ca_len, false, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int apply_user(struct np_kubeconfig *kc, const struct kc_user *u, struct np_error *err)
{
	int rc;

	if (dup_into(&kc->token, u->token) < 0 || dup_into(&kc->token_file, u->token_file) < 0 ||
	    dup_into(&kc->username, u->username) < 0 || dup_into(&kc->password, u->password) < 0 ||
	    dup_into(&kc->as, u->as) < 0 || dup_into(&kc->as_uid, u->as_uid) < 0 ||
	    dup_into(&kc->auth_provider, u->auth_provider) < 0 ||
	    dup_strv(&kc->as_groups, &kc->n_as_groups, u->as_groups, u->n_as_groups) < 0 ||
	    dup_strv(&kc->as_extra_keys, &kc->n_as_extra, u->extra_keys, u->n_extra) < 0)
		return np_error_set(err, NP_ENOMEM, "out of memory");
	if (u->n_extra) {
		size_t dummy;

		if (dup_strv(&kc->as_extra_values, &dummy, u->extra_values, u->n_extra) < 0)
			return np_error_set(err, NP_ENOMEM, "out of memory");
	}
	if (u->cert_data) {
		if (dup_bytes(&kc->cert, &kc->cert_len, u->cert_data, u->cert_len) < 0)
			return np_error_set(err, NP_ENOMEM, "out of memory");
	} else if (u->cert_file && *u->cert_file) {
		rc = read_pem(u->cert_file, "client-certificate", &kc->cert, &kc->cert_len, false, err);
		if (rc < 0)
			return rc;
	}
	if (u->key_data) {
		if (dup_bytes(&kc->key, &kc->key_len, u->key_data, u->key_len) < 0)
			return np_error_set(err, NP_ENOMEM, "out of memory");
	} else if (u->key_file && *u->key_file) {
		rc = read_pem(u->key_file, "client-key", &kc->key, &kc->key_len, true, err);
		if (rc < 0)
			return rc;
	}
	if (u->has_exec) {
		kc->has_exec = true;
		if (copy_exec(&kc->exec, &u->exec) < 0)
			return np_error_set(err, NP_ENOMEM, "out of memory");
	}
	return 0;
}

static char *join_host_port(const char *host, const char *port)
{
	size_t n = strlen(host) + strlen(port) + sizeof("https://[]:");
	char *s = malloc(n);

	if (!s)
		return NULL;
	if (strchr(host, ':'))
		snprintf(s, n, "https://[%s]:%s", host, port);
	else
		snprintf(s, n, "https://%s:%s", host, port);
	return s;
}

static bool in_cluster_possible(const struct np_kubeconfig_env *env, char *token_path, size_t n)
{
	struct stat st;

	if (!env->service_host || !*env->service_host || !env->service_port ||
	    !*env->service_port || !env->sa_dir)
		return false;
	snprintf(token_path, n, "%s/token", env->sa_dir);
	return stat(token_path, &st) == 0 && !S_ISDIR(st.st_mode);
}

static int build_in_cluster(struct np_kubeconfig *kc, const struct np_kubeconfig_env *env,
			    const char *token_path, struct np_error *err)
{
	char path[4096];
	char *buf = NULL;
	size_t n = 0;
	struct np_error ignored;

	kc->in_cluster = true;
	if (!(kc->context_name = strdup("in-cluster")) ||
	    !(kc->user_name = strdup("service-account")) ||
	    !(kc->cluster_name = strdup("in-cluster")) ||
	    !(kc->server = join_host_port(env->service_host, env->service_port)) ||
	    !(kc->token_file = strdup(token_path)))
		return np_error_set(err, NP_ENOMEM, "out of memory");
	/* client-go goes on with the system roots when ca.crt is unusable. */
	snprintf(path, sizeof(path), "%s/ca.crt", env->sa_dir);
	if (live_read_file(path, KC_MAX_PEM, &buf, &n, &ignored) == 0) {
		kc->ca = (unsigned char *)buf;
		kc->ca_len = n;
	}
	snprintf(path, sizeof(path), "%s/namespace", env->sa_dir);
	buf = NULL;
	if (live_read_file(path, 4096, &buf, &n, &ignored) == 0) {
		while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		if (n)
			kc->namespace = buf;
		else
			free(buf);
	}
	return 0;
}

static int apply_flags(struct np_kubeconfig *kc, const struct np_live_options *opt,
		       struct np_error *err)
{
	size_t i;
	int rc;

	if (opt->server && *opt->server && dup_into(&kc->server, opt->server) < 0)
		goto oom;
	if (opt->tls_server_name && *opt->tls_server_name &&
	    dup_into(&kc->tls_server_name, opt->tls_server_name) < 0)
		goto oom;
	if (opt->disable_compression)
		kc->disable_compression = true;
	if (opt->certificate_authority && *opt->certificate_authority) {
		free(kc->ca);
		kc->ca = NULL;
		rc = read_pem(opt->certificate_authority, "--certificate-authority", &kc->ca,
			      &kc->ca_len, false, err);
		if (rc < 0)
			return rc;
	} else if (opt->insecure_skip_tls_verify) {
		/* --insecure-skip-tls-verify alone clears the kubeconfig's CA, as kubectl does. */
		free(kc->ca);
		kc->ca = NULL;
		kc->ca_len = 0;
	}
	if (opt->insecure_skip_tls_verify)
		kc->insecure = true;
	if (opt->client_certificate && *opt->client_certificate) {
		free(kc->cert);
		kc->cert = NULL;
		rc = read_pem(opt->client_certificate, "--client-certificate", &kc->cert,
			      &kc->cert_len, false, err);
		if (rc < 0)
			return rc;
	}
	if (opt->client_key && *opt->client_key) {
		live_wipe_free(kc->key, kc->key_len);
		kc->key = NULL;
		rc = read_pem(opt->client_key, "--client-key", &kc->key, &kc->key_len, true, err);
		if (rc < 0)
			return rc;
	}
	if (opt->token && *opt->token) {
		/* A token given on the command line is meant to be used: it beats the file. */
		np_secret_free(kc->token);
		kc->token = strdup(opt->token);
		free(kc->token_file);
		kc->token_file = NULL;
		if (!kc->token)
			goto oom;
	}
	if (opt->username && *opt->username && dup_into(&kc->username, opt->username) < 0)
		goto oom;
	if (opt->password && *opt->password) {
		np_secret_free(kc->password);
		if (!(kc->password = strdup(opt->password)))
			goto oom;
	}
	if ((opt->token && *opt->token) || (opt->username && *opt->username) ||
	    (opt->client_certificate && *opt->client_certificate)) {
		/* Credentials from flags replace a legacy auth-provider. */
		free(kc->auth_provider);
		kc->auth_provider = NULL;
	}
	if (opt->as && *opt->as && dup_into(&kc->as, opt->as) < 0)
		goto oom;
	if (opt->as_uid && *opt->as_uid && dup_into(&kc->as_uid, opt->as_uid) < 0)
		goto oom;
	if (opt->n_as_groups) {
		free_strv(kc->as_groups, kc->n_as_groups, false);
		kc->as_groups = NULL;
		kc->n_as_groups = 0;
		if (dup_strv(&kc->as_groups, &kc->n_as_groups, (char *const *)opt->as_groups,
			     opt->n_as_groups) < 0)
			goto oom;
	}
	for (i = 0; i < kc->n_as_groups; i++)
		if (!*kc->as_groups[i])
			return np_error_set(err, NP_EUSAGE, "--as-group: empty group name");
	return 0;
oom:
	return np_error_set(err, NP_ENOMEM, "out of memory");
}

/* kubectl's own consistency checks on the merged user and cluster. */
static int validate(const struct np_kubeconfig *kc, struct np_error *err)
{
	const char *who = kc->user_name ? kc->user_name : "";
	const char *where = kc->origin ? kc->origin : "";

	if (!kc->server || !*kc->server)
		return np_error_setat(err, NP_EUSAGE, where, NULL, 0, 0,
				      "kubeconfig: no server found for cluster \"%s\"",
				      kc->cluster_name ? kc->cluster_name : "");
	if (kc->insecure && kc->ca)
		return np_error_setat(err, NP_EUSAGE, where, NULL, 0, 0,
				      "kubeconfig: cluster \"%s\": a certificate authority with "
				      "insecure-skip-tls-verify is not allowed",
				      kc->cluster_name ? kc->cluster_name : "");
	if (!!kc->cert != !!kc->key)
		return np_error_setat(err, NP_EUSAGE, where, NULL, 0, 0,
				      "kubeconfig: user \"%s\": %s without %s", who,
				      kc->cert ? "client certificate" : "client key",
				      kc->cert ? "client key" : "client certificate");
	if (((kc->token && *kc->token) || kc->token_file) &&
	    ((kc->username && *kc->username) || (kc->password && *kc->password)))
		return np_error_setat(err, NP_EUSAGE, where, NULL, 0, 0,
				      "kubeconfig: user \"%s\": username/password or bearer token "
				      "may be set, but not both", who);
	if (kc->auth_provider)
		return np_error_setat(err, NP_EUSAGE, where, NULL, 0, 0,
				      "kubeconfig: user \"%s\": auth-provider \"%s\" is not "
				      "supported, use an exec plugin", who, kc->auth_provider);
	return 0;
}

void np_kubeconfig_env_default(struct np_kubeconfig_env *e)
{
	e->kubeconfig = getenv("KUBECONFIG");
	e->home = getenv("HOME");
	e->sa_dir = SA_DIR;
	e->service_host = getenv("KUBERNETES_SERVICE_HOST");
	e->service_port = getenv("KUBERNETES_SERVICE_PORT");
}

int np_kubeconfig_load(struct np_kubeconfig **out, const struct np_live_options *opt,
		       const struct np_kubeconfig_env *env, struct np_error *err)
{
	struct kc_set set = { 0 };
	struct np_kubeconfig *kc = NULL;
	const struct kc_context *ctx = NULL;
	const struct kc_cluster *cl = NULL;
	const struct kc_user *u = NULL;
	const char *ctx_name, *cl_name = NULL, *u_name = NULL;
	char token_path[4096];
	int rc;

	*out = NULL;
	kc = calloc(1, sizeof(*kc));
	if (!kc)
		return np_error_set(err, NP_ENOMEM, "out of memory");
	rc = load_set(&set, opt, env, err);
	if (rc < 0)
		goto out;
	if (set_empty(&set) && !(opt->server && *opt->server) &&
	    in_cluster_possible(env, token_path, sizeof(token_path))) {
		rc = build_in_cluster(kc, env, token_path, err);
		if (rc < 0)
			goto out;
		goto flags;
	}
	ctx_name = opt->context && *opt->context ? opt->context : current_context(&set);
	if (ctx_name) {
		ctx = find_context(&set, ctx_name);
		if (!ctx) {
			rc = np_error_set(err, NP_EUSAGE, "kubeconfig: context \"%s\" does not exist",
					  ctx_name);
			goto out;
		}
		if (dup_into(&kc->context_name, ctx_name) < 0 ||
		    dup_into(&kc->namespace, ctx->namespace) < 0 ||
		    dup_into(&kc->origin, ctx->file->path) < 0)
			goto oom;
		cl_name = ctx->cluster;
		u_name = ctx->user;
	}
	if (opt->cluster && *opt->cluster)
		cl_name = opt->cluster;
	if (opt->user && *opt->user)
		u_name = opt->user;
	if (cl_name && *cl_name) {
		cl = find_cluster(&set, cl_name);
		if (!cl) {
			rc = np_error_set(err, NP_EUSAGE, "kubeconfig: cluster \"%s\" does not exist",
					  cl_name);
			goto out;
		}
		if (dup_into(&kc->cluster_name, cl_name) < 0)
			goto oom;
		if ((rc = apply_cluster(kc, cl, err)) < 0)
			goto out;
	}
	if (u_name && *u_name) {
		u = find_user(&set, u_name);
		if (!u) {
			rc = np_error_set(err, NP_EUSAGE, "kubeconfig: user \"%s\" does not exist",
					  u_name);
			goto out;
		}
		if (dup_into(&kc->user_name, u_name) < 0)
			goto oom;
		if ((rc = apply_user(kc, u, err)) < 0)
			goto out;
		if (kc->has_exec && cl && cl->exec_ext &&
		    dup_into(&kc->exec.cluster_config, cl->exec_ext) < 0)
			goto oom;
	}
	if (!ctx_name && set_empty(&set) && !(opt->server && *opt->server)) {
		rc = np_error_set(err, NP_EUSAGE, "kubeconfig: no configuration found (use "
				  "--kubeconfig, KUBECONFIG or ~/.kube/config)");
		goto out;
	}
flags:
	if ((rc = apply_flags(kc, opt, err)) < 0)
		goto out;
	if ((rc = validate(kc, err)) < 0)
		goto out;
	*out = kc;
	kc = NULL;
	goto out;
oom:
	rc = np_error_set(err, NP_ENOMEM, "out of memory");
out:
	np_kubeconfig_free(kc);
	set_release(&set);
	return rc;
}

int np_kubeconfig_token(char **out, const struct np_kubeconfig *kc, struct np_error *err)
{
	char *buf = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (kc->token_file) {
		rc = live_read_file(kc->token_file, 1u << 20, &buf, &n, err);
		if (rc < 0) {
			if (rc == NP_ENOMEM)
				return rc;
			return np_error_setat(err, NP_EAUTH, kc->token_file, NULL, 0, 0,
					      "token file: %s", err ? err->msg : "cannot be read");
		}
		while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' ||
			     buf[n - 1] == '\t'))
			buf[--n] = '\0';
		if (n) {
			*out = buf;
			return 0;
		}
		live_wipe_free(buf, n + 1);
		/* An empty file falls back to the inline token. */
	}
	if (kc->token && *kc->token) {
		*out = strdup(kc->token);
		if (!*out)
			return np_error_set(err, NP_ENOMEM, "out of memory");
	}
	return 0;
}
