/* The live API client (DESIGN §3.2): one libcurl multi handle (one
 * connection pool, HTTP/2 multiplexing when the server offers it) running
 * every list concurrently; pages of limit=500 decoded as they arrive and fed
 * to the model decoders; availability recorded per resource and namespace.
 * Only GET is ever sent. Credentials never reach a message or a log line:
 * requests are logged by this file (method, URL, status, size, time), never
 * through libcurl's verbose mode. */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "netpol/live.h"
#include "netpol/node.h"
#include "netpol/snapshot.h"
#include "live_internal.h"

#define LIST_LIMIT 500
#define MAX_ACTIVE 24
#define MAX_RETRIES 10
#define MAX_RETRY_AFTER_S 60
#define CONNECT_TIMEOUT_MS 30000
#define EXEC_TIMEOUT_MS 60000
#define SOURCE "live"

/* Resources every cluster serves, by the group/version our decoders read. */
static const struct live_rdesc builtin[] = {
	{ NP_RES_NAMESPACES, "", "v1", "namespaces", "Namespace", false, "namespaces" },
	{ NP_RES_PODS, "", "v1", "pods", "Pod", true, "pods" },
	{ NP_RES_NETWORKPOLICIES, "networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy",
	  true, "network-policy" },
	{ NP_RES_NODES, "", "v1", "nodes", "Node", false, "nodes" },
	{ NP_RES_DAEMONSETS, "apps", "v1", "daemonsets", "DaemonSet", true, "daemonsets" },
	{ NP_RES_DEPLOYMENTS, "apps", "v1", "deployments", "Deployment", true, "deployments" },
	{ NP_RES_REPLICASETS, "apps", "v1", "replicasets", "ReplicaSet", true, "replicasets" },
	{ NP_RES_STATEFULSETS, "apps", "v1", "statefulsets", "StatefulSet", true, "statefulsets" },
	{ NP_RES_JOBS, "batch", "v1", "jobs", "Job", true, "jobs" },
	{ NP_RES_CRONJOBS, "batch", "v1", "cronjobs", "CronJob", true, "cronjobs" },
	{ NP_RES_CONFIGMAPS, "", "v1", "configmaps", "ConfigMap", true, "configmaps" },
	{ NP_RES_SERVICES, "", "v1", "services", "Service", true, "services" },
	{ NP_RES_INGRESSES, "networking.k8s.io", "v1", "ingresses", "Ingress", true, "ingress" },
	{ NP_RES_WEBHOOKS, "admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
	  "ValidatingWebhookConfiguration", false, "validating-webhook-configurations" },
	{ NP_RES_WEBHOOKS, "admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
	  "MutatingWebhookConfiguration", false, "mutating-webhook-configurations" },
	{ NP_RES_APISERVICES, "apiregistration.k8s.io", "v1", "apiservices", "APIService", false,
	  "apiservices" },
};

const struct live_rdesc *live_builtin(size_t *n)
{
	*n = sizeof(builtin) / sizeof(builtin[0]);
	return builtin;
}

/* CRD-backed kinds: listed only when discovery says they are served. */
struct crd_want {
	int res;
	const char *group;
	const char *plural;
};
static const struct crd_want crd_wants[] = {
	{ NP_RES_CILIUM_NP, "cilium.io", "ciliumnetworkpolicies" },
	{ NP_RES_CILIUM_CCNP, "cilium.io", "ciliumclusterwidenetworkpolicies" },
	{ NP_RES_CALICO_NP, "projectcalico.org", "networkpolicies" },
	{ NP_RES_CALICO_NP, "crd.projectcalico.org", "networkpolicies" },
	{ NP_RES_CALICO_GNP, "projectcalico.org", "globalnetworkpolicies" },
	{ NP_RES_CALICO_GNP, "crd.projectcalico.org", "globalnetworkpolicies" },
	{ NP_RES_ANP, "policy.networking.k8s.io", "adminnetworkpolicies" },
	{ NP_RES_BANP, "policy.networking.k8s.io", "baselineadminnetworkpolicies" },
	{ NP_RES_CNP, "policy.networking.k8s.io", "clusternetworkpolicies" },
	{ -1, "networking.k8s.aws", "policyendpoints" },
	{ -1, "operator.openshift.io", "networks" },
};
#define N_CRD_WANTS (sizeof(crd_wants) / sizeof(crd_wants[0]))

/* ConfigMaps CNI detection reads, by name only (RBAC resourceNames). */
static const char *const cm_names[] = {
	"kube-flannel-cfg", "calico-config", "canal-config", "cilium-config",
	"amazon-vpc-cni", "antrea-config", "kube-router-cfg",
};
static const char *const cm_namespaces[] = {
	"kube-system", "kube-flannel", "calico-system", "cilium",
};

enum job_kind { JK_API, JK_APIS, JK_GV, JK_LIST, JK_GET };

/* One availability record in the making: (resource, namespace). */
struct agroup {
	int res;
	char *ns;
	int pending;
	bool failed, cancelled;
	const char *reason;
	char *message;
};

struct job {
	int id;
	enum job_kind kind;
	const struct live_rdesc *d;
	char *ns;
	char *field_selector;
	char *path;            /* JK_GV: "/apis/g/v"; JK_GET: object path */
	struct agroup *g;
	bool can_fallback;     /* cluster-wide list of a namespaced kind */
	bool parked;           /* waiting for the namespace list to fall back */
	char *cont;
	bool unpaginated;
	int n410, n_retry, n_corrupt;
	bool auth_retried;
	unsigned cred_gen;
	long long not_before;
	bool active, finished;
	CURL *h;
	struct lbuf body;
	bool too_big;
	size_t max_body;
	char errbuf[CURL_ERROR_SIZE];
	long long t0;
	char *url;
	/* Outcome of a finished JK_API/JK_APIS/JK_GV (read by the session). */
	long status;
	CURLcode cc;
};

struct creds {
	char *token;
	struct np_exec_result exec;
	bool have_exec;
};

struct session {
	struct np_model *m;
	const struct np_live_options *opt;
	const struct np_load_options *load;
	void (*log_fn)(void *, int, const char *);
	void *log_ctx;
	const struct live_sink *sink;
	struct np_error *err;
	struct np_kubeconfig *kc;
	CURLM *multi;
	char *base;          /* request prefix: scheme://host[:port][/path] */
	char *printable;     /* server URL without userinfo, for messages */
	char *proxy;
	struct curl_slist *connect_to;
	struct curl_slist *headers;
	bool plain_http;
	bool use_exec;
	bool stdin_tty;
	unsigned cred_gen;
	struct creds *cur;
	struct creds **retired; /* kept until the end: running transfers point into them */
	size_t n_retired;
	struct job **jobs;
	size_t n_jobs, cap_jobs;
	struct agroup **groups;
	size_t n_groups, cap_groups;
	size_t active;
	long long deadline;
	size_t max_body;
	int fatal;
	/* discovery */
	struct live_rdesc *found[N_CRD_WANTS];
	int gv_pending;
	bool crd_done;
	bool apis_failed;
	const char *apis_reason;
	char *apis_msg;
	/* namespaces, for the 403 fallback */
	struct job *ns_job;
	char **ns_names;
	size_t n_ns, cap_ns;
	bool ns_done, ns_ok;
	size_t lists_done, lists_total;
};

static void logf_(struct session *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void logf_(struct session *s, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!s->log_fn || (level > 0 && s->opt->verbosity < level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->log_fn(s->log_ctx, level, line);
}

static bool want(const struct np_live_options *opt, int res)
{
	if (res < 0 || !opt->resources)
		return true;
	return (opt->resources >> res) & 1;
}

/* policyendpoints and OpenShift's Network are CNI evidence. */
static bool want_cni(const struct np_live_options *opt)
{
	return !opt->resources || want(opt, NP_RES_DAEMONSETS) || want(opt, NP_RES_CONFIGMAPS) ||
	       want(opt, NP_RES_NODES);
}

/* ---- credentials ---- */

static void creds_free(struct creds *c)
{
	if (!c)
		return;
	np_secret_free(c->token);
	np_exec_result_release(&c->exec);
	free(c);
}

static long long remaining_ms(struct session *s)
{
	if (!s->deadline)
		return 0;
	return s->deadline - live_now_ms();
}

/* (Re)acquires credentials: re-reads the token file, or runs the plugin. */
static int creds_load(struct session *s, struct np_error *err)
{
	struct creds *c = calloc(1, sizeof(*c));
	int rc = 0;

	if (!c)
		return np_error_set(err, NP_ENOMEM, "out of memory");
	if (s->use_exec) {
		long long t = EXEC_TIMEOUT_MS, left = remaining_ms(s);

		if (s->kc->exec.interactive != NP_EXEC_INTERACTIVE_NEVER && s->stdin_tty)
			t = left > 0 ? left : 10LL * 60 * 1000; /* a person may be typing */
		else if (left > 0 && left < t)
			t = left;
		logf_(s, 1, "running exec credential plugin %s", s->kc->exec.command);
		rc = np_exec_credential_run(&c->exec, s->kc, s->stdin_tty, t, err);
		if (rc < 0)
			goto out;
		c->have_exec = true;
	} else if (!s->plain_http) {
		rc = np_kubeconfig_token(&c->token, s->kc, err);
		if (rc < 0)
			goto out;
	}
	if (s->cur) {
		struct creds **r = realloc(s->retired, (s->n_retired + 1) * sizeof(*r));

		if (!r) {
			rc = np_error_set(err, NP_ENOMEM, "out of memory");
			goto out;
		}
		s->retired = r;
		s->retired[s->n_retired++] = s->cur;
	}
	s->cur = c;
	s->cred_gen++;
	c = NULL;
out:
	creds_free(c);
	return rc;
}

static bool creds_refreshable(struct session *s)
{
	return s->use_exec || s->kc->token_file;
}

static bool creds_expired(struct session *s)
{
	return s->cur && s->cur->have_exec && s->cur->exec.expires &&
	       (long long)time(NULL) >= s->cur->exec.expires;
}

/* ---- jobs and availability groups ---- */

static struct agroup *group_new(struct session *s, int res, const char *ns)
{
	struct agroup *g;

	if (s->n_groups == s->cap_groups) {
		size_t cap = s->cap_groups ? s->cap_groups * 2 : 32;
		struct agroup **v = realloc(s->groups, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->groups = v;
		s->cap_groups = cap;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->res = res;
	if (ns && !(g->ns = strdup(ns))) {
		free(g);
		return NULL;
	}
	s->groups[s->n_groups++] = g;
	return g;
}

static struct job *job_new(struct session *s, enum job_kind kind, const struct live_rdesc *d,
			   const char *ns, struct agroup *g)
{
	struct job *j;

	if (s->n_jobs == s->cap_jobs) {
		size_t cap = s->cap_jobs ? s->cap_jobs * 2 : 64;
		struct job **v = realloc(s->jobs, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->jobs = v;
		s->cap_jobs = cap;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->id = (int)s->n_jobs;
	j->kind = kind;
	j->d = d;
	j->g = g;
	if (ns && !(j->ns = strdup(ns))) {
		free(j);
		return NULL;
	}
	if (g)
		g->pending++;
	if (kind == JK_LIST || kind == JK_GET)
		s->lists_total++;
	s->jobs[s->n_jobs++] = j;
	return j;
}

static void job_reset_transfer(struct session *s, struct job *j)
{
	if (j->h) {
		curl_multi_remove_handle(s->multi, j->h);
		curl_easy_cleanup(j->h);
		j->h = NULL;
	}
	if (j->active) {
		j->active = false;
		s->active--;
	}
	lbuf_release(&j->body);
	j->too_big = false;
	free(j->url);
	j->url = NULL;
}

static void job_free(struct session *s, struct job *j)
{
	job_reset_transfer(s, j);
	free(j->ns);
	free(j->field_selector);
	free(j->path);
	free(j->cont);
	free(j);
}

static void group_record(struct session *s, struct agroup *g)
{
	const char *res_name;

	if (g->cancelled)
		return;
	if (g->res < 0) {
		if (g->failed)
			np_model_warn(s->m, NULL, g->ns, g->reason, SOURCE, "%s",
				      g->message ? g->message : "could not be listed");
		return;
	}
	res_name = np_resource_name((enum np_resource)g->res);
	if (np_model_set_avail(s->m, (enum np_resource)g->res, g->ns,
			       g->failed ? NP_AVAIL_UNREADABLE : NP_AVAIL_READ,
			       g->failed ? g->reason : NULL, g->failed ? g->message : NULL,
			       SOURCE) < 0)
		s->fatal = NP_ENOMEM;
	if (g->failed)
		logf_(s, 1, "%s%s%s unreadable (%s): %s", res_name ? res_name : "?",
		      g->ns ? " in " : "", g->ns ? g->ns : "", g->reason,
		      g->message ? g->message : "");
}

static void flush_parked(struct session *s);

static void job_finish(struct session *s, struct job *j, bool ok)
{
	job_reset_transfer(s, j);
	j->finished = true;
	if (j->kind == JK_LIST || j->kind == JK_GET) {
		s->lists_done++;
		if (s->opt->progress)
			logf_(s, -1, "fetching: %zu/%zu lists", s->lists_done, s->lists_total);
		if (s->sink && s->sink->done &&
		    s->sink->done(s->sink->ctx, j->id, j->d, j->ns, ok) < 0 && !s->fatal)
			s->fatal = NP_ENOMEM;
	}
	if (j->g && --j->g->pending == 0)
		group_record(s, j->g);
	if (j == s->ns_job) {
		size_t i;

		s->ns_done = true;
		s->ns_ok = ok;
		for (i = 0; ok && i < s->n_ns && s->sink && s->sink->scope_namespace; i++)
			if (s->sink->scope_namespace(s->sink->ctx, s->ns_names[i]) < 0)
				s->fatal = NP_ENOMEM;
		flush_parked(s);
	}
}

static void job_fail(struct session *s, struct job *j, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void job_fail(struct session *s, struct job *j, const char *reason, const char *fmt, ...)
{
	va_list ap;

	if (j->g && !j->g->failed) {
		char msg[1024];

		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		j->g->failed = true;
		j->g->reason = reason;
		free(j->g->message);
		j->g->message = strdup(msg);
	}
	job_finish(s, j, false);
}

/* ---- URLs ---- */

static int path_for(struct session *s, struct job *j, struct lbuf *u)
{
	const struct live_rdesc *d = j->d;
	char *esc;

	lbuf_adds(u, s->base);
	if (j->kind == JK_API)
		return lbuf_adds(u, "/api");
	if (j->kind == JK_APIS)
		return lbuf_adds(u, "/apis");
	if (j->kind == JK_GV || j->kind == JK_GET)
		return lbuf_adds(u, j->path);
	if (*d->group)
		lbuf_addf(u, "/apis/%s/%s", d->group, d->version);
	else
		lbuf_addf(u, "/api/%s", d->version);
	if (j->ns) {
		esc = curl_easy_escape(NULL, j->ns, 0);
		if (!esc)
			return NP_ENOMEM;
		lbuf_addf(u, "/namespaces/%s", esc);
		curl_free(esc);
	}
	lbuf_addf(u, "/%s", d->plural);
	if (!j->unpaginated)
		lbuf_addf(u, "?limit=%d", LIST_LIMIT);
	if (j->cont) {
		esc = curl_easy_escape(NULL, j->cont, 0);
		if (!esc)
			return NP_ENOMEM;
		lbuf_addf(u, "%scontinue=%s", j->unpaginated ? "?" : "&", esc);
		curl_free(esc);
	}
	if (j->field_selector) {
		esc = curl_easy_escape(NULL, j->field_selector, 0);
		if (!esc)
			return NP_ENOMEM;
		lbuf_addf(u, "%sfieldSelector=%s", (j->unpaginated && !j->cont) ? "?" : "&", esc);
		curl_free(esc);
	}
	return u->oom ? NP_ENOMEM : 0;
}

/* Parses the server URL: scheme check, userinfo dropped, trailing slash
 * trimmed, tls-server-name mapped with CONNECT_TO so SNI and verification use
 * it while the connection goes to the real host. */
static int session_url(struct session *s, struct np_error *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	struct lbuf b = { 0 }, p = { 0 };
	const char *server = s->kc->server;
	size_t n;
	int rc = 0;

	if (!u)
		return np_error_set(err, NP_ENOMEM, "out of memory");
	/* kubectl accepts a bare host:port and assumes https. */
	if (!strstr(server, "://")) {
		lbuf_adds(&b, "https://");
		lbuf_adds(&b, server);
		server = b.p;
	}
	if (!server || curl_url_set(u, CURLUPART_URL, server, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
		rc = np_error_set(err, NP_EUSAGE, "kubeconfig: cluster \"%s\": invalid server URL",
				  s->kc->cluster_name ? s->kc->cluster_name : "");
		goto out;
	}
	if (!strcmp(scheme, "http")) {
		s->plain_http = true;
	} else if (strcmp(scheme, "https")) {
		rc = np_error_set(err, NP_EUSAGE, "kubeconfig: cluster \"%s\": server URL scheme "
				  "%s is not supported (https)",
				  s->kc->cluster_name ? s->kc->cluster_name : "", scheme);
		goto out;
	}
	n = strlen(path);
	while (n && path[n - 1] == '/')
		path[--n] = '\0';
	lbuf_addf(&p, "%s://%s:%s%s", scheme, host, port, path);
	if (p.oom) {
		rc = np_error_set(err, NP_ENOMEM, "out of memory");
		goto out;
	}
	s->printable = strdup(p.p);
	if (s->kc->tls_server_name && *s->kc->tls_server_name && !s->plain_http &&
	    strcmp(s->kc->tls_server_name, host)) {
		struct lbuf c = { 0 }, h = { 0 };
		const char *sni = s->kc->tls_server_name;
		bool v6 = strchr(sni, ':') != NULL;

		lbuf_addf(&c, "%s%s%s:%s:%s:%s", v6 ? "[" : "", sni, v6 ? "]" : "", port, host, port);
		lbuf_addf(&h, "Host: %s:%s", host, port);
		p.n = 0;
		lbuf_addf(&p, "%s://%s%s%s:%s%s", scheme, v6 ? "[" : "", sni, v6 ? "]" : "", port,
			  path);
		if (c.oom || h.oom || p.oom ||
		    !(s->connect_to = curl_slist_append(NULL, c.p)) ||
		    !(s->headers = curl_slist_append(s->headers, h.p))) {
			lbuf_release(&c);
			lbuf_release(&h);
			rc = np_error_set(err, NP_ENOMEM, "out of memory");
			goto out;
		}
		lbuf_release(&c);
		lbuf_release(&h);
	}
	s->base = strdup(p.p);
	if (!s->base || !s->printable)
		rc = np_error_set(err, NP_ENOMEM, "out of memory");
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	lbuf_release(&b);
	lbuf_release(&p);
	return rc;
}

static int header_add(struct session *s, const char *name, const char *value)
{
	struct lbuf h = { 0 };
	struct curl_slist *l;

	lbuf_addf(&h, "%s: %s", name, value);
	if (h.oom)
		return NP_ENOMEM;
	/* A header value cannot carry a line break: it would start a new header. */
	if (strpbrk(h.p, "\r\n")) {
		lbuf_release(&h);
		return NP_EUSAGE;
	}
	l = curl_slist_append(s->headers, h.p);
	lbuf_release(&h);
	if (!l)
		return NP_ENOMEM;
	s->headers = l;
	return 0;
}

static int session_headers(struct session *s, struct np_error *err)
{
	const struct np_kubeconfig *kc = s->kc;
	size_t i;
	int rc = 0;

	if ((rc = header_add(s, "Accept", "application/json")) < 0)
		goto out;
	if (kc->as && *kc->as && (rc = header_add(s, "Impersonate-User", kc->as)) < 0)
		goto out;
	for (i = 0; i < kc->n_as_groups; i++)
		if ((rc = header_add(s, "Impersonate-Group", kc->as_groups[i])) < 0)
			goto out;
	if (kc->as_uid && *kc->as_uid && (rc = header_add(s, "Impersonate-Uid", kc->as_uid)) < 0)
		goto out;
	for (i = 0; i < kc->n_as_extra; i++) {
		char name[512];
		char *esc = curl_easy_escape(NULL, kc->as_extra_keys[i], 0);

		if (!esc) {
			rc = NP_ENOMEM;
			goto out;
		}
		snprintf(name, sizeof(name), "Impersonate-Extra-%s", esc);
		curl_free(esc);
		if ((rc = header_add(s, name, kc->as_extra_values[i])) < 0)
			goto out;
	}
	if ((kc->as_uid || kc->n_as_groups || kc->n_as_extra) && !(kc->as && *kc->as))
		return np_error_set(err, NP_EUSAGE, "--as-group, --as-uid and impersonated extras "
				    "need --as (a user to impersonate)");
out:
	if (rc == NP_EUSAGE)
		return np_error_set(err, rc, "impersonation: a value contains a line break");
	if (rc < 0)
		return np_error_set(err, rc, "out of memory");
	return 0;
}

/* ---- transfers ---- */

static int on_sockopt(void *ud, curl_socket_t fd, curlsocktype purpose)
{
	int fl = fcntl(fd, F_GETFD);

	/* An exec plugin started later must not inherit our connections. */
	if (fl >= 0)
		fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	return CURL_SOCKOPT_OK;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud)
{
	struct job *j = ud;
	size_t n = size * nmemb;

	/* Decoded bytes are bounded: a hostile server cannot exhaust memory. */
	if (n > j->max_body || j->body.n > j->max_body - n) {
		j->too_big = true;
		return 0;
	}
	return lbuf_add(&j->body, data, n) < 0 ? 0 : n;
}

static int job_start(struct session *s, struct job *j)
{
	const struct np_kubeconfig *kc = s->kc;
	struct lbuf u = { 0 };
	CURL *h;
	long long left;

	if (path_for(s, j, &u) < 0) {
		lbuf_release(&u);
		return NP_ENOMEM;
	}
	j->url = lbuf_detach(&u, NULL);
	h = curl_easy_init();
	if (!j->url || !h) {
		curl_easy_cleanup(h);
		return NP_ENOMEM;
	}
	j->h = h;
	j->errbuf[0] = '\0';
	j->cred_gen = s->cred_gen;
	j->max_body = s->max_body;
	curl_easy_setopt(h, CURLOPT_URL, j->url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, j);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, s->plain_http ? "http" : "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, on_sockopt);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "kubectl-netpol/" NP_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
	left = remaining_ms(s);
	if (s->opt->request_timeout_ms > 0 && (!s->deadline || s->opt->request_timeout_ms < left))
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)s->opt->request_timeout_ms);
	else if (s->deadline)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(left > 1 ? left : 1));
	if (!kc->disable_compression)
		curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
	if (s->connect_to)
		curl_easy_setopt(h, CURLOPT_CONNECT_TO, s->connect_to);
	if (s->proxy)
		curl_easy_setopt(h, CURLOPT_PROXY, s->proxy);
	if (!s->plain_http) {
		curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
		if (kc->insecure) {
			curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		} else if (kc->ca) {
			struct curl_blob ca = { kc->ca, kc->ca_len, CURL_BLOB_NOCOPY };

			/* The kubeconfig's CA replaces the system roots. */
			curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
			curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
			curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
		}
		if (kc->cert || (s->cur && s->cur->have_exec && s->cur->exec.cert)) {
			bool ex = !kc->cert;
			struct curl_blob cert = {
				ex ? s->cur->exec.cert : kc->cert,
				ex ? s->cur->exec.cert_len : kc->cert_len, CURL_BLOB_NOCOPY };
			struct curl_blob key = {
				ex ? s->cur->exec.key : kc->key,
				ex ? s->cur->exec.key_len : kc->key_len, CURL_BLOB_NOCOPY };

			curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
			curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert);
			curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
			curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key);
		}
		if (s->cur && (s->cur->token || (s->cur->have_exec && s->cur->exec.token))) {
			curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
			curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER,
					 s->cur->token ? s->cur->token : s->cur->exec.token);
		} else if ((kc->username && *kc->username) || (kc->password && *kc->password)) {
			curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
			curl_easy_setopt(h, CURLOPT_USERNAME, kc->username ? kc->username : "");
			curl_easy_setopt(h, CURLOPT_PASSWORD, kc->password ? kc->password : "");
		}
	}
	if (curl_multi_add_handle(s->multi, h) != CURLM_OK)
		return NP_ENOMEM;
	j->active = true;
	s->active++;
	j->t0 = live_now_ms();
	return 0;
}

/* The "message" of a Status body, else a short description of the status. */
struct status_ctx {
	char msg[512];
};

static int status_doc(void *ctx, const struct np_node *doc, int idx)
{
	struct status_ctx *c = ctx;
	const char *m = np_node_str(np_node_get(doc, "message"));

	if (idx == 0 && m && *m)
		snprintf(c->msg, sizeof(c->msg), "%s", m);
	return 0;
}

static void api_message(struct session *s, struct job *j, long status, char *out, size_t n)
{
	struct status_ctx c = { "" };
	struct np_decode_limits lim;
	struct np_error e;

	np_decode_limits_default(&lim);
	if (j->body.n && j->body.n < (1u << 20))
		np_json_decode(j->body.p, j->body.n, "status", &lim, status_doc, &c, &e);
	if (c.msg[0])
		snprintf(out, n, "%s", c.msg);
	else
		snprintf(out, n, "HTTP %ld", status);
}

static long retry_after(struct job *j)
{
	struct curl_header *hh = NULL;
	const char *v;
	char *end;
	long sec;

	if (curl_easy_header(j->h, "Retry-After", 0, CURLH_HEADER, -1, &hh) != CURLHE_OK || !hh)
		return -1;
	v = hh->value;
	while (*v == ' ')
		v++;
	if (!isdigit((unsigned char)*v))
		return -1;
	sec = strtol(v, &end, 10);
	while (*end == ' ')
		end++;
	if (*end || sec < 0)
		return -1;
	return sec > MAX_RETRY_AFTER_S ? MAX_RETRY_AFTER_S : sec;
}

/* ---- bodies ---- */

static int push_ns_name(struct session *s, const char *name)
{
	if (s->n_ns == s->cap_ns) {
		size_t cap = s->cap_ns ? s->cap_ns * 2 : 64;
		char **v = realloc(s->ns_names, cap * sizeof(*v));

		if (!v)
			return NP_ENOMEM;
		s->ns_names = v;
		s->cap_ns = cap;
	}
	if (!(s->ns_names[s->n_ns] = strdup(name)))
		return NP_ENOMEM;
	s->n_ns++;
	return 0;
}

static void clear_ns_names(struct session *s)
{
	size_t i;

	for (i = 0; i < s->n_ns; i++)
		free(s->ns_names[i]);
	s->n_ns = 0;
}

struct list_ctx {
	struct session *s;
	struct job *j;
	char *cont;
	bool bad;
	int rc;
};

static int deliver(struct list_ctx *c, const struct np_node *item, const char *api_version)
{
	struct session *s = c->s;
	struct job *j = c->j;
	const struct live_rdesc *d = j->d;
	struct np_hint hint = { 0 };
	struct np_error derr;
	char gv[256];
	int rc;

	if (!item || item->type != NP_NODE_MAP)
		return 0;
	if (!api_version) {
		if (*d->group)
			snprintf(gv, sizeof(gv), "%s/%s", d->group, d->version);
		else
			snprintf(gv, sizeof(gv), "%s", d->version);
		api_version = gv;
	}
	hint.layout = "live";
	hint.res = d->res;
	hint.namespace = j->ns;
	hint.default_kind = d->kind;
	hint.default_api_version = api_version;
	np_error_clear(&derr);
	rc = np_decode_object(s->m, item, NULL, NULL, &hint, s->load, &derr);
	if (rc == NP_ENOMEM)
		return rc;
	if (rc < 0)
		np_model_warn(s->m, d->plural, j->ns, "parseError", SOURCE, "%s", derr.msg);
	if (d->res == NP_RES_NAMESPACES && j == s->ns_job) {
		const char *name = np_node_str(np_node_path(item, "metadata.name"));

		if (name && (rc = push_ns_name(s, name)) < 0)
			return rc;
	}
	if (s->sink && s->sink->item && (rc = s->sink->item(s->sink->ctx, j->id, d, j->ns, item)) < 0)
		return rc;
	return 0;
}

static int list_doc(void *ctx, const struct np_node *doc, int idx)
{
	struct list_ctx *c = ctx;
	const struct np_node *items;
	const char *av, *cont;
	size_t i;
	int rc;

	if (idx > 0 || !doc || doc->type != NP_NODE_MAP) {
		c->bad = true;
		return NP_EINVAL;
	}
	av = np_node_str(np_node_get(doc, "apiVersion"));
	if (c->j->kind == JK_GET)
		return deliver(c, doc, av);
	items = np_node_get(doc, "items");
	if (!items || (items->type != NP_NODE_SEQ && items->type != NP_NODE_NULL)) {
		c->bad = true;
		return NP_EINVAL;
	}
	cont = np_node_str(np_node_path(doc, "metadata.continue"));
	if (cont && *cont && !(c->cont = strdup(cont)))
		return NP_ENOMEM;
	if (items->type == NP_NODE_SEQ)
		for (i = 0; i < items->u.seq.n; i++)
			if ((rc = deliver(c, items->u.seq.items[i], av)) < 0)
				return rc;
	return 0;
}

/* Decodes a 200 list page. 1 = corrupt (retry), 0 = ok, <0 fatal. */
static int decode_page(struct session *s, struct job *j, char **cont)
{
	struct list_ctx c = { s, j, NULL, false, 0 };
	struct np_decode_limits lim = s->load->limits.decode;
	struct np_error e;
	int rc;

	*cont = NULL;
	if (!lim.max_depth)
		np_decode_limits_default(&lim);
	if (!j->body.n)
		return 1;
	rc = np_json_decode(j->body.p, j->body.n, j->url, &lim, list_doc, &c, &e);
	if (rc == NP_ENOMEM || rc == NP_ELIMIT) {
		free(c.cont);
		return rc == NP_ELIMIT ? 2 : rc;
	}
	if (rc < 0) {
		free(c.cont);
		return 1;
	}
	*cont = c.cont;
	return 0;
}

/* ---- discovery ---- */

struct disc_ctx {
	struct session *s;
	struct job *j;
	int rc;
};

static bool crd_group(const char *g)
{
	size_t i;

	for (i = 0; i < N_CRD_WANTS; i++)
		if (!strcmp(crd_wants[i].group, g))
			return true;
	return false;
}

static int add_gv_job(struct session *s, const char *gv)
{
	struct job *j = job_new(s, JK_GV, NULL, NULL, NULL);
	size_t n = strlen(gv) + sizeof("/apis/");

	if (!j || !(j->path = malloc(n)))
		return NP_ENOMEM;
	snprintf(j->path, n, "/apis/%s", gv);
	s->gv_pending++;
	return 0;
}

static int apis_doc(void *ctx, const struct np_node *doc, int idx)
{
	struct disc_ctx *c = ctx;
	const struct np_node *groups = np_node_get(doc, "groups");
	size_t i, k;
	int rc;

	if (idx > 0 || !groups || groups->type != NP_NODE_SEQ)
		return NP_EINVAL;
	for (i = 0; i < groups->u.seq.n; i++) {
		const struct np_node *g = groups->u.seq.items[i];
		const char *name = np_node_str(np_node_get(g, "name"));
		const struct np_node *vs = np_node_get(g, "versions");

		if (!name || !crd_group(name) || !vs || vs->type != NP_NODE_SEQ)
			continue;
		for (k = 0; k < vs->u.seq.n; k++) {
			const char *gv = np_node_str(np_node_get(vs->u.seq.items[k], "groupVersion"));

			size_t nl = strlen(name);

			if (gv && !strncmp(gv, name, nl) && gv[nl] == '/' &&
			    !strchr(gv + nl + 1, '/') && (rc = add_gv_job(c->s, gv)) < 0)
				return rc;
		}
	}
	return 0;
}

static int gv_doc(void *ctx, const struct np_node *doc, int idx)
{
	struct disc_ctx *c = ctx;
	struct session *s = c->s;
	const char *gv = np_node_str(np_node_get(doc, "groupVersion"));
	const struct np_node *rs = np_node_get(doc, "resources");
	const char *slash;
	size_t i, k;

	if (idx > 0 || !gv || !rs || rs->type != NP_NODE_SEQ)
		return NP_EINVAL;
	slash = strchr(gv, '/');
	if (!slash)
		return NP_EINVAL;
	for (i = 0; i < rs->u.seq.n; i++) {
		const struct np_node *r = rs->u.seq.items[i];
		const char *name = np_node_str(np_node_get(r, "name"));
		const char *kind = np_node_str(np_node_get(r, "kind"));
		const struct np_node *nsd = np_node_get(r, "namespaced");

		if (!name || !kind || strchr(name, '/'))
			continue;
		for (k = 0; k < N_CRD_WANTS; k++) {
			struct live_rdesc *d;
			size_t glen = (size_t)(slash - gv);

			if (strcmp(crd_wants[k].plural, name) || strlen(crd_wants[k].group) != glen ||
			    strncmp(crd_wants[k].group, gv, glen))
				continue;
			/* Versions come in preference order: keep the first that serves it. */
			if (s->found[k])
				continue;
			d = calloc(1, sizeof(*d));
			if (!d)
				return NP_ENOMEM;
			d->res = crd_wants[k].res;
			d->group = crd_wants[k].group;
			d->plural = crd_wants[k].plural;
			d->version = strdup(slash + 1);
			d->kind = strdup(kind);
			d->namespaced = nsd && nsd->type == NP_NODE_BOOL && nsd->u.b;
			d->bundle_name = NULL;
			s->found[k] = d;
			if (!d->version || !d->kind)
				return NP_ENOMEM;
		}
	}
	return 0;
}

static void rdesc_free(struct live_rdesc *d)
{
	if (!d)
		return;
	free((char *)d->version);
	free((char *)d->kind);
	free(d);
}

/* ---- scheduling lists ---- */

static int add_list(struct session *s, const struct live_rdesc *d, const char *ns,
		    const char *field_selector, struct agroup *g)
{
	struct job *j;

	if (!g && !(g = group_new(s, d->res, ns)))
		return NP_ENOMEM;
	j = job_new(s, JK_LIST, d, ns, g);
	if (!j)
		return NP_ENOMEM;
	if (field_selector && !(j->field_selector = strdup(field_selector)))
		return NP_ENOMEM;
	j->can_fallback = d->namespaced && !ns && !field_selector;
	return 0;
}

static int add_resource(struct session *s, const struct live_rdesc *d, struct agroup *shared)
{
	const char *only = s->opt->namespace;

	if (!d->namespaced)
		return add_list(s, d, NULL, NULL, shared);
	/* With -n only that namespace is listed; the analyzer looks no further. */
	if (only)
		return add_list(s, d, only, NULL, shared);
	return add_list(s, d, NULL, NULL, shared);
}

static int add_configmaps(struct session *s, const struct live_rdesc *d)
{
	const char *only = s->opt->namespace;
	size_t i, k;
	char fs[128];

	for (i = 0; i < sizeof(cm_namespaces) / sizeof(cm_namespaces[0]); i++) {
		struct agroup *g;

		if (only && strcmp(only, cm_namespaces[i]))
			continue;
		g = group_new(s, d->res, cm_namespaces[i]);
		if (!g)
			return NP_ENOMEM;
		for (k = 0; k < sizeof(cm_names) / sizeof(cm_names[0]); k++) {
			snprintf(fs, sizeof(fs), "metadata.name=%s", cm_names[k]);
			if (add_list(s, d, cm_namespaces[i], fs, g) < 0)
				return NP_ENOMEM;
		}
	}
	/* Other ConfigMaps are never read (DESIGN §3.2, §8): by design, not missing data. */
	return 0;
}

static int add_builtin_lists(struct session *s)
{
	struct agroup *webhooks = NULL;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		const struct live_rdesc *d = &builtin[i];

		if (d->res == NP_RES_NAMESPACES)
			continue; /* scheduled first, by session_run */
		if (!want(s->opt, d->res))
			continue;
		if (d->res == NP_RES_CONFIGMAPS) {
			rc = add_configmaps(s, d);
		} else if (d->res == NP_RES_WEBHOOKS) {
			if (!webhooks && !(webhooks = group_new(s, NP_RES_WEBHOOKS, NULL)))
				return NP_ENOMEM;
			rc = add_list(s, d, NULL, NULL, webhooks);
		} else {
			rc = add_resource(s, d, NULL);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Discovery is complete: list what is served, record what is not. */
static int add_crd_lists(struct session *s)
{
	size_t k;
	int rc;

	s->crd_done = true;
	for (k = 0; k < N_CRD_WANTS; k++) {
		const struct crd_want *w = &crd_wants[k];
		bool listed = false;
		size_t o;

		if (w->res >= 0 ? !want(s->opt, w->res) : !want_cni(s->opt))
			continue;
		/* Calico's v3 API (apiserver) wins over its CRDs when both are served. */
		if (!strcmp(w->group, "crd.projectcalico.org"))
			for (o = 0; o < N_CRD_WANTS; o++)
				if (s->found[o] && crd_wants[o].res == w->res &&
				    !strcmp(crd_wants[o].group, "projectcalico.org"))
					listed = true;
		if (listed)
			continue;
		if (s->found[k]) {
			if (s->sink && s->sink->discovered &&
			    (rc = s->sink->discovered(s->sink->ctx, s->found[k])) < 0)
				return rc;
			if ((rc = add_resource(s, s->found[k], NULL)) < 0)
				return rc;
		}
	}
	/* Kinds that no served version has: read, and there are none. */
	for (k = 0; k < N_CRD_WANTS; k++) {
		const struct crd_want *w = &crd_wants[k];
		bool served = false;
		size_t o;

		if (w->res < 0 || !want(s->opt, w->res))
			continue;
		for (o = 0; o < N_CRD_WANTS; o++)
			served |= s->found[o] && crd_wants[o].res == w->res;
		if (served || (k > 0 && crd_wants[k - 1].res == w->res))
			continue;
		if (s->apis_failed) {
			if (np_model_set_avail(s->m, (enum np_resource)w->res, NULL, NP_AVAIL_UNREADABLE,
					       s->apis_reason, s->apis_msg, SOURCE) < 0)
				return NP_ENOMEM;
		} else if (np_model_set_avail(s->m, (enum np_resource)w->res, NULL, NP_AVAIL_READ,
					      NULL, NULL, SOURCE) < 0) {
			return NP_ENOMEM;
		}
	}
	return 0;
}

static int fallback(struct session *s, struct job *j);

static void flush_parked(struct session *s)
{
	size_t i;

	for (i = 0; i < s->n_jobs && !s->fatal; i++) {
		struct job *j = s->jobs[i];

		if (j->parked && !j->finished) {
			int rc = fallback(s, j);

			if (rc < 0)
				s->fatal = rc;
		}
	}
}

/* A cluster-wide list was forbidden: list each namespace in scope instead. */
static int fallback(struct session *s, struct job *j)
{
	size_t i;
	int rc;

	if (!s->ns_done) {
		j->parked = true;
		return 0;
	}
	if (!s->ns_ok) {
		j->parked = false;
		/* The message of the original 403 is in j->g already when set. */
		job_fail(s, j, "forbidden", "%s", j->g && j->g->message ? j->g->message :
			 "forbidden, and the namespaces could not be listed");
		return 0;
	}
	for (i = 0; i < s->n_ns; i++)
		if ((rc = add_list(s, j->d, s->ns_names[i], NULL, NULL)) < 0)
			return rc;
	logf_(s, 1, "%s: cluster-wide list forbidden, listing %zu namespaces", j->d->plural,
	      s->n_ns);
	j->g->cancelled = true;
	j->parked = false;
	job_finish(s, j, false);
	return 0;
}

/* ---- completion ---- */

static void job_requeue(struct session *s, struct job *j, long long delay_ms)
{
	job_reset_transfer(s, j);
	j->not_before = delay_ms > 0 ? live_now_ms() + delay_ms : 0;
}

static void job_restart(struct session *s, struct job *j)
{
	free(j->cont);
	j->cont = NULL;
	if (s->sink && s->sink->restart)
		s->sink->restart(s->sink->ctx, j->id);
	if (j == s->ns_job)
		clear_ns_names(s);
}

static bool tls_error(CURLcode cc)
{
	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_INITFAILED:
		return true;
	default:
		return false;
	}
}

static bool body_error(CURLcode cc)
{
	switch (cc) {
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_GOT_NOTHING:
		return true;
	default:
		return false;
	}
}

static const char *curl_reason(struct job *j, CURLcode cc)
{
	return j->errbuf[0] ? j->errbuf : curl_easy_strerror(cc);
}

static void on_list_done(struct session *s, struct job *j, CURLcode cc, long status)
{
	char msg[600];
	char *cont = NULL;
	long ra;
	int rc;

	if (j->kind == JK_GET && cc == CURLE_OK && status != 200 &&
	    !((status == 429 || status >= 500) && j->n_retry < MAX_RETRIES &&
	      retry_after(j) >= 0) && status != 401) {
		/* -n NS whose Namespace we may not read: it is synthesised (DESIGN §3.2). */
		api_message(s, j, status, msg, sizeof(msg));
		np_model_warn(s->m, "namespaces", j->ns, status == 403 ? "forbidden" : "notFound",
			      SOURCE, "namespace %s could not be read: %s", j->ns ? j->ns : "", msg);
		/* Done, not failed: a snapshot still says namespaces were looked at. */
		job_finish(s, j, true);
		return;
	}

	if (cc != CURLE_OK && !(status == 200 && body_error(cc))) {
		if (j->too_big)
			job_fail(s, j, "limit", "%s: response larger than the decoded-bytes limit",
				 j->d->plural);
		else if (cc == CURLE_OPERATION_TIMEDOUT)
			job_fail(s, j, "timeout", "GET %s: %s", j->d->plural, curl_reason(j, cc));
		else
			job_fail(s, j, "collectorError", "GET %s: %s", j->d->plural,
				 curl_reason(j, cc));
		return;
	}
	switch (status) {
	case 200:
		rc = cc == CURLE_OK ? decode_page(s, j, &cont) : 1;
		if (rc < 0) {
			s->fatal = rc;
			return;
		}
		if (rc == 2) {
			job_fail(s, j, "limit", "%s: a page exceeds the decoding limits", j->d->plural);
			return;
		}
		if (rc == 1) {
			if (j->n_corrupt++ == 0) {
				logf_(s, 1, "%s: truncated or undecodable response, retrying",
				      j->d->plural);
				job_requeue(s, j, 0);
				return;
			}
			job_fail(s, j, "parseError", "%s: the response was truncated or not valid "
				 "JSON twice", j->d->plural);
			return;
		}
		j->n_corrupt = 0;
		if (cont && j->kind == JK_LIST && !j->unpaginated) {
			free(j->cont);
			j->cont = cont;
			job_requeue(s, j, 0);
			return;
		}
		free(cont);
		job_finish(s, j, true);
		return;
	case 401:
		api_message(s, j, status, msg, sizeof(msg));
		if (!j->auth_retried && creds_refreshable(s)) {
			struct np_error e;

			j->auth_retried = true;
			if (j->cred_gen == s->cred_gen && creds_load(s, &e) < 0) {
				job_fail(s, j, "unauthorized", "%s", e.msg);
				return;
			}
			job_requeue(s, j, 0);
			return;
		}
		job_fail(s, j, "unauthorized", "%s", msg);
		return;
	case 403:
		api_message(s, j, status, msg, sizeof(msg));
		if (j->can_fallback) {
			if (j->g && !j->g->message)
				j->g->message = strdup(msg);
			rc = fallback(s, j);
			if (rc < 0)
				s->fatal = rc;
			if (j->parked && !j->finished)
				job_reset_transfer(s, j);
			return;
		}
		job_fail(s, j, "forbidden", "%s", msg);
		return;
	case 404:
		/* The kind is not served (a CRD removed meanwhile): there are none. */
		job_finish(s, j, true);
		return;
	case 410:
		j->n410++;
		if (j->n410 == 1) {
			logf_(s, 1, "%s: list expired (410), restarting", j->d->plural);
			job_restart(s, j);
			job_requeue(s, j, 0);
			return;
		}
		if (j->n410 == 2) {
			logf_(s, 1, "%s: list expired again, listing without pages", j->d->plural);
			job_restart(s, j);
			j->unpaginated = true;
			job_requeue(s, j, 0);
			return;
		}
		api_message(s, j, status, msg, sizeof(msg));
		job_fail(s, j, "collectorError", "%s", msg);
		return;
	default:
		break;
	}
	if ((status == 429 || status >= 500) && (ra = retry_after(j)) >= 0 &&
	    j->n_retry < MAX_RETRIES) {
		j->n_retry++;
		logf_(s, 1, "%s: HTTP %ld, retrying in %ld s", j->d->plural, status, ra);
		job_requeue(s, j, ra * 1000);
		return;
	}
	api_message(s, j, status, msg, sizeof(msg));
	job_fail(s, j, "collectorError", "%s", msg);
}

static void on_discovery_done(struct session *s, struct job *j, CURLcode cc, long status)
{
	struct disc_ctx c = { s, j, 0 };
	struct np_decode_limits lim;
	struct np_error e;
	char msg[600];
	long ra;
	int rc;

	j->status = status;
	j->cc = cc;
	if (cc == CURLE_OK && (status == 429 || status >= 500) && (ra = retry_after(j)) >= 0 &&
	    j->n_retry < MAX_RETRIES) {
		j->n_retry++;
		job_requeue(s, j, ra * 1000);
		return;
	}
	if (j->kind == JK_API) {
		/* Only the status matters here: a cut body still proves we got in. */
		if (status == 200 && body_error(cc))
			j->cc = CURLE_OK;
		job_finish(s, j, j->cc == CURLE_OK);
		return;
	}
	if (cc == CURLE_OK && status == 401 && !j->auth_retried && creds_refreshable(s)) {
		j->auth_retried = true;
		if (j->cred_gen != s->cred_gen || creds_load(s, &e) == 0) {
			job_requeue(s, j, 0);
			return;
		}
	}
	np_decode_limits_default(&lim);
	rc = NP_EINVAL; /* no usable body */
	if (cc == CURLE_OK && status == 200 && j->body.n)
		rc = np_json_decode(j->body.p, j->body.n, j->url, &lim,
				    j->kind == JK_APIS ? apis_doc : gv_doc, &c, &e);
	if (rc == NP_ENOMEM) {
		s->fatal = rc;
		return;
	}
	if (rc < 0 && cc == CURLE_OK && status == 200 && j->n_corrupt++ == 0) {
		job_requeue(s, j, 0);
		return;
	}
	if (rc < 0) {
		if (cc != CURLE_OK)
			snprintf(msg, sizeof(msg), "GET %s: %s", j->kind == JK_APIS ? "/apis" : j->path,
				 curl_reason(j, cc));
		else if (status == 200)
			snprintf(msg, sizeof(msg), "discovery: undecodable response");
		else
			api_message(s, j, status, msg, sizeof(msg));
		if (!s->apis_failed) {
			s->apis_failed = true;
			s->apis_reason = status == 403 ? "forbidden" : status == 401 ? "unauthorized" :
					 cc == CURLE_OPERATION_TIMEDOUT ? "timeout" : "collectorError";
			s->apis_msg = strdup(msg);
		}
	}
	if (j->kind == JK_GV)
		s->gv_pending--;
	job_finish(s, j, rc == 0);
	if (s->gv_pending == 0 && !s->fatal) {
		/* All group-versions (or /apis alone) answered: the CRD lists can start. */
		bool apis_done = true;
		size_t i;

		for (i = 0; i < s->n_jobs; i++)
			if (s->jobs[i]->kind == JK_APIS && !s->jobs[i]->finished)
				apis_done = false;
		if (apis_done && (rc = add_crd_lists(s)) < 0)
			s->fatal = rc;
	}
}

static void on_done(struct session *s, CURLMsg *msg)
{
	struct job *j = NULL;
	long status = 0;
	long long ms;

	curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
	curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
	if (!j)
		return;
	ms = live_now_ms() - j->t0;
	if (msg->data.result == CURLE_OK)
		logf_(s, 2, "GET %s %ld (%zu bytes, %lld ms)", j->url, status, j->body.n, ms);
	else
		logf_(s, 2, "GET %s failed after %lld ms: %s", j->url, ms,
		      curl_reason(j, msg->data.result));
	if (j->kind == JK_LIST || j->kind == JK_GET)
		on_list_done(s, j, msg->data.result, status);
	else
		on_discovery_done(s, j, msg->data.result, status);
}

/* Runs until every job finished (or the run's deadline passed). */
static int session_run(struct session *s)
{
	while (!s->fatal) {
		long long now = live_now_ms(), wait = 1000;
		bool pending = false;
		CURLMsg *msg;
		int running, left, handled;
		size_t i;

		if (s->deadline && now >= s->deadline) {
			for (i = 0; i < s->n_jobs; i++) {
				struct job *j = s->jobs[i];

				if (j->finished)
					continue;
				if (j->kind == JK_GV)
					s->gv_pending--;
				if (j->kind == JK_APIS || j->kind == JK_GV || j->kind == JK_API) {
					j->cc = CURLE_OPERATION_TIMEDOUT;
					if (!s->apis_failed && j->kind != JK_API) {
						s->apis_failed = true;
						s->apis_reason = "timeout";
						s->apis_msg = strdup("the run timed out (--timeout)");
					}
					job_finish(s, j, false);
				} else {
					job_fail(s, j, "timeout", "the run timed out (--timeout)");
				}
			}
			return 0;
		}
		for (i = 0; i < s->n_jobs && !s->fatal; i++) {
			struct job *j = s->jobs[i];

			if (j->finished || j->parked)
				continue;
			pending = true;
			if (j->active)
				continue;
			if (j->not_before > now) {
				if (j->not_before - now < wait)
					wait = j->not_before - now;
				continue;
			}
			if (s->active >= MAX_ACTIVE)
				continue;
			if (creds_expired(s)) {
				struct np_error e;

				if (creds_load(s, &e) < 0) {
					if (j->kind == JK_LIST || j->kind == JK_GET)
						job_fail(s, j, "unauthorized", "%s", e.msg);
					else
						job_finish(s, j, false);
					continue;
				}
			}
			if (job_start(s, j) < 0) {
				s->fatal = NP_ENOMEM;
				break;
			}
		}
		if (s->fatal)
			break;
		if (!pending) {
			/* Parked jobs left means the namespace list never finished. */
			for (i = 0; i < s->n_jobs; i++)
				if (s->jobs[i]->parked && !s->jobs[i]->finished) {
					s->ns_done = true;
					flush_parked(s);
					pending = true;
				}
			if (!pending)
				break;
			continue;
		}
		curl_multi_perform(s->multi, &running);
		handled = 0;
		while ((msg = curl_multi_info_read(s->multi, &left)))
			if (msg->msg == CURLMSG_DONE) {
				on_done(s, msg);
				handled++;
			}
		/* A finished transfer may have queued the next page: start it now. */
		if (handled)
			continue;
		if (s->active) {
			if (s->deadline && s->deadline - live_now_ms() < wait)
				wait = s->deadline - live_now_ms();
			curl_multi_poll(s->multi, NULL, 0, (int)(wait > 0 ? wait : 0), NULL);
		} else if (wait > 0) {
			poll(NULL, 0, (int)wait);
		}
	}
	return s->fatal;
}

/* ---- the first request decides whether anything can be fetched ---- */

static int first_request(struct session *s, struct np_error *err)
{
	const char *ctx = s->kc->context_name ? s->kc->context_name : "";
	const char *user = s->kc->user_name ? s->kc->user_name : "";
	int attempt, rc;

	for (attempt = 0; attempt < 2; attempt++) {
		struct job *j = job_new(s, JK_API, NULL, NULL, NULL);

		if (!j)
			return np_error_set(err, NP_ENOMEM, "out of memory");
		rc = session_run(s);
		if (rc < 0)
			return np_error_set(err, rc, "out of memory");
		if (j->cc == CURLE_OPERATION_TIMEDOUT && s->deadline && live_now_ms() >= s->deadline)
			return np_error_setat(err, NP_ENET, s->printable, NULL, 0, 0,
					      "cannot reach the API server: timed out");
		if (j->cc != CURLE_OK) {
			const char *why = j->errbuf[0] ? j->errbuf : curl_easy_strerror(j->cc);

			if (tls_error(j->cc))
				return np_error_setat(err, NP_ENET, s->printable, NULL, 0, 0,
						      "TLS verification failed: %s", why);
			return np_error_setat(err, NP_ENET, s->printable, NULL, 0, 0,
					      "cannot reach the API server: %s", why);
		}
		if (j->status != 401)
			return 0;
		if (attempt == 0 && creds_refreshable(s)) {
			logf_(s, 1, "401 on the first request: refreshing credentials");
			if ((rc = creds_load(s, err)) < 0)
				return np_error_set(err, NP_EAUTH, "authentication failed for context "
						    "%s (user %s): %s", ctx, user, err ? err->msg : "");
			continue;
		}
		break;
	}
	return np_error_setat(err, NP_EAUTH, s->printable, NULL, 0, 0,
			      "authentication failed for context %s (user %s)", ctx, user);
}

static void session_release(struct session *s)
{
	size_t i;

	for (i = 0; i < s->n_jobs; i++)
		job_free(s, s->jobs[i]);
	free(s->jobs);
	for (i = 0; i < s->n_groups; i++) {
		free(s->groups[i]->ns);
		free(s->groups[i]->message);
		free(s->groups[i]);
	}
	free(s->groups);
	for (i = 0; i < N_CRD_WANTS; i++)
		rdesc_free(s->found[i]);
	clear_ns_names(s);
	free(s->ns_names);
	if (s->multi)
		curl_multi_cleanup(s->multi);
	creds_free(s->cur);
	for (i = 0; i < s->n_retired; i++)
		creds_free(s->retired[i]);
	free(s->retired);
	curl_slist_free_all(s->connect_to);
	curl_slist_free_all(s->headers);
	free(s->base);
	free(s->printable);
	free(s->proxy);
	free(s->apis_msg);
	np_kubeconfig_free(s->kc);
}

static int session_proxy(struct session *s, struct np_error *err)
{
	const char *p = s->kc->proxy_url;

	if (!p || !*p)
		return 0;
	if (strncmp(p, "http://", 7) && strncmp(p, "https://", 8) && strncmp(p, "socks5://", 9))
		return np_error_set(err, NP_EUSAGE, "kubeconfig: cluster \"%s\": proxy-url scheme "
				    "not supported (http, https, socks5)",
				    s->kc->cluster_name ? s->kc->cluster_name : "");
	if (!strncmp(p, "socks5://", 9)) {
		/* Go's socks5 dialer lets the proxy resolve names: curl calls that socks5h. */
		size_t n = strlen(p) + 2;

		s->proxy = malloc(n);
		if (s->proxy)
			snprintf(s->proxy, n, "socks5h://%s", p + 9);
	} else {
		s->proxy = strdup(p);
	}
	return s->proxy ? 0 : np_error_set(err, NP_ENOMEM, "out of memory");
}

int live_fetch(struct np_model *m, const struct np_live_options *opt,
	       const struct np_load_options *load, void (*log_fn)(void *, int, const char *),
	       void *log_ctx, const struct live_sink *sink, struct np_error *err)
{
	static bool curl_ready;
	struct np_kubeconfig_env env;
	struct np_load_options dflt;
	struct session s;
	struct job *j;
	int rc;

	memset(&s, 0, sizeof(s));
	if (!load) {
		memset(&dflt, 0, sizeof(dflt));
		np_limits_default(&dflt.limits);
		load = &dflt;
	}
	s.m = m;
	s.opt = opt;
	s.load = load;
	s.log_fn = log_fn;
	s.log_ctx = log_ctx;
	s.sink = sink;
	s.err = err;
	s.stdin_tty = isatty(0) && !opt->exec_noninteractive;
	s.max_body = load->limits.member_bytes ? (size_t)load->limits.member_bytes : (size_t)1 << 30;
	if (opt->timeout_ms > 0)
		s.deadline = live_now_ms() + opt->timeout_ms;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return np_error_set(err, NP_ENOMEM, "libcurl could not be initialised");
		curl_ready = true;
	}
	np_kubeconfig_env_default(&env);
	rc = np_kubeconfig_load(&s.kc, opt, &env, err);
	if (rc < 0)
		goto out;
	if ((rc = session_url(&s, err)) < 0 || (rc = session_headers(&s, err)) < 0 ||
	    (rc = session_proxy(&s, err)) < 0)
		goto out;
	if (s.plain_http)
		logf_(&s, 0, "warning: %s is plain http: nothing is encrypted and no credentials "
		      "are sent", s.printable);
	if (s.kc->insecure)
		logf_(&s, 0, "warning: insecure-skip-tls-verify: the server's certificate is not "
		      "verified");
	s.use_exec = s.kc->has_exec && !(s.kc->token && *s.kc->token) && !s.kc->token_file &&
		     !s.kc->cert && !(s.kc->username && *s.kc->username) && !s.plain_http;
	s.multi = curl_multi_init();
	if (!s.multi) {
		rc = np_error_set(err, NP_ENOMEM, "out of memory");
		goto out;
	}
	curl_multi_setopt(s.multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	m->server = np_model_str(m, s.printable);
	m->context = np_model_str(m, s.kc->context_name ? s.kc->context_name : "");
	if (!m->server || !m->context) {
		rc = np_error_set(err, NP_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = creds_load(&s, err)) < 0) {
		if (rc != NP_ENOMEM)
			rc = NP_EAUTH;
		goto out;
	}
	if ((rc = first_request(&s, err)) < 0)
		goto out;
	/* Namespaces first: the 403 fallback needs their names. */
	if (opt->namespace) {
		struct agroup *g = NULL;
		size_t n = strlen(opt->namespace) + sizeof("/api/v1/namespaces/");
		char *esc = curl_easy_escape(NULL, opt->namespace, 0);

		j = esc ? job_new(&s, JK_GET, &builtin[0], opt->namespace, g) : NULL;
		if (!j || !(j->path = malloc(n + strlen(esc)))) {
			curl_free(esc);
			rc = np_error_set(err, NP_ENOMEM, "out of memory");
			goto out;
		}
		snprintf(j->path, n + strlen(esc), "/api/v1/namespaces/%s", esc);
		curl_free(esc);
		s.ns_done = s.ns_ok = true;
		if (sink && sink->scope_namespace &&
		    (rc = sink->scope_namespace(sink->ctx, opt->namespace)) < 0)
			goto out;
	} else {
		bool need = want(opt, NP_RES_NAMESPACES);
		size_t i;

		for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]) && !need; i++)
			need = builtin[i].namespaced && want(opt, builtin[i].res);
		if (need) {
			struct agroup *g = group_new(&s, NP_RES_NAMESPACES, NULL);

			if (!g || !(s.ns_job = job_new(&s, JK_LIST, &builtin[0], NULL, g))) {
				rc = np_error_set(err, NP_ENOMEM, "out of memory");
				goto out;
			}
		} else {
			s.ns_done = true;
		}
	}
	if (want(opt, NP_RES_CRDS) || want_cni(opt) || want(opt, NP_RES_CILIUM_NP) ||
	    want(opt, NP_RES_CILIUM_CCNP) || want(opt, NP_RES_CALICO_NP) ||
	    want(opt, NP_RES_CALICO_GNP) || want(opt, NP_RES_ANP) || want(opt, NP_RES_BANP) ||
	    want(opt, NP_RES_CNP)) {
		if (!job_new(&s, JK_APIS, NULL, NULL, NULL)) {
			rc = np_error_set(err, NP_ENOMEM, "out of memory");
			goto out;
		}
	}
	if ((rc = add_builtin_lists(&s)) < 0) {
		rc = np_error_set(err, rc, "out of memory");
		goto out;
	}
	rc = session_run(&s);
	if (rc < 0) {
		rc = np_error_set(err, rc, rc == NP_ENOMEM ? "out of memory" : "live fetch aborted");
		goto out;
	}
	if (!s.crd_done) {
		size_t k;

		/* Discovery never finished (the run timed out): the CRD kinds are unknown. */
		for (k = 0; k < N_CRD_WANTS; k++)
			if (crd_wants[k].res >= 0 && want(opt, crd_wants[k].res) &&
			    np_model_set_avail(m, (enum np_resource)crd_wants[k].res, NULL,
					       NP_AVAIL_UNREADABLE, "timeout",
					       s.apis_msg ? s.apis_msg : "API discovery did not finish",
					       SOURCE) < 0) {
				rc = np_error_set(err, NP_ENOMEM, "out of memory");
				goto out;
			}
		if (!s.apis_failed) {
			s.apis_failed = true;
			s.apis_reason = "timeout";
		}
	}
	if (want(opt, NP_RES_CRDS) &&
	    np_model_set_avail(m, NP_RES_CRDS, NULL, s.apis_failed ? NP_AVAIL_UNREADABLE :
			       NP_AVAIL_READ, s.apis_failed ? s.apis_reason : NULL,
			       s.apis_failed ? s.apis_msg : NULL, SOURCE) < 0) {
		rc = np_error_set(err, NP_ENOMEM, "out of memory");
		goto out;
	}
	{
		size_t k, o;

		/* Served policy CRDs are CRDs the cluster has. */
		for (k = 0; k < N_CRD_WANTS; k++) {
			struct lbuf b = { 0 };
			const char *name;

			if (!s.found[k])
				continue;
			lbuf_addf(&b, "%s.%s", s.found[k]->plural, s.found[k]->group);
			name = b.oom ? NULL : np_model_str(m, b.p);
			lbuf_release(&b);
			if (!name) {
				rc = np_error_set(err, NP_ENOMEM, "out of memory");
				goto out;
			}
			for (o = 0; o < m->crd_names.n && m->crd_names.v[o] != name; o++)
				;
			if (o < m->crd_names.n)
				continue;
			if (m->crd_names.n == m->crd_names.cap) {
				size_t cap = m->crd_names.cap ? m->crd_names.cap * 2 : 16;
				const char **v = realloc(m->crd_names.v, cap * sizeof(*v));

				if (!v) {
					rc = np_error_set(err, NP_ENOMEM, "out of memory");
					goto out;
				}
				m->crd_names.v = v;
				m->crd_names.cap = cap;
			}
			m->crd_names.v[m->crd_names.n++] = name;
		}
	}
	rc = 0;
out:
	session_release(&s);
	return rc;
}

int np_live_load(struct np_model *m, const struct np_live_options *opt,
		 const struct np_load_options *load, np_log_fn log_fn, void *log_ctx,
		 struct np_error *err)
{
	return live_fetch(m, opt, load, log_fn, log_ctx, NULL, err);
}
