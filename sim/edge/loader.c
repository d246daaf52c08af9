/* The scenario loader: JSON text -> overrides -> per-variant validation ->
 * immutable scenarios. Structure, names and references are checked here;
 * distributions in loader_dist.c; overrides in overrides.c. */
#include "../base/sha256.h"
#include "loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/name_index.h"
#include "../base/spell.h"
#include "../base/xalloc.h"
#include "../model/stall.h"
#include "../model/timeout_fit.h"
#include "../../viz/panels.h"
#include "infile.h"
#include "loader_internal.h"

static const char *const TOP_KEYS[] = {"name",   "title",    "description", "duration_s",
                                       "window_s", "seed",   "services",    "clients",
                                       "policies", "variants", "expect",    "faults",
                                       "recovery", "view",     NULL};
static const char *const VIEW_KEYS[] = {"panels", NULL};
static const char *const RECOVERY_KEYS[] = {"tolerance", "hold_s", NULL};
static const char *const SERVICE_KEYS[] = {"name",         "instances",  "workers", "queue",
                                           "service_time", "error_rate", "error_status", "calls",   "lb", "lb_view",
                                           "drop_expired", "work_after_calls", "cache",
                                           "shed", "rate_limit", "concurrency_limit",
                                           "health_check", "outlier_detection",
                                           "drain_timeout_s", "retry_after_ms", "operations", NULL};
static const char *const OPERATION_KEYS[] = {"name",         "weight", "service_time", "error_rate",
                                             "error_status", "calls",  NULL};
/* a service's operations are few kinds of request, not a key space */
#define MAX_OPERATIONS 64
static const char *const HEALTH_KEYS[] = {"interval_ms", "timeout_ms", "initial_delay_s",
                                          "failure_threshold", "success_threshold", "kind",
                                          "restart_s", NULL};
static const char *const PROBE_KINDS[] = {"readiness", "liveness", NULL};
static const char *const OUTLIER_KEYS[] = {"consecutive_5xx", "interval_ms", "base_ejection_s",
                                           "max_ejection_s", "max_ejection_percent",
                                           "always_eject_one", "scope", NULL};
static const char *const CONC_LIMIT_KEYS[] = {"algorithm", "initial", "min", "max",
                                              "backoff_ratio", "timeout_ms", "smoothing",
                                              "queue_size", "tolerance", NULL};
static const char *const CONC_ALGORITHMS[] = {"aimd", "gradient2", NULL};
static const char *const SHED_KEYS[] = {"codel", "adaptive_lifo", NULL};
static const char *const CODEL_KEYS[] = {"target_ms", "interval_ms", NULL};
static const char *const CACHE_KEYS[] = {"hit_ratio", "keys", "ttl_s", "zipf_s", "hit_ms", NULL};
#define LB_NAME(e, s) s,
static const char *const LB_NAMES[] = {LB_KINDS(LB_NAME) NULL};
#undef LB_NAME
static const char *const QUEUE_KEYS[] = {"capacity", "discipline", NULL};
static const char *const CALL_KEYS[] = {"service", "operation", "policy", "network",
                                        "probability", "optional", NULL};
static const char *const GROUP_KEYS[] = {"parallel", "wait", "quorum", NULL};
static const char *const WAIT_MODES[] = {"all", "first", "quorum", NULL};
static const char *const NETWORK_KEYS[] = {"latency", "loss", NULL};
static const char *const CLIENT_KEYS[] = {"name",    "target", "policy",    "arrival",
                                          "users",   "think_time", "network", "slo_ms",
                                          "instances", "operation", NULL};
static const char *const ARRIVAL_KEYS[] = {"process", "rate_rps", "shape", NULL};
static const char *const VARIANT_KEYS[] = {"name", "description", "set", NULL};
static const char *const DISCIPLINES[] = {"fifo", "lifo", NULL};
static const char *const PROCESSES[] = {"poisson", "constant", NULL};

/* ---- names and references ---- */

/* Reads the "name" of each element of a list into names[] (NULL where
 * missing or bad), reporting invalid and repeated names. */
struct name_dups {
    struct diag *d;
    const char *path;
    const char **names;
};

static void report_duplicate_name(void *ctx, uint32_t later, uint32_t first)
{
    struct name_dups *r = ctx;
    char p[JSON_PATH_MAX], np[JSON_PATH_MAX];
    json_path_key(np, json_path_index(p, r->path, (int)later), "name");
    diag_error(r->d, np, "duplicate name '%s' (also at %s[%u])", r->names[later], r->path, first);
}

/* Reads the "name" of every element of `list` into names[] (NULL where it
 * is missing or invalid, reported), indexes them into *ix and reports
 * duplicates. */
static void collect_names(struct diag *d, const cJSON *list, const char *path,
                          const char **names, struct name_index *ix)
{
    char p[JSON_PATH_MAX];
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        names[i] = NULL;
        json_path_index(p, path, i);
        const char *name;
        if (!cJSON_IsObject(c) || !json_read_string(d, c, p, "name", true, &name))
            continue;
        char np[JSON_PATH_MAX];
        json_path_key(np, p, "name");
        if (!json_is_valid_name(name)) {
            diag_error(d, np, "invalid name '%s' (letters, digits, '-' and '_', at most 64)",
                       name);
            continue;
        }
        names[i] = name;
    }
    name_index_build(ix, names, (uint32_t)i);
    struct name_dups r = {d, path, names};
    name_index_duplicates(ix, &r, report_duplicate_name);
}

/* Resolves obj[key] naming one of the indexed names; *out = its position
 * (NO_INDEX if absent). An unknown name is reported with the nearest one. */
static bool read_reference(struct diag *d, const cJSON *obj, const char *path, const char *key,
                           bool required, const char *what, const struct name_index *ix,
                           uint32_t *out)
{
    const char *name;
    *out = NO_INDEX;
    if (!json_read_string(d, obj, path, key, required, &name))
        return !required && !json_get(obj, key);
    uint32_t at = name_index_find(ix, name);
    if (at == NAME_NOT_FOUND) {
        char p[JSON_PATH_MAX];
        const char **known = xcalloc(ix->count + 1, sizeof *known);
        for (uint32_t i = 0; i < ix->count; i++)
            known[i] = ix->names[ix->order[i]];
        const char *closest = spell_closest(name, known);
        if (closest)
            diag_error(d, json_path_key(p, path, key), "unknown %s '%s' (did you mean '%s'?)",
                       what, name, closest);
        else
            diag_error(d, json_path_key(p, path, key), "unknown %s '%s'", what, name);
        free(known);
        return false;
    }
    *out = at;
    return true;
}

/* ---- the pieces ---- */

struct names {
    const char **services, **policies;
    uint32_t service_count, policy_count;
    struct name_index service_ix, policy_ix;
    /* per service: its declared operations' names (no index: it declares none) */
    struct op_names {
        const char **names;
        struct name_index ix;
        bool declared;
    } *ops;
};

/* Reads obj["operation"], naming one of the operations `service` declares;
 * *out = its index, or NO_INDEX where there is no such key. */
static void read_operation(struct diag *d, const cJSON *obj, const char *path,
                           const struct names *nm, uint32_t service, uint32_t *out)
{
    *out = NO_INDEX;
    if (!json_get(obj, "operation") || service == NO_INDEX)
        return;
    char p[JSON_PATH_MAX];
    if (!nm->ops[service].declared) {
        diag_error(d, json_path_key(p, path, "operation"),
                   "'%s' declares no operations to choose from", nm->services[service]);
        return;
    }
    read_reference(d, obj, path, "operation", false, "operation", &nm->ops[service].ix, out);
}

/* The names of every service's operations, before any service is read, so a
 * call can name an operation of a service further down the list. */
static void collect_operation_names(struct diag *d, const cJSON *services, struct names *nm)
{
    nm->ops = xcalloc(nm->service_count + 1, sizeof *nm->ops);
    char p[JSON_PATH_MAX], op[JSON_PATH_MAX];
    int i = 0;
    for (const cJSON *c = services->child; c; c = c->next, i++) {
        const cJSON *list = cJSON_IsObject(c) ? json_get(c, "operations") : NULL;
        if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0 ||
            cJSON_GetArraySize(list) > MAX_OPERATIONS)
            continue; /* parse_service says what is wrong */
        struct op_names *o = &nm->ops[i];
        o->declared = true;
        o->names = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *o->names);
        json_path_key(op, json_path_index(p, "$.services", i), "operations");
        collect_names(d, list, op, o->names, &o->ix);
    }
}

static void release_operation_names(struct names *nm)
{
    for (uint32_t i = 0; nm->ops && i < nm->service_count; i++)
        if (nm->ops[i].declared) {
            free(nm->ops[i].names);
            name_index_release(&nm->ops[i].ix);
        }
    free(nm->ops);
}

static void parse_network(struct diag *d, const cJSON *parent, const char *parent_path,
                          struct network_cfg *out)
{
    const cJSON *v = json_get(parent, "network");
    if (!v)
        return;
    char p[JSON_PATH_MAX], lp[JSON_PATH_MAX];
    json_path_key(p, parent_path, "network");
    if (!json_expect_object(d, v, p))
        return;
    json_check_keys(d, v, p, NETWORK_KEYS);
    out->present = true;
    json_read_number(d, v, p, "loss", false, 0, false, 1, &out->loss);
    const cJSON *lat = json_get(v, "latency");
    if (lat)
        out->has_latency =
            loader_parse_dist(d, lat, json_path_key(lp, p, "latency"), false, &out->latency);
}

static void parse_one_call(struct diag *d, const cJSON *c, const char *p, const struct names *nm,
                           bool optional_allowed, struct call_cfg *out)
{
    out->probability = 1;
    if (!json_expect_object(d, c, p))
        return;
    json_check_keys(d, c, p, CALL_KEYS);
    read_reference(d, c, p, "service", true, "service", &nm->service_ix,
                   &out->service);
    read_operation(d, c, p, nm, out->service, &out->operation);
    read_reference(d, c, p, "policy", false, "policy", &nm->policy_ix,
                   &out->policy);
    parse_network(d, c, p, &out->net);
    json_read_number(d, c, p, "probability", false, 0, false, 1, &out->probability);
    if (json_read_bool(d, c, p, "optional", false, &out->optional) && out->optional &&
        !optional_allowed)
        diag_error(d, p, "'optional' needs a sequential call or a parallel group that waits for "
                         "all (with 'first' or 'quorum' every branch is already allowed to fail)");
}

/* A parallel group: {"parallel": [calls], "wait": "all"|"first"|"quorum", "quorum": n}. */
static void parse_group(struct diag *d, const cJSON *g, const char *p, const struct names *nm,
                        struct service_cfg *out, struct call_step *step)
{
    char lp[JSON_PATH_MAX], cp[JSON_PATH_MAX];
    json_check_keys(d, g, p, GROUP_KEYS);
    int wait = WAIT_ALL;
    json_read_choice(d, g, p, "wait", false, WAIT_MODES, &wait);
    step->wait = (enum wait_mode)wait;
    const cJSON *list = json_read_nonempty_list(d, g, p, "parallel");
    if (!list)
        return;
    json_path_key(lp, p, "parallel");
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++)
        parse_one_call(d, c, json_path_index(cp, lp, i), nm, wait == WAIT_ALL,
                       &out->calls[step->first + step->count++]);
    int64_t q;
    if (wait == WAIT_QUORUM) {
        if (json_read_int(d, g, p, "quorum", true, 1, step->count, &q))
            step->quorum = (uint32_t)q;
    } else if (json_get(g, "quorum")) {
        diag_error(d, p, "'quorum' goes with \"wait\": \"quorum\"");
    }
}

static void parse_calls(struct diag *d, const cJSON *v, const char *path, const struct names *nm,
                        struct service_cfg *out)
{
    char p[JSON_PATH_MAX];
    if (!json_expect_array(d, v, path))
        return;
    uint32_t total = 0; /* calls in all steps, to size the flat array */
    for (const cJSON *c = v->child; c; c = c->next) {
        const cJSON *par = json_get(c, "parallel");
        total += cJSON_IsArray(par) ? (uint32_t)cJSON_GetArraySize(par) : 1;
    }
    /* appended: each operation's calls follow the previous one's */
    uint32_t steps = (uint32_t)cJSON_GetArraySize(v);
    out->calls = xreallocarray(out->calls, out->call_count + total + 1, sizeof *out->calls);
    memset(out->calls + out->call_count, 0, (total + 1) * sizeof *out->calls);
    out->steps = xreallocarray(out->steps, out->step_count + steps + 1, sizeof *out->steps);
    memset(out->steps + out->step_count, 0, (steps + 1) * sizeof *out->steps);
    int i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        json_path_index(p, path, i);
        struct call_step *step = &out->steps[out->step_count++];
        step->first = out->call_count;
        if (cJSON_IsObject(c) && json_get(c, "parallel")) {
            parse_group(d, c, p, nm, out, step);
        } else {
            parse_one_call(d, c, p, nm, true, &out->calls[step->first]);
            step->count = 1;
        }
        out->call_count += step->count;
    }
}

/* "operations": the kinds of request the service serves, each with its own
 * work (the service's service_time, error_rate and error_status unless it
 * says otherwise) and its own calls; requests that name none are shared
 * out by weight. */
static void parse_operations(struct diag *d, const cJSON *v, const char *path,
                             const struct names *nm, bool service_has_time,
                             struct service_cfg *out)
{
    if (!json_expect_array(d, v, path))
        return;
    int n = cJSON_GetArraySize(v);
    if (n == 0 || n > MAX_OPERATIONS) {
        diag_error(d, path, "between 1 and %d operations, not %d", MAX_OPERATIONS, n);
        return;
    }
    out->named_operations = true;
    out->operations = xcalloc((size_t)n, sizeof *out->operations);
    char p[JSON_PATH_MAX], q[JSON_PATH_MAX];
    int i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        struct operation_cfg *o = &out->operations[out->operation_count++];
        json_path_index(p, path, i);
        *o = (struct operation_cfg){.weight = 1, .error_rate = out->error_rate,
                                    .error_status = out->error_status,
                                    .step_first = out->step_count};
        if (!json_expect_object(d, c, p))
            continue;
        json_check_keys(d, c, p, OPERATION_KEYS);
        const char *name;
        if (json_read_string(d, c, p, "name", true, &name))
            o->name = xstrdup(name);
        json_read_number(d, c, p, "weight", false, 0, false, 1e9, &o->weight);
        const cJSON *st = json_get(c, "service_time");
        if (st)
            o->has_service_time = loader_parse_dist(d, st, json_path_key(q, p, "service_time"),
                                                    false, &o->service_time);
        else if (!service_has_time)
            diag_error(d, p, "missing 'service_time' (here, or for the whole service)");
        json_read_number(d, c, p, "error_rate", false, 0, false, 1, &o->error_rate);
        int64_t status;
        if (json_read_int(d, c, p, "error_status", false, 400, 599, &status))
            o->error_status = (uint16_t)status;
        const cJSON *calls = json_get(c, "calls");
        if (calls)
            parse_calls(d, calls, json_path_key(q, p, "calls"), nm, out);
        o->step_count = out->step_count - o->step_first;
        out->operation_weight += o->weight;
    }
    if (out->operation_weight <= 0)
        diag_error(d, path, "the operations' weights add up to 0: requests that name none "
                            "would have nowhere to go");
}

static void parse_cache(struct diag *d, const cJSON *v, const char *path, struct cache_cfg *out)
{
    const cJSON *c = json_get(v, "cache");
    if (!c)
        return;
    char p[JSON_PATH_MAX];
    json_path_key(p, path, "cache");
    if (!json_expect_object(d, c, p))
        return;
    json_check_keys(d, c, p, CACHE_KEYS);
    out->present = true;
    double x;
    if (json_read_number(d, c, p, "hit_ms", false, 0, false, 1e9, &x))
        out->hit_ns = sim_time_from_ms(x);
    bool ratio = json_get(c, "hit_ratio") != NULL;
    if (ratio == (json_get(c, "keys") != NULL)) {
        diag_error(d, p, "a cache has either 'hit_ratio' or 'keys' with 'ttl_s'");
        return;
    }
    if (ratio) {
        json_read_number(d, c, p, "hit_ratio", true, 0, false, 1, &out->hit_ratio);
        if (json_get(c, "ttl_s") || json_get(c, "zipf_s"))
            diag_error(d, p, "'ttl_s' and 'zipf_s' describe a key space: they go with 'keys'");
        return;
    }
    int64_t n;
    if (json_read_int(d, c, p, "keys", true, 1, 10000000, &n))
        out->keys = (uint32_t)n;
    if (json_read_number(d, c, p, "ttl_s", true, 0, true, 1e8, &x))
        out->ttl_ns = sim_time_from_s(x);
    json_read_number(d, c, p, "zipf_s", false, 0, false, 10, &out->zipf_s);
}

/* "shed": {"codel": {"target_ms": 5, "interval_ms": 100} or true,
 *          "adaptive_lifo": true} (folly::Codel's defaults). */
static void parse_shed(struct diag *d, const cJSON *v, const char *path,
                       struct admission_cfg *out)
{
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, SHED_KEYS);
    out->codel_target_ns = sim_time_from_ms(5);
    out->codel_interval_ns = sim_time_from_ms(100);
    json_read_bool(d, v, path, "adaptive_lifo", false, &out->adaptive_lifo);
    const cJSON *c = json_get(v, "codel");
    char p[JSON_PATH_MAX];
    json_path_key(p, path, "codel");
    if (!c)
        return;
    if (cJSON_IsBool(c)) {
        out->codel = cJSON_IsTrue(c);
        return;
    }
    if (!json_expect_object(d, c, p))
        return;
    json_check_keys(d, c, p, CODEL_KEYS);
    out->codel = true;
    double x;
    if (json_read_number(d, c, p, "target_ms", false, 0, true, 1e9, &x))
        out->codel_target_ns = sim_time_from_ms(x);
    if (json_read_number(d, c, p, "interval_ms", false, 0, true, 1e9, &x))
        out->codel_interval_ns = sim_time_from_ms(x);
    if (out->codel_target_ns >= out->codel_interval_ns)
        diag_error(d, p, "target_ms must be below interval_ms");
}

/* "concurrency_limit": Netflix concurrency-limits' AIMD or Gradient2, with
 * that library's defaults. */
static void parse_conc_limit(struct diag *d, const cJSON *v, const char *path,
                             struct admission_cfg *out)
{
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, CONC_LIMIT_KEYS);
    struct conc_limit_cfg *c = &out->conc_limit;
    int k = CONC_AIMD;
    json_read_choice(d, v, path, "algorithm", false, CONC_ALGORITHMS, &k);
    c->algorithm = (enum conc_algorithm)k;
    c->initial = 20, c->min_limit = 20, c->max_limit = 200;
    c->backoff_ratio = 0.9, c->timeout_ns = sim_time_from_s(5);
    c->smoothing = 0.2, c->queue_size = 4, c->tolerance = 1.5;
    json_read_number(d, v, path, "initial", false, 1, false, 1e6, &c->initial);
    json_read_number(d, v, path, "min", false, 1, false, 1e6, &c->min_limit);
    json_read_number(d, v, path, "max", false, 1, false, 1e6, &c->max_limit);
    char p[JSON_PATH_MAX];
    if (c->min_limit > c->max_limit)
        diag_error(d, json_path_key(p, path, "min"), "must not be above max");
    else if (c->initial < c->min_limit || c->initial > c->max_limit)
        diag_error(d, json_path_key(p, path, "initial"), "must be within [min, max]");
    json_read_number(d, v, path, "backoff_ratio", false, 0.5, false, 0.999999, &c->backoff_ratio);
    double x;
    if (json_read_number(d, v, path, "timeout_ms", false, 0, true, 1e9, &x))
        c->timeout_ns = sim_time_from_ms(x);
    json_read_number(d, v, path, "smoothing", false, 0, true, 1, &c->smoothing);
    json_read_number(d, v, path, "queue_size", false, 0, false, 1e6, &c->queue_size);
    json_read_number(d, v, path, "tolerance", false, 1, false, 100, &c->tolerance);
    out->has_conc_limit = true;
}

/* "health_check": Kubernetes readiness probe defaults (period 10 s,
 * timeout 1 s, failure threshold 3, success threshold 1). */
static void parse_health(struct diag *d, const cJSON *v, const char *path, struct service_cfg *out)
{
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, HEALTH_KEYS);
    out->has_health_check = true;
    out->hc_interval_ns = sim_time_from_s(10);
    out->hc_timeout_ns = sim_time_from_s(1);
    out->hc_failure_threshold = 3;
    out->hc_success_threshold = 1;
    double x;
    int64_t n;
    if (json_read_number(d, v, path, "interval_ms", false, 0, true, 1e9, &x))
        out->hc_interval_ns = sim_time_from_ms(x);
    if (json_read_number(d, v, path, "timeout_ms", false, 0, true, 1e9, &x))
        out->hc_timeout_ns = sim_time_from_ms(x);
    if (json_read_number(d, v, path, "initial_delay_s", false, 0, false, 1e6, &x))
        out->hc_initial_delay_ns = sim_time_from_s(x);
    if (json_read_int(d, v, path, "failure_threshold", false, 1, 1000, &n))
        out->hc_failure_threshold = (uint32_t)n;
    if (json_read_int(d, v, path, "success_threshold", false, 1, 1000, &n))
        out->hc_success_threshold = (uint32_t)n;
    int kind = 0;
    json_read_choice(d, v, path, "kind", false, PROBE_KINDS, &kind);
    out->hc_liveness = kind == 1;
    out->hc_restart_ns = sim_time_from_s(10);
    if (json_read_number(d, v, path, "restart_s", false, 0, true, 1e6, &x))
        out->hc_restart_ns = sim_time_from_s(x);
    char q[JSON_PATH_MAX];
    if (!out->hc_liveness && json_get(v, "restart_s"))
        diag_error(d, json_path_key(q, path, "restart_s"), "belongs to a liveness probe");
}

/* "outlier_detection": Envoy's consecutive-5xx defaults. */
static void parse_outlier(struct diag *d, const cJSON *v, const char *path,
                          struct service_cfg *out)
{
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, OUTLIER_KEYS);
    struct outlier_cfg *o = &out->outlier;
    out->has_outlier = true;
    o->consecutive_5xx = 5;
    o->interval_ns = sim_time_from_s(10);
    o->base_ejection_ns = sim_time_from_s(30);
    o->max_ejection_ns = sim_time_from_s(300);
    o->max_ejection_percent = 10;
    double x;
    int64_t n;
    if (json_read_int(d, v, path, "consecutive_5xx", false, 1, 1000000, &n))
        o->consecutive_5xx = (uint32_t)n;
    if (json_read_number(d, v, path, "interval_ms", false, 0, true, 1e9, &x))
        o->interval_ns = sim_time_from_ms(x);
    if (json_read_number(d, v, path, "base_ejection_s", false, 0, true, 1e6, &x))
        o->base_ejection_ns = sim_time_from_s(x);
    if (json_read_number(d, v, path, "max_ejection_s", false, 0, true, 1e6, &x))
        o->max_ejection_ns = sim_time_from_s(x);
    else if (o->max_ejection_ns < o->base_ejection_ns)
        o->max_ejection_ns = o->base_ejection_ns; /* Envoy: max(300 s, base) */
    json_read_number(d, v, path, "max_ejection_percent", false, 0, false, 100,
                     &o->max_ejection_percent);
    json_read_bool(d, v, path, "always_eject_one", false, &o->always_eject_one);
    /* whose results a detector sees: each calling process its own, as each
     * Envoy sidecar keeps its own, or one for the service, from every caller */
    static const char *const SCOPES[] = {"instance", "service", NULL};
    int scope = 0;
    json_read_choice(d, v, path, "scope", false, SCOPES, &scope);
    out->outlier_shared = scope == 1;
}

static void parse_service(struct diag *d, const cJSON *v, const char *path, const struct names *nm,
                          struct service_cfg *out)
{
    char p[JSON_PATH_MAX];
    int64_t n;
    out->instances = 1;
    out->workers = 1;
    out->queue_capacity = QUEUE_UNBOUNDED;
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, SERVICE_KEYS);
    if (json_read_int(d, v, path, "instances", false, 1, 100000, &n))
        out->instances = (uint32_t)n;
    if (json_read_int(d, v, path, "workers", true, 1, 10000000, &n))
        out->workers = (uint32_t)n;
    const cJSON *q = json_get(v, "queue");
    json_path_key(p, path, "queue");
    if (q && json_expect_object(d, q, p)) {
        json_check_keys(d, q, p, QUEUE_KEYS);
        if (json_read_int(d, q, p, "capacity", false, 0, UINT32_MAX - 1, &n))
            out->queue_capacity = (uint32_t)n;
        int disc;
        if (json_read_choice(d, q, p, "discipline", false, DISCIPLINES, &disc))
            out->discipline = (enum queue_discipline)disc;
    }
    const cJSON *st = json_get(v, "service_time");
    const cJSON *ops = json_get(v, "operations");
    if (!st && !ops)
        diag_error(d, path, "missing required key 'service_time'");
    else if (st)
        loader_parse_dist(d, st, json_path_key(p, path, "service_time"), false,
                          &out->service_time);
    json_read_number(d, v, path, "error_rate", false, 0, false, 1, &out->error_rate);
    int64_t status;
    out->error_status = STATUS_INTERNAL;
    if (json_read_int(d, v, path, "error_status", false, 400, 599, &status))
        out->error_status = (uint16_t)status;
    json_read_bool(d, v, path, "drop_expired", false, &out->drop_expired);
    const cJSON *block;
    if ((block = json_get(v, "shed")))
        parse_shed(d, block, json_path_key(p, path, "shed"), &out->admission);
    if ((block = json_get(v, "rate_limit")))
        loader_parse_rate_limit(d, block, json_path_key(p, path, "rate_limit"), true,
                                &out->admission.rate_limit);
    if ((block = json_get(v, "concurrency_limit")))
        parse_conc_limit(d, block, json_path_key(p, path, "concurrency_limit"),
                         &out->admission);
    double after_ms;
    if (json_read_number(d, v, path, "retry_after_ms", false, 0, false, 1e9, &after_ms))
        out->retry_after_ns = sim_time_from_ms(after_ms);
    double drain_s;
    if (json_read_number(d, v, path, "drain_timeout_s", false, 0, false, 1e6, &drain_s))
        out->drain_ns = sim_time_from_s(drain_s);
    if ((block = json_get(v, "health_check")))
        parse_health(d, block, json_path_key(p, path, "health_check"), out);
    if ((block = json_get(v, "outlier_detection")))
        parse_outlier(d, block, json_path_key(p, path, "outlier_detection"), out);
    parse_cache(d, v, path, &out->cache);
    json_read_number(d, v, path, "work_after_calls", false, 0, false, 1, &out->work_after_calls);
    int lb = LB_ROUND_ROBIN;
    json_read_choice(d, v, path, "lb", false, LB_NAMES, &lb);
    out->lb = (enum lb_kind)lb;
    /* whose load least_outstanding and p2c weigh (round robin and random weigh none) */
    static const char *const LB_VIEWS[] = {"caller", "global", NULL};
    int view = 0;
    json_read_choice(d, v, path, "lb_view", false, LB_VIEWS, &view);
    out->lb_global = view == 1;
    const cJSON *calls = json_get(v, "calls");
    if (ops) {
        if (calls)
            diag_error(d, json_path_key(p, path, "calls"),
                       "a service with 'operations' lists each operation's own calls");
        parse_operations(d, ops, json_path_key(p, path, "operations"), nm, st != NULL, out);
        return;
    }
    if (calls)
        parse_calls(d, calls, json_path_key(p, path, "calls"), nm, out);
    /* one operation, unnamed: the service's own keys */
    out->operation_count = 1;
    out->operations = xcalloc(1, sizeof *out->operations);
    out->operations[0] = (struct operation_cfg){.weight = 1,
                                                .error_rate = out->error_rate,
                                                .error_status = out->error_status,
                                                .step_count = out->step_count};
    out->operation_weight = 1;
}

static void parse_client(struct diag *d, const cJSON *v, const char *path, const struct names *nm,
                         struct client_cfg *out)
{
    char p[JSON_PATH_MAX];
    if (!json_expect_object(d, v, path))
        return;
    json_check_keys(d, v, path, CLIENT_KEYS);
    read_reference(d, v, path, "target", true, "service", &nm->service_ix,
                   &out->target);
    read_operation(d, v, path, nm, out->target, &out->operation);
    read_reference(d, v, path, "policy", false, "policy", &nm->policy_ix,
                   &out->policy);
    parse_network(d, v, path, &out->net);
    double slo_ms;
    if (json_read_number(d, v, path, "slo_ms", false, 0, true, 1e9, &slo_ms))
        out->slo_ns = sim_time_from_ms(slo_ms);
    out->instances = 1;
    int64_t processes;
    if (json_read_int(d, v, path, "instances", false, 1, 100000, &processes))
        out->instances = (uint32_t)processes;
    const cJSON *arrival = json_get(v, "arrival");
    bool has_users = json_get(v, "users") != NULL;
    if (!arrival == !has_users) {
        diag_error(d, path, "a client needs either 'arrival' (open loop) or 'users' with "
                            "'think_time' (closed loop)%s",
                   arrival ? ", not both" : "");
        return;
    }
    if (arrival) {
        json_path_key(p, path, "arrival");
        if (!json_expect_object(d, arrival, p))
            return;
        json_check_keys(d, arrival, p, ARRIVAL_KEYS);
        int process = 0;
        json_read_choice(d, arrival, p, "process", false, PROCESSES, &process);
        out->process = (enum arrival_process)process;
        const cJSON *shape = json_get(arrival, "shape");
        bool has_rate = json_read_number(d, arrival, p, "rate_rps", !shape, 0, true, 1e9,
                                         &out->rate_rps);
        if (shape) {
            char sp[JSON_PATH_MAX];
            loader_parse_shape(d, shape, json_path_key(sp, p, "shape"),
                               has_rate || json_get(arrival, "rate_rps"), out->rate_rps,
                               &out->shape, &out->rate_rps);
        }
        if (json_get(v, "think_time"))
            diag_error(d, path, "'think_time' belongs to closed-loop clients (with 'users')");
        return;
    }
    out->closed_loop = true;
    int64_t users;
    if (json_read_int(d, v, path, "users", true, 1, 10000000, &users)) {
        out->users = (uint32_t)users;
        if (out->instances > out->users)
            diag_error(d, path, "%u processes ('instances') for %u users: each process needs "
                                "at least one user",
                       out->instances, out->users);
    }
    const cJSON *think = json_get(v, "think_time");
    if (!think)
        diag_error(d, path, "missing required key 'think_time' (closed-loop clients think "
                            "between requests)");
    else
        loader_parse_dist(d, think, json_path_key(p, path, "think_time"), false,
                          &out->think_time);
}

/* A client-side balancer keeps, in each calling process, a count per
 * callee instance, and a per-process outlier detector a record per callee
 * instance: processes x instances of them, which must fit. */
#define MAX_BALANCER_VIEW 50000000

static void check_view(struct diag *d, const char *path, uint32_t processes,
                       const struct service_cfg *callee)
{
    uint64_t cells = (uint64_t)processes * callee->instances;
    if (cells <= MAX_BALANCER_VIEW)
        return;
    if (lb_uses_caller_view(callee))
        diag_error(d, path, "%u calling processes each keeping its own view of the %u instances "
                            "of '%s' (lb %s) is %llu counters, over %u: give '%s' \"lb_view\": "
                            "\"global\" (a central load balancer) or fewer instances",
                   processes, callee->instances, callee->name, LB_NAMES[callee->lb],
                   (unsigned long long)cells, MAX_BALANCER_VIEW, callee->name);
    else if (callee->has_outlier && !callee->outlier_shared)
        diag_error(d, path, "%u calling processes each keeping its own outlier detector for the "
                            "%u instances of '%s' is %llu hosts, over %u: give its "
                            "outlier_detection \"scope\": \"service\" or fewer instances",
                   processes, callee->instances, callee->name, (unsigned long long)cells,
                   MAX_BALANCER_VIEW);
}

static void check_balancer_views(struct diag *d, const struct scenario *sc)
{
    char p[JSON_PATH_MAX];
    for (uint32_t i = 0; i < sc->client_count; i++)
        check_view(d, json_path_index(p, "$.clients", (int)i), sc->clients[i].instances,
                   &sc->services[sc->clients[i].target]);
    for (uint32_t i = 0; i < sc->service_count; i++)
        for (uint32_t k = 0; k < sc->services[i].call_count; k++)
            check_view(d, json_path_index(p, "$.services", (int)i), sc->services[i].instances,
                       &sc->services[sc->services[i].calls[k].service]);
}

/* A reply travels back up a call chain in one go (no network: no event
 * between the tiers), so the chain's depth is the simulator's recursion
 * depth; real chains are far shorter. */
#define MAX_CALL_DEPTH 100

/* Depth-first search of the call graph, iterative (its depth is the
 * user's): reports the first cycle, or a chain deeper than MAX_CALL_DEPTH
 * (the services on the longest chain, counted from each service down). */
static void check_cycles(struct diag *d, const struct scenario *sc)
{
    uint32_t n = sc->service_count;
    uint8_t *color = xcalloc(n, 1);           /* 0 new, 1 on the path, 2 done */
    uint32_t *depth = xcalloc(n, sizeof *depth); /* services on the longest chain from it */
    uint32_t *stack = xcalloc(n, sizeof *stack), *edge = xcalloc(n, sizeof *edge);
    for (uint32_t root = 0; root < n; root++) {
        if (color[root])
            continue;
        uint32_t top = 0;
        stack[top] = root, edge[top] = 0, color[root] = 1, depth[root] = 1;
        while (true) {
            uint32_t s = stack[top];
            if (edge[top] == sc->services[s].call_count) { /* all its callees are done */
                color[s] = 2;
                if (top == 0)
                    break;
                uint32_t parent = stack[--top];
                if (depth[s] + 1 > depth[parent])
                    depth[parent] = depth[s] + 1;
                continue;
            }
            uint32_t t = sc->services[s].calls[edge[top]++].service;
            if (t == NO_INDEX)
                continue;
            if (color[t] == 1) {
                diag_error(d, "$.services", "call cycle: '%s' calls '%s', which leads back to it",
                           sc->services[s].name, sc->services[t].name);
                goto out;
            }
            if (color[t] == 2) {
                if (depth[t] + 1 > depth[s])
                    depth[s] = depth[t] + 1;
                continue;
            }
            top++;
            stack[top] = t, edge[top] = 0, color[t] = 1, depth[t] = 1;
        }
        if (depth[root] > MAX_CALL_DEPTH) {
            diag_error(d, "$.services", "a call chain of %u services from '%s': at most %d",
                       depth[root], sc->services[root].name, MAX_CALL_DEPTH);
            goto out;
        }
    }
out:
    free(color), free(depth), free(stack), free(edge);
}

/* ---- the whole scenario ---- */

/* "view": {"panels": ["load", "outcomes", "waste"]}: the panels this
 * scenario teaches with, for view and plot (names checked here, so a typo
 * is a load error with a suggestion). Kept as "load,outcomes,waste". */
static void parse_view(struct diag *d, const cJSON *root, struct scenario *sc)
{
    const cJSON *v = json_get(root, "view");
    if (!v || !json_expect_object(d, v, "$.view"))
        return;
    json_check_keys(d, v, "$.view", VIEW_KEYS);
    const cJSON *list = json_read_nonempty_list(d, v, "$.view", "panels");
    if (!list)
        return;
    char joined[256] = "", p[JSON_PATH_MAX];
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        json_path_index(p, "$.view.panels", i);
        if (!cJSON_IsString(c)) {
            diag_error(d, p, "expected a panel name");
            return;
        }
        size_t len = strlen(joined);
        snprintf(joined + len, sizeof joined - len, "%s%s", len ? "," : "", c->valuestring);
        unsigned bits;
        char why[200];
        if (!viz_parse_panels(c->valuestring, &bits, why, sizeof why)) {
            diag_error(d, p, "%s", why + strlen("--panels: "));
            return;
        }
    }
    sc->view_panels = xstrdup(joined);
}

static void parse_top_fields(struct diag *d, const cJSON *root, struct scenario *sc)
{
    const char *s;
    if (json_read_string(d, root, "$", "name", true, &s)) {
        if (json_is_valid_name(s))
            sc->name = xstrdup(s);
        else
            diag_error(d, "$.name", "invalid name '%s' (letters, digits, '-' and '_', at most 64)",
                       s);
    }
    sc->title = xstrdup(json_read_string(d, root, "$", "title", false, &s) ? s : "");
    sc->description = xstrdup(json_read_string(d, root, "$", "description", false, &s) ? s : "");
    parse_view(d, root, sc);
    double x;
    if (json_read_number(d, root, "$", "duration_s", true, 0, true, 1e8, &x))
        sc->duration_ns = sim_time_from_s(x);
    sc->window_ns = SIM_S(1);
    if (json_read_number(d, root, "$", "window_s", false, 0.001, false, 1e8, &x))
        sc->window_ns = sim_time_from_s(x);
    sc->recovery = (struct recovery_cfg){.tolerance = 0.05, .hold_ns = SIM_S(10)};
    const cJSON *rec = json_get(root, "recovery");
    if (rec && json_expect_object(d, rec, "$.recovery")) {
        json_check_keys(d, rec, "$.recovery", RECOVERY_KEYS);
        json_read_number(d, rec, "$.recovery", "tolerance", false, 0, true, 0.99,
                         &sc->recovery.tolerance);
        if (json_read_number(d, rec, "$.recovery", "hold_s", false, 0.001, false, 1e8, &x))
            sc->recovery.hold_ns = sim_time_from_s(x);
    }
    int64_t seed;
    sc->seed = 1;
    if (json_read_int(d, root, "$", "seed", false, 0, (int64_t)1 << 53, &seed))
        sc->seed = (uint64_t)seed;
}

static void parse_policies(struct diag *d, const cJSON *root, struct scenario *sc,
                           struct names *nm)
{
    const cJSON *pol = json_get(root, "policies");
    if (!pol || !json_expect_object(d, pol, "$.policies"))
        return;
    char p[JSON_PATH_MAX];
    json_check_duplicates(d, pol, "$.policies"); /* policy names are its keys */
    sc->policy_count = (uint32_t)cJSON_GetArraySize(pol);
    sc->policies = xcalloc(sc->policy_count, sizeof *sc->policies);
    nm->policies = xcalloc(sc->policy_count, sizeof *nm->policies);
    nm->policy_count = sc->policy_count;
    uint32_t i = 0;
    for (const cJSON *c = pol->child; c; c = c->next, i++) {
        json_path_key(p, "$.policies", c->string);
        if (!json_is_valid_name(c->string))
            diag_error(d, p, "invalid policy name (letters, digits, '-' and '_', at most 64)");
        nm->policies[i] = c->string;
        sc->policies[i].name = xstrdup(c->string);
        loader_parse_policy(d, c, p, &sc->policies[i]);
    }
    name_index_build(&nm->policy_ix, nm->policies, sc->policy_count);
}

/* A call whose timeouts do not fit inside its caller's (timeout_fit.h). */
static void warn_timeout_misfit(void *ctx, uint32_t service, const char *why)
{
    char at[JSON_PATH_MAX];
    diag_warning(ctx, json_path_index(at, "$.services", (int)service), "%s", why);
}

static struct scenario *build(struct diag *d, const cJSON *root, const char *variant)
{
    struct scenario *sc = xcalloc(1, sizeof *sc);
    sc->variant = xstrdup(variant);
    uint32_t errors_at_start = d->errors;
    if (!json_expect_object(d, root, "$"))
        return sc;
    json_check_keys(d, root, "$", TOP_KEYS);
    parse_top_fields(d, root, sc);

    struct names nm = {0};
    parse_policies(d, root, sc, &nm);
    const cJSON *services = json_read_nonempty_list(d, root, "$", "services");
    const cJSON *clients = json_read_nonempty_list(d, root, "$", "clients");
    char p[JSON_PATH_MAX];
    if (services) {
        sc->service_count = (uint32_t)cJSON_GetArraySize(services);
        nm.service_count = sc->service_count;
        nm.services = xcalloc(sc->service_count, sizeof *nm.services);
        collect_names(d, services, "$.services", nm.services, &nm.service_ix);
        collect_operation_names(d, services, &nm);
        sc->services = xcalloc(sc->service_count, sizeof *sc->services);
        int i = 0;
        for (const cJSON *c = services->child; c; c = c->next, i++) {
            sc->services[i].name = xstrdup(nm.services[i] ? nm.services[i] : "");
            parse_service(d, c, json_path_index(p, "$.services", i), &nm, &sc->services[i]);
        }
        check_cycles(d, sc);
    }
    if (clients) {
        sc->client_count = (uint32_t)cJSON_GetArraySize(clients);
        const char **cnames = xcalloc(sc->client_count, sizeof *cnames);
        struct name_index client_ix;
        collect_names(d, clients, "$.clients", cnames, &client_ix);
        name_index_release(&client_ix);
        sc->clients = xcalloc(sc->client_count, sizeof *sc->clients);
        int i = 0;
        for (const cJSON *c = clients->child; c; c = c->next, i++) {
            sc->clients[i].name = xstrdup(cnames[i] ? cnames[i] : "");
            parse_client(d, c, json_path_index(p, "$.clients", i), &nm, &sc->clients[i]);
        }
        free(cnames);
    }
    if (services && clients)
        loader_parse_faults(d, root, sc);
    if (d->errors == errors_at_start)
        check_balancer_views(d, sc);
    for (uint32_t i = 0; d->errors == errors_at_start && i < sc->client_count; i++) {
        char why[128], at[JSON_PATH_MAX];
        if (client_can_stall(sc, i, why, sizeof why))
            diag_warning(d, json_path_index(at, "$.clients", (int)i),
                         "its users send again with no think time, and %s: simulated time can "
                         "stop (the run then ends with an error); give think_time a minimum "
                         "above 0",
                         why);
    }
    if (d->errors == errors_at_start)
        timeout_fit_check(sc, warn_timeout_misfit, d);
    release_operation_names(&nm);
    name_index_release(&nm.service_ix);
    name_index_release(&nm.policy_ix);
    free(nm.services);
    free(nm.policies);
    return sc;
}

/* ---- variants, expectations, files ---- */

static bool parse_override(struct diag *d, cJSON *root, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        diag_error(d, "--set", "expected PATH=VALUE, got '%s'", assignment);
        return false;
    }
    char *path = xstrdup(assignment);
    path[eq - assignment] = '\0';
    /* VALUE is JSON when all of it parses as JSON (5, true, {"a":1}), else a
     * string: `1s` is the string "1s" (which a number key then refuses),
     * never the number 1 with "s" ignored. */
    const char *end = NULL;
    cJSON *value = cJSON_ParseWithOpts(eq + 1, &end, true);
    if (!value)
        value = cJSON_CreateString(eq + 1);
    char origin[JSON_PATH_MAX];
    snprintf(origin, sizeof origin, "--set %.400s", path);
    bool ok = overrides_apply(d, root, path, value, origin);
    free(path);
    return ok;
}

static void apply_variant(struct diag *d, cJSON *root, const cJSON *variant, const char *path)
{
    const cJSON *set = json_get(variant, "set");
    if (!set)
        return;
    char p[JSON_PATH_MAX];
    json_path_key(p, path, "set");
    if (!json_expect_object(d, set, p))
        return;
    json_check_duplicates(d, set, p);
    for (const cJSON *c = set->child; c; c = c->next) {
        char origin[JSON_PATH_MAX];
        json_path_key(origin, p, c->string);
        overrides_apply(d, root, c->string, cJSON_Duplicate(c, true), origin);
    }
}

/* Whether an override's path exists in `tree` (its value is checked later,
 * by the build); reports nothing. */
static bool override_fits(const cJSON *tree, const char *assignment)
{
    struct diag scratch;
    diag_init(&scratch, "");
    cJSON *copy = cJSON_Duplicate(tree, true);
    bool ok = parse_override(&scratch, copy, assignment);
    cJSON_Delete(copy);
    diag_release(&scratch);
    return ok;
}

/* "PATH=null": a removal, which a variant that already lacks the key
 * simply does not need. */
static bool is_removal(const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    return eq && strcmp(eq + 1, "null") == 0;
}

/* Command-line overrides are set in each selected variant after its own
 * `set`, so a path may exist only where a variant adds it. Each override is
 * checked against every selected variant first: one that fits none gets its
 * own error once, one that fits some names the variants it fits. */
static bool overrides_fit_variants(struct diag *d, const cJSON *base, const cJSON *variants,
                                   const char *const *names, const char *only,
                                   const char *const *overrides, uint32_t override_count)
{
    uint32_t count = (uint32_t)cJSON_GetArraySize(variants);
    cJSON **trees = xcalloc(count + 1, sizeof *trees);
    struct diag scratch;
    diag_init(&scratch, "");
    uint32_t selected = 0, i = 0;
    for (const cJSON *v = variants->child; v; v = v->next, i++) {
        if (!cJSON_IsObject(v) || !names[i] || (only && strcmp(only, names[i]) != 0))
            continue;
        trees[i] = cJSON_Duplicate(base, true);
        apply_variant(&scratch, trees[i], v, "$"); /* its own errors come in the build */
        selected++;
    }
    diag_release(&scratch);
    bool all_ok = true;
    for (uint32_t k = 0; k < override_count && selected; k++) {
        char fits[256] = "";
        uint32_t fit = 0, first = count;
        for (i = 0; i < count; i++) {
            if (!trees[i])
                continue;
            first = first < i ? first : i;
            if (override_fits(trees[i], overrides[k])) {
                size_t len = strlen(fits);
                snprintf(fits + len, sizeof fits - len, "%s'%s'", fit ? ", " : "", names[i]);
                fit++;
            }
        }
        if (fit == selected || (fit > 0 && is_removal(overrides[k])))
            continue;
        all_ok = false;
        if (fit == 0) { /* the real reason, said once */
            cJSON *copy = cJSON_Duplicate(trees[first], true);
            parse_override(d, copy, overrides[k]);
            cJSON_Delete(copy);
        } else {
            const char *eq = strchr(overrides[k], '=');
            diag_error(d, NULL, "--set %.*s: the path exists only in variant%s %s (choose with --variant)",
                       (int)(eq - overrides[k]), overrides[k], fit > 1 ? "s" : "", fits);
        }
    }
    for (i = 0; i < count; i++)
        cJSON_Delete(trees[i]);
    free(trees);
    return all_ok;
}

static void read_expect(struct diag *d, const cJSON *root, struct scenario_set *out)
{
    const cJSON *list = json_get(root, "expect");
    if (!list || !json_expect_array(d, list, "$.expect"))
        return;
    out->expect = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *out->expect);
    char p[JSON_PATH_MAX], got[64], why[160];
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        json_path_index(p, "$.expect", i);
        if (!cJSON_IsString(c)) {
            json_describe(c, got, sizeof got);
            diag_error(d, p, "expected a string, got %s", got);
        } else if (!expect_parse(c->valuestring, &out->expect[out->expect_count], why,
                                 sizeof why)) {
            diag_error(d, p, "%s", why);
        } else {
            out->expect[out->expect_count++].index = i;
        }
    }
}

/* Every expectation that names a variant names one the file has. */
static void check_expect_variants(struct diag *d, const cJSON *root,
                                  const struct scenario_set *set)
{
    const cJSON *variants = json_get(root, "variants");
    for (uint32_t i = 0; i < set->expect_count; i++) {
        const char *want = set->expect[i].variant;
        if (!want)
            continue;
        bool found = !variants && strcmp(want, "default") == 0;
        for (const cJSON *v = variants ? variants->child : NULL; v && !found; v = v->next) {
            const cJSON *name = json_get(v, "name");
            found = cJSON_IsString(name) && strcmp(name->valuestring, want) == 0;
        }
        if (!found) {
            char p[JSON_PATH_MAX];
            diag_error(d, json_path_index(p, "$.expect", set->expect[i].index),
                       "no variant named '%s'", want);
        }
    }
}

static void add_scenario(struct scenario_set *out, struct scenario *sc)
{
    out->items = xreallocarray(out->items, out->count + 1, sizeof *out->items);
    out->items[out->count++] = sc;
}

/* Builds every variant (or `only`) of an override-applied root. The
 * command line's overrides are applied again after each variant's own
 * `set`, so they win (a sweep can vary what a variant sets). */
static void build_variants(struct diag *d, const cJSON *root, const cJSON *pristine,
                           const char *only, const char *const *overrides,
                           uint32_t override_count, struct scenario_set *out)
{
    const cJSON *variants = json_get(root, "variants");
    cJSON *base = cJSON_Duplicate(root, true);
    cJSON_DeleteItemFromObjectCaseSensitive(base, "variants");
    uint32_t errors_before = d->errors;
    struct scenario *sc = build(d, base, "default");
    bool base_ok = d->errors == errors_before;
    if (!variants || !base_ok) {
        if (only && strcmp(only, "default") != 0 && base_ok)
            diag_error(d, "$.variants", "no variant named '%s'", only);
        add_scenario(out, sc);
        cJSON_Delete(base);
        return;
    }
    scenario_free(sc); /* with variants, each variant is a run of its own */
    if (pristine) { /* a variant starts from the file as written; the overrides come last */
        cJSON_Delete(base);
        base = cJSON_Duplicate(pristine, true);
        cJSON_DeleteItemFromObjectCaseSensitive(base, "variants");
    }
    char p[JSON_PATH_MAX], context[128];
    if (!json_expect_array(d, variants, "$.variants")) {
        cJSON_Delete(base);
        return;
    }
    if (cJSON_GetArraySize(variants) == 0) { /* every command would have nothing to run */
        diag_error(d, "$.variants", "an empty list: leave 'variants' out for one default run, "
                                    "or name at least one variant");
        cJSON_Delete(base);
        return;
    }
    const char **names = xcalloc((size_t)cJSON_GetArraySize(variants) + 1, sizeof *names);
    struct name_index variant_ix;
    collect_names(d, variants, "$.variants", names, &variant_ix);
    name_index_release(&variant_ix);
    if (!overrides_fit_variants(d, base, variants, names, only, overrides, override_count))
        override_count = 0; /* reported; the variants are still checked */
    bool found = only == NULL;
    int i = 0;
    for (const cJSON *v = variants->child; v; v = v->next, i++) {
        json_path_index(p, "$.variants", i);
        if (!cJSON_IsObject(v) || !names[i])
            continue;
        json_check_keys(d, v, p, VARIANT_KEYS);
        if (only && strcmp(only, names[i]) != 0)
            continue;
        found = true;
        cJSON *copy = cJSON_Duplicate(base, true);
        snprintf(context, sizeof context, "variant '%s': ", names[i]);
        d->context = context;
        apply_variant(d, copy, v, p);
        for (uint32_t k = 0; k < override_count; k++)
            if (!is_removal(overrides[k]) || override_fits(copy, overrides[k]))
                parse_override(d, copy, overrides[k]);
        add_scenario(out, build(d, copy, names[i]));
        d->context = NULL;
        cJSON_Delete(copy);
    }
    if (!found)
        diag_error(d, "$.variants", "no variant named '%s'", only);
    free(names);
    cJSON_Delete(base);
}

enum loader_status loader_load_text(const char *file, const char *text,
                                    const char *const *overrides, uint32_t override_count,
                                    const char *only_variant, struct scenario_set *out,
                                    struct diag *d)
{
    memset(out, 0, sizeof *out);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (!root) {
        /* cJSON stops just past the offending token; point at the token, not
         * at the white space or end of file after it. */
        long at = end ? (long)(end - text) : 0;
        while (at > 0 && (text[at] == '\0' || text[at] == ' ' || text[at] == '\n' ||
                          text[at] == '\r' || text[at] == '\t'))
            at--;
        diag_error_at(d, text, at, "invalid JSON");
        return LOAD_BAD_INPUT;
    }
    /* A bad override is reported and skipped; the rest is still validated,
     * so one run shows every problem. With variants, overrides are applied
     * in each variant after its own `set` (build_variants). */
    bool overrides_ok = true;
    cJSON *pristine = NULL;
    if (!json_get(root, "variants")) {
        uint32_t errors_before = d->errors;
        for (uint32_t i = 0; i < override_count; i++)
            parse_override(d, root, overrides[i]);
        overrides_ok = d->errors == errors_before; /* a bad one is reported once */
    } else { /* those that fit the file itself apply to it too: expect, a value every
              * variant rejects (said once, by the base); the rest are checked per variant */
        pristine = cJSON_Duplicate(root, true);
        for (uint32_t i = 0; i < override_count; i++)
            if (override_fits(root, overrides[i]))
                parse_override(d, root, overrides[i]);
    }
    read_expect(d, root, out);
    check_expect_variants(d, root, out);
    build_variants(d, root, pristine, only_variant, overrides, overrides_ok ? override_count : 0,
                   out);
    cJSON_Delete(pristine);
    cJSON_Delete(root);
    if (d->errors) {
        scenario_set_release(out);
        return LOAD_BAD_INPUT;
    }
    char digest[65];
    sha256_hex(text, strlen(text), digest);
    for (uint32_t i = 0; i < out->count; i++) { /* what produced each run, for its results */
        struct scenario *sc = out->items[i];
        sc->source_file = xstrdup(file);
        memcpy(sc->source_sha256, digest, sizeof digest);
        sc->override_count = override_count;
        sc->overrides = xcalloc(override_count + 1, sizeof *sc->overrides);
        for (uint32_t k = 0; k < override_count; k++)
            sc->overrides[k] = xstrdup(overrides[k]);
    }
    return LOAD_OK;
}

/* Reads a whole file into a NUL-terminated buffer; NULL on failure, with
 * *why. Only a regular file of at most 64 MiB is read: a FIFO, a terminal
 * or /dev/zero would hang the command. */
static char *read_file(const char *file, const char **why)
{
    FILE *f = infile_open(file, INFILE_MAX_BYTES, why);
    if (!f)
        return NULL;
    size_t cap = 65536, len = 0;
    char *buf = xmalloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0)
            buf = xreallocarray(buf, cap *= 2, 1);
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        *why = "read error";
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

enum loader_status loader_load(const char *file, const char *const *overrides,
                               uint32_t override_count, const char *only_variant,
                               struct scenario_set *out, struct diag *d)
{
    memset(out, 0, sizeof *out);
    const char *why;
    char *text = read_file(file, &why);
    if (!text) {
        diag_error(d, NULL, "cannot read: %s", why);
        return LOAD_BAD_INPUT;
    }
    enum loader_status st =
        loader_load_text(file, text, overrides, override_count, only_variant, out, d);
    free(text);
    return st;
}

void scenario_set_release(struct scenario_set *set)
{
    for (uint32_t i = 0; i < set->count; i++)
        scenario_free(set->items[i]);
    for (uint32_t i = 0; i < set->expect_count; i++)
        expect_release(&set->expect[i]);
    free(set->items);
    free(set->expect);
    memset(set, 0, sizeof *set);
}

bool loader_peek(const char *file, char **name, char **title)
{
    const char *why;
    char *text = read_file(file, &why);
    if (!text)
        return false;
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *n = json_get(root, "name"), *t = json_get(root, "title");
    bool ok = cJSON_IsString(n);
    if (ok) {
        *name = xstrdup(n->valuestring);
        *title = xstrdup(cJSON_IsString(t) ? t->valuestring : "");
    }
    cJSON_Delete(root);
    return ok;
}
