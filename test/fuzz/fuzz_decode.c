/* Fuzzes what happens to a document after it parses: np_decode_buffer on
 * JSON, YAML, CNI configs and Terraform plan JSON into the model (every
 * kind's decoder, wrong types everywhere), np_model_finish (duplicates,
 * owners, template pods) and the whole control catalog (np_audit_run). The
 * first byte picks the layout hint and the semantics. */
#include "netpol/audit.h"
#include "netpol/model.h"
#include "netpol/report.h"
#include "netpol/snapshot.h"
#include "fuzz_common.h"

static const struct np_hint hints[] = {
	{ "generic", -1, NULL, NULL, NULL, false },
	{ "generic", -1, NULL, NULL, NULL, true },
	{ "troubleshoot", NP_RES_PODS, "team-a", "Pod", "v1", false },
	{ "troubleshoot", NP_RES_NETWORKPOLICIES, "team-a", "NetworkPolicy", "networking.k8s.io/v1",
	  false },
	{ "troubleshoot", NP_RES_NAMESPACES, NULL, "Namespace", "v1", false },
	{ "cluster-info-dump", NP_RES_DEPLOYMENTS, "default", "Deployment", "apps/v1", false },
	{ "sonobuoy", NP_RES_CONFIGMAPS, "kube-system", "ConfigMap", "v1", false },
	{ "velero", NP_RES_SERVICES, "web", "Service", "v1", false },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_load_options opt;
	struct np_audit_options aopt;
	struct np_report r;
	struct np_error err;
	struct np_model m;
	char *buf;
	int rc;

	if (size < 1 || !(buf = fuzz_strndup(data + 1, size - 1)))
		return 0;
	memset(&opt, 0, sizeof(opt));
	np_limits_default(&opt.limits);
	opt.limits.decode.max_nodes = 100000;
	opt.limits.decode.max_alias_expansions = 1000;
	opt.kics = data[0] & 0x80;
	opt.default_namespace = (data[0] & 0x40) ? "team-a" : NULL;
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	rc = np_decode_buffer(&m, buf, size - 1, "fuzz.yaml", (data[0] & 0x20) ? "m/x.json" : NULL,
			      &hints[data[0] % (sizeof(hints) / sizeof(hints[0]))], &opt, &err);
	check_error(rc, &err);
	check(rc == 0 || rc == NP_EPARSE || rc == NP_ELIMIT || rc == NP_ENOMEM || rc == NP_EINVAL);
	if (rc == 0 && (rc = np_model_finish(&m, &err)) == 0) {
		memset(&aopt, 0, sizeof(aopt));
		aopt.kics = opt.kics;
		aopt.today = "2025-01-01";
		np_report_init(&r);
		rc = np_audit_run(&r, &m, &aopt, &err);
		check_error(rc, &err);
		np_report_release(&r);
	}
	check_error(rc, &err);
	np_model_release(&m);
	free(buf);
	return 0;
}
