/* The internal API between the files of cmd/: argument parsing shared by
 * every verb, the verb table, output helpers (escaping, colour, YAML, atomic
 * report files) and the audit report renderers. cmd/ is the only code that
 * prints; everything here except main() lives in the core library so unit
 * tests can drive it.
 *
 * Adding a verb: write cmd/cmd_<name>.c with `int cmd_<name>(int argc, char
 * **argv, struct np_io *io)` and a `const struct np_cli_spec np_spec_<name>`,
 * declare both below, and add one line to the sorted table in cmd/args.c. */
#ifndef NETPOL_CLI_H
#define NETPOL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "netpol/error.h"
#include "netpol/live.h"
#include "netpol/snapshot.h"
#include "netpol/report.h"
#include "netpol/audit.h"
#include "netpol/explain.h"
#include "netpol/reach.h"

/* Where users find the project (SARIF informationUri; krew/release.sh has
 * the same default for the manifest's homepage). */
#ifndef NP_HOMEPAGE
#define NP_HOMEPAGE "https://github.com/kubectl-netpol/kubectl-netpol"
#endif

/* Exit codes (DESIGN §2.4). */
enum np_exit { NP_EXIT_OK = 0, NP_EXIT_FINDINGS = 1, NP_EXIT_USAGE = 2, NP_EXIT_NET = 3 };
/* Maps a negative NP_E* code to an exit code: NP_ENET/NP_EAUTH → 3, others → 2, 0 → 0. */
int np_exit_code(int np_code);

/* Where a verb writes. main() fills it from stdout/stderr; tests pass memory
 * streams. Borrowed. */
struct np_io {
	FILE *out, *err;
	bool out_tty;   /* stdout is a terminal: colour auto, truncation */
	bool err_tty;   /* stderr is a terminal: progress line */
	int width;      /* terminal columns when out_tty, else 0 */
};
/* Fills io from the process's stdout/stderr (isatty, TIOCGWINSZ, COLUMNS). */
void np_io_from_stdio(struct np_io *io);

/* ---- flags ---- */

/* Flag groups a verb accepts (struct np_cli_spec.groups). */
enum {
	NP_CLI_OUTPUT   = 1u << 0, /* -o, --output-file, --no-headers, --color, -q, -v, --semantics */
	NP_CLI_SOURCE   = 1u << 1, /* -f, -n, -A, --limit, --strict-inputs */
	NP_CLI_LIVE     = 1u << 2, /* --kubeconfig ... --timeout (§2.1) */
	NP_CLI_CONTROLS = 1u << 3, /* --controls, --skip-controls */
	NP_CLI_SCOPE    = 1u << 4, /* --exclude-namespaces, --exclude-system-namespaces, --include-idle-workloads */
	NP_CLI_AUDIT    = 1u << 5, /* --fail-on, --fail-on-warn, --exceptions, --baseline */
};

enum np_flag_kind {
	NP_FLAG_BOOL,   /* --x, --x=true|false */
	NP_FLAG_STRING, /* --x V, --x=V; the last one wins */
	NP_FLAG_LIST,   /* repeatable: every value kept in order */
};

/* A verb's own flag (matrix -l, explain --from, ...). Values land in
 * np_cli.verb_values[i] for spec->flags[i]. */
struct np_flag {
	const char *name;     /* long name without "--" */
	char short_name;      /* 0 if none */
	enum np_flag_kind kind;
	const char *metavar;  /* "SELECTOR"; NULL for bool */
	const char *help;     /* one line */
};

#define NP_CLI_MAX_VERB_FLAGS 16

struct np_flag_value {
	bool set;
	bool b;               /* NP_FLAG_BOOL */
	const char *s;        /* NP_FLAG_STRING: borrowed from argv */
	size_t n;             /* NP_FLAG_LIST */
	const char **list;    /* owned by the np_cli; strings borrowed from argv */
};

struct np_cli_spec {
	const char *verb;
	const char *summary;        /* one line for `help` */
	const char *usage;          /* verb part of --help: synopsis, description, own flags */
	unsigned groups;            /* NP_CLI_* */
	const char *const *outputs; /* NULL-terminated -o values; [0] is the default; NULL = none */
	const struct np_flag *flags;/* verb flags, terminated by {0}; may be NULL */
	int max_args;               /* positional arguments allowed; -1 = any */
	bool hidden;                /* not listed by help (__complete) */
};

enum np_color { NP_COLOR_AUTO, NP_COLOR_ALWAYS, NP_COLOR_NEVER };

struct np_output_file {
	const char *format;   /* validated against spec->outputs */
	const char *path;
};

/* Everything a command line can say. Strings are borrowed from argv unless
 * noted; argv must outlive the np_cli. */
struct np_cli {
	const struct np_cli_spec *spec;
	bool help;                    /* -h/--help seen: print usage, exit 0 */
	/* positional arguments, in order */
	size_t n_args;
	const char **args;

	/* §2.2 global output options */
	const char *output;           /* -o (spec default when not given) */
	bool output_given;
	size_t n_output_files;
	struct np_output_file *output_files;
	bool no_headers;
	enum np_color color;
	bool quiet;
	int verbosity;                /* -v = 1, -vv = 2, -v=N */
	const char *semantics;        /* "k8s" (default) or "kics" */
	bool kics;

	/* §2.1 sources */
	size_t n_files;
	const char **files;           /* -f, repeatable */
	const char *namespace;        /* -n (NULL when -A or not given) */
	bool all_namespaces;          /* -A */
	bool strict_inputs;
	struct np_limits limits;      /* np_limits_default + every --limit */
	struct np_live_options live;  /* live flags; live.as_groups owned by the np_cli */

	/* --controls / --skip-controls, resolved against the catalog */
	size_t n_controls_patterns, n_skip_patterns;
	const char **controls_patterns; /* split, owned copies */
	const char **skip_patterns;
	size_t n_selected;            /* ids to run, catalog order (static strings) */
	const char **selected;
	size_t n_skipped;             /* catalog ids not run */
	const char **skipped;
	bool controls_given;          /* either flag given */

	/* scope */
	size_t n_exclude_globs;
	const char **exclude_globs;   /* split, owned copies */
	bool exclude_system;
	bool include_idle;

	/* audit */
	int fail_on;                  /* enum np_severity, or -1 for "none" */
	const char *fail_on_name;     /* "low" by default */
	bool fail_on_warn;
	size_t n_exceptions;
	const char **exceptions;      /* --exceptions FILE, repeatable */
	const char *baseline;

	/* spec->flags values */
	struct np_flag_value verb_values[NP_CLI_MAX_VERB_FLAGS];

	/* owned copies (split lists) freed by np_cli_release */
	size_t n_owned;
	char **owned;
};

/* A flag a verb accepts, as completion and the documentation checks see it.
 * Strings are static. */
struct np_flag_info {
	const char *name;      /* long name without "--" ("v" for -v) */
	char short_name;       /* 0 if none */
	enum np_flag_kind kind;
	bool optional_value;   /* -v: -v, -vv and -v=N */
	const char *metavar;   /* verb flags: their metavar, else NULL */
	const char *help;      /* verb flags: their help, else NULL */
};
/* The flags spec accepts: its own, then the global ones of its groups
 * (-h/--help always); spec NULL lists every global flag. Writes at most max
 * entries and returns how many there are. */
size_t np_cli_flags(const struct np_cli_spec *spec, struct np_flag_info *out, size_t max);

void np_cli_init(struct np_cli *cli);
void np_cli_release(struct np_cli *cli);

/* Parses argv[1..argc-1] (argv[0] is the verb) against spec. Returns 0, or
 * NP_EUSAGE with a one-line message in err (unknown flag, missing or bad
 * value, -o value not in spec->outputs, unknown control id, too many
 * arguments). On -h/--help sets cli->help and stops. --controls and
 * --skip-controls are resolved into cli->selected/skipped. */
int np_cli_parse(struct np_cli *cli, const struct np_cli_spec *spec, int argc, char **argv,
		 struct np_error *err);

/* Go/kubectl duration ("1m30s", "500ms", "2h", plain seconds "30") → ms.
 * Non-zero values below 1 ms round up to 1 ms. NP_EUSAGE on bad syntax,
 * negative values or overflow. */
int np_parse_duration(const char *s, long long *out_ms, struct np_error *err);

/* Matches a control pattern (id or glob) against an id, case-insensitively. */
bool np_control_pattern_matches(const char *pattern, const char *id);

/* Whether colour is on for cli->color given io and the environment. */
bool np_color_enabled(const struct np_cli *cli, const struct np_io *io);

/* Prints "kubectl-netpol: <msg>" (escaped, one line) to io->err. */
void np_print_error(struct np_io *io, const struct np_error *err);
void np_print_errorf(struct np_io *io, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Usage error: the message plus a pointer to the verb's help. Returns NP_EXIT_USAGE. */
int np_usage_error(struct np_io *io, const char *verb, const struct np_error *err);

/* ---- verbs ---- */

struct np_command {
	const char *name;
	int (*fn)(int argc, char **argv, struct np_io *io);
	const struct np_cli_spec *spec;
};
/* The verb table, sorted by name; *n receives its length. */
const struct np_command *np_commands(size_t *n);
const struct np_command *np_command_find(const char *name);

/* Whole program: argv[0] is the program; returns the exit code. Does not
 * close the streams. */
int np_cli_main(int argc, char **argv, struct np_io *io);

int cmd___complete(int argc, char **argv, struct np_io *io);
int cmd_audit(int argc, char **argv, struct np_io *io);
int cmd_cni(int argc, char **argv, struct np_io *io);
int cmd_completion(int argc, char **argv, struct np_io *io);
int cmd_explain(int argc, char **argv, struct np_io *io);
int cmd_help(int argc, char **argv, struct np_io *io);
int cmd_matrix(int argc, char **argv, struct np_io *io);
int cmd_snapshot(int argc, char **argv, struct np_io *io);
int cmd_version(int argc, char **argv, struct np_io *io);
extern const struct np_cli_spec np_spec___complete;
extern const struct np_cli_spec np_spec_audit;
extern const struct np_cli_spec np_spec_cni;
extern const struct np_cli_spec np_spec_completion;
extern const struct np_cli_spec np_spec_explain;
extern const struct np_cli_spec np_spec_help;
extern const struct np_cli_spec np_spec_matrix;
extern const struct np_cli_spec np_spec_snapshot;
extern const struct np_cli_spec np_spec_version;
/* Addition (reachability): the reach verb (cmd/cmd_reach.c). */
int cmd_reach(int argc, char **argv, struct np_io *io);
extern const struct np_cli_spec np_spec_reach;

/* Addition (fix issue): the fix verb (cmd/cmd_fix.c). */
int cmd_fix(int argc, char **argv, struct np_io *io);
extern const struct np_cli_spec np_spec_fix;

/* `completion SHELL` scripts (cmd/cmd_completion.c): "bash", "zsh", "fish"
 * or "kubectl" (the kubectl_complete-netpol shim); NULL for another name. */
const char *np_completion_script(const char *shell);
/* Whether __complete may ask the live cluster for namespaces (default true).
 * The fuzz harness turns it off: fuzzed words must never reach a network. */
extern bool np_complete_live;

/* Prints the top-level help, a verb's --help, or the RBAC ClusterRole. */
void np_help_main(FILE *out);
void np_help_verb(FILE *out, const struct np_cli_spec *spec);
void np_help_rbac(FILE *out);

/* ---- loading a source (shared by verbs that read cluster state) ---- */

/* Loads -f inputs (offline) or the live cluster into m and finishes the
 * model. Returns 0 or a negative NP_E* with err set; NP_EEMPTY when no
 * recognised object was read offline. */
int np_cli_load(struct np_model *m, const struct np_cli *cli, struct np_io *io,
		struct np_error *err);
/* Current time as RFC 3339 UTC into buf (honours SOURCE_DATE_EPOCH); the
 * date part (YYYY-MM-DD) is the first 10 characters. */
void np_now_rfc3339(char buf[32]);

/* ---- text helpers (cmd/out.c) ---- */

struct np_strbuf {
	char *s;      /* NUL-terminated; owned */
	size_t len, cap;
	bool oom;
};
void np_strbuf_init(struct np_strbuf *b);
void np_strbuf_release(struct np_strbuf *b);
void np_strbuf_add(struct np_strbuf *b, const char *s, size_t len);
void np_strbuf_puts(struct np_strbuf *b, const char *s);
void np_strbuf_printf(struct np_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Decodes one UTF-8 sequence at s (len > 0). Returns the bytes consumed;
 * an invalid sequence gives *cp = 0xFFFD and the length of its maximal
 * valid prefix (at least 1). */
size_t np_utf8_next(const unsigned char *s, size_t len, unsigned *cp, bool *valid);
/* True when s is valid UTF-8 (no overlongs, surrogates, > U+10FFFF). */
bool np_utf8_valid(const char *s, size_t len);
/* Appends s with invalid UTF-8 replaced by U+FFFD. */
void np_utf8_sanitize(struct np_strbuf *b, const char *s, size_t len);

/* Terminal-safe text (DESIGN §8): C0 controls, DEL, ESC, C1 and bidi
 * controls become \n, \t, \xNN or \uNNNN; invalid UTF-8 bytes become \xNN.
 * With NP_ESC_KEEP_NEWLINES, \n and \t pass (multi-line remediations). */
enum { NP_ESC_KEEP_NEWLINES = 1 };
void np_escape_term(struct np_strbuf *b, const char *s, unsigned flags);
/* Display width in code points (escaped text is valid UTF-8). */
size_t np_text_width(const char *s);

/* YAML from a JSON tree: block style, key order kept, nulls kept, strings
 * quoted when YAML would read them otherwise. Returns 0 or NP_EIO. */
int np_yaml_emit(FILE *out, const json_t *root);
/* The same into a strbuf (tests). */
void np_yaml_emit_buf(struct np_strbuf *b, const json_t *root);

/* A JSON string value from possibly invalid UTF-8 (U+FFFD); json_null() for
 * NULL. New reference (NULL only on ENOMEM). */
json_t *np_json_str(const char *s);
/* Writes root as indented JSON plus a newline. 0 or NP_EIO. */
int np_json_emit(FILE *out, const json_t *root);

/* Writes a file through a temporary sibling and rename(2). fn writes the
 * content; its return value (0 or NP_E*) is kept. Write errors → NP_EIO. */
int np_write_file_atomic(const char *path, int (*fn)(FILE *f, void *ctx), void *ctx,
			 struct np_error *err);

/* ---- audit report rendering (cmd/out_json.c, cmd/out_table.c) ---- */

/* What the renderers need besides the report. All borrowed. */
struct np_out_ctx {
	const struct np_report *r;
	const struct np_model *m;   /* warnings, errors, availability, inputs, server/context */
	const char *mode;           /* "offline" / "live" */
	const char *generated_at;   /* RFC 3339 */
	size_t n_extra_warnings;    /* from cmd: expired exceptions, ... */
	const struct np_diag *extra_warnings;
	/* table options */
	bool color, quiet, no_headers, wide;
	int width;                  /* truncate table cells to this width (0 = never) */
	/* Additions (ecosystem): the run's namespace scope (html heat map; NULL =
	 * every namespace), and where the complete report was also written (the
	 * first --output-file of another format; NULL if none), which a cut
	 * markdown report points to. */
	const struct np_scope *scope;
	const char *full_report;
};

/* The AuditReport tree of DESIGN §6.2 (new reference in *out). */
int np_report_json(json_t **out, const struct np_out_ctx *o);
/* The CNIReport tree for `cni -o json|yaml`. */
int np_cni_report_json(json_t **out, const struct np_out_ctx *o);
/* The combined, sorted, de-duplicated errors[] (model errors plus
 * availability that is not read) and warnings[] (model and extra warnings). */
json_t *np_diag_json_errors(const struct np_out_ctx *o);
json_t *np_diag_json_warnings(const struct np_out_ctx *o);

/* table / wide (DESIGN §6.1). 0 or NP_EIO. */
int np_report_table(FILE *out, const struct np_out_ctx *o);
int np_cni_table(FILE *out, const struct np_out_ctx *o);

/* The report formats audit knows, for -o and --output-file. Adding a
 * format (markdown, sarif, junit, html) is one line in cmd/cmd_audit.c
 * (AUDIT_FORMATS). */
struct np_report_format {
	const char *name;
	int (*write)(FILE *out, const struct np_out_ctx *o);
};
const struct np_report_format *np_report_format_find(const char *name);

/* The other audit formats (DESIGN §6.3); each escapes what inputs could
 * inject (§8). 0, NP_ENOMEM or NP_EIO. */
/* markdown: a PR comment, cut at NP_MARKDOWN_MAX bytes with a pointer to the
 * full report (o->full_report). */
#define NP_MARKDOWN_MAX 65000
int np_report_markdown(FILE *out, const struct np_out_ctx *o);
/* sarif: SARIF 2.1.0, a rule per control, a result per FAIL/WARN finding. */
int np_report_sarif(FILE *out, const struct np_out_ctx *o);
/* junit: a testcase per control. */
int np_report_junit(FILE *out, const struct np_out_ctx *o);
/* html: one self-contained page with the coverage heat map. */
int np_report_html(FILE *out, const struct np_out_ctx *o);
/* Markdown inline text: controls made visible, and | ` < > [ ] @ and the
 * other characters Markdown or GitHub would act on escaped. */
void np_markdown_escape(struct np_strbuf *b, const char *s);
/* XML 1.0 character data or attribute value: & < > " ' as entities,
 * controls and bidi overrides made visible (so nothing XML 1.0 forbids is
 * written), invalid UTF-8 bytes as \xNN. keep_newlines keeps newlines and tabs. */
void np_xml_escape(struct np_strbuf *b, const char *s, bool keep_newlines);

/* Exit code of an audit (0 or 1) from its report, --fail-on and --fail-on-warn. */
int np_audit_exit_code(const struct np_report *r, int fail_on, bool fail_on_warn, bool kics);

/* ---- PEER arguments and traffic (cmd/cmd_reach.c, cmd/cmd_explain_traffic.c;
 * addition, reachability issue) ---- */

/* A PEER (DESIGN §2.3), tried in order: IP or CIDR; ns:NAMESPACE; a label
 * selector in -l syntax; a TARGET. */
enum np_peer_spec_kind {
	NP_PEERSPEC_CIDR, NP_PEERSPEC_NAMESPACE, NP_PEERSPEC_SELECTOR, NP_PEERSPEC_TARGET,
};
struct np_peer_spec {
	enum np_peer_spec_kind kind;
	const char *text;               /* as given (borrowed) */
	struct np_iprange range;        /* CIDR */
	const char *namespace;          /* ns:NAMESPACE (borrowed from text) */
	struct np_selector sel;         /* selector, strings interned in the model */
	struct np_explain_target target;
};
/* NP_EUSAGE with a message on a bad selector or TARGET. */
int np_peer_spec_parse(struct np_peer_spec *out, struct np_model *m, const char *text,
		       struct np_error *err);
/* Whether the pod is the PEER (selectors and TARGETs without a namespace use
 * default_ns when not NULL). CIDRs match no pod. */
bool np_peer_spec_matches_pod(const struct np_peer_spec *ps, const struct np_pod *p,
			      const char *default_ns);
/* Whether a reach node is the PEER: CIDRs the external ranges inside them,
 * the other forms the workloads with a matching pod. */
bool np_peer_spec_matches_node(const struct np_peer_spec *ps, const struct np_model *m,
			       const struct np_reach_node *n, const char *default_ns);
/* Pods, namespaces or admin policies were not collected or are unreadable. */
bool np_reach_incomplete(const struct np_model *m);

/* explain TARGET --from PEER [--port PORT]: per subject, the verdict of the
 * traffic from PEER in each direction (cmd/cmd_explain_traffic.c). */
struct np_explain_traffic;
/* Builds it for the explanation's subjects; NP_ENOTFOUND when PEER matches
 * nothing (err says so), NP_EUSAGE on a bad PEER or PORT. *out is owned by
 * the caller (np_explain_traffic_free); it borrows m and e. */
int np_explain_traffic_new(struct np_explain_traffic **out, struct np_model *m,
			   const struct np_explanation *e, const char *from, const char *port,
			   struct np_error *err);
void np_explain_traffic_free(struct np_explain_traffic *t);
/* Validates --from/--port before anything is loaded (NP_EUSAGE). */
int np_explain_traffic_check(const char *from, const char *port, struct np_error *err);
int np_explain_traffic_table(FILE *out, const struct np_explain_traffic *t);
/* The "traffic" array of the Explanation JSON (new reference, NULL on ENOMEM). */
json_t *np_explain_traffic_json(const struct np_explain_traffic *t);

/* ---- exceptions and baseline (cmd/exceptions.c, DESIGN §10) ---- */

struct np_exceptions {
	struct np_arena mem;          /* every string and array below */
	size_t n;
	struct np_exception *v;
	size_t n_fingerprints;        /* from --baseline */
	const char **fingerprints;
	size_t cap_v, cap_fp;
};
void np_exceptions_init(struct np_exceptions *x);
void np_exceptions_release(struct np_exceptions *x);
/* Parses one exceptions document (YAML or JSON) and appends its entries.
 * NP_EUSAGE/NP_EPARSE with err naming the file (line, column) on a missing
 * reason or controls, an unknown key or control id, a bad date. */
int np_exceptions_parse(struct np_exceptions *x, const char *buf, size_t len, const char *path,
			struct np_error *err);
int np_exceptions_load(struct np_exceptions *x, const char *path, struct np_error *err);
/* Collects every findings[].fingerprint of an AuditReport JSON text. */
int np_baseline_parse(struct np_exceptions *x, const char *buf, size_t len, const char *path,
		      struct np_error *err);
int np_baseline_load(struct np_exceptions *x, const char *path, struct np_error *err);
/* True when the exception's expires date is before today (YYYY-MM-DD). */
bool np_exception_expired(const struct np_exception *e, const char *today);

/* Reads a whole file ("-" is not special) up to max bytes. *out is malloc'd
 * and NUL-terminated. NP_EIO / NP_ELIMIT with err naming the path. */
int np_read_file(const char *path, size_t max, char **out, size_t *len, struct np_error *err);

#endif
