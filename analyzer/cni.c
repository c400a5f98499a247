/* Platform and CNI detection (DESIGN §5.4): which cloud and distribution the
 * cluster runs on, and which engines could enforce NetworkPolicy on which
 * nodes. Evidence comes from workloads (images, args, env, ready counts),
 * CNI configs (conflists, ConfigMap keys, Kubescape CNIInfo), the OpenShift
 * Network CR, node labels/annotations/OS/providerID and CRD names (supporting
 * only). The controls of controls_platform.c judge the result. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netpol/audit.h"
#include "netpol/error.h"
#include "netpol/node.h"
#include "cni_internal.h"

/* Evidence ranks: which source names the decisive object and sets enforcement. */
enum {
	RANK_CRD = 5,
	RANK_CNIINFO = 15,
	RANK_CONFIG = 20,
	RANK_NODE = 25,
	RANK_DEPLOYMENT = 30,
	RANK_PLATFORM = 35,
	RANK_DAEMONSET = 40,
	RANK_SWITCH = 50, /* the ConfigMap key or arg that turned enforcement off */
};

/* ---------------------------------------------------------------- helpers */

static void *ralloc(struct cni_result *res, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size) {
		res->err = NP_ENOMEM;
		return NULL;
	}
	p = np_arena_alloc(&res->r->mem, n * size != 0 ? n * size : 1);
	if (!p)
		res->err = NP_ENOMEM;
	return p;
}

static const char *rstrf(struct cni_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *rstrf(struct cni_result *res, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *out;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (len < 0)
		return NULL;
	out = ralloc(res, (size_t)len + 1, 1);
	if (!out)
		return NULL;
	if ((size_t)len < sizeof(small)) {
		memcpy(out, small, (size_t)len + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(out, (size_t)len + 1, fmt, ap);
		va_end(ap);
	}
	return out;
}

static void strv_push(struct cni_result *res, struct cni_strv *v, const char *s)
{
	if (!s) {
		res->err = NP_ENOMEM;
		return;
	}
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		const char **nv = ralloc(res, cap, sizeof(*nv));
		if (!nv)
			return;
		if (v->n)
			memcpy(nv, v->v, v->n * sizeof(*nv));
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = s;
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls, lx;

	if (!s)
		return false;
	ls = strlen(s);
	lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static bool contains(const char *s, const char *needle)
{
	return s && strstr(s, needle) != NULL;
}

const char *cni_enf_name(enum cni_enf e)
{
	switch (e) {
	case CNI_ENF_YES: return "yes";
	case CNI_ENF_NO: return "no";
	case CNI_ENF_COND: return "conditional";
	default: return "unknown";
	}
}

bool cni_node_is_windows(const struct np_node_obj *n)
{
	return n->os && strcasecmp(n->os, "windows") == 0;
}

bool cni_node_is_fargate(const struct np_node_obj *n)
{
	return streq(np_labels_get(&n->labels, "eks.amazonaws.com/compute-type"), "fargate");
}

const char *cni_flag(const struct np_container *c, const char *flag)
{
	size_t fl = strlen(flag);
	const char *val = NULL;

	for (size_t i = 0; i < c->n_args; i++) {
		const char *a = c->args[i];
		if (!a || strncmp(a, flag, fl) != 0)
			continue;
		if (a[fl] == '=')
			val = a + fl + 1;
		else if (a[fl] == '\0')
			val = "";
	}
	return val;
}

int cni_parse_bool(const char *v)
{
	static const char *const yes[] = { "", "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };

	if (!v)
		return -1;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(v, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(v, no[i]) == 0)
			return 0;
	return -1;
}

const struct np_configmap *cni_configmap(const struct np_model *m, const char *ns, const char *name)
{
	const struct np_configmap *any = NULL;

	for (size_t i = 0; i < m->configmaps.n; i++) {
		const struct np_configmap *cm = &m->configmaps.v[i];
		if (!streq(cm->name, name))
			continue;
		if (!ns || streq(cm->namespace, ns))
			return cm;
		if (!any)
			any = cm;
	}
	return any;
}

const char *cni_cm_value(const struct np_configmap *cm, const char *key, int *line)
{
	if (line)
		*line = 0;
	if (!cm)
		return NULL;
	for (size_t i = 0; i < cm->n; i++) {
		if (streq(cm->keys[i], key)) {
			if (line && cm->key_lines)
				*line = cm->key_lines[i];
			return cm->values[i];
		}
	}
	return NULL;
}

const struct np_tf_attr *cni_tf_attr(const struct np_tf_resource *t, const char *path)
{
	for (size_t i = 0; i < t->n_attrs; i++)
		if (streq(t->attrs[i].path, path))
			return &t->attrs[i];
	return NULL;
}

bool cni_avail_read(const struct np_model *m, enum np_resource res, const char *ns,
		    const char **reason, const char **message)
{
	const char *rs = NULL, *msg = NULL;

	if (np_model_avail(m, res, ns, &rs, &msg) != NP_AVAIL_READ) {
		if (reason)
			*reason = rs;
		if (message)
			*message = msg;
		return false;
	}
	/* Without a namespace, any namespace-level gap counts too. */
	if (!ns) {
		for (size_t i = 0; i < m->avail.n; i++) {
			const struct np_avail *a = &m->avail.v[i];
			if (a->res != res || !a->namespace)
				continue;
			if (np_model_avail(m, res, a->namespace, &rs, &msg) != NP_AVAIL_READ) {
				if (reason)
					*reason = rs;
				if (message)
					*message = msg;
				return false;
			}
		}
	}
	return true;
}

/* ------------------------------------------------------------- images */

struct image {
	char repo[256]; /* registry/path/name, no tag or digest */
	char base[128]; /* last path element */
	char tag[128];
};

static void copy_trunc(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static void image_parse(const char *img, struct image *out)
{
	const char *end, *slash, *colon, *at;

	memset(out, 0, sizeof(*out));
	if (!img)
		return;
	at = strchr(img, '@');
	end = at ? at : img + strlen(img);
	slash = NULL;
	for (const char *p = img; p < end; p++)
		if (*p == '/')
			slash = p;
	colon = NULL;
	for (const char *p = slash ? slash : img; p < end; p++)
		if (*p == ':')
			colon = p;
	if (colon) {
		copy_trunc(out->tag, sizeof(out->tag), colon + 1, (size_t)(end - colon - 1));
		end = colon;
	}
	copy_trunc(out->repo, sizeof(out->repo), img, (size_t)(end - img));
	if (slash && slash < end)
		copy_trunc(out->base, sizeof(out->base), slash + 1, (size_t)(end - slash - 1));
	else
		copy_trunc(out->base, sizeof(out->base), img, (size_t)(end - img));
}

/* "v1.2.3", "1.2", "v1.14.0-eksbuild.1": major, minor, patch. */
static bool semver_parse(const char *s, long v[3])
{
	int i = 0;

	v[0] = v[1] = v[2] = 0;
	if (!s)
		return false;
	if (*s == 'v' || *s == 'V')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	while (i < 3 && isdigit((unsigned char)*s)) {
		long x = 0;
		while (isdigit((unsigned char)*s)) {
			if (x > 100000000L)
				return false;
			x = x * 10 + (*s - '0');
			s++;
		}
		v[i++] = x;
		if (*s != '.')
			break;
		s++;
	}
	return *s == '\0' || *s == '-' || *s == '+' || *s == '.' || i == 3;
}

static int semver_cmp(const long a[3], const long b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* kind's kindnetd tags: v<YYYYMMDD>-<hash>. */
static bool date_tag(const char *tag, long *date)
{
	long d = 0;
	int i;

	if (!tag || *tag != 'v')
		return false;
	tag++;
	for (i = 0; i < 8; i++) {
		if (!isdigit((unsigned char)tag[i]))
			return false;
		d = d * 10 + (tag[i] - '0');
	}
	if (tag[8] != '\0' && tag[8] != '-')
		return false;
	*date = d;
	return true;
}

/* -------------------------------------------------- container classes */

enum ctype {
	CT_CALICO_NODE, CT_CALICO_WIN, CT_CALICO_CTRL, CT_TIGERA_OP, CT_FLANNEL, CT_KNP,
	CT_CILIUM, CT_KUBE_ROUTER, CT_ANTREA_AGENT, CT_ANTREA_CTRL, CT_KINDNET, CT_AWS_NODE,
	CT_AWS_NPA, CT_AZURE_NPM, CT_AZURE_CNS, CT_OVNK, CT_KUBE_OVN, CT_WEAVE, CT_WEAVE_NPC,
	CT_MULTUS, CT_OPENSHIFT_SDN,
	CT__COUNT
};

static int classify(const struct np_container *c, const char *ns)
{
	struct image im;
	const char *n = c->name ? c->name : "";

	image_parse(c->image, &im);
	if (contains(im.repo, "calico/") || contains(im.repo, "calico-")) {
		if (strcmp(im.base, "node") == 0)
			return CT_CALICO_NODE;
		if (strcmp(im.base, "node-windows") == 0 || strcmp(im.base, "windows") == 0)
			return CT_CALICO_WIN;
		if (strcmp(im.base, "kube-controllers") == 0)
			return CT_CALICO_CTRL;
	}
	if (strcmp(im.base, "operator") == 0 && contains(im.repo, "tigera/"))
		return CT_TIGERA_OP;
	if (contains(im.base, "flannel") && !contains(im.base, "cni-plugin"))
		return CT_FLANNEL;
	if (contains(im.base, "kube-network-policies"))
		return CT_KNP;
	if (strcmp(im.base, "cilium") == 0 || (!im.base[0] && strcmp(n, "cilium-agent") == 0))
		return CT_CILIUM;
	if (strcmp(im.base, "kube-router") == 0)
		return CT_KUBE_ROUTER;
	if (starts_with(im.base, "antrea")) {
		if (contains(im.base, "controller") || strcmp(n, "antrea-controller") == 0)
			return CT_ANTREA_CTRL;
		if (contains(im.base, "agent") || strcmp(n, "antrea-agent") == 0)
			return CT_ANTREA_AGENT;
		return -1;
	}
	if (strcmp(im.base, "kindnetd") == 0)
		return CT_KINDNET;
	if (strcmp(im.base, "amazon-k8s-cni") == 0)
		return CT_AWS_NODE;
	if (strcmp(im.base, "aws-network-policy-agent") == 0 || strcmp(n, "aws-eks-nodeagent") == 0)
		return CT_AWS_NPA;
	if (starts_with(im.base, "azure-npm"))
		return CT_AZURE_NPM;
	if (strcmp(im.base, "azure-cns") == 0)
		return CT_AZURE_CNS;
	if (contains(im.base, "ovn-kubernetes") || starts_with(n, "ovnkube"))
		return CT_OVNK;
	if (strcmp(im.base, "kube-ovn") == 0)
		return CT_KUBE_OVN;
	if (strcmp(im.base, "weave-kube") == 0)
		return CT_WEAVE;
	if (strcmp(im.base, "weave-npc") == 0)
		return CT_WEAVE_NPC;
	if (contains(im.base, "multus"))
		return CT_MULTUS;
	if (streq(ns, "openshift-sdn") && (strcmp(n, "sdn") == 0 || contains(im.base, "sdn")))
		return CT_OPENSHIFT_SDN;
	return -1;
}

struct wl_info {
	unsigned mask;
	const struct np_container *c[CT__COUNT]; /* first container of each class */
};

/* Init containers often share the main image (kindnet, calico's
 * ebpf-bootstrap): of several containers of a class, the one with the most
 * args and env is the one that runs, and the later wins a tie. */
static void wl_classify(const struct np_workload *w, struct wl_info *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < w->n_containers; i++) {
		const struct np_container *c = &w->containers[i];
		const struct np_container *old;
		int t = classify(c, w->namespace);
		if (t < 0)
			continue;
		old = out->c[t];
		if (!old || c->n_args + c->n_env >= old->n_args + old->n_env)
			out->c[t] = c;
		out->mask |= 1u << t;
	}
}

#define HAS(info, t) (((info)->mask & (1u << (t))) != 0)

static bool wl_is_windows(const struct np_workload *w)
{
	if (contains(w->name, "windows") || ends_with(w->name, "-win"))
		return true;
	for (size_t i = 0; i < w->n_containers; i++)
		if (contains(w->containers[i].image, "windows"))
			return true;
	return false;
}

static const char *env_value(const struct np_container *c, const char *name)
{
	for (size_t i = 0; c && i < c->n_env; i++)
		if (streq(c->env_names[i], name))
			return c->env_values ? c->env_values[i] : NULL;
	return NULL;
}

/* ------------------------------------------------------------ engines */

struct cni_eng *cni_find(struct cni_result *res, const char *name)
{
	for (size_t i = 0; i < res->n_eng; i++)
		if (strcmp(res->eng[i].name, name) == 0)
			return &res->eng[i];
	return NULL;
}

/* Engines live in a fixed array sized up front (see cni_analyze), so pointers
 * stay valid while detection adds more. */
static struct cni_eng *eng_get(struct cni_result *res, const char *name)
{
	struct cni_eng *e = cni_find(res, name);

	if (e)
		return e;
	/* Full only on absurd inputs (hundreds of distinct plugin types): the
	 * extra names are dropped rather than failing the run. */
	if (res->n_eng == res->cap_eng)
		return NULL;
	e = &res->eng[res->n_eng++];
	memset(e, 0, sizeof(*e));
	e->name = name;
	e->enf = CNI_ENF_UNKNOWN;
	e->src = CNI_SRC_CONFIG;
	if (res->m->nodes.n)
		e->cov = ralloc(res, res->m->nodes.n, 1);
	return e;
}

/* Enforcement is set by the strongest evidence; weaker evidence only adds lines. */
static void eng_enf(struct cni_eng *e, int rank, enum cni_enf enf, const char *cond, const char *fix)
{
	if (e->enf_rank && rank < e->enf_rank)
		return;
	e->enf_rank = rank;
	e->enf = enf;
	e->condition = cond;
	if (fix)
		e->fix = fix;
}

static void eng_obj(struct cni_eng *e, int rank, const char *kind, const char *group,
		    const char *ns, const char *name, const struct np_loc *loc)
{
	if (e->obj.set && e->obj_rank > rank)
		return;
	e->obj.set = true;
	e->obj.kind = kind;
	e->obj.api_group = group;
	e->obj.namespace = ns;
	e->obj.name = name;
	if (loc)
		e->obj.loc = *loc;
	else
		memset(&e->obj.loc, 0, sizeof(e->obj.loc));
	e->obj_rank = rank;
}

static void eng_src(struct cni_eng *e, enum cni_src src)
{
	if (src > e->src)
		e->src = src;
}

static void eng_ev(struct cni_result *res, struct cni_eng *e, const char *s)
{
	strv_push(res, &e->evidence, s);
}

/* ----------------------------------------------------- remediations */

static const char FIX_FLANNEL[] =
	"flannel does not enforce NetworkPolicy: add Calico for policy only (canal: "
	"https://docs.tigera.io/calico/latest/getting-started/kubernetes/flannel/install-for-flannel) "
	"or run kube-network-policies beside flannel "
	"(https://github.com/kubernetes-sigs/kube-network-policies)";
static const char FIX_KINDNET[] =
	"upgrade kindnet: kind v0.24.0 or later (kindest/kindnetd v20240719 or later), or the "
	"standalone kindnet v1.3.0 or later with --network-policy=true; or install Calico";
static const char FIX_KUBE_ROUTER[] =
	"remove --run-firewall=false from the kube-router DaemonSet args (the network policy "
	"controller runs with --run-firewall=true, the default)";
static const char FIX_CILIUM[] =
	"set enable-policy: \"default\" and enable-k8s-networkpolicy: \"true\" in ConfigMap "
	"cilium-config (Helm: policyEnforcementMode=default, k8sNetworkPolicy.enabled=true), "
	"then restart the cilium DaemonSet";
static const char FIX_AWS[] =
	"enable the VPC CNI network policy agent: set enableNetworkPolicy: \"true\" in the vpc-cni "
	"add-on configuration (aws eks update-addon --cluster-name CLUSTER --addon-name vpc-cni "
	"--configuration-values '{\"enableNetworkPolicy\":\"true\"}'); self-managed: VPC CNI "
	"v1.14 or later, --enable-network-policy=true on the aws-eks-nodeagent container and "
	"enable-network-policy-controller: \"true\" in ConfigMap kube-system/amazon-vpc-cni";
static const char FIX_AKS[] =
	"enable a network policy engine: az aks update --resource-group RG --name CLUSTER "
	"--network-policy azure|calico|cilium (cilium needs --network-dataplane cilium)";
static const char FIX_GKE[] =
	"enable GKE Dataplane V2 (--enable-dataplane-v2 on new clusters), or "
	"gcloud container clusters update CLUSTER --update-addons=NetworkPolicy=ENABLED, then "
	"gcloud container clusters update CLUSTER --enable-network-policy";
static const char FIX_K3S[] =
	"remove --disable-network-policy from the k3s/RKE2 server arguments and restart the servers";
static const char FIX_WEAVE[] =
	"run the weave-npc container in the weave-net DaemonSet (or move to a maintained CNI: "
	"Weave Net is no longer developed)";
static const char FIX_ANTREA[] =
	"run the antrea-controller Deployment: Antrea agents enforce only the policies it computes";
static const char FIX_KUBE_OVN[] =
	"remove --enable-np=false from kube-ovn-controller";
static const char FIX_OPENSHIFT_SDN[] =
	"set OpenShift SDN to mode NetworkPolicy: oc patch network.operator.openshift.io cluster "
	"--type=merge -p '{\"spec\":{\"defaultNetwork\":{\"openshiftSDNConfig\":{\"mode\":"
	"\"NetworkPolicy\"}}}}', or migrate to OVN-Kubernetes";
static const char FIX_MULTUS[] =
	"make Multus delegate the cluster network to a NetworkPolicy-enforcing CNI (Calico, "
	"Cilium, OVN-Kubernetes)";
static const char FIX_GENERIC[] =
	"install a CNI that enforces NetworkPolicy (Calico, Cilium, Antrea) or a policy add-on "
	"beside the current one (Calico policy-only, kube-network-policies)";

const char *cni_platform_fix(const char *platform)
{
	if (streq(platform, "aks"))
		return FIX_AKS;
	if (streq(platform, "eks") || streq(platform, "eks-auto"))
		return FIX_AWS;
	if (streq(platform, "gke"))
		return FIX_GKE;
	if (streq(platform, "k3s") || streq(platform, "rke2"))
		return FIX_K3S;
	return FIX_GENERIC;
}

/* ------------------------------------------------------------ platform */

/* Platform candidates in precedence order. */
enum plat { P_OPENSHIFT, P_EKS_AUTO, P_EKS, P_AKS, P_GKE, P_RKE2, P_K3S, P_MINIKUBE, P_KIND, P__COUNT };
static const char *const plat_names[P__COUNT] = {
	"openshift", "eks-auto", "eks", "aks", "gke", "rke2", "k3s", "minikube", "kind",
};

struct plat_seen {
	bool hit[P__COUNT];
	bool hit_cluster[P__COUNT]; /* by evidence other than Terraform resources */
	bool in_tf;                 /* plat_hit() calls come from Terraform resources */
	struct cni_strv ev[P__COUNT];
	struct cni_obj obj[P__COUNT];
};

static void plat_hit(struct cni_result *res, struct plat_seen *ps, enum plat p, const char *ev,
		     const char *kind, const char *group, const char *name, const struct np_loc *loc)
{
	if (!ps->in_tf)
		ps->hit_cluster[p] = true;
	if (!ps->hit[p]) {
		ps->hit[p] = true;
		ps->obj[p].set = true;
		ps->obj[p].kind = kind;
		ps->obj[p].api_group = group;
		ps->obj[p].name = name;
		if (loc)
			ps->obj[p].loc = *loc;
	}
	strv_push(res, &ps->ev[p], ev);
}

static bool label_key_prefix(const struct np_labels *l, const char *prefix, const char **key)
{
	for (size_t i = 0; i < l->n; i++) {
		if (starts_with(l->keys[i], prefix)) {
			if (key)
				*key = l->keys[i];
			return true;
		}
	}
	return false;
}

static bool any_aws_node_ds(const struct np_model *m)
{
	for (size_t i = 0; i < m->workloads.n; i++) {
		const struct np_workload *w = &m->workloads.v[i];
		struct wl_info wi;
		if (w->wkind != NP_WL_DAEMONSET)
			continue;
		wl_classify(w, &wi);
		if (HAS(&wi, CT_AWS_NODE) || streq(w->name, "aws-node"))
			return true;
	}
	return false;
}

static const char *host_of(const char *url, char *buf, size_t cap)
{
	const char *p = strstr(url, "://");
	size_t len = 0;

	p = p ? p + 3 : url;
	while (p[len] && p[len] != '/' && p[len] != ':' && len + 1 < cap)
		len++;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

static bool is_network_cr(const struct np_cniconf *c)
{
	return streq(c->object_kind, "Network");
}

static void detect_platform(struct cni_result *res)
{
	const struct np_model *m = res->m;
	struct plat_seen ps;
	const char *key;

	memset(&ps, 0, sizeof(ps));
	for (size_t i = 0; i < m->nodes.n; i++) {
		const struct np_node_obj *n = &m->nodes.v[i];
		const char *v;

		if (n->provider_id) {
			const char *sep = strstr(n->provider_id, "://");
			if (sep && sep > n->provider_id && !res->provider) {
				res->provider = rstrf(res, "%.*s", (int)(sep - n->provider_id),
						      n->provider_id);
			}
			if (starts_with(n->provider_id, "kind://"))
				plat_hit(res, &ps, P_KIND, "Node providerID kind://", "Node", "",
					 n->name, &n->loc);
		}
		v = np_labels_get(&n->labels, "eks.amazonaws.com/compute-type");
		if (streq(v, "auto"))
			plat_hit(res, &ps, P_EKS_AUTO, "Node label eks.amazonaws.com/compute-type=auto",
				 "Node", "", n->name, &n->loc);
		if (label_key_prefix(&n->labels, "eks.amazonaws.com/", &key) ||
		    label_key_prefix(&n->labels, "alpha.eksctl.io/", &key))
			plat_hit(res, &ps, P_EKS, rstrf(res, "Node label %s", key), "Node", "", n->name,
				 &n->loc);
		if (streq(np_labels_get(&n->labels, "kubernetes.azure.com/managedby"), "aks"))
			plat_hit(res, &ps, P_AKS, "Node label kubernetes.azure.com/managedby=aks", "Node",
				 "", n->name, &n->loc);
		if (np_labels_get(&n->labels, "kubernetes.azure.com/cluster"))
			plat_hit(res, &ps, P_AKS, "Node label kubernetes.azure.com/cluster", "Node", "",
				 n->name, &n->loc);
		if (label_key_prefix(&n->labels, "cloud.google.com/gke-", &key))
			plat_hit(res, &ps, P_GKE, rstrf(res, "Node label %s", key), "Node", "", n->name,
				 &n->loc);
		if (label_key_prefix(&n->labels, "node.openshift.io/", &key))
			plat_hit(res, &ps, P_OPENSHIFT, rstrf(res, "Node label %s", key), "Node", "",
				 n->name, &n->loc);
		if (label_key_prefix(&n->labels, "minikube.k8s.io/", &key))
			plat_hit(res, &ps, P_MINIKUBE, rstrf(res, "Node label %s", key), "Node", "",
				 n->name, &n->loc);
		if (np_labels_get(&n->annotations, "k3s.io/node-args") ||
		    streq(np_labels_get(&n->labels, "node.kubernetes.io/instance-type"), "k3s") ||
		    contains(n->kubelet_version, "+k3s"))
			plat_hit(res, &ps, P_K3S,
				 contains(n->kubelet_version, "+k3s")
					 ? rstrf(res, "Node kubelet %s", n->kubelet_version)
					 : "Node annotation k3s.io/node-args",
				 "Node", "", n->name, &n->loc);
		if (np_labels_get(&n->annotations, "rke2.io/node-args") ||
		    contains(n->kubelet_version, "+rke2"))
			plat_hit(res, &ps, P_RKE2,
				 contains(n->kubelet_version, "+rke2")
					 ? rstrf(res, "Node kubelet %s", n->kubelet_version)
					 : "Node annotation rke2.io/node-args",
				 "Node", "", n->name, &n->loc);
	}
	if (m->server) {
		char host[256];
		host_of(m->server, host, sizeof(host));
		if (ends_with(host, ".eks.amazonaws.com"))
			plat_hit(res, &ps, P_EKS, rstrf(res, "server %s", host), NULL, NULL, NULL, NULL);
		else if (ends_with(host, ".azmk8s.io"))
			plat_hit(res, &ps, P_AKS, rstrf(res, "server %s", host), NULL, NULL, NULL, NULL);
	}
	/* aws-node with aws:// providerIDs: EKS, kops or self-managed (all judged by NP-105). */
	if (!ps.hit[P_EKS] && streq(res->provider, "aws") && any_aws_node_ds(m))
		plat_hit(res, &ps, P_EKS, "DaemonSet aws-node with aws:// providerIDs", NULL, NULL, NULL,
			 NULL);
	for (size_t i = 0; i < m->cniconfs.n; i++) {
		const struct np_cniconf *c = &m->cniconfs.v[i];
		if (is_network_cr(c))
			plat_hit(res, &ps, P_OPENSHIFT,
				 rstrf(res, "Network.operator.openshift.io %s", c->name ? c->name : ""),
				 "Network", "operator.openshift.io", c->name, &c->loc);
	}
	/* Kubescape's ClusterDescribe arrives as a tf_resource (same attribute
	 * paths as Terraform's network_profile); Terraform resources name theirs. */
	for (size_t i = 0; i < m->tf_resources.n; i++) {
		const struct np_tf_resource *t = &m->tf_resources.v[i];
		const struct np_tf_attr *a = cni_tf_attr(t, "provider");
		if (streq(t->type, "ClusterDescribe") && a && streq(a->value, "aks"))
			plat_hit(res, &ps, P_AKS,
				 rstrf(res, "ClusterDescribe %s provider aks", t->name ? t->name : ""),
				 "ClusterDescribe", "management.azure.com", t->name, &t->loc);
		ps.in_tf = true;
		if (streq(t->type, "azurerm_kubernetes_cluster"))
			plat_hit(res, &ps, P_AKS, rstrf(res, "Terraform %s.%s", t->type, t->name),
				 t->type, "", t->name, &t->loc);
		else if (streq(t->type, "aws_eks_cluster"))
			plat_hit(res, &ps, P_EKS, rstrf(res, "Terraform %s.%s", t->type, t->name),
				 t->type, "", t->name, &t->loc);
		else if (streq(t->type, "google_container_cluster"))
			plat_hit(res, &ps, P_GKE, rstrf(res, "Terraform %s.%s", t->type, t->name),
				 t->type, "", t->name, &t->loc);
		ps.in_tf = false;
	}
	res->cluster_platform = "unknown";
	for (int p = 0; p < P__COUNT; p++) {
		if (ps.hit_cluster[p]) {
			res->cluster_platform = plat_names[p];
			break;
		}
	}
	res->platform = "unknown";
	for (int p = 0; p < P__COUNT; p++) {
		if (!ps.hit[p])
			continue;
		res->platform = plat_names[p];
		/* Auto Mode nodes carry eks.amazonaws.com labels too: list both. */
		if (p == P_EKS_AUTO && ps.hit[P_EKS])
			for (size_t k = 0; k < ps.ev[P_EKS].n; k++)
				strv_push(res, &ps.ev[P_EKS_AUTO], ps.ev[P_EKS].v[k]);
		res->platform_evidence = ps.ev[p];
		res->platform_obj = ps.obj[p];
		break;
	}
	if (!res->provider && streq(res->platform, "aks"))
		res->provider = "azure";
}

/* -------------------------------------------------- workload coverage */

static bool node_eligible(const struct np_node_obj *n, bool windows_ds, bool aws)
{
	if (cni_node_is_fargate(n))
		return false;
	if (windows_ds != cni_node_is_windows(n))
		return false;
	if (aws) {
		const char *ct = np_labels_get(&n->labels, "eks.amazonaws.com/compute-type");
		if (streq(ct, "auto") || streq(ct, "hybrid"))
			return false;
	}
	return true;
}

static long node_index(const struct np_model *m, const char *name)
{
	for (size_t i = 0; name && i < m->nodes.n; i++)
		if (streq(m->nodes.v[i].name, name))
			return (long)i;
	return -1;
}

/* Marks the nodes a DaemonSet's ready pods run on. Returns true when it runs
 * somewhere (or its status is unknown, as in manifests). */
static bool ds_cover(struct cni_result *res, struct cni_eng *e, const struct np_workload *w,
		     bool aws, const char *need_label)
{
	const struct np_model *m = res->m;
	bool win = wl_is_windows(w);
	size_t npods = 0, running = 0, eligible = 0;

	for (size_t i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		long ni;
		if (p->is_template || !p->has_owner || !streq(p->owner.kind, "DaemonSet") ||
		    !streq(p->owner.name, w->name) || !streq(p->namespace, w->namespace))
			continue;
		npods++;
		if (p->terminated || !streq(p->phase, "Running"))
			continue;
		running++;
		ni = node_index(m, p->node_name);
		if (ni >= 0 && e->cov &&
		    (!need_label || streq(np_labels_get(&m->nodes.v[ni].labels, need_label), "true")))
			e->cov[ni] = CNI_COV_YES;
	}
	if (npods)
		return running > 0;
	if (w->ready == 0 && w->desired >= 0)
		return false;
	for (size_t i = 0; i < m->nodes.n; i++)
		if (node_eligible(&m->nodes.v[i], win, aws))
			eligible++;
	for (size_t i = 0; e->cov && i < m->nodes.n; i++) {
		const struct np_node_obj *n = &m->nodes.v[i];
		if (!node_eligible(n, win, aws))
			continue;
		if (need_label && !streq(np_labels_get(&n->labels, need_label), "true"))
			continue;
		if (w->ready < 0 || w->ready >= (long long)eligible) {
			e->cov[i] = CNI_COV_YES;
		} else if (e->cov[i] != CNI_COV_YES) {
			e->cov[i] = CNI_COV_UNKNOWN;
			e->partial = true;
		}
	}
	return true;
}

static const char *ds_evidence(struct cni_result *res, const struct np_workload *w)
{
	if (w->ready >= 0 && w->desired >= 0)
		return rstrf(res, "%s %s/%s %lld/%lld ready", w->kind, w->namespace ? w->namespace : "",
			     w->name, w->ready, w->desired);
	return rstrf(res, "%s %s/%s", w->kind, w->namespace ? w->namespace : "", w->name);
}

static const char *img_evidence(struct cni_result *res, const struct np_container *c)
{
	return rstrf(res, "container %s image %s", c->name ? c->name : "?",
		     c->image ? c->image : "?");
}

/* -------------------------------------------- engine-specific rules */

static void judge_cilium(struct cni_result *res, struct cni_eng *e, const char *ns,
			 const struct np_container *agent, int rank)
{
	const struct np_model *m = res->m;
	const struct np_configmap *cm = cni_configmap(m, ns, "cilium-config");
	int l_ep = 0, l_knp = 0;
	const char *ep = cni_cm_value(cm, "enable-policy", &l_ep);
	const char *knp = cni_cm_value(cm, "enable-k8s-networkpolicy", &l_knp);
	const char *a_ep = agent ? cni_flag(agent, "--enable-policy") : NULL;
	const char *a_knp = agent ? cni_flag(agent, "--enable-k8s-networkpolicy") : NULL;
	struct np_loc loc;

	if (cm) {
		loc = cm->loc;
		if (ep)
			eng_ev(res, e, rstrf(res, "ConfigMap %s/%s enable-policy=%s", cm->namespace,
					     cm->name, ep));
		if (knp)
			eng_ev(res, e, rstrf(res, "ConfigMap %s/%s enable-k8s-networkpolicy=%s",
					     cm->namespace, cm->name, knp));
	}
	if (streq(ep, "never") || streq(a_ep, "never")) {
		if (cm && streq(ep, "never")) {
			loc.line = l_ep ? l_ep : loc.line;
			eng_obj(e, RANK_SWITCH, "ConfigMap", "", cm->namespace, cm->name, &loc);
		}
		eng_enf(e, RANK_SWITCH, CNI_ENF_NO, "enable-policy: never", FIX_CILIUM);
		return;
	}
	if ((knp && cni_parse_bool(knp) == 0) || (a_knp && cni_parse_bool(a_knp) == 0)) {
		if (cm && knp && cni_parse_bool(knp) == 0) {
			loc.line = l_knp ? l_knp : loc.line;
			eng_obj(e, RANK_SWITCH, "ConfigMap", "", cm->namespace, cm->name, &loc);
		}
		eng_enf(e, RANK_SWITCH, CNI_ENF_NO, "enable-k8s-networkpolicy: \"false\"", FIX_CILIUM);
		return;
	}
	if (!cm && !cni_avail_read(m, NP_RES_CONFIGMAPS, ns, NULL, NULL)) {
		e->cm_missing = true;
		eng_enf(e, rank, CNI_ENF_COND,
			rstrf(res, "ConfigMap %s/cilium-config not collected: enable-policy unknown",
			      ns ? ns : "kube-system"),
			FIX_CILIUM);
		return;
	}
	eng_enf(e, rank, CNI_ENF_YES, NULL, NULL);
}

static void judge_aws(struct cni_result *res, struct cni_eng *e, const struct np_workload *w,
		      const struct wl_info *wi)
{
	const struct np_model *m = res->m;
	const struct np_container *agent = wi->c[CT_AWS_NPA];
	const struct np_container *cni = wi->c[CT_AWS_NODE];
	const char *ns = w->namespace ? w->namespace : "kube-system";
	const struct np_configmap *cm = cni_configmap(m, ns, "amazon-vpc-cni");
	int line = 0;
	const char *ctrl = cni_cm_value(cm, "enable-network-policy-controller", &line);
	const char *flag = agent ? cni_flag(agent, "--enable-network-policy") : NULL;
	bool agent_on = cni_parse_bool(flag) == 1;
	bool ctrl_on = cni_parse_bool(ctrl) == 1 && ctrl && ctrl[0];

	if (cni) {
		struct image im;
		image_parse(cni->image, &im);
		if (im.tag[0])
			eng_ev(res, e, rstrf(res, "VPC CNI %s", im.tag));
	}
	if (agent)
		eng_ev(res, e, rstrf(res, "container %s --enable-network-policy=%s",
				     agent->name ? agent->name : "aws-eks-nodeagent", flag ? flag : "(unset)"));
	if (cm)
		eng_ev(res, e, rstrf(res, "ConfigMap %s/%s enable-network-policy-controller=%s",
				     cm->namespace, cm->name, ctrl ? ctrl : "(unset)"));
	if (!agent) {
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_NO,
			"aws-node has no aws-eks-nodeagent container (VPC CNI before v1.14)", FIX_AWS);
		return;
	}
	if (!agent_on) {
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_NO,
			"aws-eks-nodeagent runs without --enable-network-policy=true", FIX_AWS);
		return;
	}
	if (ctrl_on) {
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		return;
	}
	if (!cm && !cni_avail_read(m, NP_RES_CONFIGMAPS, ns, NULL, NULL)) {
		e->cm_missing = true;
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_COND,
			rstrf(res, "ConfigMap %s/amazon-vpc-cni not collected: "
				   "enable-network-policy-controller unknown", ns),
			FIX_AWS);
		return;
	}
	if (cm) {
		struct np_loc loc = cm->loc;
		if (line)
			loc.line = line;
		eng_obj(e, RANK_SWITCH, "ConfigMap", "", cm->namespace, cm->name, &loc);
	}
	eng_enf(e, RANK_SWITCH, CNI_ENF_NO,
		"ConfigMap amazon-vpc-cni does not set enable-network-policy-controller: \"true\"",
		FIX_AWS);
}

static void judge_kindnet(struct cni_result *res, struct cni_eng *e, const struct np_container *c)
{
	struct image im;
	const char *np = cni_flag(c, "--network-policy");
	long v[3], date;
	static const long min_standalone[3] = { 1, 3, 0 };

	image_parse(c->image, &im);
	if (np && cni_parse_bool(np) == 0) {
		eng_ev(res, e, "args --network-policy=false");
		eng_enf(e, RANK_SWITCH, CNI_ENF_NO, "--network-policy=false", FIX_KINDNET);
		return;
	}
	if (date_tag(im.tag, &date)) {
		if (date >= 20240719L) {
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		} else {
			eng_ev(res, e, rstrf(res, "kindnetd %s predates NetworkPolicy support (v20240719)",
					     im.tag));
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_NO,
				rstrf(res, "kindnetd %s is older than v20240719", im.tag), FIX_KINDNET);
		}
		return;
	}
	/* The flag only exists in versions that enforce: asking for it proves support. */
	if (np && cni_parse_bool(np) == 1) {
		eng_ev(res, e, "args --network-policy=true");
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		return;
	}
	if (semver_parse(im.tag, v)) {
		if (semver_cmp(v, min_standalone) >= 0)
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		else
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_NO,
				rstrf(res, "kindnet %s is older than v1.3.0", im.tag), FIX_KINDNET);
		return;
	}
	eng_enf(e, RANK_DAEMONSET, CNI_ENF_COND,
		rstrf(res, "kindnetd image tag %s: version unknown", im.tag[0] ? im.tag : "(none)"),
		FIX_KINDNET);
}

/* OpenShift SDN: mode NetworkPolicy (the default) enforces. */
static const char *openshift_sdn_mode(const struct np_model *m)
{
	for (size_t i = 0; i < m->cniconfs.n; i++) {
		const struct np_cniconf *c = &m->cniconfs.v[i];
		if (!is_network_cr(c))
			continue;
		for (size_t k = 0; k < c->n_types; k++)
			if (starts_with(c->types[k], "mode:"))
				return c->types[k] + 5;
	}
	return NULL;
}

static void judge_openshift_sdn(struct cni_result *res, struct cni_eng *e, int rank)
{
	const char *mode = openshift_sdn_mode(res->m);

	if (mode)
		eng_ev(res, e, rstrf(res, "openshiftSDNConfig.mode %s", mode));
	if (!mode || strcmp(mode, "NetworkPolicy") == 0)
		eng_enf(e, rank, CNI_ENF_YES, NULL, NULL);
	else
		eng_enf(e, rank, CNI_ENF_NO, rstrf(res, "OpenShift SDN mode %s", mode),
			FIX_OPENSHIFT_SDN);
}

/* ---------------------------------------------------------- workloads */

static bool any_workload_class(const struct np_model *m, int t, enum np_workload_kind wk)
{
	for (size_t i = 0; i < m->workloads.n; i++) {
		const struct np_workload *w = &m->workloads.v[i];
		struct wl_info wi;
		if (w->wkind != wk)
			continue;
		wl_classify(w, &wi);
		if (HAS(&wi, t))
			return true;
	}
	return false;
}

static const struct np_container *kube_ovn_np_off(const struct np_model *m)
{
	for (size_t i = 0; i < m->workloads.n; i++) {
		const struct np_workload *w = &m->workloads.v[i];
		for (size_t k = 0; k < w->n_containers; k++) {
			const struct np_container *c = &w->containers[k];
			const char *v;
			if (classify(c, w->namespace) != CT_KUBE_OVN)
				continue;
			v = cni_flag(c, "--enable-np");
			if (v && cni_parse_bool(v) == 0)
				return c;
		}
	}
	return NULL;
}

/* The engine a DaemonSet feeds, with the DaemonSet as its first evidence line. */
static struct cni_eng *ds_engine(struct cni_result *res, const char *name,
				 const struct np_workload *w)
{
	struct cni_eng *e = eng_get(res, name);

	if (e)
		eng_ev(res, e, ds_evidence(res, w));
	return e;
}

static struct cni_eng *detect_daemonset(struct cni_result *res, const struct np_workload *w,
					bool *ran)
{
	const struct np_model *m = res->m;
	struct wl_info wi;
	struct cni_eng *e = NULL;
	const struct np_container *main_c = NULL;
	const char *need_label = NULL;
	bool aws = false;

	wl_classify(w, &wi);
	if (streq(w->name, "anetd") && streq(w->namespace, "kube-system")) {
		e = ds_engine(res, "gke-dataplane-v2", w);
		if (!e)
			return NULL;
		eng_ev(res, e, "GKE Dataplane V2");
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		main_c = wi.c[CT_CILIUM];
	} else if ((HAS(&wi, CT_CALICO_NODE) || HAS(&wi, CT_CALICO_WIN)) && HAS(&wi, CT_FLANNEL)) {
		e = ds_engine(res, "canal", w);
		if (!e)
			return NULL;
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		main_c = wi.c[CT_CALICO_NODE] ? wi.c[CT_CALICO_NODE] : wi.c[CT_CALICO_WIN];
		eng_ev(res, e, img_evidence(res, wi.c[CT_FLANNEL]));
	} else if (HAS(&wi, CT_CALICO_NODE) || HAS(&wi, CT_CALICO_WIN)) {
		const char *backend;
		e = ds_engine(res, "calico", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_CALICO_NODE] ? wi.c[CT_CALICO_NODE] : wi.c[CT_CALICO_WIN];
		backend = env_value(main_c, "CALICO_NETWORKING_BACKEND");
		if (streq(backend, "none"))
			eng_ev(res, e, "policy-only (CALICO_NETWORKING_BACKEND=none)");
		if (streq(res->platform, "gke") && streq(w->namespace, "kube-system")) {
			/* GKE's Calico enforces only on nodes it marked ready. */
			need_label = "projectcalico.org/ds-ready";
			eng_ev(res, e, "GKE network policy (Calico)");
		}
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
	} else if (HAS(&wi, CT_FLANNEL)) {
		e = ds_engine(res, "flannel", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_FLANNEL];
		if (HAS(&wi, CT_KNP)) {
			eng_ev(res, e, img_evidence(res, wi.c[CT_KNP]));
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		} else {
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_NO,
				"no kube-network-policies container beside it", FIX_FLANNEL);
		}
	} else if (HAS(&wi, CT_KNP)) {
		e = ds_engine(res, "kube-network-policies", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_KNP];
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
	} else if (HAS(&wi, CT_CILIUM)) {
		e = ds_engine(res, "cilium", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_CILIUM];
		if (contains(main_c->image, "mcr.microsoft.com"))
			eng_ev(res, e, "Azure CNI powered by Cilium");
		judge_cilium(res, e, w->namespace, main_c, RANK_DAEMONSET);
	} else if (HAS(&wi, CT_KUBE_ROUTER)) {
		const char *fw;
		e = ds_engine(res, "kube-router", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_KUBE_ROUTER];
		fw = cni_flag(main_c, "--run-firewall");
		if (fw && cni_parse_bool(fw) == 0) {
			eng_ev(res, e, rstrf(res, "args --run-firewall=%s", fw));
			eng_enf(e, RANK_SWITCH, CNI_ENF_NO, "--run-firewall=false", FIX_KUBE_ROUTER);
		} else {
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		}
	} else if (HAS(&wi, CT_ANTREA_AGENT)) {
		e = ds_engine(res, "antrea", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_ANTREA_AGENT];
		if (any_workload_class(m, CT_ANTREA_CTRL, NP_WL_DEPLOYMENT)) {
			eng_ev(res, e, "Deployment antrea-controller");
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		} else if (!cni_avail_read(m, NP_RES_DEPLOYMENTS, w->namespace, NULL, NULL)) {
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_COND,
				"antrea-controller Deployment not collected", FIX_ANTREA);
		} else {
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_NO, "no antrea-controller Deployment",
				FIX_ANTREA);
		}
	} else if (HAS(&wi, CT_KINDNET)) {
		e = ds_engine(res, "kindnet", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_KINDNET];
		judge_kindnet(res, e, main_c);
	} else if (HAS(&wi, CT_AWS_NODE) || (streq(w->name, "aws-node") && HAS(&wi, CT_AWS_NPA))) {
		e = ds_engine(res, "aws-vpc-cni", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_AWS_NODE];
		aws = true;
		judge_aws(res, e, w, &wi);
	} else if (HAS(&wi, CT_AZURE_NPM)) {
		e = ds_engine(res, "azure-npm", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_AZURE_NPM];
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
	} else if (HAS(&wi, CT_AZURE_CNS)) {
		e = ds_engine(res, "azure-cni", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_AZURE_CNS];
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_NO,
			"Azure CNI without Azure NPM, Calico or Cilium", FIX_AKS);
	} else if (HAS(&wi, CT_OVNK)) {
		e = ds_engine(res, "ovn-kubernetes", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_OVNK];
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
	} else if (HAS(&wi, CT_KUBE_OVN)) {
		const struct np_container *off = kube_ovn_np_off(m);
		e = ds_engine(res, "kube-ovn", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_KUBE_OVN];
		if (off) {
			eng_ev(res, e, "args --enable-np=false");
			eng_enf(e, RANK_SWITCH, CNI_ENF_NO, "--enable-np=false", FIX_KUBE_OVN);
		} else {
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		}
	} else if (HAS(&wi, CT_WEAVE)) {
		e = ds_engine(res, "weave", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_WEAVE];
		if (HAS(&wi, CT_WEAVE_NPC)) {
			eng_ev(res, e, img_evidence(res, wi.c[CT_WEAVE_NPC]));
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_YES, NULL, NULL);
		} else {
			eng_enf(e, RANK_DAEMONSET, CNI_ENF_NO, "no weave-npc container", FIX_WEAVE);
		}
	} else if (HAS(&wi, CT_OPENSHIFT_SDN)) {
		e = ds_engine(res, "openshift-sdn", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_OPENSHIFT_SDN];
		judge_openshift_sdn(res, e, RANK_DAEMONSET);
	} else if (HAS(&wi, CT_MULTUS)) {
		e = ds_engine(res, "multus", w);
		if (!e)
			return NULL;
		main_c = wi.c[CT_MULTUS];
		e->meta = true;
		eng_enf(e, RANK_DAEMONSET, CNI_ENF_COND, "its delegate CNI decides", FIX_MULTUS);
	}
	if (!e)
		return NULL;
	eng_src(e, CNI_SRC_WORKLOAD);
	eng_obj(e, RANK_DAEMONSET, w->kind, w->api_group, w->namespace, w->name, &w->loc);
	if (main_c)
		eng_ev(res, e, img_evidence(res, main_c));
	if (!e->ds || (e->ds->ready == 0 && w->ready != 0))
		e->ds = w;
	if (ds_cover(res, e, w, aws, need_label))
		*ran = true;
	return e;
}

static void detect_deployment(struct cni_result *res, const struct np_workload *w)
{
	struct wl_info wi;
	struct cni_eng *e;

	wl_classify(w, &wi);
	if (HAS(&wi, CT_TIGERA_OP)) {
		e = eng_get(res, "calico");
		if (!e)
			return;
		eng_ev(res, e, rstrf(res, "Deployment %s/%s (Calico operator)",
				     w->namespace ? w->namespace : "", w->name));
		eng_ev(res, e, img_evidence(res, wi.c[CT_TIGERA_OP]));
		eng_obj(e, RANK_DEPLOYMENT, w->kind, w->api_group, w->namespace, w->name, &w->loc);
		eng_enf(e, RANK_DEPLOYMENT, CNI_ENF_YES, NULL, NULL);
	}
}

/* Per engine: ran[i] = one of its DaemonSets runs somewhere. */
static void detect_workloads(struct cni_result *res)
{
	const struct np_model *m = res->m;
	bool *ran = ralloc(res, res->cap_eng ? res->cap_eng : 1, sizeof(bool));
	bool *had = ralloc(res, res->cap_eng ? res->cap_eng : 1, sizeof(bool));

	if (!ran || !had)
		return;
	for (size_t i = 0; i < m->workloads.n; i++) {
		const struct np_workload *w = &m->workloads.v[i];
		bool r = false;
		struct cni_eng *e;
		size_t k;

		if (w->wkind != NP_WL_DAEMONSET)
			continue;
		e = detect_daemonset(res, w, &r);
		if (!e)
			continue;
		k = (size_t)(e - res->eng);
		had[k] = true;
		ran[k] = ran[k] || r;
	}
	for (size_t k = 0; k < res->n_eng; k++)
		if (had[k] && !ran[k])
			res->eng[k].not_running = true;
	for (size_t i = 0; i < m->workloads.n; i++)
		if (m->workloads.v[i].wkind == NP_WL_DEPLOYMENT)
			detect_deployment(res, &m->workloads.v[i]);
}

/* -------------------------------------------------------------- nodes */

static bool node_args_disable_np(const char *args)
{
	/* k3s.io/node-args is a JSON array of the process args: ["server","--disable-network-policy"]. */
	return contains(args, "\"server\"") && contains(args, "--disable-network-policy");
}

static void detect_embedded(struct cni_result *res, const char *name, const char *annotation,
			    const char *kubelet_tag)
{
	const struct np_model *m = res->m;
	struct cni_eng *e = NULL;
	const struct np_node_obj *off = NULL;

	for (size_t i = 0; i < m->nodes.n; i++) {
		const struct np_node_obj *n = &m->nodes.v[i];
		const char *args = np_labels_get(&n->annotations, annotation);
		if (!args && !contains(n->kubelet_version, kubelet_tag))
			continue;
		if (!e) {
			e = eng_get(res, name);
			if (!e)
				return;
			eng_src(e, CNI_SRC_NODE);
			eng_obj(e, RANK_NODE, "Node", "", NULL, n->name, &n->loc);
			eng_ev(res, e, rstrf(res, "Node %s annotation %s", n->name, annotation));
		}
		if (e->cov && !cni_node_is_windows(n))
			e->cov[i] = CNI_COV_YES;
		if (args && node_args_disable_np(args) && !off)
			off = n;
	}
	if (!e)
		return;
	if (off) {
		eng_ev(res, e, rstrf(res, "Node %s: server runs with --disable-network-policy", off->name));
		eng_obj(e, RANK_SWITCH, "Node", "", NULL, off->name, &off->loc);
		eng_enf(e, RANK_SWITCH, CNI_ENF_NO, "a server runs with --disable-network-policy",
			FIX_K3S);
	} else {
		eng_enf(e, RANK_NODE, CNI_ENF_YES, NULL, NULL);
	}
}

static bool has_annotation_prefix(const struct np_node_obj *n, const char *prefix)
{
	return label_key_prefix(&n->annotations, prefix, NULL);
}

static bool node_is_k3s_like(const struct np_node_obj *n)
{
	return np_labels_get(&n->annotations, "k3s.io/node-args") ||
	       np_labels_get(&n->annotations, "rke2.io/node-args") ||
	       contains(n->kubelet_version, "+k3s") || contains(n->kubelet_version, "+rke2");
}

static void detect_aks_labels(struct cni_result *res)
{
	const struct np_model *m = res->m;

	for (size_t i = 0; i < m->nodes.n; i++) {
		const struct np_node_obj *n = &m->nodes.v[i];
		const char *v = np_labels_get(&n->labels, "kubernetes.azure.com/network-policy");
		const char *ebpf = np_labels_get(&n->labels, "kubernetes.azure.com/ebpf-dataplane");
		const char *name = NULL;
		struct cni_eng *e;
		bool yes = true;

		if (streq(v, "azure"))
			name = "azure-npm";
		else if (streq(v, "calico"))
			name = "calico";
		else if (streq(v, "cilium") || streq(ebpf, "cilium"))
			name = "cilium";
		else if (v) {
			name = "azure-cni";
			yes = false;
		}
		if (!name)
			continue;
		e = eng_get(res, name);
		if (!e)
			return;
		eng_ev(res, e, v ? rstrf(res, "Node label kubernetes.azure.com/network-policy=%s", v)
				 : "Node label kubernetes.azure.com/ebpf-dataplane=cilium");
		if (streq(name, "cilium"))
			eng_ev(res, e, "Azure CNI powered by Cilium");
		/* A DaemonSet, when present, says where it really runs. */
		if (e->ds)
			continue;
		eng_src(e, CNI_SRC_NODE);
		eng_obj(e, RANK_NODE, "Node", "", NULL, n->name, &n->loc);
		if (yes) {
			eng_enf(e, RANK_NODE, CNI_ENF_YES, NULL, NULL);
			if (e->cov && !cni_node_is_windows(n))
				e->cov[i] = CNI_COV_YES;
		} else {
			eng_enf(e, RANK_NODE, CNI_ENF_NO,
				rstrf(res, "network policy %s: Azure CNI without Azure NPM, Calico or Cilium", v),
				FIX_AKS);
		}
	}
}

static void detect_eks_auto(struct cni_result *res)
{
	const struct np_model *m = res->m;
	const struct np_configmap *cm = cni_configmap(m, "kube-system", "amazon-vpc-cni");
	int line = 0;
	const char *ctrl = cni_cm_value(cm, "enable-network-policy-controller", &line);
	struct cni_eng *e = NULL;

	for (size_t i = 0; i < m->nodes.n; i++) {
		const struct np_node_obj *n = &m->nodes.v[i];
		if (!streq(np_labels_get(&n->labels, "eks.amazonaws.com/compute-type"), "auto"))
			continue;
		if (!e) {
			e = eng_get(res, "aws-vpc-cni");
			if (!e)
				return;
			eng_ev(res, e, "EKS Auto Mode nodes (eks.amazonaws.com/compute-type=auto)");
			eng_src(e, CNI_SRC_NODE);
			if (!e->ds)
				eng_obj(e, RANK_NODE, "Node", "", NULL, n->name, &n->loc);
		}
		if (cni_parse_bool(ctrl) == 1 && ctrl[0] && e->cov)
			e->cov[i] = CNI_COV_YES;
	}
	if (!e || e->ds)
		return;
	if (cm)
		eng_ev(res, e, rstrf(res, "ConfigMap %s/%s enable-network-policy-controller=%s",
				     cm->namespace, cm->name, ctrl ? ctrl : "(unset)"));
	if (cni_parse_bool(ctrl) == 1 && ctrl[0]) {
		eng_enf(e, RANK_NODE, CNI_ENF_YES, NULL, NULL);
	} else if (!cm && !cni_avail_read(m, NP_RES_CONFIGMAPS, "kube-system", NULL, NULL)) {
		e->cm_missing = true;
		eng_enf(e, RANK_NODE, CNI_ENF_COND,
			"ConfigMap kube-system/amazon-vpc-cni not collected", FIX_AWS);
	} else {
		if (cm) {
			struct np_loc loc = cm->loc;
			if (line)
				loc.line = line;
			eng_obj(e, RANK_SWITCH, "ConfigMap", "", cm->namespace, cm->name, &loc);
		}
		eng_enf(e, RANK_SWITCH, CNI_ENF_NO,
			"Auto Mode without enable-network-policy-controller: \"true\" in ConfigMap "
			"amazon-vpc-cni",
			"set enable-network-policy-controller: \"true\" in ConfigMap "
			"kube-system/amazon-vpc-cni and networkPolicy: DefaultAllow|DefaultDeny in the "
			"NodeClass");
	}
}

static void detect_nodes(struct cni_result *res)
{
	const struct np_model *m = res->m;
	struct cni_eng *fl = NULL;

	detect_embedded(res, "k3s-network-policy", "k3s.io/node-args", "+k3s");
	detect_embedded(res, "rke2-network-policy", "rke2.io/node-args", "+rke2");
	detect_aks_labels(res);
	detect_eks_auto(res);
	for (size_t i = 0; i < m->nodes.n; i++) {
		const struct np_node_obj *n = &m->nodes.v[i];
		struct cni_eng *e;

		if (has_annotation_prefix(n, "projectcalico.org/")) {
			e = cni_find(res, "calico");
			if (!e)
				e = cni_find(res, "canal");
			if (e)
				eng_ev(res, e, "Node annotations projectcalico.org/*");
		}
		if (!has_annotation_prefix(n, "flannel.alpha.coreos.com/") || node_is_k3s_like(n))
			continue;
		e = cni_find(res, "flannel");
		if (!e)
			e = cni_find(res, "canal");
		if (e) {
			eng_ev(res, e, "Node annotations flannel.alpha.coreos.com/*");
			continue;
		}
		/* Leftover annotations say little once another engine is known. */
		if (res->n_eng && !fl)
			continue;
		if (!fl) {
			fl = eng_get(res, "flannel");
			if (!fl)
				return;
			eng_src(fl, CNI_SRC_NODE);
			eng_obj(fl, RANK_NODE, "Node", "", NULL, n->name, &n->loc);
			eng_ev(res, fl, "Node annotations flannel.alpha.coreos.com/*");
			eng_enf(fl, RANK_NODE, CNI_ENF_NO, "flannel alone", FIX_FLANNEL);
		}
	}
}

/* ------------------------------------------------------------ configs */

/* CNI plugin type -> engine name; NULL for plugins that are not a pod network. */
static const char *engine_of_type(const char *t)
{
	static const struct { const char *type, *engine; } map[] = {
		{ "calico", "calico" }, { "flannel", "flannel" }, { "cilium-cni", "cilium" },
		{ "cilium", "cilium" }, { "antrea", "antrea" }, { "aws-cni", "aws-vpc-cni" },
		{ "azure-vnet", "azure-cni" }, { "weave-net", "weave" },
		{ "ovn-k8s-cni-overlay", "ovn-kubernetes" }, { "kube-ovn", "kube-ovn" },
		{ "multus", "multus" }, { "multus-shim", "multus" }, { "openshift-sdn", "openshift-sdn" },
		{ "cni-kindnet", "kindnet" }, { "kube-router", "kube-router" },
		{ "romana", "romana" }, { "contiv-k8s", "contiv" }, { "contivk8s", "contiv" },
	};
	static const char *const ignored[] = {
		"portmap", "bandwidth", "tuning", "host-local", "loopback", "bridge", "ptp",
		"macvlan", "ipvlan", "sbr", "firewall", "static", "dhcp", "vrf", "host-device",
		"calico-ipam", "azure-vnet-ipam", "egress-cni", "egress-v4-cni", "egress-v6-cni",
		"dummy", "vlan", "tap", "sriov",
	};

	if (!t || !*t)
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].type, t) == 0)
			return map[i].engine;
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if (strcmp(ignored[i], t) == 0)
			return NULL;
	return t;
}

/* Configuration evidence for engine name: joins a running engine of the same
 * family (calico/flannel configs belong to canal), else starts a config-only one. */
static struct cni_eng *config_engine(struct cni_result *res, const char *name)
{
	struct cni_eng *e = cni_find(res, name);

	if (!e && (strcmp(name, "calico") == 0 || strcmp(name, "flannel") == 0))
		e = cni_find(res, "canal");
	if (!e && strcmp(name, "cilium") == 0)
		e = cni_find(res, "gke-dataplane-v2");
	if (!e)
		e = eng_get(res, name);
	return e;
}

static void judge_config_only(struct cni_result *res, struct cni_eng *e, int rank, const char *ns)
{
	const char *n = e->name;

	if (strcmp(n, "calico") == 0 || strcmp(n, "canal") == 0 || strcmp(n, "ovn-kubernetes") == 0 ||
	    strcmp(n, "azure-npm") == 0 || strcmp(n, "kube-network-policies") == 0 ||
	    strcmp(n, "gke-dataplane-v2") == 0 || strcmp(n, "kube-ovn") == 0)
		eng_enf(e, rank, CNI_ENF_YES, NULL, NULL);
	else if (strcmp(n, "flannel") == 0)
		eng_enf(e, rank, CNI_ENF_NO, "flannel alone", FIX_FLANNEL);
	else if (strcmp(n, "azure-cni") == 0)
		eng_enf(e, rank, CNI_ENF_NO, "Azure CNI without Azure NPM, Calico or Cilium", FIX_AKS);
	else if (strcmp(n, "cilium") == 0)
		judge_cilium(res, e, ns, NULL, rank);
	else if (strcmp(n, "openshift-sdn") == 0)
		judge_openshift_sdn(res, e, rank);
	else if (strcmp(n, "multus") == 0) {
		e->meta = true;
		eng_enf(e, rank, CNI_ENF_COND, "its delegate CNI decides", FIX_MULTUS);
	} else if (strcmp(n, "aws-vpc-cni") == 0)
		eng_enf(e, rank, CNI_ENF_COND,
			"seen without its two switches (aws-eks-nodeagent --enable-network-policy, "
			"ConfigMap amazon-vpc-cni enable-network-policy-controller)",
			FIX_AWS);
	else if (strcmp(n, "kindnet") == 0)
		eng_enf(e, rank, CNI_ENF_COND, "kindnet version unknown (needs v1.3.0 or later)",
			FIX_KINDNET);
	else if (strcmp(n, "kube-router") == 0)
		eng_enf(e, rank, CNI_ENF_COND, "--run-firewall unknown", FIX_KUBE_ROUTER);
	else if (strcmp(n, "antrea") == 0)
		eng_enf(e, rank, CNI_ENF_COND, "needs antrea-agent and antrea-controller", FIX_ANTREA);
	else if (strcmp(n, "weave") == 0)
		eng_enf(e, rank, CNI_ENF_COND, "needs the weave-npc container", FIX_WEAVE);
	else
		eng_enf(e, rank, CNI_ENF_UNKNOWN, "not a known NetworkPolicy engine", FIX_GENERIC);
}

/* CNI evidence from one config-like source. */
static void config_hit(struct cni_result *res, const char *engine, int rank, const char *kind,
		       const char *group, const char *ns, const char *name, const struct np_loc *loc,
		       const char *ev)
{
	struct cni_eng *e = config_engine(res, engine);

	if (!e)
		return;
	eng_ev(res, e, ev);
	eng_obj(e, rank, kind, group, ns, name, loc);
	judge_config_only(res, e, rank, ns);
}

/* Plugin types from a ConfigMap value when the decoder kept no cniconf for it
 * (its JSON lacked cniVersion). Calico's unquoted __PLACEHOLDER__ tokens are
 * replaced first, as its install-cni does. */
struct types_ctx {
	struct cni_result *res;
	struct cni_strv types;
	int docs;
};

static int types_doc(void *vctx, const struct np_node *doc, int idx)
{
	struct types_ctx *c = vctx;
	const struct np_node *plugins, *t;

	c->docs++;
	if (idx > 0 || !np_node_is(doc, NP_NODE_MAP))
		return 0;
	plugins = np_node_get(doc, "plugins");
	if (np_node_is(plugins, NP_NODE_SEQ)) {
		for (size_t i = 0; i < plugins->u.seq.n; i++) {
			t = np_node_get(plugins->u.seq.items[i], "type");
			if (np_node_str(t))
				strv_push(c->res, &c->types, rstrf(c->res, "%s", np_node_str(t)));
		}
	} else if (np_node_str(np_node_get(doc, "type"))) {
		strv_push(c->res, &c->types, rstrf(c->res, "%s", np_node_str(np_node_get(doc, "type"))));
	}
	return 0;
}

static char *repair_placeholders(const char *s)
{
	size_t len = strlen(s), o = 0;
	char *out = malloc(len + 1);
	bool in_str = false;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		char ch = s[i];
		if (in_str) {
			out[o++] = ch;
			if (ch == '\\' && i + 1 < len) {
				out[o++] = s[i + 1];
				i += 2;
				continue;
			}
			if (ch == '"')
				in_str = false;
			i++;
			continue;
		}
		if (ch == '"') {
			in_str = true;
			out[o++] = ch;
			i++;
			continue;
		}
		if (ch == '_' && i + 1 < len && s[i + 1] == '_') {
			size_t j = i + 2;
			while (j < len && (isupper((unsigned char)s[j]) || isdigit((unsigned char)s[j]) ||
					   (s[j] == '_' && !(j + 1 < len && s[j + 1] == '_'))))
				j++;
			if (j + 1 < len && s[j] == '_' && s[j + 1] == '_' && j > i + 2) {
				out[o++] = '0';
				i = j + 2;
				continue;
			}
		}
		out[o++] = ch;
		i++;
	}
	out[o] = '\0';
	return out;
}

static bool parse_cm_types(struct cni_result *res, const char *value, bool lenient,
			   struct cni_strv *out)
{
	struct types_ctx c;
	struct np_decode_limits lim;
	char *fixed = NULL;
	const char *text = value;
	int rc;

	memset(&c, 0, sizeof(c));
	c.res = res;
	np_decode_limits_default(&lim);
	if (lenient) {
		fixed = repair_placeholders(value);
		if (!fixed) {
			res->err = NP_ENOMEM;
			return false;
		}
		text = fixed;
	}
	rc = np_json_decode(text, strlen(text), "configmap", &lim, types_doc, &c, NULL);
	free(fixed);
	if (rc < 0 || c.docs != 1)
		return false;
	*out = c.types;
	return true;
}

static bool cm_has_cniconf(const struct np_model *m, const struct np_configmap *cm, const char *key)
{
	for (size_t i = 0; i < m->cniconfs.n; i++) {
		const struct np_cniconf *c = &m->cniconfs.v[i];
		if (streq(c->configmap_name, cm->name) && streq(c->configmap_ns, cm->namespace) &&
		    streq(c->configmap_key, key))
			return true;
	}
	return false;
}

static const char *const cni_cm_names[][2] = {
	{ "kube-flannel-cfg", "flannel" }, { "calico-config", "calico" }, { "canal-config", "canal" },
	{ "cilium-config", "cilium" }, { "amazon-vpc-cni", "aws-vpc-cni" },
	{ "antrea-config", "antrea" }, { "kube-router-cfg", "kube-router" },
};

static void detect_configs(struct cni_result *res)
{
	const struct np_model *m = res->m;
	bool *cm_typed = NULL;

	if (m->configmaps.n)
		cm_typed = ralloc(res, m->configmaps.n, sizeof(bool));
	for (size_t i = 0; i < m->cniconfs.n; i++) {
		const struct np_cniconf *c = &m->cniconfs.v[i];

		if (streq(c->object_kind, "CNIInfo")) {
			for (size_t k = 0; k < c->n_types; k++) {
				char low[64];
				size_t j;
				const char *t = c->types[k] ? c->types[k] : "";
				const char *eng;
				for (j = 0; t[j] && j + 1 < sizeof(low); j++)
					low[j] = (char)tolower((unsigned char)t[j]);
				low[j] = '\0';
				eng = strcmp(low, "aws") == 0 ? "aws-vpc-cni" : engine_of_type(low);
				if (!eng)
					continue;
				config_hit(res, strcmp(low, "aws") == 0 ? "aws-vpc-cni" : rstrf(res, "%s", eng),
					   RANK_CNIINFO, "CNIInfo", "hostdata.kubescape.cloud", NULL,
					   c->name, &c->loc,
					   rstrf(res, "CNIInfo %s CNINames %s", c->name ? c->name : "", t));
			}
			continue;
		}
		if (is_network_cr(c)) {
			const char *t = c->n_types ? c->types[0] : NULL;
			const char *eng;
			struct cni_eng *e;
			if (!t)
				continue;
			if (strcmp(t, "OVNKubernetes") == 0 || strcmp(t, "OVN") == 0)
				eng = "ovn-kubernetes";
			else if (strcmp(t, "OpenShiftSDN") == 0)
				eng = "openshift-sdn";
			else if (strcasecmp(t, "Calico") == 0)
				eng = "calico";
			else if (strcasecmp(t, "Cilium") == 0)
				eng = "cilium";
			else
				eng = rstrf(res, "%s", t);
			e = config_engine(res, eng);
			if (!e)
				return;
			eng_src(e, CNI_SRC_PLATFORM);
			eng_ev(res, e, rstrf(res, "Network.operator.openshift.io %s defaultNetwork.type %s",
					     c->name ? c->name : "", t));
			eng_obj(e, RANK_PLATFORM, "Network", "operator.openshift.io", NULL, c->name, &c->loc);
			if (strcmp(eng, "calico") == 0 || strcmp(eng, "ovn-kubernetes") == 0)
				eng_enf(e, RANK_PLATFORM, CNI_ENF_YES, NULL, NULL);
			else
				judge_config_only(res, e, RANK_PLATFORM, NULL);
			continue;
		}
		for (size_t k = 0; k < c->n_types; k++) {
			const char *eng = engine_of_type(c->types[k]);
			struct np_loc loc = c->loc;
			if (!eng)
				continue;
			if (c->type_lines && c->type_lines[k])
				loc.line = c->type_lines[k];
			if (c->configmap_name) {
				config_hit(res, eng, RANK_CONFIG, "ConfigMap", "", c->configmap_ns,
					   c->configmap_name, &c->loc,
					   rstrf(res, "ConfigMap %s/%s %s plugin %s",
						 c->configmap_ns ? c->configmap_ns : "", c->configmap_name,
						 c->configmap_key ? c->configmap_key : "", c->types[k]));
				for (size_t j = 0; cm_typed && j < m->configmaps.n; j++)
					if (streq(m->configmaps.v[j].name, c->configmap_name) &&
					    streq(m->configmaps.v[j].namespace, c->configmap_ns))
						cm_typed[j] = true;
			} else {
				config_hit(res, eng, RANK_CONFIG, "CNIConfig", "", NULL,
					   c->name ? c->name : (c->loc.file ? c->loc.file : "cni-config"),
					   &loc,
					   rstrf(res, "CNI config %s plugin %s",
						 c->loc.file ? c->loc.file : (c->name ? c->name : ""),
						 c->types[k]));
			}
		}
	}
	/* ConfigMap keys holding CNI JSON the decoder did not keep as a cniconf. */
	for (size_t i = 0; cm_typed && i < m->configmaps.n; i++) {
		const struct np_configmap *cm = &m->configmaps.v[i];
		for (size_t k = 0; k < cm->n; k++) {
			struct cni_strv types;
			const char *v = cm->values[k];
			struct np_loc loc = cm->loc;
			while (v && isspace((unsigned char)*v))
				v++;
			if (!v || *v != '{' || cm_has_cniconf(m, cm, cm->keys[k]))
				continue;
			if (!parse_cm_types(res, v, true, &types))
				continue;
			if (cm->key_lines && cm->key_lines[k])
				loc.line = cm->key_lines[k];
			for (size_t t = 0; t < types.n; t++) {
				const char *eng = engine_of_type(types.v[t]);
				if (!eng)
					continue;
				cm_typed[i] = true;
				config_hit(res, eng, RANK_CONFIG, "ConfigMap", "", cm->namespace, cm->name,
					   &loc,
					   rstrf(res, "ConfigMap %s/%s %s plugin %s",
						 cm->namespace ? cm->namespace : "", cm->name, cm->keys[k],
						 types.v[t]));
			}
		}
	}
	/* Plugin types in content outrank names: a name counts only without them. */
	for (size_t i = 0; cm_typed && i < m->configmaps.n; i++) {
		const struct np_configmap *cm = &m->configmaps.v[i];
		if (cm_typed[i])
			continue;
		for (size_t k = 0; k < sizeof(cni_cm_names) / sizeof(cni_cm_names[0]); k++) {
			struct cni_eng *e;
			if (!streq(cm->name, cni_cm_names[k][0]))
				continue;
			e = cni_find(res, cni_cm_names[k][1]);
			if (!e && strcmp(cni_cm_names[k][1], "calico") == 0)
				e = cni_find(res, "canal");
			if (e) {
				const char *ev = rstrf(res, "ConfigMap %s/%s", cm->namespace ? cm->namespace : "",
						       cm->name);
				bool named = false;
				for (size_t j = 0; ev && j < e->evidence.n; j++)
					if (strncmp(e->evidence.v[j], ev, strlen(ev)) == 0)
						named = true;
				if (!named)
					eng_ev(res, e, ev);
				continue;
			}
			config_hit(res, cni_cm_names[k][1], RANK_CONFIG - 1, "ConfigMap", "", cm->namespace,
				   cm->name, &cm->loc,
				   rstrf(res, "ConfigMap %s/%s", cm->namespace ? cm->namespace : "",
					 cm->name));
		}
	}
}

/* ClusterDescribe networkProfile, judged like Terraform's network_profile. */
static void detect_cluster_describe(struct cni_result *res)
{
	const struct np_model *m = res->m;

	for (size_t i = 0; i < m->tf_resources.n; i++) {
		const struct np_tf_resource *t = &m->tf_resources.v[i];
		const struct np_tf_attr *pa = cni_tf_attr(t, "network_profile.network_policy");
		const struct np_tf_attr *la = cni_tf_attr(t, "network_profile.network_plugin");
		const char *policy = pa ? pa->value : NULL, *plugin = la ? la->value : NULL;
		const char *name = NULL;
		struct cni_eng *e;
		bool yes = true;

		if (!streq(t->type, "ClusterDescribe"))
			continue;
		if (streq(plugin, "none"))
			continue; /* bring-your-own CNI: the cluster state tells */
		if (streq(policy, "azure"))
			name = "azure-npm";
		else if (streq(policy, "calico"))
			name = "calico";
		else if (streq(policy, "cilium"))
			name = "cilium";
		else {
			name = streq(plugin, "kubenet") ? "kubenet" : "azure-cni";
			yes = false;
		}
		e = config_engine(res, name);
		if (!e)
			return;
		eng_ev(res, e, rstrf(res, "ClusterDescribe %s networkPlugin %s networkPolicy %s",
				     t->name ? t->name : "",
				     plugin ? plugin : la && la->is_null ? "null" : "(unset)",
				     policy ? policy : pa && pa->is_null ? "null" : "(unset)"));
		eng_obj(e, RANK_CNIINFO, "ClusterDescribe", "management.azure.com", NULL, t->name,
			&t->loc);
		if (e->src != CNI_SRC_CONFIG)
			continue;
		if (yes)
			eng_enf(e, RANK_CNIINFO, CNI_ENF_YES, NULL, NULL);
		else
			eng_enf(e, RANK_CNIINFO, CNI_ENF_NO, "no network policy engine configured", FIX_AKS);
	}
}

static void detect_crds(struct cni_result *res)
{
	static const char *const map[][2] = {
		{ ".crd.projectcalico.org", "calico" }, { ".projectcalico.org", "calico" },
		{ ".cilium.io", "cilium" }, { ".networking.k8s.aws", "aws-vpc-cni" },
		{ ".antrea.io", "antrea" }, { ".kubeovn.io", "kube-ovn" },
	};
	const struct np_model *m = res->m;

	for (size_t i = 0; i < m->crd_names.n; i++) {
		const char *crd = m->crd_names.v[i];
		for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
			struct cni_eng *e;
			if (!ends_with(crd, map[k][0]))
				continue;
			e = cni_find(res, map[k][1]);
			if (!e && strcmp(map[k][1], "calico") == 0)
				e = cni_find(res, "canal");
			if (e)
				eng_ev(res, e, rstrf(res, "CRDs *%s", map[k][0]));
			break;
		}
	}
}

/* ------------------------------------------------------------- driver */

static int eng_cmp(const void *a, const void *b)
{
	const struct cni_eng *x = a, *y = b;
	return strcmp(x->name, y->name);
}

int cni_analyze(struct cni_result *out, struct np_report *r, const struct np_model *m)
{
	size_t cap = 64;

	memset(out, 0, sizeof(*out));
	out->r = r;
	out->m = m;
	out->cluster_state = m->nodes.n > 0;
	/* Every engine comes from a known name, a config plugin type, a CNIInfo
	 * name or a Network CR type: bounded by those counts. */
	for (size_t i = 0; i < m->cniconfs.n; i++)
		cap += m->cniconfs.v[i].n_types;
	cap += m->tf_resources.n;
	for (size_t i = 0; i < m->configmaps.n; i++)
		cap += m->configmaps.v[i].n * 8;
	out->cap_eng = cap;
	out->eng = ralloc(out, cap, sizeof(*out->eng));
	if (!out->eng)
		return NP_ENOMEM;
	detect_platform(out);
	detect_workloads(out);
	detect_nodes(out);
	detect_configs(out);
	detect_cluster_describe(out);
	detect_crds(out);
	if (out->err)
		return out->err;
	for (size_t i = 0; i < out->n_eng; i++) {
		struct cni_eng *e = &out->eng[i];
		/* Config-only engines cover every node in generic inputs; in cluster
		 * state they cover nothing (DESIGN §5.3: WARN). */
		if (e->cov && e->src == CNI_SRC_PLATFORM)
			memset(e->cov, CNI_COV_YES, m->nodes.n);
		if (e->cov && e->enf != CNI_ENF_YES)
			memset(e->cov, CNI_COV_NO, m->nodes.n);
	}
	qsort(out->eng, out->n_eng, sizeof(*out->eng), eng_cmp);
	return out->err;
}

/* ------------------------------------------------------ np_cni_detect */

int np_cni_detect(struct np_report *r, const struct np_model *m)
{
	struct cni_result res;
	struct np_cluster_info *ci = &r->cluster;
	int rc;

	rc = cni_analyze(&res, r, m);
	if (rc < 0)
		return rc;
	ci->provider = res.provider;
	ci->platform = res.platform;
	ci->n_evidence = res.platform_evidence.n;
	ci->evidence = res.platform_evidence.v;
	ci->n_cni = 0;
	ci->cni = res.n_eng ? ralloc(&res, res.n_eng, sizeof(*ci->cni)) : NULL;
	if (res.err)
		return res.err;
	for (size_t i = 0; i < res.n_eng; i++) {
		const struct cni_eng *e = &res.eng[i];
		struct np_cni_engine *o = &ci->cni[ci->n_cni++];
		struct cni_strv nodes = { 0 };

		o->name = e->name;
		o->enforces = cni_enf_name(e->enf);
		o->condition = e->enf == CNI_ENF_YES ? NULL : e->condition;
		if (e->enf == CNI_ENF_YES && e->not_running) {
			o->enforces = "no";
			o->condition = "its DaemonSet has no ready pod";
		}
		o->n_evidence = e->evidence.n;
		o->evidence = e->evidence.v;
		if (e->enf == CNI_ENF_YES && !e->not_running && e->cov) {
			for (size_t k = 0; k < m->nodes.n; k++)
				if (e->cov[k] != CNI_COV_YES)
					strv_push(&res, &nodes, m->nodes.v[k].name);
		}
		o->n_nodes_not_covered = nodes.n;
		o->nodes_not_covered = nodes.v;
		if (e->obj.set) {
			o->evidence_obj.kind = e->obj.kind;
			o->evidence_obj.api_group = e->obj.api_group;
			o->evidence_obj.name = e->obj.name;
			o->evidence_ns = e->obj.namespace;
			o->loc = e->obj.loc;
		}
	}
	return res.err;
}
