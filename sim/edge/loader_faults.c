/* The chaos timeline from JSON: "faults": [{"kind": "latency", "target":
 * "db", "at_s": 60, "duration_s": 10, "add_ms": 400}, ...]. Each fault is
 * checked against the topology already loaded (targets exist and are of the
 * right sort, instance ranges fit, the fault starts inside the run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/name_index.h"
#include "../base/xalloc.h"
#include "loader_internal.h"

static const char *const COMMON[] = {"kind", "target", "at_s", "duration_s", "every_s", "count",
                                     NULL};
static const char *const EXTRA[FAULT_KIND_COUNT][7] = {
    [FAULT_OUTAGE] = {"mode", "instances", "first_instance", NULL},
    [FAULT_PAUSE] = {"instances", "first_instance", NULL},
    [FAULT_LATENCY] = {"add_ms", "factor", "instances", "first_instance", NULL},
    [FAULT_ERRORS] = {"rate", "status", "instances", "first_instance", NULL},
    [FAULT_CAPACITY] = {"workers_lost", "instances", "first_instance", NULL},
    [FAULT_PARTITION] = {"from", NULL},
    [FAULT_SURGE] = {"factor", NULL},
    [FAULT_RESTART] = {"mode",           "interval_s",  "instances", "first_instance",
                       "cold_factor",    "warmup_s",    NULL},
    [FAULT_HERD] = {NULL},
    [FAULT_CACHE_FLUSH] = {NULL},
    [FAULT_BREAKER_OPEN] = {NULL},
    [FAULT_BREAKER_RESET] = {NULL},
};
static const char *const OUTAGE_MODES[] = {"refuse", "blackhole", NULL};
static const char *const RESTART_MODES[] = {"rolling", "all", NULL};

#define KIND_NAME(e, s) s,
static const char *const KIND_NAMES[] = {FAULT_KINDS(KIND_NAME) NULL};
#undef KIND_NAME

static bool targets_client(enum fault_kind k) { return k == FAULT_SURGE || k == FAULT_HERD; }
static bool targets_edge(enum fault_kind k)
{
    return k == FAULT_BREAKER_OPEN || k == FAULT_BREAKER_RESET;
}

/* The services and clients by name, for faults' targets: a scenario may
 * have 100,000 services and as many faults. */
struct fault_names {
    struct name_index services, clients;
    const char **service_names, **client_names;
};

static void fault_names_build(struct fault_names *n, const struct scenario *sc)
{
    n->service_names = xcalloc(sc->service_count + 1, sizeof *n->service_names);
    for (uint32_t i = 0; i < sc->service_count; i++)
        n->service_names[i] = sc->services[i].name;
    n->client_names = xcalloc(sc->client_count + 1, sizeof *n->client_names);
    for (uint32_t i = 0; i < sc->client_count; i++)
        n->client_names[i] = sc->clients[i].name;
    name_index_build(&n->services, n->service_names, sc->service_count);
    name_index_build(&n->clients, n->client_names, sc->client_count);
}

static void fault_names_release(struct fault_names *n)
{
    name_index_release(&n->services);
    name_index_release(&n->clients);
    free(n->service_names);
    free(n->client_names);
}

static uint32_t find_service(const struct fault_names *n, const char *name)
{
    uint32_t i = name_index_find(&n->services, name);
    return i == NAME_NOT_FOUND ? NO_INDEX : i;
}

static uint32_t find_client(const struct fault_names *n, const char *name)
{
    uint32_t i = name_index_find(&n->clients, name);
    return i == NAME_NOT_FOUND ? NO_INDEX : i;
}

static bool has_breaker(const struct scenario *sc, uint32_t policy)
{
    return policy != NO_INDEX && sc->policies[policy].breaker.present;
}

/* "api->db": a caller (client or service) and the service it calls, with
 * a circuit breaker on that call, for an operator's breaker action. */
static bool parse_edge_target(struct diag *d, const char *p, const char *name,
                              const struct scenario *sc, const struct fault_names *names,
                              struct fault_cfg *f)
{
    const char *arrow = strstr(name, "->");
    if (!arrow) {
        diag_error(d, p, "expected an edge 'caller->callee' (as in policies.csv), got '%s'", name);
        return false;
    }
    char caller[256];
    snprintf(caller, sizeof caller, "%.*s", (int)(arrow - name), name);
    f->target = find_service(names, arrow + 2);
    f->from = find_service(names, caller);
    f->from_client = f->from == NO_INDEX;
    if (f->from_client)
        f->from = find_client(names, caller);
    if (f->from == NO_INDEX || f->target == NO_INDEX) {
        diag_error(d, p, "unknown %s '%s'", f->target == NO_INDEX ? "service" : "caller",
                   f->target == NO_INDEX ? arrow + 2 : caller);
        return false;
    }
    bool calls = false, breaker = false;
    if (f->from_client) {
        const struct client_cfg *c = &sc->clients[f->from];
        calls = c->target == f->target;
        breaker = calls && has_breaker(sc, c->policy);
    } else {
        const struct service_cfg *s = &sc->services[f->from];
        for (uint32_t k = 0; k < s->call_count; k++)
            if (s->calls[k].service == f->target) {
                calls = true;
                breaker = breaker || has_breaker(sc, s->calls[k].policy);
            }
    }
    if (!calls || !breaker) {
        diag_error(d, p, "'%s' %s", name,
                   !calls ? "is not an edge: the caller does not call that service"
                          : "has no circuit breaker to act on");
        return false;
    }
    return true;
}

static bool parse_target(struct diag *d, const cJSON *v, const char *path,
                         const struct scenario *sc, const struct fault_names *names,
                         struct fault_cfg *f)
{
    const char *name;
    char p[JSON_PATH_MAX];
    if (!json_read_string(d, v, path, "target", true, &name))
        return false;
    json_path_key(p, path, "target");
    if (targets_edge(f->kind))
        return parse_edge_target(d, p, name, sc, names, f);
    if (targets_client(f->kind)) {
        f->target = find_client(names, name);
        if (f->target == NO_INDEX) {
            diag_error(d, p, "unknown client '%s' (a %s fault targets a client)", name,
                       fault_kind_names[f->kind]);
            return false;
        }
        const struct client_cfg *c = &sc->clients[f->target];
        if (f->kind == FAULT_SURGE && c->closed_loop) {
            diag_error(d, p, "client '%s' is closed loop; surge multiplies an open-loop rate", name);
            return false;
        }
        if (f->kind == FAULT_HERD && !c->closed_loop) {
            diag_error(d, p, "client '%s' is open loop; a herd fires closed-loop users", name);
            return false;
        }
        return true;
    }
    f->target = find_service(names, name);
    if (f->target == NO_INDEX) {
        diag_error(d, p, "unknown service '%s'", name);
        return false;
    }
    return true;
}

static void parse_instances(struct diag *d, const cJSON *v, const char *path,
                            const struct scenario *sc, struct fault_cfg *f)
{
    if (targets_client(f->kind) || targets_edge(f->kind) || f->kind == FAULT_PARTITION)
        return;
    uint32_t total = sc->services[f->target].instances;
    int64_t n;
    f->first_instance = 0;
    f->instance_count = total;
    if (json_read_int(d, v, path, "first_instance", false, 0, total - 1, &n))
        f->first_instance = (uint32_t)n;
    f->instance_count = total - f->first_instance;
    if (json_read_int(d, v, path, "instances", false, 1, total - f->first_instance, &n))
        f->instance_count = (uint32_t)n;
}

static void parse_kind_keys(struct diag *d, const cJSON *v, const char *path,
                            const struct scenario *sc, const struct fault_names *names,
                            struct fault_cfg *f)
{
    char p[JSON_PATH_MAX];
    int mode = 0;
    double x;
    int64_t n;
    switch (f->kind) {
    case FAULT_OUTAGE:
        json_read_choice(d, v, path, "mode", false, OUTAGE_MODES, &mode);
        f->mode = (enum outage_mode)mode;
        break;
    case FAULT_LATENCY: {
        f->factor = 1;
        bool add = json_read_number(d, v, path, "add_ms", false, 0, false, 1e9, &x);
        if (add)
            f->add_ns = sim_time_from_ms(x);
        bool mul = json_read_number(d, v, path, "factor", false, 0, true, 1e6, &f->factor);
        if (!add && !mul && !json_get(v, "add_ms") && !json_get(v, "factor"))
            diag_error(d, path, "a latency fault needs 'add_ms', 'factor' or both");
        break;
    }
    case FAULT_ERRORS:
        json_read_number(d, v, path, "rate", true, 0, true, 1, &f->rate);
        f->status = STATUS_INTERNAL;
        if (json_read_int(d, v, path, "status", false, 400, 599, &n))
            f->status = (uint16_t)n;
        break;
    case FAULT_CAPACITY: {
        uint32_t workers = sc->services[f->target].workers;
        f->workers_lost = workers;
        if (json_read_int(d, v, path, "workers_lost", false, 1, workers, &n))
            f->workers_lost = (uint32_t)n;
        break;
    }
    case FAULT_PARTITION: {
        const char *from;
        f->from = NO_INDEX;
        if (!json_read_string(d, v, path, "from", false, &from))
            break;
        f->from = find_service(names, from);
        if (f->from == NO_INDEX) {
            f->from = find_client(names, from);
            f->from_client = true;
        }
        if (f->from == NO_INDEX)
            diag_error(d, json_path_key(p, path, "from"), "unknown service or client '%s'", from);
        break;
    }
    case FAULT_SURGE:
        json_read_number(d, v, path, "factor", true, 0, true, 1e6, &f->factor);
        break;
    case FAULT_RESTART:
        json_read_choice(d, v, path, "mode", false, RESTART_MODES, &mode);
        f->restart = (enum restart_mode)mode;
        f->interval_ns = f->duration_ns;
        if (json_read_number(d, v, path, "interval_s", false, 0, false, 1e8, &x))
            f->interval_ns = sim_time_from_s(x);
        f->cold_factor = 1;
        json_read_number(d, v, path, "cold_factor", false, 1, false, 1000, &f->cold_factor);
        if (json_read_number(d, v, path, "warmup_s", false, 0, false, 1e8, &x))
            f->warmup_ns = sim_time_from_s(x);
        if ((f->cold_factor != 1) != (f->warmup_ns > 0))
            diag_error(d, path, "'cold_factor' and 'warmup_s' go together");
        if (f->restart == RESTART_ROLLING && f->target < sc->service_count)
            f->drain_ns = sc->services[f->target].drain_ns; /* the end may slip by it */
        break;
    case FAULT_PAUSE:
    case FAULT_HERD:
    case FAULT_CACHE_FLUSH:
    case FAULT_BREAKER_OPEN:
    case FAULT_BREAKER_RESET:
    case FAULT_KIND_COUNT:
        break;
    }
}

/* "db latency +400 ms x2 on 1 of 3 instances": what the fault does, for
 * events.csv and the plots. */
static char *describe(const struct scenario *sc, const struct fault_cfg *f)
{
    char what[160] = "", where[96] = "", edge[200];
    const char *target = targets_client(f->kind) ? sc->clients[f->target].name
                                                 : sc->services[f->target].name;
    if (targets_edge(f->kind)) {
        snprintf(edge, sizeof edge, "%s->%s",
                 f->from_client ? sc->clients[f->from].name : sc->services[f->from].name,
                 sc->services[f->target].name);
        target = edge;
    }
    switch (f->kind) {
    case FAULT_OUTAGE:
        snprintf(what, sizeof what, "outage (%s)", OUTAGE_MODES[f->mode]);
        break;
    case FAULT_LATENCY:
        snprintf(what, sizeof what, "latency");
        if (f->add_ns)
            snprintf(what + strlen(what), sizeof what - strlen(what), " +%g ms",
                     sim_time_to_ms(f->add_ns));
        if (f->factor != 1)
            snprintf(what + strlen(what), sizeof what - strlen(what), " x%g", f->factor);
        break;
    case FAULT_ERRORS:
        snprintf(what, sizeof what, "errors %g%%", f->rate * 100);
        if (f->status != STATUS_INTERNAL)
            snprintf(what + strlen(what), sizeof what - strlen(what), " (%u)", f->status);
        break;
    case FAULT_CAPACITY:
        snprintf(what, sizeof what, "capacity -%u workers", f->workers_lost);
        break;
    case FAULT_PARTITION:
        snprintf(what, sizeof what, "partition from %s",
                 f->from == NO_INDEX  ? "every caller"
                 : f->from_client     ? sc->clients[f->from].name
                                      : sc->services[f->from].name);
        break;
    case FAULT_SURGE:
        snprintf(what, sizeof what, "surge x%g", f->factor);
        break;
    case FAULT_RESTART:
        snprintf(what, sizeof what, "restart (%s)", RESTART_MODES[f->restart]);
        break;
    case FAULT_BREAKER_OPEN:
        snprintf(what, sizeof what, "breaker forced open");
        break;
    case FAULT_BREAKER_RESET:
        snprintf(what, sizeof what, "breaker reset");
        break;
    case FAULT_PAUSE:
    case FAULT_HERD:
    case FAULT_CACHE_FLUSH:
    case FAULT_KIND_COUNT:
        snprintf(what, sizeof what, "%s", fault_kind_names[f->kind]);
        break;
    }
    if (!targets_client(f->kind) && !targets_edge(f->kind) && f->kind != FAULT_PARTITION &&
        f->kind != FAULT_CACHE_FLUSH &&
        f->instance_count < sc->services[f->target].instances)
        snprintf(where, sizeof where, " on %u of %u instances", f->instance_count,
                 sc->services[f->target].instances);
    size_t n = strlen(target) + strlen(what) + strlen(where) + 2;
    char *label = xmalloc(n);
    snprintf(label, n, "%s %s%s", target, what, where);
    return label;
}

static void parse_fault(struct diag *d, const cJSON *v, const char *path, const struct scenario *sc,
                        const struct fault_names *names, struct fault_cfg *f)
{
    if (!json_expect_object(d, v, path))
        return;
    int kind;
    if (!json_read_choice(d, v, path, "kind", true, KIND_NAMES, &kind))
        return;
    f->kind = (enum fault_kind)kind;
    const char *known[14];
    int k = 0;
    for (int i = 0; COMMON[i]; i++)
        known[k++] = COMMON[i];
    for (int i = 0; i < 7 && EXTRA[kind][i]; i++)
        known[k++] = EXTRA[kind][i];
    known[k] = NULL;
    json_check_keys(d, v, path, known);

    double x;
    f->count = 1;
    if (json_read_number(d, v, path, "at_s", true, 0, false, 1e8, &x)) {
        f->at_ns = sim_time_from_s(x);
        if (sc->duration_ns && f->at_ns >= sc->duration_ns) {
            char p[JSON_PATH_MAX];
            diag_error(d, json_path_key(p, path, "at_s"),
                       "the fault starts at or after the end of the run (duration_s)");
        }
    }
    if (f->kind == FAULT_HERD || f->kind == FAULT_CACHE_FLUSH ||
        f->kind == FAULT_BREAKER_RESET) { /* instants */
        if (json_read_number(d, v, path, "duration_s", false, 0, false, 1e8, &x))
            f->duration_ns = sim_time_from_s(x);
    } else if (json_read_number(d, v, path, "duration_s", true, 0, true, 1e8, &x))
        f->duration_ns = sim_time_from_s(x);
    int64_t n;
    if (json_read_int(d, v, path, "count", false, 1, 1000000, &n))
        f->count = (uint32_t)n;
    bool has_every = json_read_number(d, v, path, "every_s", false, 0, true, 1e8, &x);
    if (has_every)
        f->every_ns = sim_time_from_s(x);
    if (f->count > 1 && !has_every)
        diag_error(d, path, "'count' > 1 needs 'every_s' (the time between occurrences)");
    if (!parse_target(d, v, path, sc, names, f))
        return;
    if (f->kind == FAULT_CACHE_FLUSH && !(sc->services[f->target].cache.keys > 0)) {
        char p[JSON_PATH_MAX];
        diag_error(d, json_path_key(p, path, "target"),
                   "service '%s' has no key-space cache to flush", sc->services[f->target].name);
        return;
    }
    parse_instances(d, v, path, sc, f);
    parse_kind_keys(d, v, path, sc, names, f);
    if (f->count > 1 && has_every && f->every_ns <= fault_end_of(f, 0) - f->at_ns)
        diag_error(d, path, "occurrences overlap: 'every_s' must exceed one occurrence's length");
    f->label = describe(sc, f);
    if (targets_edge(f->kind)) {
        const char *caller = f->from_client ? sc->clients[f->from].name : sc->services[f->from].name;
        size_t len = strlen(caller) + strlen(sc->services[f->target].name) + 3;
        f->edge = xmalloc(len);
        snprintf(f->edge, len, "%s->%s", caller, sc->services[f->target].name);
    }
}

void loader_parse_faults(struct diag *d, const cJSON *root, struct scenario *sc)
{
    const cJSON *list = json_get(root, "faults");
    if (!list || !json_expect_array(d, list, "$.faults"))
        return;
    sc->fault_count = (uint32_t)cJSON_GetArraySize(list);
    sc->faults = xcalloc(sc->fault_count, sizeof *sc->faults);
    char p[JSON_PATH_MAX];
    struct fault_names names;
    fault_names_build(&names, sc);
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++)
        parse_fault(d, c, json_path_index(p, "$.faults", i), sc, &names, &sc->faults[i]);
    fault_names_release(&names);
}
