/* `kubectl netpol fix`: prints the NetworkPolicies that close what NP-102,
 * NP-103, NP-201 and NP-205 find (DESIGN §5.5), never applying them. The
 * policies come from analyzer/fix.c; this file parses flags, loads the
 * source and prints YAML (with comments) or a JSON v1 List. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/cli.h"
#include "netpol/fix.h"

static const char *const fix_outputs[] = { "yaml", "json", NULL };

enum { FLAG_NO_PRESERVE, FLAG_CHECK };

static const struct np_flag fix_flags[] = {
	[FLAG_NO_PRESERVE] = { "no-preserve", 0, NP_FLAG_BOOL, NULL,
			       "deny plus DNS only; list what to allow as comments" },
	[FLAG_CHECK] = { "check", 0, NP_FLAG_BOOL, NULL,
			 "print nothing; exit 1 when there is something to generate" },
	{ 0 },
};

const struct np_cli_spec np_spec_fix = {
	.verb = "fix",
	.summary = "Print the NetworkPolicies that close the gaps audit finds (never applied)",
	.usage =
		"Usage:\n"
		"  kubectl netpol fix [SOURCE] [-n NS | -A] [--controls IDS] [--no-preserve] [--check]\n"
		"                     [-o yaml|json]\n"
		"\n"
		"Prints NetworkPolicies that make NP-102, NP-103, NP-201 and NP-205 pass: per\n"
		"namespace in scope, a default-deny for the missing directions with DNS egress to\n"
		"the cluster DNS (and NodeLocal DNSCache addresses), and DNS allows for pods that\n"
		"are egress-isolated without it. System namespaces and namespaces backing\n"
		"admission webhooks or APIServices also get allow-system-traffic (DNS served to\n"
		"every namespace, webhook ports from anywhere, egress to the API server), flagged\n"
		"for review. By default it also keeps, with comments, what today's Services,\n"
		"Ingresses and policies imply for the pods that become isolated; --no-preserve\n"
		"lists that traffic as comments instead. Every policy is labelled\n"
		"app.kubernetes.io/managed-by=kubectl-netpol and annotated with the controls\n"
		"that asked for it; the comments that explain each policy and rule in -o yaml\n"
		"are in annotation kubectl-netpol/notes in -o json. Nothing is applied: review\n"
		"the output, then kubectl apply -f.\n"
		"Running fix on its input plus its output prints nothing new.\n"
		"\n"
		"Exit status: 0 success; 1 with --check when there is something to generate, or\n"
		"when the result is incomplete (data not collected or unreadable); 2 usage or\n"
		"input error; 3 the cluster could not be reached or authentication failed.\n"
		"\n"
		"Examples:\n"
		"  kubectl netpol fix -f bundle.tar.gz > netpol-fix.yaml\n"
		"  kubectl netpol fix -n shop --controls NP-201 --no-preserve\n"
		"  kubectl netpol fix --check\n",
	.groups = NP_CLI_OUTPUT | NP_CLI_SOURCE | NP_CLI_LIVE | NP_CLI_CONTROLS | NP_CLI_SCOPE,
	.outputs = fix_outputs,
	.flags = fix_flags,
	.max_args = 0,
};

/* ---- JSON ---- */

struct jb {
	bool ok;
};

static void put(struct jb *b, json_t *obj, const char *key, json_t *v)
{
	if (!v || !obj || json_object_set_new(obj, key, v) < 0)
		b->ok = false;
	if (v && !obj)
		json_decref(v);
}

static void append(struct jb *b, json_t *arr, json_t *v)
{
	if (!v || !arr || json_array_append_new(arr, v) < 0)
		b->ok = false;
	if (v && !arr)
		json_decref(v);
}

static const char *op_name(enum np_sel_op op)
{
	switch (op) {
	case NP_SEL_IN: return "In";
	case NP_SEL_NOTIN: return "NotIn";
	case NP_SEL_EXISTS: return "Exists";
	case NP_SEL_DOESNOTEXIST: return "DoesNotExist";
	case NP_SEL_BADOP: break;
	}
	return "In";
}

static json_t *selector_json(struct jb *b, const struct np_selector *s)
{
	json_t *o = json_object();
	size_t i, j;

	if (s->n_labels) {
		json_t *ml = json_object();

		for (i = 0; i < s->n_labels; i++)
			put(b, ml, s->label_keys[i], np_json_str(s->label_values[i]));
		put(b, o, "matchLabels", ml);
	}
	if (s->n_exprs) {
		json_t *me = json_array();

		for (i = 0; i < s->n_exprs; i++) {
			const struct np_sel_expr *x = &s->exprs[i];
			json_t *e = json_object();

			put(b, e, "key", np_json_str(x->key));
			put(b, e, "operator", json_string(op_name(x->op)));
			if (x->op == NP_SEL_IN || x->op == NP_SEL_NOTIN) {
				json_t *vals = json_array();

				for (j = 0; j < x->n_values; j++)
					append(b, vals, np_json_str(x->values[j]));
				put(b, e, "values", vals);
			}
			append(b, me, e);
		}
		put(b, o, "matchExpressions", me);
	}
	if (!o)
		b->ok = false;
	return o;
}

static json_t *rule_json(struct jb *b, const struct np_rule *r, bool ingress)
{
	json_t *o = json_object();
	size_t i, j;

	if (r->peers_present) {
		json_t *peers = json_array();

		for (i = 0; i < r->n_peers; i++) {
			const struct np_peer *p = &r->peers[i];
			json_t *po = json_object();

			if (p->ipblock) {
				json_t *ib = json_object();

				put(b, ib, "cidr", np_json_str(p->ipblock->cidr));
				if (p->ipblock->n_except) {
					json_t *ex = json_array();

					for (j = 0; j < p->ipblock->n_except; j++)
						append(b, ex, np_json_str(p->ipblock->except[j]));
					put(b, ib, "except", ex);
				}
				put(b, po, "ipBlock", ib);
			} else {
				if (p->has_ns_sel)
					put(b, po, "namespaceSelector", selector_json(b, &p->ns_sel));
				if (p->has_pod_sel || !p->has_ns_sel)
					put(b, po, "podSelector", selector_json(b, &p->pod_sel));
			}
			append(b, peers, po);
		}
		put(b, o, ingress ? "from" : "to", peers);
	}
	if (r->ports_present) {
		json_t *ports = json_array();

		for (i = 0; i < r->n_ports; i++) {
			const struct np_port *p = &r->ports[i];
			json_t *po = json_object();

			put(b, po, "protocol", json_string(np_proto_name(p->proto)));
			if (p->port_name)
				put(b, po, "port", np_json_str(p->port_name));
			else if (p->has_port)
				put(b, po, "port", json_integer(p->port));
			if (p->has_end_port && !p->port_name)
				put(b, po, "endPort", json_integer(p->end_port));
			append(b, ports, po);
		}
		put(b, o, "ports", ports);
	}
	if (!o)
		b->ok = false;
	return o;
}

/* The YAML comments of p as one text: header, each rule's comment after its
 * place ("egress[0]: ..."), footer. NULL when there is none or on ENOMEM
 * (b->ok cleared). malloc'd. */
static char *policy_notes(struct jb *b, const struct np_fix_policy *p)
{
	char *s = NULL;
	size_t len = 0, d, i;
	FILE *f = open_memstream(&s, &len);
	bool any = false;

	if (!f) {
		b->ok = false;
		return NULL;
	}
	if (p->header) {
		fprintf(f, "%s", p->header);
		any = true;
	}
	for (d = 0; d < 2; d++) {
		const struct np_fix_rule *r = d ? p->egress : p->ingress;
		size_t n = d ? p->n_egress : p->n_ingress;

		for (i = 0; i < n; i++) {
			if (!r[i].comment)
				continue;
			fprintf(f, "%s%s[%zu]: %s", any ? "\n" : "", d ? "egress" : "ingress", i,
				r[i].comment);
			any = true;
		}
	}
	if (p->footer) {
		fprintf(f, "%s%s", any ? "\n" : "", p->footer);
		any = true;
	}
	if (fclose(f) != 0 || !s) {
		free(s);
		b->ok = false;
		return NULL;
	}
	if (!any) {
		free(s);
		return NULL;
	}
	return s;
}

static json_t *policy_json(struct jb *b, const struct np_fix_policy *p)
{
	json_t *o = json_object(), *meta = json_object(), *labels = json_object();
	json_t *ann = json_object(), *spec = json_object(), *types = json_array();
	size_t i;

	put(b, o, "apiVersion", json_string("networking.k8s.io/v1"));
	put(b, o, "kind", json_string("NetworkPolicy"));
	put(b, meta, "name", np_json_str(p->name));
	put(b, meta, "namespace", np_json_str(p->namespace));
	put(b, labels, NP_FIX_MANAGED_BY_KEY, json_string(NP_FIX_MANAGED_BY));
	put(b, meta, "labels", labels);
	if (p->controls)
		put(b, ann, NP_FIX_ANN_CONTROL, np_json_str(p->controls));
	if (p->purpose)
		put(b, ann, NP_FIX_ANN_PURPOSE, np_json_str(p->purpose));
	if (p->review)
		put(b, ann, NP_FIX_ANN_REVIEW, np_json_str(p->review));
	{
		char *notes = policy_notes(b, p);

		if (notes)
			put(b, ann, NP_FIX_ANN_NOTES, np_json_str(notes));
		free(notes);
	}
	put(b, meta, "annotations", ann);
	put(b, o, "metadata", meta);
	put(b, spec, "podSelector", selector_json(b, &p->pod_selector));
	if (p->types & NP_DIR_INGRESS)
		append(b, types, json_string("Ingress"));
	if (p->types & NP_DIR_EGRESS)
		append(b, types, json_string("Egress"));
	put(b, spec, "policyTypes", types);
	if (p->n_ingress) {
		json_t *in = json_array();

		for (i = 0; i < p->n_ingress; i++)
			append(b, in, rule_json(b, &p->ingress[i].rule, true));
		put(b, spec, "ingress", in);
	}
	if (p->n_egress) {
		json_t *eg = json_array();

		for (i = 0; i < p->n_egress; i++)
			append(b, eg, rule_json(b, &p->egress[i].rule, false));
		put(b, spec, "egress", eg);
	}
	put(b, o, "spec", spec);
	return o;
}

static int write_json(FILE *out, const struct np_fix *fx)
{
	struct jb b = { true };
	json_t *root = json_object(), *items = json_array();
	size_t i;
	int rc;

	put(&b, root, "apiVersion", json_string("v1"));
	put(&b, root, "kind", json_string("List"));
	for (i = 0; i < fx->n; i++)
		append(&b, items, policy_json(&b, &fx->v[i]));
	put(&b, root, "items", items);
	rc = b.ok ? np_json_emit(out, root) : NP_ENOMEM;
	json_decref(root);
	return rc;
}

/* ---- YAML ---- */

static int write_yaml(FILE *out, const struct np_fix *fx)
{
	char *text;
	size_t i;

	if (!fx->n) {
		fputs("# kubectl-netpol fix: nothing to generate\n", out);
		return ferror(out) ? NP_EIO : 0;
	}
	text = np_fix_policies_yaml(fx->v, fx->n);
	if (!text)
		return NP_ENOMEM;
	fprintf(out, "# kubectl-netpol fix: %zu NetworkPolic%s for %zu namespace%s; nothing was "
		     "applied.\n# Review them (comments say why each exists), then: kubectl apply -f FILE\n",
		fx->n, fx->n == 1 ? "y" : "ies", fx->n_namespaces, fx->n_namespaces == 1 ? "" : "s");
	for (i = 0; i < fx->n_notes; i++)
		fprintf(out, "# note: %s\n", fx->notes[i]);
	fputs("---\n", out);
	fputs(text, out);
	free(text);
	return ferror(out) ? NP_EIO : 0;
}

static int write_format(FILE *out, const char *format, const struct np_fix *fx)
{
	return strcmp(format, "json") == 0 ? write_json(out, fx) : write_yaml(out, fx);
}

struct fix_job {
	const char *format;
	const struct np_fix *fx;
};

static int fix_job_write(FILE *f, void *ctx)
{
	struct fix_job *j = ctx;

	return write_format(f, j->format, j->fx);
}

/* Notes on stderr: the verb's own, and the problems of the source (pods,
 * namespaces or policies not read) that make the result incomplete. */
static void print_notes(struct np_io *io, const struct np_cli *cli, const struct np_fix *fx)
{
	size_t i;

	if (cli->quiet)
		return;
	for (i = 0; i < fx->n_notes; i++)
		np_print_errorf(io, "note: %s", fx->notes[i]);
}

int cmd_fix(int argc, char **argv, struct np_io *io)
{
	struct np_cli cli;
	struct np_error err;
	struct np_model m;
	struct np_fix fx;
	struct np_fix_options fo;
	bool check;
	int rc, code = NP_EXIT_OK;
	size_t i;

	np_cli_init(&cli);
	np_error_clear(&err);
	np_model_init(&m);
	memset(&fx, 0, sizeof(fx));
	memset(&fo, 0, sizeof(fo));

	if (np_cli_parse(&cli, &np_spec_fix, argc, argv, &err) < 0) {
		code = np_usage_error(io, "fix", &err);
		goto out;
	}
	if (cli.help) {
		np_help_verb(io->out, &np_spec_fix);
		goto out;
	}
	check = cli.verb_values[FLAG_CHECK].set && cli.verb_values[FLAG_CHECK].b;
	if ((rc = np_cli_load(&m, &cli, io, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}
	fo.scope.only_namespace = cli.namespace;
	fo.scope.n_globs = cli.n_exclude_globs;
	fo.scope.exclude_globs = cli.exclude_globs;
	fo.scope.exclude_system = cli.exclude_system;
	fo.scope.include_idle = cli.include_idle;
	fo.preserve = !(cli.verb_values[FLAG_NO_PRESERVE].set && cli.verb_values[FLAG_NO_PRESERVE].b);
	if (cli.controls_given) {
		fo.selected = cli.selected;
		fo.n_selected = cli.n_selected;
	}
	if ((rc = np_fix_build(&fx, &m, &fo, &err)) < 0) {
		np_print_error(io, &err);
		code = NP_EXIT_USAGE;
		goto out;
	}
	if (fx.incomplete)
		np_print_errorf(io, "incomplete: %s", fx.incomplete_why ? fx.incomplete_why : "");
	if (check) {
		code = fx.n || fx.incomplete ? NP_EXIT_FINDINGS : NP_EXIT_OK;
		goto out;
	}
	print_notes(io, &cli, &fx);
	rc = write_format(io->out, cli.output, &fx);
	if (rc == 0 && (fflush(io->out) != 0 || ferror(io->out)))
		rc = NP_EIO;
	if (rc < 0) {
		np_print_errorf(io, "write error%s", rc == NP_ENOMEM ? ": out of memory" : "");
		code = NP_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < cli.n_output_files; i++) {
		struct fix_job job = { cli.output_files[i].format, &fx };

		if ((rc = np_write_file_atomic(cli.output_files[i].path, fix_job_write, &job, &err)) < 0) {
			np_print_error(io, &err);
			code = NP_EXIT_USAGE;
			goto out;
		}
	}
	if (fx.incomplete)
		code = NP_EXIT_FINDINGS;
out:
	np_fix_release(&fx);
	np_model_release(&m);
	np_cli_release(&cli);
	return code;
}
