/* Live API source: kubeconfig resolution, authentication and listing
 * (DESIGN §3.2). snapshot/ never prints; cmd/ maps NP_ENET/NP_EAUTH to exit 3. */
#ifndef NETPOL_LIVE_H
#define NETPOL_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/model.h"
#include "netpol/snapshot.h"
#include "netpol/error.h"

/* Live flags as kubectl spells them (DESIGN §2.1). All strings borrowed from argv. */
struct np_live_options {
	const char *kubeconfig;            /* --kubeconfig */
	const char *context;               /* --context */
	const char *cluster;               /* --cluster */
	const char *user;                  /* --user */
	const char *server;                /* -s/--server */
	const char *token;                 /* --token */
	const char *certificate_authority; /* --certificate-authority */
	const char *client_certificate;    /* --client-certificate */
	const char *client_key;            /* --client-key */
	const char *tls_server_name;       /* --tls-server-name */
	bool insecure_skip_tls_verify;     /* --insecure-skip-tls-verify */
	const char *as;                    /* --as */
	size_t n_as_groups;
	const char **as_groups;            /* --as-group (repeatable) */
	const char *as_uid;                /* --as-uid */
	const char *username;              /* --username */
	const char *password;              /* --password */
	long long request_timeout_ms;      /* --request-timeout, 0 = none */
	long long timeout_ms;              /* --timeout, whole run (default 10 min) */
	bool disable_compression;          /* --disable-compression */
	const char *namespace;             /* -n (NULL = all namespaces) */
	int verbosity;                     /* -v level; >= 2 logs requests (redacted) */
	bool progress;                     /* one progress line on stderr (cmd decides: TTY, !-q, CI unset) */
	/* Which resources the selected controls need (bit per enum np_resource); 0 = all. */
	unsigned long long resources;
};

/* Fetches what opt->resources names into m (availability recorded per
 * resource/namespace; forbidden and failed lists become unreadable).
 * Returns NP_ENET / NP_EAUTH when nothing could be fetched (exit 3),
 * NP_EUSAGE for a bad kubeconfig/context (exit 2). Log lines (verbosity,
 * progress) go through log_fn when non-NULL; secrets are never passed to it. */
typedef void (*np_log_fn)(void *ctx, int level, const char *line);
int np_live_load(struct np_model *m, const struct np_live_options *opt,
		 const struct np_load_options *load, np_log_fn log_fn, void *log_ctx,
		 struct np_error *err);

#endif
