/* Times the phases of a matrix run in one process (bench/run, DESIGN §7):
 * reading the inputs into the model, np_model_finish, coverage and the
 * matrix, so the "100,000 pods x 10,000 policies" goal can be read apart
 * from the time it takes to read a 1.5 GB file. Prints one line per phase:
 * "phase wall_s cpu_s", then the model's size.
 *
 *   phases [--limit NAME=VALUE]... FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netpol/coverage.h"
#include "netpol/matrix.h"
#include "netpol/model.h"
#include "netpol/scope.h"
#include "netpol/snapshot.h"

struct clock_pair {
	struct timespec wall, cpu;
};

static void now(struct clock_pair *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->wall);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c->cpu);
}

static double secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void phase(const char *name, struct clock_pair *t0)
{
	struct clock_pair t1;

	now(&t1);
	printf("%s %.4f %.4f\n", name, secs(&t0->wall, &t1.wall), secs(&t0->cpu, &t1.cpu));
	*t0 = t1;
}

int main(int argc, char **argv)
{
	struct np_load_options lo;
	struct np_model m;
	struct np_coverage cov;
	struct np_matrix mx;
	struct np_matrix_options mo;
	struct np_scope scope;
	struct np_error err;
	struct clock_pair t;
	const char **files;
	size_t n = 0;
	int i, rc = 1;

	memset(&lo, 0, sizeof(lo));
	np_limits_default(&lo.limits);
	files = calloc((size_t)argc, sizeof(*files));
	if (!files)
		return 2;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			if (np_limits_set(&lo.limits, argv[++i], &err) < 0) {
				fprintf(stderr, "phases: %s\n", err.msg);
				return 2;
			}
		} else {
			files[n++] = argv[i];
		}
	}
	if (!n) {
		fprintf(stderr, "usage: phases [--limit NAME=VALUE]... FILE...\n");
		return 2;
	}
	memset(&cov, 0, sizeof(cov));
	memset(&mx, 0, sizeof(mx));
	memset(&mo, 0, sizeof(mo));
	memset(&scope, 0, sizeof(scope));
	np_error_clear(&err);
	np_model_init(&m);
	now(&t);
	if (np_snapshot_load(&m, files, n, &lo, &err) < 0)
		goto fail;
	phase("load", &t);
	if (np_model_finish(&m, &err) < 0)
		goto fail;
	phase("finish", &t);
	if (np_coverage_build(&cov, &m, &scope, false, &err) < 0)
		goto fail;
	phase("coverage", &t);
	if (np_matrix_build(&mx, &m, &cov, &scope, &mo, &err) < 0)
		goto fail;
	phase("matrix", &t);
	printf("pods %zu netpols %zu namespaces %zu\n", m.pods.n, m.netpols.n, m.namespaces.n);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "phases: %s%s%s\n", err.file, err.file[0] ? ": " : "", err.msg);
out:
	np_matrix_release(&mx);
	np_coverage_release(&cov);
	np_model_release(&m);
	free(files);
	return rc;
}
