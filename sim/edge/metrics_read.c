#include "metrics_read.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "../base/xalloc.h"
#include "json.h"

/* Two-sided 95% Student t quantiles for 1..30 degrees of freedom. */
static const double T_975[31] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                 2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                 2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                 2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};

struct interval interval_of(const double *values, uint32_t n)
{
    struct interval iv = {.n = n};
    if (n == 0) {
        iv.mean = NAN;
        return iv;
    }
    double sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += values[i];
    iv.mean = sum / n;
    if (n < 2)
        return iv;
    double ss = 0;
    for (uint32_t i = 0; i < n; i++)
        ss += (values[i] - iv.mean) * (values[i] - iv.mean);
    double t = n - 1 <= 30 ? T_975[n - 1] : 1.96;
    iv.half = t * sqrt(ss / (n - 1)) / sqrt((double)n);
    return iv;
}

/* The sum of `field` over the members of the object `group`. */
static struct measured sum_over(const cJSON *root, const char *group, const char *field)
{
    const cJSON *g = json_get(root, group);
    if (!cJSON_IsObject(g))
        return (struct measured){.kind = MEASURED_MISSING};
    double sum = 0;
    for (const cJSON *m = g->child; m; m = m->next) {
        const cJSON *v = json_get(m, field);
        if (cJSON_IsNumber(v))
            sum += v->valuedouble;
    }
    return (struct measured){.kind = MEASURED_NUMBER, .number = sum};
}

struct measured metrics_lookup(const char *summary_json, const char *metric)
{
    struct measured m = {.kind = MEASURED_MISSING};
    cJSON *root = cJSON_Parse(summary_json);
    if (!root)
        return m;
    if (!strcmp(metric, "wasted_work_s")) {
        m = sum_over(root, "services", "wasted_work_s");
    } else if (!strcmp(metric, "breaker_open_s")) {
        m = sum_over(root, "policies", "breaker_open_s");
    } else {
        const cJSON *node = root;
        char *path = xstrdup(metric), *save = NULL;
        for (char *seg = strtok_r(path, ".", &save); seg && node;
             seg = strtok_r(NULL, ".", &save))
            node = json_get(node, seg);
        if (cJSON_IsNumber(node))
            m = (struct measured){.kind = MEASURED_NUMBER, .number = node->valuedouble};
        else if (cJSON_IsBool(node))
            m = (struct measured){.kind = MEASURED_BOOL, .boolean = cJSON_IsTrue(node)};
        else if (cJSON_IsNull(node))
            m.kind = MEASURED_NULL;
        free(path);
    }
    cJSON_Delete(root);
    return m;
}

struct path_list {
    char **items;
    size_t count;
};

static void add_path(struct path_list *l, const char *prefix, const char *key)
{
    size_t n = strlen(prefix) + strlen(key) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s%s%s", prefix, *prefix ? "." : "", key);
    l->items = xreallocarray(l->items, l->count + 2, sizeof *l->items);
    l->items[l->count++] = p;
    l->items[l->count] = NULL;
}

/* Depth-first over objects; the summary is a few levels deep. */
static void collect_paths(const cJSON *node, const char *prefix, struct path_list *l)
{
    for (const cJSON *c = node->child; c; c = c->next) {
        if (!c->string)
            continue;
        if (cJSON_IsObject(c)) {
            size_t n = strlen(prefix) + strlen(c->string) + 2;
            char *deeper = xmalloc(n);
            snprintf(deeper, n, "%s%s%s", prefix, *prefix ? "." : "", c->string);
            collect_paths(c, deeper, l);
            free(deeper);
        } else if (cJSON_IsNumber(c) || cJSON_IsBool(c) || cJSON_IsNull(c)) {
            add_path(l, prefix, c->string);
        }
    }
}

char **metrics_paths(const char *summary_json)
{
    struct path_list l = {.items = xcalloc(1, sizeof *l.items)};
    cJSON *root = cJSON_Parse(summary_json);
    if (root) {
        collect_paths(root, "", &l);
        add_path(&l, "", "wasted_work_s");
        add_path(&l, "", "breaker_open_s");
        cJSON_Delete(root);
    }
    return l.items;
}

void metrics_paths_free(char **paths)
{
    for (char **p = paths; p && *p; p++)
        free(*p);
    free(paths);
}
