/* The `snapshot` verb's writer (DESIGN §3.2): what live mode fetched, as a
 * troubleshoot-layout .tar.gz that `audit -f` reads back into the same
 * model. Items are filtered on the way in: Secrets are never listed, and
 * managedFields, annotations detection does not read, env values, envFrom,
 * volumes and ConfigMap data other than CNI keys are never written. Failures
 * become *-errors.json files; kubectl-netpol-snapshot.json records the exact
 * availability (reason and message) for readers that know it. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "netpol/live.h"
#include "netpol/model.h"
#include "live_internal.h"

#define TOP "kubectl-netpol-snapshot/"
#define CR TOP "cluster-resources/"
#define MAX_FILTER_DEPTH 512

/* One file of the bundle in the making. */
struct sfile {
	char *path;         /* below CR */
	char *list_kind;    /* "PodList" */
	char *api_version;  /* "v1" */
	struct lbuf items;  /* "item,item,..." */
	size_t n;
};

struct sfiles {
	struct sfile **v;
	size_t n, cap;
	size_t last;        /* lookup cache: consecutive items share a file */
};

struct pending {
	int job_id;
	struct sfiles files;
};

struct whole_read {
	char *kind, *api_version, *dir; /* a namespaced resource read cluster-wide */
};

struct capture {
	struct sfiles done;
	struct pending *jobs;
	size_t n_jobs, cap_jobs;
	char **scope;
	size_t n_scope, cap_scope;
	struct whole_read *wholes;
	size_t n_wholes, cap_wholes;
	char **crds;         /* synthesised CustomResourceDefinition objects (JSON) */
	size_t n_crds, cap_crds;
	size_t objects;
	int oom;
};

/* ---- paths ---- */

static int desc_path(struct lbuf *b, const struct live_rdesc *d, const char *ns)
{
	if (d->bundle_name) {
		if (d->namespaced)
			return lbuf_addf(b, "%s/%s.json", d->bundle_name, ns ? ns : "default");
		return lbuf_addf(b, "%s.json", d->bundle_name);
	}
	if (d->namespaced)
		return lbuf_addf(b, "custom-resources/%s.%s/%s.json", d->plural, d->group,
				 ns ? ns : "default");
	return lbuf_addf(b, "custom-resources/%s.%s.json", d->plural, d->group);
}

static void api_version_of(const struct live_rdesc *d, char *buf, size_t n)
{
	if (*d->group)
		snprintf(buf, n, "%s/%s", d->group, d->version);
	else
		snprintf(buf, n, "%s", d->version);
}

/* A namespace from the API ends up in a path: refuse anything that could
 * climb out of its directory (the API never returns such names). */
static bool safe_name(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..") &&
	       strlen(s) < 256;
}

/* ---- file sets ---- */

static void sfile_free(struct sfile *f)
{
	if (!f)
		return;
	free(f->path);
	free(f->list_kind);
	free(f->api_version);
	lbuf_release(&f->items);
	free(f);
}

static void sfiles_release(struct sfiles *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		sfile_free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static struct sfile *sfiles_get(struct sfiles *s, const char *path, const char *kind,
				const char *api_version)
{
	struct sfile *f;
	size_t i;

	if (s->n && s->last < s->n && !strcmp(s->v[s->last]->path, path))
		return s->v[s->last];
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i]->path, path)) {
			s->last = i;
			return s->v[i];
		}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct sfile **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->path = strdup(path);
	f->list_kind = malloc(strlen(kind) + 5);
	f->api_version = strdup(api_version);
	if (!f->path || !f->list_kind || !f->api_version) {
		sfile_free(f);
		return NULL;
	}
	snprintf(f->list_kind, strlen(kind) + 5, "%sList", kind);
	s->last = s->n;
	s->v[s->n++] = f;
	return f;
}

static struct pending *pending_get(struct capture *c, int job_id, bool create)
{
	size_t i;

	for (i = c->n_jobs; i > 0; i--)
		if (c->jobs[i - 1].job_id == job_id)
			return &c->jobs[i - 1];
	if (!create)
		return NULL;
	if (c->n_jobs == c->cap_jobs) {
		size_t cap = c->cap_jobs ? c->cap_jobs * 2 : 16;
		struct pending *v = realloc(c->jobs, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->jobs = v;
		c->cap_jobs = cap;
	}
	memset(&c->jobs[c->n_jobs], 0, sizeof(c->jobs[0]));
	c->jobs[c->n_jobs].job_id = job_id;
	return &c->jobs[c->n_jobs++];
}

static void pending_drop(struct capture *c, int job_id)
{
	size_t i;

	for (i = 0; i < c->n_jobs; i++)
		if (c->jobs[i].job_id == job_id) {
			sfiles_release(&c->jobs[i].files);
			c->jobs[i] = c->jobs[--c->n_jobs];
			return;
		}
}

/* ---- filtering ---- */

/* Node annotations detection reads (keep in step with decode_objects.c). */
static bool node_annotation_kept(const char *key)
{
	static const char *const prefixes[] = {
		"flannel.alpha.coreos.com/", "projectcalico.org/", "k3s.io/", "rke2.io/",
		"kubernetes.azure.com/", "eks.amazonaws.com/", "alpha.eksctl.io/",
		"cloud.google.com/", "node.alpha.kubernetes.io/", "cilium.io/", "io.cilium/",
		"kube-router.io/", "ovn", "k8s.ovn.org/",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(key, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* ConfigMap keys CNI detection reads (keep in step with decode_objects.c). */
static bool cni_key(const char *k)
{
	static const char *const keys[] = {
		"cni-conf.json", "cni_network_config", "net-conf.json", "10-calico.conflist",
		"cni-config", "enable-network-policy-controller", "enable-policy",
		"enable-k8s-networkpolicy", "policy-enforcement-mode", "calico_backend",
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i], k))
			return true;
	return false;
}

/* Container env entries CNI detection reads: configuration, not secrets. */
static bool env_kept(const struct np_node *e)
{
	static const char *const names[] = { "CALICO_NETWORKING_BACKEND" };
	const char *n = np_node_str(np_node_get(e, "name"));
	size_t i;

	for (i = 0; n && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(n, names[i]))
			return np_node_str(np_node_get(e, "value")) != NULL;
	return false;
}

enum fctx { F_ANY, F_METADATA, F_CONFIGMAP };

struct filter {
	struct lbuf *b;
	bool node;       /* the object is a Node */
	bool configmap;
};

static int filter_node(struct filter *f, const struct np_node *n, size_t depth, enum fctx ctx);

static int filter_map(struct filter *f, const struct np_node *n, size_t depth, enum fctx ctx)
{
	struct lbuf *b = f->b;
	bool first = true, has_containers = np_node_get(n, "containers") != NULL;
	size_t i;
	int rc;

	if (lbuf_adds(b, "{") < 0)
		return NP_ENOMEM;
	for (i = 0; i < n->u.map.n; i++) {
		const struct np_pair *p = &n->u.map.pairs[i];
		const char *k = p->key;
		enum fctx sub = F_ANY;

		if (ctx == F_METADATA && !strcmp(k, "managedFields"))
			continue;
		if (!strcmp(k, "envFrom"))
			continue;
		if (has_containers && !strcmp(k, "volumes"))
			continue;
		if (depth == 0 && f->configmap && (!strcmp(k, "binaryData")))
			continue;
		/* Other ConfigMap data never leaves the cluster, keys included. */
		if (ctx == F_CONFIGMAP && !cni_key(k))
			continue;
		if (!first && lbuf_adds(b, ",") < 0)
			return NP_ENOMEM;
		first = false;
		if (lbuf_add_json_str(b, k, p->key_len) < 0 || lbuf_adds(b, ":") < 0)
			return NP_ENOMEM;
		/* Templates' metadata too: their annotations are never read either. */
		if (!strcmp(k, "metadata") && p->value && p->value->type == NP_NODE_MAP)
			sub = F_METADATA;
		if (depth == 0 && f->configmap && !strcmp(k, "data"))
			sub = F_CONFIGMAP;
		if (ctx == F_METADATA && !strcmp(k, "annotations")) {
			/* Only the node annotations detection reads; nothing else. */
			const struct np_node *a = p->value;
			bool afirst = true;
			size_t j;

			if (lbuf_adds(b, "{") < 0)
				return NP_ENOMEM;
			for (j = 0; f->node && depth == 1 && a && a->type == NP_NODE_MAP &&
				    j < a->u.map.n; j++) {
				if (!node_annotation_kept(a->u.map.pairs[j].key))
					continue;
				if ((!afirst && lbuf_adds(b, ",") < 0) ||
				    lbuf_add_json_str(b, a->u.map.pairs[j].key,
						      a->u.map.pairs[j].key_len) < 0 ||
				    lbuf_adds(b, ":") < 0 ||
				    live_node_json(b, a->u.map.pairs[j].value, depth + 2) < 0)
					return NP_ENOMEM;
				afirst = false;
			}
			if (lbuf_adds(b, "}") < 0)
				return NP_ENOMEM;
			continue;
		}
		if (ctx == F_CONFIGMAP) {
			if ((rc = live_node_json(b, p->value, depth + 1)) < 0)
				return rc;
			continue;
		}
		if (!strcmp(k, "env") && p->value && p->value->type == NP_NODE_SEQ) {
			const struct np_node *e = p->value;
			bool efirst = true;
			size_t j;

			if (lbuf_adds(b, "[") < 0)
				return NP_ENOMEM;
			for (j = 0; j < e->u.seq.n; j++) {
				const struct np_node *it = e->u.seq.items[j];

				if (!it || it->type != NP_NODE_MAP || !env_kept(it))
					continue;
				if ((!efirst && lbuf_adds(b, ",") < 0) || lbuf_adds(b, "{\"name\":") < 0 ||
				    live_node_json(b, np_node_get(it, "name"), depth + 3) < 0 ||
				    lbuf_adds(b, ",\"value\":") < 0 ||
				    live_node_json(b, np_node_get(it, "value"), depth + 3) < 0 ||
				    lbuf_adds(b, "}") < 0)
					return NP_ENOMEM;
				efirst = false;
			}
			if (lbuf_adds(b, "]") < 0)
				return NP_ENOMEM;
			continue;
		}
		if ((rc = filter_node(f, p->value, depth + 1, sub)) < 0)
			return rc;
	}
	return lbuf_adds(b, "}");
}

static int filter_node(struct filter *f, const struct np_node *n, size_t depth, enum fctx ctx)
{
	size_t i;
	int rc;

	if (depth > MAX_FILTER_DEPTH)
		return NP_ELIMIT;
	if (!n || n->type != NP_NODE_SEQ) {
		if (n && n->type == NP_NODE_MAP)
			return filter_map(f, n, depth, ctx);
		return live_node_json(f->b, n, depth);
	}
	if (lbuf_adds(f->b, "[") < 0)
		return NP_ENOMEM;
	for (i = 0; i < n->u.seq.n; i++) {
		if (i && lbuf_adds(f->b, ",") < 0)
			return NP_ENOMEM;
		if ((rc = filter_node(f, n->u.seq.items[i], depth + 1, F_ANY)) < 0)
			return rc;
	}
	return lbuf_adds(f->b, "]");
}

/* Appends one item: kind and apiVersion first (list items lack them), then
 * the filtered object. */
static int write_item(struct lbuf *b, const struct live_rdesc *d, const struct np_node *item)
{
	struct filter f = { b, !strcmp(d->kind, "Node"), !strcmp(d->kind, "ConfigMap") };
	char av[256];
	size_t mark = b->n;
	int rc;

	if (b->n && lbuf_adds(b, ",") < 0)
		return NP_ENOMEM;
	api_version_of(d, av, sizeof(av));
	if (!np_node_get(item, "kind") || !np_node_get(item, "apiVersion")) {
		const char *k = np_node_str(np_node_get(item, "kind"));
		const char *a = np_node_str(np_node_get(item, "apiVersion"));
		struct lbuf tmp = { 0 };

		/* Rebuild the object with both keys leading, then the rest. */
		lbuf_adds(&tmp, "{\"kind\":");
		lbuf_add_json_str(&tmp, k ? k : d->kind, strlen(k ? k : d->kind));
		lbuf_adds(&tmp, ",\"apiVersion\":");
		lbuf_add_json_str(&tmp, a ? a : av, strlen(a ? a : av));
		if (tmp.oom) {
			lbuf_release(&tmp);
			return NP_ENOMEM;
		}
		rc = lbuf_add(b, tmp.p, tmp.n);
		lbuf_release(&tmp);
		if (rc < 0)
			return rc;
		{
			size_t before = b->n;

			rc = filter_node(&f, item, 0, F_ANY);
			if (rc < 0) {
				b->n = mark;
				return rc;
			}
			/* "{...}" → ",..." after our two keys (or "" for {}). */
			if (b->n - before <= 2) {
				b->n = before;
				return lbuf_adds(b, "}");
			}
			b->p[before] = ',';
			b->p[b->n] = '\0';
			return 0;
		}
	}
	rc = filter_node(&f, item, 0, F_ANY);
	if (rc < 0)
		b->n = mark;
	return rc;
}

/* ---- sink callbacks ---- */

static int cap_item(void *ctx, int job_id, const struct live_rdesc *d, const char *ns,
		    const struct np_node *item)
{
	struct capture *c = ctx;
	struct pending *p = pending_get(c, job_id, true);
	const char *ins = np_node_str(np_node_path(item, "metadata.namespace"));
	struct lbuf path = { 0 };
	struct sfile *f;
	char av[256];
	int rc;

	if (!p)
		return NP_ENOMEM;
	if (d->namespaced && !ns)
		ns = ins;
	if (d->namespaced && !safe_name(ns))
		return 0;
	if (desc_path(&path, d, ns) < 0)
		return NP_ENOMEM;
	api_version_of(d, av, sizeof(av));
	f = sfiles_get(&p->files, path.p, d->kind, av);
	lbuf_release(&path);
	if (!f)
		return NP_ENOMEM;
	rc = write_item(&f->items, d, item);
	if (rc == NP_ELIMIT)
		return 0;
	if (rc < 0)
		return rc;
	f->n++;
	return 0;
}

static void cap_restart(void *ctx, int job_id)
{
	pending_drop(ctx, job_id);
}

static int add_whole(struct capture *c, const struct live_rdesc *d)
{
	struct whole_read *w;
	struct lbuf dir = { 0 };
	char av[256];
	size_t i;

	if (d->bundle_name)
		lbuf_addf(&dir, "%s", d->bundle_name);
	else
		lbuf_addf(&dir, "custom-resources/%s.%s", d->plural, d->group);
	if (dir.oom)
		return NP_ENOMEM;
	for (i = 0; i < c->n_wholes; i++)
		if (!strcmp(c->wholes[i].dir, dir.p)) {
			lbuf_release(&dir);
			return 0;
		}
	if (c->n_wholes == c->cap_wholes) {
		size_t cap = c->cap_wholes ? c->cap_wholes * 2 : 16;
		struct whole_read *v = realloc(c->wholes, cap * sizeof(*v));

		if (!v) {
			lbuf_release(&dir);
			return NP_ENOMEM;
		}
		c->wholes = v;
		c->cap_wholes = cap;
	}
	api_version_of(d, av, sizeof(av));
	w = &c->wholes[c->n_wholes++];
	w->dir = lbuf_detach(&dir, NULL);
	w->kind = strdup(d->kind);
	w->api_version = strdup(av);
	return w->dir && w->kind && w->api_version ? 0 : NP_ENOMEM;
}

static int cap_done(void *ctx, int job_id, const struct live_rdesc *d, const char *ns, bool ok)
{
	struct capture *c = ctx;
	struct pending *p = pending_get(c, job_id, false);
	struct lbuf path = { 0 };
	char av[256];
	size_t i;
	int rc = 0;

	if (!ok) {
		pending_drop(c, job_id);
		return 0;
	}
	api_version_of(d, av, sizeof(av));
	/* A read list has its file even when empty: absent means not collected. */
	if (d->namespaced && !ns) {
		rc = add_whole(c, d);
	} else if (!d->namespaced || safe_name(ns)) {
		if (desc_path(&path, d, ns) < 0 || !sfiles_get(&c->done, path.p, d->kind, av))
			rc = NP_ENOMEM;
		lbuf_release(&path);
	}
	for (i = 0; p && rc == 0 && i < p->files.n; i++) {
		struct sfile *src = p->files.v[i];
		struct sfile *dst = sfiles_get(&c->done, src->path, d->kind, src->api_version);

		if (!dst)
			rc = NP_ENOMEM;
		else if (src->items.n && ((dst->items.n && lbuf_adds(&dst->items, ",") < 0) ||
					  lbuf_add(&dst->items, src->items.p, src->items.n) < 0))
			rc = NP_ENOMEM;
		else {
			dst->n += src->n;
			c->objects += src->n;
		}
	}
	if (p)
		pending_drop(c, job_id);
	return rc;
}

static int cap_scope(void *ctx, const char *ns)
{
	struct capture *c = ctx;
	size_t i;

	if (!safe_name(ns))
		return 0;
	for (i = 0; i < c->n_scope; i++)
		if (!strcmp(c->scope[i], ns))
			return 0;
	if (c->n_scope == c->cap_scope) {
		size_t cap = c->cap_scope ? c->cap_scope * 2 : 32;
		char **v = realloc(c->scope, cap * sizeof(*v));

		if (!v)
			return NP_ENOMEM;
		c->scope = v;
		c->cap_scope = cap;
	}
	c->scope[c->n_scope] = strdup(ns);
	return c->scope[c->n_scope++] ? 0 : NP_ENOMEM;
}

/* A served policy kind: a minimal CustomResourceDefinition, so the bundle
 * says which CRDs exist as live discovery did. */
static int cap_discovered(void *ctx, const struct live_rdesc *d)
{
	struct capture *c = ctx;
	struct lbuf b = { 0 };

	if (c->n_crds == c->cap_crds) {
		size_t cap = c->cap_crds ? c->cap_crds * 2 : 8;
		char **v = realloc(c->crds, cap * sizeof(*v));

		if (!v)
			return NP_ENOMEM;
		c->crds = v;
		c->cap_crds = cap;
	}
	lbuf_adds(&b, "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
		  "\"metadata\":{\"name\":");
	lbuf_addf(&b, "\"%s.%s\"},\"spec\":{\"group\":\"%s\",\"scope\":\"%s\",\"names\":{\"plural\":"
		  "\"%s\",\"kind\":", d->plural, d->group, d->group,
		  d->namespaced ? "Namespaced" : "Cluster", d->plural);
	lbuf_add_json_str(&b, d->kind, strlen(d->kind));
	lbuf_adds(&b, "},\"versions\":[{\"name\":");
	lbuf_add_json_str(&b, d->version, strlen(d->version));
	lbuf_adds(&b, ",\"served\":true,\"storage\":true}]}}");
	if (b.oom) {
		lbuf_release(&b);
		return NP_ENOMEM;
	}
	c->crds[c->n_crds++] = lbuf_detach(&b, NULL);
	return 0;
}

static void capture_release(struct capture *c)
{
	size_t i;

	sfiles_release(&c->done);
	for (i = 0; i < c->n_jobs; i++)
		sfiles_release(&c->jobs[i].files);
	free(c->jobs);
	for (i = 0; i < c->n_scope; i++)
		free(c->scope[i]);
	free(c->scope);
	for (i = 0; i < c->n_wholes; i++) {
		free(c->wholes[i].dir);
		free(c->wholes[i].kind);
		free(c->wholes[i].api_version);
	}
	free(c->wholes);
	for (i = 0; i < c->n_crds; i++)
		free(c->crds[i]);
	free(c->crds);
}

/* ---- the archive ---- */

struct writer {
	struct archive *a;
	time_t mtime;
	int rc;
	const char *path;
	struct np_error *err;
};

static int put(struct writer *w, const char *name, const char *data, size_t len)
{
	struct archive_entry *e;

	if (w->rc)
		return w->rc;
	e = archive_entry_new();
	if (!e)
		return w->rc = NP_ENOMEM;
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, w->mtime, 0);
	if (archive_write_header(w->a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(w->a, data, len) != (la_ssize_t)len)) {
		w->rc = np_error_setat(w->err, NP_EIO, w->path, NULL, 0, 0, "%s",
				       archive_error_string(w->a) ? archive_error_string(w->a) :
				       "write failed");
	}
	archive_entry_free(e);
	return w->rc;
}

static int put_list(struct writer *w, const char *rel, const char *kind, const char *av,
		    const char *items, size_t n)
{
	struct lbuf b = { 0 }, name = { 0 };
	int rc;

	lbuf_adds(&b, "{\"kind\":");
	lbuf_add_json_str(&b, kind, strlen(kind));
	lbuf_adds(&b, ",\"apiVersion\":");
	lbuf_add_json_str(&b, av, strlen(av));
	lbuf_adds(&b, ",\"metadata\":{},\"items\":[");
	if (n)
		lbuf_add(&b, items, n);
	lbuf_adds(&b, "]}\n");
	lbuf_addf(&name, CR "%s", rel);
	rc = b.oom || name.oom ? (w->rc = NP_ENOMEM) : put(w, name.p, b.p, b.n);
	lbuf_release(&b);
	lbuf_release(&name);
	return rc;
}

static const char *state_name(enum np_avail_state s)
{
	return s == NP_AVAIL_READ ? "read" : s == NP_AVAIL_NOT_COLLECTED ? "notCollected" :
	       "unreadable";
}

/* The troubleshoot file naming one resource's failures. */
static int errors_stem(struct lbuf *b, enum np_resource res, const struct live_rdesc *builtin,
		       size_t nb, bool second)
{
	static const struct { enum np_resource res; const char *name; } crds[] = {
		{ NP_RES_CILIUM_NP, "ciliumnetworkpolicies.cilium.io" },
		{ NP_RES_CILIUM_CCNP, "ciliumclusterwidenetworkpolicies.cilium.io" },
		{ NP_RES_CALICO_NP, "networkpolicies.projectcalico.org" },
		{ NP_RES_CALICO_GNP, "globalnetworkpolicies.projectcalico.org" },
		{ NP_RES_ANP, "adminnetworkpolicies.policy.networking.k8s.io" },
		{ NP_RES_BANP, "baselineadminnetworkpolicies.policy.networking.k8s.io" },
		{ NP_RES_CNP, "clusternetworkpolicies.policy.networking.k8s.io" },
	};
	size_t i, seen = 0;

	if (res == NP_RES_CRDS)
		return second ? 1 : lbuf_adds(b, "custom-resource-definitions-errors");
	for (i = 0; i < sizeof(crds) / sizeof(crds[0]); i++)
		if (crds[i].res == res)
			return second ? 1 : lbuf_addf(b, "custom-resources/%s-errors", crds[i].name);
	for (i = 0; i < nb; i++) {
		if ((int)res != builtin[i].res)
			continue;
		if (seen++ == (second ? 1u : 0u))
			return lbuf_addf(b, "%s-errors", builtin[i].bundle_name);
	}
	return 1;
}

static int write_errors(struct writer *w, const struct np_model *m)
{
	const struct live_rdesc *bt;
	size_t nb, i, k;
	int res;

	bt = live_builtin(&nb);
	for (res = 0; res < NP_RES__COUNT && !w->rc; res++) {
		struct lbuf whole = { 0 }, per_ns = { 0 };

		for (i = 0; i < m->avail.n; i++) {
			const struct np_avail *a = &m->avail.v[i];
			const char *msg = a->message ? a->message : a->reason ? a->reason : "unreadable";

			if ((int)a->res != res || a->state != NP_AVAIL_UNREADABLE)
				continue;
			if (np_model_avail(m, a->res, a->namespace, NULL, NULL) == NP_AVAIL_READ)
				continue;
			if (a->namespace) {
				lbuf_adds(&per_ns, per_ns.n ? "," : "{");
				lbuf_add_json_str(&per_ns, a->namespace, strlen(a->namespace));
				lbuf_adds(&per_ns, ":");
				lbuf_add_json_str(&per_ns, msg, strlen(msg));
			} else {
				lbuf_adds(&whole, whole.n ? "," : "[");
				lbuf_add_json_str(&whole, msg, strlen(msg));
			}
		}
		for (k = 0; k < 2 && (whole.n || per_ns.n) && !w->rc; k++) {
			struct lbuf stem = { 0 };
			int r = errors_stem(&stem, (enum np_resource)res, bt, nb, k == 1);

			if (r == 0 && !stem.oom) {
				struct lbuf name = { 0 };

				/* troubleshoot's two forms: ["msg"] whole, {"ns": "msg"} per namespace */
				lbuf_addf(&name, CR "%s.json", stem.p);
				if (whole.n) {
					lbuf_adds(&whole, "]");
					put(w, name.p, whole.p, whole.n);
					whole.n--;
				} else {
					lbuf_adds(&per_ns, "}");
					put(w, name.p, per_ns.p, per_ns.n);
					per_ns.n--;
				}
				lbuf_release(&name);
			}
			lbuf_release(&stem);
			if (r)
				break;
		}
		lbuf_release(&whole);
		lbuf_release(&per_ns);
	}
	return w->rc;
}

static void rfc3339(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int write_marker(struct writer *w, const struct np_model *m, const struct np_live_options *opt)
{
	struct lbuf b = { 0 };
	char when[32];
	size_t i;

	rfc3339(w->mtime, when);
	lbuf_adds(&b, "{\n  \"apiVersion\": \"kubectl-netpol/v1\",\n  \"kind\": \"Snapshot\",\n"
		  "  \"version\": \"" NP_VERSION "\",\n  \"context\": ");
	lbuf_add_json_str(&b, m->context ? m->context : "", m->context ? strlen(m->context) : 0);
	lbuf_adds(&b, ",\n  \"server\": ");
	lbuf_add_json_str(&b, m->server ? m->server : "", m->server ? strlen(m->server) : 0);
	lbuf_addf(&b, ",\n  \"time\": \"%s\",\n  \"namespace\": ", when);
	if (opt->namespace)
		lbuf_add_json_str(&b, opt->namespace, strlen(opt->namespace));
	else
		lbuf_adds(&b, "null");
	lbuf_adds(&b, ",\n  \"availability\": [");
	for (i = 0; i < m->avail.n; i++) {
		const struct np_avail *a = &m->avail.v[i];
		const char *rn = np_resource_name(a->res), *rg = np_resource_group(a->res);

		lbuf_adds(&b, i ? ",\n    {" : "\n    {");
		lbuf_adds(&b, "\"resource\": ");
		lbuf_add_json_str(&b, rn ? rn : "", rn ? strlen(rn) : 0);
		lbuf_adds(&b, ", \"apiGroup\": ");
		lbuf_add_json_str(&b, rg ? rg : "", rg ? strlen(rg) : 0);
		lbuf_adds(&b, ", \"namespace\": ");
		if (a->namespace)
			lbuf_add_json_str(&b, a->namespace, strlen(a->namespace));
		else
			lbuf_adds(&b, "null");
		lbuf_addf(&b, ", \"state\": \"%s\", \"reason\": ", state_name(a->state));
		if (a->reason)
			lbuf_add_json_str(&b, a->reason, strlen(a->reason));
		else
			lbuf_adds(&b, "null");
		lbuf_adds(&b, ", \"message\": ");
		if (a->message)
			lbuf_add_json_str(&b, a->message, strlen(a->message));
		else
			lbuf_adds(&b, "null");
		lbuf_adds(&b, "}");
	}
	lbuf_adds(&b, m->avail.n ? "\n  ]\n}\n" : "]\n}\n");
	if (b.oom) {
		lbuf_release(&b);
		return w->rc = NP_ENOMEM;
	}
	put(w, TOP "kubectl-netpol-snapshot.json", b.p, b.n);
	lbuf_release(&b);
	return w->rc;
}

static int write_bundle(struct writer *w, struct capture *c, const struct np_model *m,
			const struct np_live_options *opt, struct np_live_snapshot_stats *st)
{
	size_t i, k;

	/* Namespaced resources read cluster-wide: a file per namespace in scope. */
	for (i = 0; i < c->n_wholes; i++) {
		for (k = 0; k < c->n_scope; k++) {
			struct lbuf p = { 0 };

			lbuf_addf(&p, "%s/%s.json", c->wholes[i].dir, c->scope[k]);
			if (p.oom || !sfiles_get(&c->done, p.p, c->wholes[i].kind,
						 c->wholes[i].api_version)) {
				lbuf_release(&p);
				return w->rc = NP_ENOMEM;
			}
			lbuf_release(&p);
		}
		if (!c->n_scope) {
			/* No namespace to name a file after: an empty errors list marks it read. */
			struct lbuf p = { 0 };

			lbuf_addf(&p, CR "%s-errors.json", c->wholes[i].dir);
			if (!p.oom)
				put(w, p.p, "[]\n", 3);
			lbuf_release(&p);
		}
	}
	{
		const struct live_rdesc *bt;
		size_t nb, r;

		/* Every namespace in scope that a read resource covers gets its file,
		 * as troubleshoot writes them: ConfigMaps outside the CNI namespaces
		 * are read by design (none of the CNI names live there). */
		bt = live_builtin(&nb);
		for (r = 0; r < nb && !w->rc; r++) {
			char av[256];

			if (!bt[r].namespaced || (opt->resources && !((opt->resources >> bt[r].res) & 1)))
				continue;
			api_version_of(&bt[r], av, sizeof(av));
			for (k = 0; k < c->n_scope; k++) {
				struct lbuf p = { 0 };

				if (np_model_avail(m, (enum np_resource)bt[r].res, c->scope[k], NULL, NULL) !=
				    NP_AVAIL_READ)
					continue;
				if (desc_path(&p, &bt[r], c->scope[k]) < 0 ||
				    !sfiles_get(&c->done, p.p, bt[r].kind, av))
					w->rc = NP_ENOMEM;
				lbuf_release(&p);
			}
		}
	}
	for (i = 0; i < c->done.n && !w->rc; i++) {
		const struct sfile *f = c->done.v[i];

		put_list(w, f->path, f->list_kind, f->api_version, f->items.p, f->items.n);
		if (st) {
			st->lists++;
			st->objects += f->n;
		}
	}
	if (c->n_crds && !w->rc) {
		struct lbuf b = { 0 };

		for (i = 0; i < c->n_crds; i++) {
			if (i)
				lbuf_adds(&b, ",");
			lbuf_adds(&b, c->crds[i]);
		}
		if (b.oom)
			w->rc = NP_ENOMEM;
		else
			put_list(w, "custom-resource-definitions.json", "CustomResourceDefinitionList",
				 "apiextensions.k8s.io/v1", b.p, b.n);
		lbuf_release(&b);
	} else if (!w->rc && (!opt->resources || (opt->resources >> NP_RES_CRDS) & 1) &&
		   np_model_avail(m, NP_RES_CRDS, NULL, NULL, NULL) == NP_AVAIL_READ) {
		put_list(w, "custom-resource-definitions.json", "CustomResourceDefinitionList",
			 "apiextensions.k8s.io/v1", "", 0);
	}
	if (!w->rc)
		write_errors(w, m);
	if (st)
		for (i = 0; i < m->avail.n; i++)
			if (m->avail.v[i].state == NP_AVAIL_UNREADABLE &&
			    np_model_avail(m, m->avail.v[i].res, m->avail.v[i].namespace, NULL,
					   NULL) != NP_AVAIL_READ)
				st->unreadable++;
	if (!w->rc)
		write_marker(w, m, opt);
	return w->rc;
}

/* A sibling of path that nobody else can have created or pointed elsewhere. */
static int open_temp(const char *path, char **tmp_out, struct np_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
	unsigned long long seed = (unsigned long long)time(NULL) ^
				  ((unsigned long long)getpid() << 16) ^ (uintptr_t)&seed;
	int attempt;

	for (attempt = 0; attempt < 100; attempt++) {
		size_t n = dlen + 64;
		char *tmp = malloc(n);
		int fd;

		if (!tmp)
			return np_error_set(err, NP_ENOMEM, "out of memory");
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		snprintf(tmp, n, "%.*s.kubectl-netpol-%016llx.tmp", (int)dlen, path, seed);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			/* umask may only narrow it; say exactly 0600. */
			if (fchmod(fd, 0600) < 0) {
				int e = errno;

				close(fd);
				unlink(tmp);
				free(tmp);
				return np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s", strerror(e));
			}
			*tmp_out = tmp;
			return fd;
		}
		free(tmp);
		if (errno != EEXIST)
			return np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s", strerror(errno));
	}
	return np_error_setat(err, NP_EIO, path, NULL, 0, 0, "cannot create a temporary file");
}

static time_t snapshot_time(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (s && *s) {
		v = strtoll(s, &end, 10);
		if (!*end && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}

int np_live_snapshot(const char *path, struct np_model *m, const struct np_live_options *opt,
		     const struct np_load_options *load, np_log_fn log_fn, void *log_ctx,
		     struct np_live_snapshot_stats *stats, struct np_error *err)
{
	struct capture cap;
	struct live_sink sink = { 0 };
	struct writer w = { 0 };
	char *tmp = NULL;
	int fd = -1, rc;

	memset(&cap, 0, sizeof(cap));
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (!path || !*path)
		return np_error_set(err, NP_EUSAGE, "snapshot: no output file");
	sink.ctx = &cap;
	sink.discovered = cap_discovered;
	sink.item = cap_item;
	sink.restart = cap_restart;
	sink.done = cap_done;
	sink.scope_namespace = cap_scope;
	rc = live_fetch(m, opt, load, log_fn, log_ctx, &sink, err);
	if (rc < 0)
		goto out;
	fd = open_temp(path, &tmp, err);
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	w.a = archive_write_new();
	w.mtime = snapshot_time();
	w.path = path;
	w.err = err;
	if (!w.a || archive_write_add_filter_gzip(w.a) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(w.a) != ARCHIVE_OK ||
	    archive_write_open_fd(w.a, fd) != ARCHIVE_OK) {
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s",
				    w.a && archive_error_string(w.a) ? archive_error_string(w.a)
								      : "cannot start the archive");
		goto out;
	}
	rc = write_bundle(&w, &cap, m, opt, stats);
	if (rc == NP_ENOMEM)
		np_error_set(err, rc, "out of memory");
	if (archive_write_close(w.a) != ARCHIVE_OK && rc == 0)
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s",
				    archive_error_string(w.a) ? archive_error_string(w.a)
							      : "write failed");
	if (rc == 0 && fsync(fd) < 0)
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s", strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s", strerror(errno));
	fd = -1;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s", strerror(errno));
out:
	if (w.a)
		archive_write_free(w.a);
	if (fd >= 0)
		close(fd);
	if (tmp) {
		if (rc < 0)
			unlink(tmp);
		free(tmp);
	}
	capture_release(&cap);
	return rc;
}
