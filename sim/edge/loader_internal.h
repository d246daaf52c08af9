/* loader_internal: pieces of the scenario loader shared between its files. */
#ifndef STAMPEDE_LOADER_INTERNAL_H
#define STAMPEDE_LOADER_INTERNAL_H

#include "../base/dist.h"
#include "../model/scenario.h"
#include "json.h"

/* Reads a distribution object at `path` into *out (which it owns after,
 * success or not: release with dist_release). In a mixture a "weight" key is
 * allowed beside the distribution's own. */
bool loader_parse_dist(struct diag *d, const cJSON *v, const char *path, bool in_mixture,
                       struct dist *out);

/* Reads an arrival shape at `path`. `has_base`: the client gave rate_rps
 * (`base_rps`), which ramps, spikes and sines vary and steps and traces must
 * not have. *first_rps receives the rate at t = 0. Trace files are read
 * relative to the scenario file (d->file). */
bool loader_parse_shape(struct diag *d, const cJSON *v, const char *path, bool has_base,
                        double base_rps, struct rate_shape *s, double *first_rps);

/* Reads one named policy object. */
/* A rate_limit block: token bucket or (unless token_bucket_only) fixed window. */
void loader_parse_rate_limit(struct diag *d, const cJSON *v, const char *path,
                             bool token_bucket_only, struct rate_limit_cfg *out);
void loader_parse_policy(struct diag *d, const cJSON *v, const char *path, struct policy_cfg *out);

/* Reads $.faults against the services and clients already in `sc`. */
void loader_parse_faults(struct diag *d, const cJSON *root, struct scenario *sc);

/* Applies one override, `dotted.path` = value, to the tree at `root`.
 * Array elements are named by their "name" (services.db.workers) or by
 * index; missing object keys are created. `origin` names the override in
 * messages ("--set", "$.variants[1].set"). Takes ownership of `value`. */
bool overrides_apply(struct diag *d, cJSON *root, const char *dotted, cJSON *value,
                     const char *origin);

#endif
