/* `audit -o sarif` (DESIGN §6.3): SARIF 2.1.0 for code-scanning services.
 * A rule per reported control (help = its remediation), a result per
 * FAIL/WARN finding — level error (FAIL, medium and above), warning (FAIL,
 * low) or note (WARN) — with partialFingerprints from the finding's
 * fingerprint, a physical location (file, archive member, line, column)
 * for offline inputs and always a logical one (kind/namespace/name).
 * ERROR controls, errors[] and warnings[] become tool execution
 * notifications. Strings keep no character XML 1.0 forbids (§8). */
#include <string.h>
#include "netpol/cli.h"

struct sb {
	bool ok;
};

static void put(struct sb *b, json_t *obj, const char *key, json_t *v)
{
	if (!v || !obj || json_object_set_new(obj, key, v) < 0) {
		if (v && !obj)
			json_decref(v);
		b->ok = false;
	}
}

static void append(struct sb *b, json_t *arr, json_t *v)
{
	if (!v || !arr || json_array_append_new(arr, v) < 0) {
		if (v && !arr)
			json_decref(v);
		b->ok = false;
	}
}

/* Text from inputs: controls made visible (newlines kept in multi-line text). */
static json_t *text(const char *s, bool multiline)
{
	struct np_strbuf t;
	json_t *j;

	if (!s)
		return json_null();
	np_strbuf_init(&t);
	np_escape_term(&t, s, multiline ? NP_ESC_KEEP_NEWLINES : 0);
	j = t.oom ? NULL : np_json_str(t.s ? t.s : "");
	np_strbuf_release(&t);
	return j;
}

static json_t *message(struct sb *b, const char *s)
{
	json_t *m = json_object();
	put(b, m, "text", text(s ? s : "", true));
	return m;
}

/* A URI reference for a path: unreserved characters and '/' kept, the rest
 * percent-encoded; absolute paths become file:// URIs. */
static json_t *path_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct np_strbuf u;
	json_t *j;

	np_strbuf_init(&u);
	if (path[0] == '/')
		np_strbuf_puts(&u, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/') {
			np_strbuf_add(&u, (const char *)p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			np_strbuf_add(&u, e, 3);
		}
	}
	j = u.oom ? NULL : json_string(u.s ? u.s : "");
	np_strbuf_release(&u);
	return j;
}

static enum np_severity control_severity(const struct np_report *r, const struct np_control_def *d)
{
	bool kics = r->semantics && strcmp(r->semantics, "kics") == 0;
	return kics ? d->kics_severity : d->severity;
}

static const char *result_level(enum np_status level, enum np_severity sev)
{
	if (level == NP_ST_WARN)
		return "note";
	return sev >= NP_SEV_MEDIUM ? "error" : "warning";
}

/* GitHub code scanning orders alerts by this CVSS-like score. */
static const char *security_severity(enum np_severity sev)
{
	switch (sev) {
	case NP_SEV_CRITICAL: return "9.5";
	case NP_SEV_HIGH: return "8.0";
	case NP_SEV_MEDIUM: return "5.5";
	case NP_SEV_LOW: return "3.0";
	default: return "1.0";
	}
}

/* Artifacts: every input file, and every archive member with its archive
 * as parentIndex. index maps "file\x1fmember" to the artifact's index. */
struct artifacts {
	json_t *list;
	json_t *index;
};

static json_t *artifact_location(struct sb *b, struct artifacts *a, const char *file, const char *member)
{
	json_t *loc = json_object(), *idx;
	struct np_strbuf key;
	long long parent = -1;

	np_strbuf_init(&key);
	/* the archive (or file) itself first, so a member can name its parent */
	for (int pass = member ? 0 : 1; pass < 2; pass++) {
		const char *path = pass == 0 ? file : member ? member : file;
		key.len = 0;
		np_strbuf_puts(&key, file);
		if (pass == 1 && member) {
			np_strbuf_puts(&key, "\x1f");
			np_strbuf_puts(&key, member);
		}
		if (key.oom) {
			b->ok = false;
			break;
		}
		idx = json_object_get(a->index, key.s);
		if (!idx) {
			json_t *art = json_object(), *al = json_object();
			put(b, al, "uri", path_uri(path));
			put(b, art, "location", al);
			if (parent >= 0)
				put(b, art, "parentIndex", json_integer(parent));
			idx = json_integer((json_int_t)json_array_size(a->list));
			append(b, a->list, art);
			put(b, a->index, key.s, idx);
			if (!b->ok)
				break;
		}
		parent = json_integer_value(idx);
	}
	np_strbuf_release(&key);
	put(b, loc, "uri", path_uri(member ? member : file));
	if (parent >= 0)
		put(b, loc, "index", json_integer(parent));
	return loc;
}

static json_t *logical_location(struct sb *b, const struct np_finding *f)
{
	json_t *l = json_object();
	struct np_strbuf q;

	np_strbuf_init(&q);
	np_strbuf_puts(&q, f->kind ? f->kind : "");
	np_strbuf_puts(&q, "/");
	if (f->namespace) {
		np_strbuf_puts(&q, f->namespace);
		np_strbuf_puts(&q, "/");
	}
	np_strbuf_puts(&q, f->name ? f->name : "");
	if (q.oom)
		b->ok = false;
	put(b, l, "name", text(f->name ? f->name : "", false));
	put(b, l, "fullyQualifiedName", text(q.s ? q.s : "", false));
	put(b, l, "kind", json_string("resource"));
	np_strbuf_release(&q);
	return l;
}

static json_t *result_json(struct sb *b, const struct np_report *r, const struct np_control_result *c,
			   size_t rule_index, const struct np_finding *f, struct artifacts *arts)
{
	json_t *res = json_object(), *locs = json_array(), *loc = json_object(), *logical = json_array();
	json_t *fp = json_object(), *props = json_object();

	put(b, res, "ruleId", json_string(c->def->id));
	put(b, res, "ruleIndex", json_integer((json_int_t)rule_index));
	put(b, res, "kind", json_string("fail"));
	put(b, res, "level", json_string(result_level(f->level, control_severity(r, c->def))));
	put(b, res, "message", message(b, f->message ? f->message : c->summary));
	if (f->loc.file) {
		json_t *phys = json_object(), *region = json_object();
		put(b, phys, "artifactLocation", artifact_location(b, arts, f->loc.file, f->loc.member));
		if (f->loc.line > 0) {
			put(b, region, "startLine", json_integer(f->loc.line));
			if (f->loc.column > 0)
				put(b, region, "startColumn", json_integer(f->loc.column));
			put(b, phys, "region", region);
		} else {
			json_decref(region);
		}
		put(b, loc, "physicalLocation", phys);
	}
	append(b, logical, logical_location(b, f));
	put(b, loc, "logicalLocations", logical);
	append(b, locs, loc);
	put(b, res, "locations", locs);
	if (f->fingerprint)
		put(b, fp, "kubectlNetpolFingerprint/v1", text(f->fingerprint, false));
	put(b, res, "partialFingerprints", fp);
	if (f->suppressed) {
		json_t *sups = json_array(), *s = json_object();
		put(b, s, "kind", json_string("external"));
		put(b, s, "status", json_string("accepted"));
		if (f->suppressed->reason)
			put(b, s, "justification", text(f->suppressed->reason, false));
		append(b, sups, s);
		put(b, res, "suppressions", sups);
	}
	put(b, props, "status", json_string(np_status_name(f->level)));
	if (f->remediation)
		put(b, props, "remediation", text(f->remediation, true));
	if (f->pods >= 0)
		put(b, props, "pods", json_integer(f->pods));
	if (f->suppressed) {
		put(b, props, "suppressedBy", text(f->suppressed->by, false));
		if (f->suppressed->expires)
			put(b, props, "suppressionExpires", text(f->suppressed->expires, false));
	}
	put(b, res, "properties", props);
	return res;
}

static json_t *rule_json(struct sb *b, const struct np_report *r, const struct np_control_result *c)
{
	const struct np_control_def *d = c->def;
	enum np_severity sev = control_severity(r, d);
	json_t *rule = json_object(), *sd = json_object(), *help = json_object(), *cfg = json_object();
	json_t *props = json_object(), *tags = json_array(), *refs = json_array();
	struct np_strbuf full;

	np_strbuf_init(&full);
	np_strbuf_puts(&full, d->title);
	for (size_t i = 0; i < sizeof(d->references) / sizeof(d->references[0]) && d->references[i]; i++) {
		np_strbuf_puts(&full, i ? ", " : ". References: ");
		np_strbuf_puts(&full, d->references[i]);
		append(b, refs, json_string(d->references[i]));
	}
	if (full.oom)
		b->ok = false;
	put(b, rule, "id", json_string(d->id));
	put(b, rule, "name", json_string(d->id));
	put(b, sd, "text", json_string(d->title));
	put(b, rule, "shortDescription", sd);
	put(b, rule, "fullDescription", message(b, full.s ? full.s : d->title));
	put(b, help, "text", text(c->remediation ? c->remediation : d->title, true));
	put(b, rule, "help", help);
	put(b, cfg, "level", json_string(sev >= NP_SEV_MEDIUM ? "error" : "warning"));
	put(b, rule, "defaultConfiguration", cfg);
	append(b, tags, json_string("security"));
	append(b, tags, json_string("kubernetes"));
	append(b, tags, json_string("networkpolicy"));
	put(b, props, "tags", tags);
	put(b, props, "severity", json_string(np_severity_name(sev)));
	put(b, props, "security-severity", json_string(security_severity(sev)));
	put(b, props, "references", refs);
	put(b, props, "group", text(d->group, false));
	put(b, props, "status", json_string(np_status_name(c->status)));
	put(b, rule, "properties", props);
	np_strbuf_release(&full);
	return rule;
}

static void diag_notifications(struct sb *b, json_t *notes, json_t *diags, const char *level)
{
	size_t i;
	json_t *d;

	json_array_foreach(diags, i, d) {
		json_t *n = json_object(), *props = json_object();
		const char *res = json_string_value(json_object_get(d, "resource"));
		const char *ns = json_string_value(json_object_get(d, "namespace"));
		const char *reason = json_string_value(json_object_get(d, "reason"));
		const char *msg = json_string_value(json_object_get(d, "message"));
		struct np_strbuf t;

		np_strbuf_init(&t);
		np_strbuf_printf(&t, "%s%s%s: %s%s%s", res ? res : "input", ns ? " in " : "", ns ? ns : "",
				 reason ? reason : level, msg ? ": " : "", msg ? msg : "");
		if (t.oom)
			b->ok = false;
		put(b, n, "level", json_string(level));
		put(b, n, "message", message(b, t.s ? t.s : ""));
		put(b, props, "resource", text(res, false));
		put(b, props, "namespace", text(ns, false));
		put(b, props, "reason", text(reason, false));
		put(b, props, "source", text(json_string_value(json_object_get(d, "source")), false));
		put(b, n, "properties", props);
		append(b, notes, n);
		np_strbuf_release(&t);
	}
}

int np_report_sarif(FILE *out, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	struct sb b = { true };
	struct artifacts arts = { json_array(), json_object() };
	json_t *root = json_object(), *runs = json_array(), *run = json_object(), *tool = json_object();
	json_t *driver = json_object(), *rules = json_array(), *results = json_array();
	json_t *invocations = json_array(), *inv = json_object(), *notes = json_array();
	json_t *props = json_object(), *errors = NULL, *warnings = NULL;
	int rc;

	put(&b, root, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	put(&b, root, "version", json_string("2.1.0"));
	put(&b, driver, "name", json_string("kubectl-netpol"));
	put(&b, driver, "version", json_string(NP_VERSION));
	put(&b, driver, "semanticVersion", json_string(NP_VERSION));
	put(&b, driver, "informationUri", json_string(NP_HOMEPAGE));
	for (size_t i = 0; i < r->controls.n; i++) {
		const struct np_control_result *c = &r->controls.v[i];
		append(&b, rules, rule_json(&b, r, c));
		for (size_t k = 0; k < c->findings.n; k++) {
			const struct np_finding *f = &c->findings.v[k];
			if (f->level != NP_ST_FAIL && f->level != NP_ST_WARN)
				continue;
			append(&b, results, result_json(&b, r, c, i, f, &arts));
		}
		if (c->status == NP_ST_ERROR) {
			json_t *n = json_object(), *assoc = json_object();
			struct np_strbuf t;
			np_strbuf_init(&t);
			np_strbuf_printf(&t, "%s could not be evaluated: %s", c->def->id,
					 c->summary ? c->summary : "needed data was not collected or is unreadable");
			if (t.oom)
				b.ok = false;
			put(&b, n, "level", json_string("error"));
			put(&b, n, "message", message(&b, t.s ? t.s : ""));
			put(&b, assoc, "id", json_string(c->def->id));
			put(&b, assoc, "index", json_integer((json_int_t)i));
			put(&b, n, "associatedRule", assoc);
			append(&b, notes, n);
			np_strbuf_release(&t);
		}
	}
	put(&b, driver, "rules", rules);
	put(&b, tool, "driver", driver);
	put(&b, run, "tool", tool);

	errors = np_diag_json_errors(o);
	warnings = np_diag_json_warnings(o);
	if (!errors || !warnings)
		b.ok = false;
	else {
		diag_notifications(&b, notes, errors, "error");
		diag_notifications(&b, notes, warnings, "warning");
	}
	/* The audit ran to its end even when some data could not be read:
	 * that is what the ERROR notifications say. */
	put(&b, inv, "executionSuccessful", json_true());
	if (o->generated_at || r->generated_at)
		put(&b, inv, "endTimeUtc", json_string(o->generated_at ? o->generated_at : r->generated_at));
	put(&b, inv, "toolExecutionNotifications", notes);
	append(&b, invocations, inv);
	put(&b, run, "invocations", invocations);
	if (json_array_size(arts.list) > 0)
		put(&b, run, "artifacts", json_incref(arts.list));
	put(&b, run, "results", results);
	put(&b, run, "columnKind", json_string("unicodeCodePoints"));
	put(&b, props, "mode", json_string(o->mode ? o->mode : "offline"));
	put(&b, props, "semantics", json_string(r->semantics ? r->semantics : "k8s"));
	put(&b, props, "failOn", json_string(r->fail_on ? r->fail_on : "low"));
	put(&b, props, "platform", text(r->cluster.platform ? r->cluster.platform : "unknown", false));
	put(&b, props, "complete", json_boolean(r->complete));
	put(&b, run, "properties", props);
	append(&b, runs, run);
	put(&b, root, "runs", runs);

	rc = b.ok ? np_json_emit(out, root) : NP_ENOMEM;
	json_decref(errors);
	json_decref(warnings);
	json_decref(arts.list);
	json_decref(arts.index);
	json_decref(root);
	return rc;
}
