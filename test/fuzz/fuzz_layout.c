/* Fuzzes the layout detector (snapshot/layout.c): input lines are the entry
 * paths of a tree in reading order ("@" before a path marks a symlink), up
 * to a line "--"; what follows is the content given to every layout
 * metadata entry (troubleshoot errors files, auth-cani-list, sonobuoy meta).
 * Every entry is classified, one decoded entry in three is reported as
 * failed, and the availability the layout records must finish cleanly. */
#include "netpol/model.h"
#include "../../snapshot/load_internal.h"
#include "fuzz_common.h"

#define MAX_PATHS 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), *p, *aux = NULL;
	const char **paths = calloc(MAX_PATHS, sizeof(*paths));
	unsigned char *links = calloc(MAX_PATHS, 1);
	struct lay *lay = NULL;
	struct np_model m;
	struct np_error err;
	size_t n = 0, auxlen = 0, i;
	int rc;

	if (!s || !paths || !links)
		goto out;
	for (p = s; p && n < MAX_PATHS;) {
		char *e = strchr(p, '\n');

		if (e)
			*e = '\0';
		if (strcmp(p, "--") == 0) {
			aux = e ? e + 1 : NULL;
			break;
		}
		if (*p == '@') {
			links[n] = 1;
			p++;
		}
		if (*p)
			paths[n++] = p;
		p = e ? e + 1 : NULL;
	}
	if (aux)
		auxlen = strlen(aux);
	np_model_init(&m);
	rc = lay_new(&lay, &m, paths, links, n);
	check(rc == 0 || rc == NP_ENOMEM);
	if (rc == 0) {
		const char *name = lay_name(lay_get_kind(lay));

		check(name != NULL);
		for (i = 0; i < n; i++) {
			struct np_hint h;
			enum lay_action act;

			memset(&h, 0, sizeof(h));
			act = lay_classify(lay, i, &h);
			check(act == LA_SKIP || act == LA_DECODE || act == LA_SNIFF || act == LA_AUX);
			if (act == LA_DECODE) {
				check(h.layout != NULL);
				check(h.res >= -1 && h.res < NP_RES__COUNT);
				if (i % 3 == 0)
					lay_failed(lay, &h, "parseError", "fuzz");
			} else if (act == LA_AUX) {
				rc = lay_aux(lay, i, aux ? aux : "", auxlen, "fuzz");
				check(rc == 0 || rc == NP_ENOMEM);
			}
		}
		rc = lay_finish(lay, "fuzz");
		check(rc == 0 || rc == NP_ENOMEM);
		memset(&err, 0, sizeof(err));
		rc = np_model_finish(&m, &err);
		check_error(rc, &err);
	}
	lay_free(lay);
	np_model_release(&m);
out:
	free(s);
	free(paths);
	free(links);
	return 0;
}
