/* `kubectl netpol help [VERB|rbac]`, every verb's --help, and the read-only
 * ClusterRole of DESIGN §3.2. Touches no network, libcurl or kubeconfig. */
#include <string.h>
#include "netpol/cli.h"

const struct np_cli_spec np_spec_help = {
	.verb = "help",
	.summary = "Help about a verb; 'help rbac' prints the read-only ClusterRole live mode needs",
	.usage = "Usage:\n"
		 "  kubectl netpol help [VERB|rbac]\n"
		 "\n"
		 "Without an argument lists the verbs; with a verb prints its --help; 'rbac'\n"
		 "prints a read-only ClusterRole granting exactly what live mode reads.\n",
	.groups = 0,
	.outputs = NULL,
	.flags = NULL,
	.max_args = 1,
};

/* follows the -o line, which names the verb's formats */
static const char output_flags[] =
	"      --output-file FORMAT=PATH    Also write a report in FORMAT to PATH (repeatable;\n"
	"                                   written to a temporary file, then renamed)\n"
	"      --no-headers                 Omit the report header and the table column headers\n"
	"      --color WHEN                 auto (default: a terminal, TERM not dumb, NO_COLOR\n"
	"                                   unset), always or never\n"
	"  -q, --quiet                      Table without findings and remediations\n"
	"  -v, -vv, -v=N                    Notes on stderr; from 2, requests and timings\n"
	"                                   (secrets redacted)\n"
	"      --semantics k8s|kics         Rule semantics (audit only; default k8s)\n";

static const char source_flags[] =
	"Source flags (offline when any -f is given, else live):\n"
	"  -f, --filename PATH              File, directory, archive, - (stdin) or a pipe;\n"
	"                                   repeatable\n"
	"  -n, --namespace NS               Only this namespace (offline: also the namespace of\n"
	"                                   objects lacking one)\n"
	"  -A, --all-namespaces             All namespaces (overrides -n)\n"
	"      --strict-inputs              A parse error in any walked file is fatal\n"
	"      --limit NAME=VALUE           Change an input limit (repeatable): total-bytes,\n"
	"                                   member-bytes, members, ratio, path-length, depth,\n"
	"                                   document-bytes, documents, aliases, nodes,\n"
	"                                   scalar-bytes\n";

static const char live_flags[] =
	"Live flags (kubectl's meanings):\n"
	"      --kubeconfig FILE            kubeconfig to use (no merging)\n"
	"      --context NAME               kubeconfig context\n"
	"      --cluster NAME               kubeconfig cluster\n"
	"      --user NAME                  kubeconfig user\n"
	"  -s, --server URL                 API server address\n"
	"      --token TOKEN                bearer token (visible in the process list)\n"
	"      --certificate-authority FILE CA bundle replacing the system roots\n"
	"      --client-certificate FILE    client certificate\n"
	"      --client-key FILE            client key\n"
	"      --tls-server-name NAME       server name for certificate verification\n"
	"      --insecure-skip-tls-verify   do not verify the server certificate\n"
	"      --as USER                    impersonate a user\n"
	"      --as-group GROUP             impersonate a group (repeatable)\n"
	"      --as-uid UID                 impersonate a UID\n"
	"      --username NAME              basic auth user name\n"
	"      --password PASSWORD          basic auth password\n"
	"      --request-timeout DURATION   per request (\"30s\", \"1m\", or seconds; 0 = none)\n"
	"      --disable-compression        do not ask for gzip responses\n"
	"      --timeout DURATION           whole run (default 10m)\n";

static const char controls_flags[] =
	"Control selection:\n"
	"      --controls IDS               Only these controls (comma-separated, repeatable,\n"
	"                                   case-insensitive, globs such as NP-2*)\n"
	"      --skip-controls IDS          Leave these controls out of the report\n";

static const char scope_flags[] =
	"Namespaces:\n"
	"      --exclude-namespaces GLOBS   Leave these namespaces out (comma-separated shell\n"
	"                                   globs, repeatable)\n"
	"      --exclude-system-namespaces  Also leave out kube-system, kube-public,\n"
	"                                   kube-node-lease, kube-flannel, calico-system,\n"
	"                                   calico-apiserver, tigera-operator, cilium,\n"
	"                                   gmp-system, gmp-public, openshift, openshift-*\n"
	"      --include-idle-workloads     Count workloads scaled to zero as template pods\n";

static const char audit_flags[] =
	"Audit flags:\n"
	"      --fail-on LEVEL              none|low|medium|high|critical (default low): exit 1\n"
	"                                   on a FAIL at or above LEVEL, or any ERROR\n"
	"      --fail-on-warn               WARN at or above --fail-on also gives exit 1\n"
	"      --exceptions FILE            Accepted findings (kubectl-netpol/v1 Exceptions;\n"
	"                                   repeatable)\n"
	"      --baseline REPORT.json       Findings of an earlier -o json report do not fail\n";

void np_help_main(FILE *out)
{
	size_t n = 0;
	const struct np_command *cmds = np_commands(&n);

	fputs("kubectl-netpol audits Kubernetes NetworkPolicy on live clusters or exported\n"
	      "cluster state: CIS-style verdicts, the objects that fail, and what to apply.\n"
	      "\n"
	      "Usage:\n"
	      "  kubectl netpol VERB [flags]\n"
	      "\n"
	      "Verbs:\n", out);
	for (size_t i = 0; i < n; i++) {
		if (cmds[i].spec->hidden)
			continue;
		fprintf(out, "  %-12s%s\n", cmds[i].name, cmds[i].spec->summary);
	}
	fputs("\n"
	      "Run 'kubectl netpol VERB --help' for the flags of a verb, and\n"
	      "'kubectl netpol help rbac' for the read-only ClusterRole live mode needs.\n", out);
}

void np_help_verb(FILE *out, const struct np_cli_spec *spec)
{
	fprintf(out, "%s\n\n%s", spec->summary, spec->usage);
	if (spec->flags && spec->flags[0].name) {
		fputs("\nFlags:\n", out);
		for (size_t i = 0; spec->flags[i].name; i++) {
			const struct np_flag *f = &spec->flags[i];
			char left[64];
			if (f->short_name)
				snprintf(left, sizeof(left), "-%c, --%s%s%s", f->short_name, f->name,
					 f->metavar ? " " : "", f->metavar ? f->metavar : "");
			else
				snprintf(left, sizeof(left), "    --%s%s%s", f->name, f->metavar ? " " : "",
					 f->metavar ? f->metavar : "");
			fprintf(out, "  %-31s  %s\n", left, f->help ? f->help : "");
		}
	}
	if (spec->groups & NP_CLI_AUDIT)
		fprintf(out, "\n%s", audit_flags);
	if (spec->groups & NP_CLI_CONTROLS)
		fprintf(out, "\n%s", controls_flags);
	if (spec->groups & NP_CLI_SCOPE)
		fprintf(out, "\n%s", scope_flags);
	if (spec->groups & NP_CLI_SOURCE)
		fprintf(out, "\n%s", source_flags);
	if (spec->groups & NP_CLI_LIVE)
		fprintf(out, "\n%s", live_flags);
	if (spec->groups & NP_CLI_OUTPUT) {
		char list[256] = "";
		for (size_t i = 0; spec->outputs && spec->outputs[i]; i++) {
			size_t l = strlen(list);
			snprintf(list + l, sizeof(list) - l, "%s%s", i ? "|" : "", spec->outputs[i]);
		}
		fputc('\n', out);
		fprintf(out, "Output flags:\n"
			"  -o, --output FORMAT              Output format: %s%s%s%s\n",
			list[0] ? list : "none", spec->outputs ? " (default " : "",
			spec->outputs ? spec->outputs[0] : "", spec->outputs ? ")" : "");
		fputs(output_flags, out);
	}
	fputs("\nGlobal flags:\n"
	      "  -h, --help                       Help for this verb\n", out);
}

void np_help_rbac(FILE *out)
{
	fputs("# Read-only access for kubectl-netpol (DESIGN: what live mode fetches).\n"
	      "# Bind it with a ClusterRoleBinding for cluster-wide audits; a tenant with a\n"
	      "# RoleBinding in one namespace can still run `audit -n NS --controls NP-103,NP-201`.\n"
	      "# ConfigMaps: only the CNI configurations, listed by name in kube-system,\n"
	      "# kube-flannel, calico-system and cilium; never all ConfigMaps.\n"
	      "apiVersion: rbac.authorization.k8s.io/v1\n"
	      "kind: ClusterRole\n"
	      "metadata:\n"
	      "  name: kubectl-netpol-reader\n"
	      "  labels:\n"
	      "    app.kubernetes.io/name: kubectl-netpol\n"
	      "rules:\n"
	      "# discovery: which policy CRDs exist\n"
	      "- nonResourceURLs: [\"/api\", \"/api/*\", \"/apis\", \"/apis/*\"]\n"
	      "  verbs: [\"get\"]\n"
	      "- apiGroups: [\"\"]\n"
	      "  resources: [\"pods\", \"namespaces\", \"nodes\", \"services\"]\n"
	      "  verbs: [\"list\"]\n"
	      "- apiGroups: [\"networking.k8s.io\"]\n"
	      "  resources: [\"networkpolicies\", \"ingresses\"]\n"
	      "  verbs: [\"list\"]\n"
	      "- apiGroups: [\"apps\"]\n"
	      "  resources: [\"daemonsets\", \"deployments\", \"replicasets\", \"statefulsets\"]\n"
	      "  verbs: [\"list\"]\n"
	      "- apiGroups: [\"batch\"]\n"
	      "  resources: [\"jobs\", \"cronjobs\"]\n"
	      "  verbs: [\"list\"]\n"
	      "# CNI configuration, listed with fieldSelector=metadata.name=NAME\n"
	      "- apiGroups: [\"\"]\n"
	      "  resources: [\"configmaps\"]\n"
	      "  resourceNames: [\"kube-flannel-cfg\", \"calico-config\", \"canal-config\", \"cilium-config\",\n"
	      "    \"amazon-vpc-cni\", \"antrea-config\", \"kube-router-cfg\"]\n"
	      "  verbs: [\"list\"]\n"
	      "- apiGroups: [\"cilium.io\"]\n"
	      "  resources: [\"ciliumnetworkpolicies\", \"ciliumclusterwidenetworkpolicies\"]\n"
	      "  verbs: [\"list\"]\n"
	      "- apiGroups: [\"projectcalico.org\", \"crd.projectcalico.org\"]\n"
	      "  resources: [\"networkpolicies\", \"globalnetworkpolicies\"]\n"
	      "  verbs: [\"list\"]\n"
	      "- apiGroups: [\"policy.networking.k8s.io\"]\n"
	      "  resources: [\"adminnetworkpolicies\", \"baselineadminnetworkpolicies\",\n"
	      "    \"clusternetworkpolicies\"]\n"
	      "  verbs: [\"list\"]\n"
	      "- apiGroups: [\"networking.k8s.aws\"]\n"
	      "  resources: [\"policyendpoints\"]\n"
	      "  verbs: [\"list\"]\n"
	      "- apiGroups: [\"operator.openshift.io\"]\n"
	      "  resources: [\"networks\"]\n"
	      "  verbs: [\"list\"]\n"
	      "- apiGroups: [\"admissionregistration.k8s.io\"]\n"
	      "  resources: [\"validatingwebhookconfigurations\", \"mutatingwebhookconfigurations\"]\n"
	      "  verbs: [\"list\"]\n"
	      "- apiGroups: [\"apiregistration.k8s.io\"]\n"
	      "  resources: [\"apiservices\"]\n"
	      "  verbs: [\"list\"]\n", out);
}

int cmd_help(int argc, char **argv, struct np_io *io)
{
	struct np_cli cli;
	struct np_error err;
	int code = NP_EXIT_OK;

	np_cli_init(&cli);
	np_error_clear(&err);
	if (np_cli_parse(&cli, &np_spec_help, argc, argv, &err) < 0) {
		code = np_usage_error(io, "help", &err);
		goto out;
	}
	if (cli.help || cli.n_args == 0) {
		if (cli.help)
			np_help_verb(io->out, &np_spec_help);
		else
			np_help_main(io->out);
	} else if (strcmp(cli.args[0], "rbac") == 0) {
		np_help_rbac(io->out);
	} else {
		const struct np_command *c = np_command_find(cli.args[0]);
		if (!c) {
			np_error_set(&err, NP_EUSAGE, "unknown help topic \"%.200s\"", cli.args[0]);
			code = np_usage_error(io, "help", &err);
			goto out;
		}
		np_help_verb(io->out, c->spec);
	}
	if (fflush(io->out) != 0 || ferror(io->out)) {
		np_print_errorf(io, "write error");
		code = NP_EXIT_USAGE;
	}
out:
	np_cli_release(&cli);
	return code;
}
