/* np_snapshot_load: every -f input in order, the parse-error policy (fatal
 * for named files and --strict-inputs, else a warning that makes the
 * resource unreadable in a snapshot layout) and the "nothing recognised"
 * check (DESIGN §2.4, §3.1). */
#include <stdio.h>
#include <string.h>

#include "netpol/model.h"
#include "netpol/terraform.h"
#include "load_internal.h"

static const char *res_name(int res)
{
	return res >= 0 && res < NP_RES__COUNT ? np_resource_name((enum np_resource)res) : NULL;
}

void ld_warn_file(struct ld *ld, struct lay *lay, const struct np_hint *hint, const char *reason,
		  const char *file, const char *member, const char *msg)
{
	char line[2048];

	if (member)
		snprintf(line, sizeof(line), "%s: %s", member, msg);
	else
		snprintf(line, sizeof(line), "%s", msg);
	np_model_warn(ld->m, res_name(hint->res), hint->namespace, reason, file, "%s", line);
	lay_failed(lay, hint, reason, line);
}

int ld_decode(struct ld *ld, struct lay *lay, char *buf, size_t len, const char *file,
	      const char *member, const struct np_hint *hint)
{
	struct np_error e;
	char msg[2048];
	size_t before;
	struct lay_mark mark;
	int rc;

	memset(&e, 0, sizeof(e));
	before = ld->m->n_objects;
	lay_mark_objects(ld->m, &mark);
	if (np_tf_is_hcl(member ? member : file, buf, len))
		rc = np_tf_decode_hcl(ld->m, buf, len, file, member, ld->opt, &e);
	else
		rc = np_decode_buffer(ld->m, buf, len, file, member, hint, ld->opt, &e);
	if (ld->m->n_objects > before)
		lay_note_objects(lay, ld->m, &mark);
	if (rc == 0)
		return 0;
	if (rc == NP_ENOMEM || rc == NP_ELIMIT || hint->named || ld->opt->strict_inputs) {
		if (ld->err) {
			*ld->err = e;
			ld->err->code = rc;
			/* the decoders name what they were given: for a member
			 * that is the member path, so put the archive first */
			if (file && (member || !ld->err->file[0]))
				snprintf(ld->err->file, sizeof(ld->err->file), "%s", file);
			if (member)
				snprintf(ld->err->member, sizeof(ld->err->member), "%s", member);
		}
		return rc;
	}
	/* the message without the file, which the warning's source carries */
	if (e.line > 0)
		snprintf(msg, sizeof(msg), "%s%s%d:%d: %s", member ? member : "", member ? ":" : "",
			 e.line, e.column, e.msg);
	else
		snprintf(msg, sizeof(msg), "%s%s%s", member ? member : "", member ? ": " : "", e.msg);
	np_model_warn(ld->m, res_name(hint->res), hint->namespace, "parseError", file, "%s", msg);
	lay_failed(lay, hint, "parseError", msg);
	return 0;
}

int np_snapshot_load(struct np_model *m, const char *const *paths, size_t n_paths,
		     const struct np_load_options *opt, struct np_error *err)
{
	struct np_load_options defaults;
	struct ld ld;
	size_t before = m->n_objects, i;
	char list[512];
	size_t used = 0;
	int rc;

	if (!opt) {
		memset(&defaults, 0, sizeof(defaults));
		np_limits_default(&defaults.limits);
		opt = &defaults;
	}
	memset(&ld, 0, sizeof(ld));
	ld.m = m;
	ld.opt = opt;
	ld.lim = &opt->limits;
	ld.err = err;
	m->kics = opt->kics;
	for (i = 0; i < n_paths; i++) {
		struct np_input rec, *slot;

		if ((rc = ld_input(&ld, paths[i], &rec)))
			return rc;
		if (!(slot = np_model_push_input(m)))
			return np_error_set(err, NP_ENOMEM, "out of memory");
		*slot = rec;
	}
	if (m->n_objects > before)
		return 0;
	list[0] = '\0';
	for (i = 0; i < n_paths && used < sizeof(list) - 1; i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
				 strcmp(paths[i], "-") == 0 ? "<stdin>" : paths[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return np_error_set(err, NP_EEMPTY,
			    "no Kubernetes object, CNI config or Terraform resource found in %s",
			    n_paths ? list : "the inputs");
}
