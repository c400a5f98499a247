/* Fuzzes np_exec_credential_parse, the reader of an exec plugin's stdout.
 * The first byte picks the apiVersion the kubeconfig asked for. A failure is
 * NP_EAUTH whose message never quotes the content (it may hold secrets): the
 * harness plants a marker in the input and checks it never shows. */
#include "netpol/live.h"
#include "fuzz_common.h"

static const char *const versions[] = {
	"client.authentication.k8s.io/v1",
	"client.authentication.k8s.io/v1beta1",
	"client.authentication.k8s.io/v1alpha1",
	"",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_exec_result r;
	struct np_error err;
	int rc;

	if (size < 1)
		return 0;
	memset(&r, 0, sizeof(r));
	memset(&err, 0, sizeof(err));
	rc = np_exec_credential_parse(&r, (const char *)data + 1, size - 1, versions[data[0] & 3],
				      &err);
	check_error(rc, &err);
	if (rc == 0) {
		check(r.token != NULL || (r.cert != NULL && r.key != NULL));
		if (r.cert)
			check(r.cert_len > 0 && r.key_len > 0);
	} else {
		check(rc == NP_EAUTH || rc == NP_ENOMEM);
		check(strstr(err.msg, "SECRETMARK") == NULL);
	}
	np_exec_result_release(&r);
	return 0;
}
