/* Distributions from JSON: {"dist": "exponential", "mean_ms": 20} and kin. */
#include <string.h>

#include "../base/detmath.h"
#include "../base/xalloc.h"
#include "loader_internal.h"

static const char *const KEYS[DIST_KIND_COUNT][5] = {
    [DIST_CONSTANT] = {"dist", "value_ms", NULL},
    [DIST_UNIFORM] = {"dist", "min_ms", "max_ms", NULL},
    [DIST_EXPONENTIAL] = {"dist", "mean_ms", NULL},
    [DIST_LOGNORMAL] = {"dist", "median_ms", "p99_ms", "mu", "sigma"},
    [DIST_NORMAL] = {"dist", "mean_ms", "stddev_ms", NULL},
    [DIST_PARETO] = {"dist", "scale_ms", "shape", NULL},
    [DIST_MIXTURE] = {"dist", "components", NULL},
    [DIST_EMPIRICAL] = {"dist", "values_ms", NULL},
};

/* NULL-terminated, for json_read_choice. */
#define DIST_NAME(e, s) s,
static const char *const DIST_NAMES[] = {DIST_KINDS(DIST_NAME) NULL};
#undef DIST_NAME

static const double BIG = 1e300;
static const double MAX_MS = 1e9; /* 11.6 days: longer is surely a unit slip */

static bool parse_lognormal(struct diag *d, const cJSON *v, const char *path, struct dist *out)
{
    bool by_quantiles = json_get(v, "median_ms") || json_get(v, "p99_ms");
    bool by_params = json_get(v, "mu") || json_get(v, "sigma");
    if (by_quantiles == by_params) {
        diag_error(d, path, "lognormal needs either median_ms and p99_ms, or mu and sigma");
        return false;
    }
    if (by_params) {
        bool ok = json_read_number(d, v, path, "mu", true, -700, false, 700, &out->a);
        return json_read_number(d, v, path, "sigma", true, 0, false, 100, &out->b) && ok;
    }
    double median = 0, p99 = 0;
    bool ok = json_read_number(d, v, path, "median_ms", true, 0, true, MAX_MS, &median);
    ok = json_read_number(d, v, path, "p99_ms", true, 0, true, MAX_MS, &p99) && ok;
    if (ok && p99 < median) {
        char p[JSON_PATH_MAX];
        diag_error(d, json_path_key(p, path, "p99_ms"), "must be >= median_ms");
        return false;
    }
    if (ok)
        dist_lognormal_from_quantiles(median, p99, &out->a, &out->b);
    return ok;
}

static bool parse_mixture(struct diag *d, const cJSON *v, const char *path, struct dist *out)
{
    char p[JSON_PATH_MAX], ip[JSON_PATH_MAX];
    const cJSON *list = json_read_nonempty_list(d, v, path, "components");
    if (!list)
        return false;
    json_path_key(p, path, "components");
    int n = cJSON_GetArraySize(list);
    out->n = (uint32_t)n;
    out->parts = xcalloc((size_t)n, sizeof *out->parts);
    out->cum_weight = xcalloc((size_t)n, sizeof *out->cum_weight);
    double total = 0;
    bool ok = true;
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        json_path_index(ip, p, i);
        double w = 0;
        if (!json_expect_object(d, c, ip)) {
            ok = false;
            continue;
        }
        ok = json_read_number(d, c, ip, "weight", true, 0, true, BIG, &w) && ok;
        ok = loader_parse_dist(d, c, ip, true, &out->parts[i]) && ok;
        total += w;
        out->cum_weight[i] = total;
    }
    for (i = 0; ok && i < n; i++) /* normalise; the last is exactly 1 */
        out->cum_weight[i] = i + 1 == n ? 1.0 : out->cum_weight[i] / total;
    return ok;
}

static bool parse_empirical(struct diag *d, const cJSON *v, const char *path, struct dist *out)
{
    char p[JSON_PATH_MAX], ip[JSON_PATH_MAX], got[64];
    const cJSON *list = json_read_nonempty_list(d, v, path, "values_ms");
    if (!list)
        return false;
    json_path_key(p, path, "values_ms");
    int n = cJSON_GetArraySize(list);
    out->n = (uint32_t)n;
    out->values = xcalloc((size_t)n, sizeof *out->values);
    bool ok = true;
    int i = 0;
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        if (!cJSON_IsNumber(c) || !(c->valuedouble >= 0) || c->valuedouble > MAX_MS) {
            json_describe(c, got, sizeof got);
            diag_error(d, json_path_index(ip, p, i), "expected number >= 0, got %s", got);
            ok = false;
            continue;
        }
        out->values[i] = c->valuedouble;
    }
    return ok;
}

bool loader_parse_dist(struct diag *d, const cJSON *v, const char *path, bool in_mixture,
                       struct dist *out)
{
    memset(out, 0, sizeof *out);
    if (!json_expect_object(d, v, path))
        return false;
    int kind;
    if (!json_read_choice(d, v, path, "dist", true, DIST_NAMES, &kind))
        return false;
    out->kind = (enum dist_kind)kind;
    const char *known[7];
    int k = 0;
    for (int i = 0; i < 5 && KEYS[kind][i]; i++)
        known[k++] = KEYS[kind][i];
    if (in_mixture)
        known[k++] = "weight";
    known[k] = NULL;
    json_check_keys(d, v, path, known);

    switch (out->kind) {
    case DIST_CONSTANT:
        return json_read_number(d, v, path, "value_ms", true, 0, false, MAX_MS, &out->a);
    case DIST_UNIFORM: {
        bool ok = json_read_number(d, v, path, "min_ms", true, 0, false, MAX_MS, &out->a);
        ok = ok && json_read_number(d, v, path, "max_ms", true, out->a, false, MAX_MS, &out->b);
        return ok;
    }
    case DIST_EXPONENTIAL:
        return json_read_number(d, v, path, "mean_ms", true, 0, true, MAX_MS, &out->a);
    case DIST_LOGNORMAL:
        return parse_lognormal(d, v, path, out);
    case DIST_NORMAL: {
        bool ok = json_read_number(d, v, path, "mean_ms", true, 0, false, MAX_MS, &out->a);
        return json_read_number(d, v, path, "stddev_ms", true, 0, false, MAX_MS, &out->b) && ok;
    }
    case DIST_PARETO: {
        bool ok = json_read_number(d, v, path, "scale_ms", true, 0, true, MAX_MS, &out->a);
        return json_read_number(d, v, path, "shape", true, 0, true, 1000, &out->b) && ok;
    }
    case DIST_MIXTURE:
        return parse_mixture(d, v, path, out);
    case DIST_EMPIRICAL:
        return parse_empirical(d, v, path, out);
    case DIST_KIND_COUNT:
        break;
    }
    return false;
}
