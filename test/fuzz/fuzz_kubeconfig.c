/* Fuzzes kubeconfig resolution (np_kubeconfig_load) on a file holding the
 * input, then what a run does next with the result: the bearer token and
 * KUBERNETES_EXEC_INFO. The first byte picks how the file is named
 * (--kubeconfig, or $KUBECONFIG listing it twice so the merge runs) and
 * whether --context/--user/--cluster flags are set. The file lives in a
 * private temporary directory, so relative paths in it resolve there. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <unistd.h>

#include "netpol/live.h"
#include "fuzz_common.h"

static char dir[64], path[96], twice[200];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_live_options opt;
	struct np_kubeconfig_env env;
	struct np_kubeconfig *kc = NULL;
	struct np_error err;
	FILE *f;
	int rc;

	if (size < 1)
		return 0;
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/np-fuzz-kc-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/config", dir);
		snprintf(twice, sizeof(twice), "%s:%s", path, path);
		atexit(cleanup);
	}
	if (!(f = fopen(path, "wb")))
		abort();
	if (fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0)
		abort();
	memset(&opt, 0, sizeof(opt));
	memset(&env, 0, sizeof(env));
	env.home = dir;
	if (data[0] & 1)
		env.kubeconfig = twice;
	else
		opt.kubeconfig = path;
	if (data[0] & 2)
		opt.context = "ctx";
	if (data[0] & 4)
		opt.user = "u";
	if (data[0] & 8)
		opt.cluster = "c";
	if (data[0] & 16)
		opt.server = "https://[::1]:6443/k8s/clusters/c-x";
	if (data[0] & 32)
		opt.token = "SECRETMARK";
	memset(&err, 0, sizeof(err));
	rc = np_kubeconfig_load(&kc, &opt, &env, &err);
	check_error(rc, &err);
	check(rc == 0 || rc == NP_EUSAGE || rc == NP_ENOMEM || rc == NP_EIO || rc == NP_EAUTH ||
	      rc == NP_ENOTFOUND || rc == NP_ELIMIT);
	/* the --token value never shows (the file itself may quote it anywhere) */
	if (!memmem(data, size, "SECRETMARK", 10))
		check(strstr(err.msg, "SECRETMARK") == NULL);
	if (rc == 0) {
		char *tok = NULL, *info = NULL;

		check(kc != NULL && kc->server != NULL);
		rc = np_kubeconfig_token(&tok, kc, &err);
		check_error(rc, &err);
		np_secret_free(tok);
		if (kc->has_exec) {
			rc = np_exec_credential_info(&info, kc, data[0] & 64, &err);
			check_error(rc, &err);
			free(info);
		}
	}
	np_kubeconfig_free(kc);
	return 0;
}
