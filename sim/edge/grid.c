#include "grid.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

#define GRID_MAX_POINTS 10000000u

static bool parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return !errno && end != s && !*end && isfinite(*out);
}

static bool parse_long(const char *s, long long *out)
{
    char *end;
    errno = 0;
    *out = strtoll(s, &end, 10);
    return !errno && end != s && !*end;
}

static void push(struct grid_axis *a, const char *value)
{
    a->values = xreallocarray(a->values, a->count + 1, sizeof *a->values);
    a->values[a->count++] = xstrdup(value);
}

/* Expands one item of the list into the axis; false if it is malformed. */
static bool expand(struct grid_axis *a, char *item, char *err, size_t err_size)
{
    char *dots = strstr(item, "..");
    char *colon = strchr(item, ':');
    if (dots) { /* a..b */
        *dots = '\0';
        long long lo, hi;
        if (!parse_long(item, &lo) || !parse_long(dots + 2, &hi) || hi < lo ||
            hi - lo >= GRID_MAX_POINTS) {
            snprintf(err, err_size, "'%s..%s': expected an integer range LOW..HIGH", item,
                     dots + 2);
            return false;
        }
        for (long long v = lo; v <= hi; v++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%lld", v);
            push(a, buf);
        }
        return true;
    }
    if (colon) { /* start:stop:step */
        char *second = strchr(colon + 1, ':');
        double start, stop, step;
        char whole[128];
        snprintf(whole, sizeof whole, "%s", item);
        if (second)
            *colon = *second = '\0';
        if (!second || !parse_double(item, &start) || !parse_double(colon + 1, &stop) ||
            !parse_double(second + 1, &step) || step <= 0 || stop < start ||
            (stop - start) / step >= GRID_MAX_POINTS) {
            snprintf(err, err_size, "'%s': expected START:STOP:STEP with STEP > 0 and "
                                    "STOP >= START", whole);
            return false;
        }
        /* counted in steps, so 0.1:1.0:0.1 gives ten values, 1.0 included */
        long long n = (long long)floor((stop - start) / step + 1e-9);
        for (long long k = 0; k <= n; k++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%.10g", start + (double)k * step);
            push(a, buf);
        }
        return true;
    }
    if (!*item) {
        snprintf(err, err_size, "empty value in the list");
        return false;
    }
    push(a, item);
    return true;
}

bool grid_add_axis(struct grid *g, const char *spec, char *err, size_t err_size)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1]) {
        snprintf(err, err_size, "expected PATH=V1,V2,..., got '%s'", spec);
        return false;
    }
    struct grid_axis a = {.path = xstrndup(spec, (size_t)(eq - spec))};
    char *list = xstrdup(eq + 1);
    bool ok = true;
    /* a JSON value with commas (an object, a list) is one value */
    if (list[0] == '{' || list[0] == '[') {
        push(&a, list);
    } else {
        char *item = list;
        while (ok) { /* split on every comma: an empty item is an error */
            char *comma = strchr(item, ',');
            if (comma)
                *comma = '\0';
            ok = expand(&a, item, err, err_size);
            if (!comma)
                break;
            item = comma + 1;
        }
    }
    free(list);
    for (uint32_t i = 0; ok && i < a.count; i++)
        for (uint32_t k = 0; k < i; k++)
            if (!strcmp(a.values[i], a.values[k])) {
                snprintf(err, err_size, "%s: value '%s' appears twice", a.path, a.values[i]);
                ok = false;
                break;
            }
    uint64_t points = (g->axis_count ? g->points : 1) * a.count;
    if (ok && points > GRID_MAX_POINTS) {
        snprintf(err, err_size, "the grid has more than %u points", GRID_MAX_POINTS);
        ok = false;
    }
    if (!ok) {
        for (uint32_t i = 0; i < a.count; i++)
            free(a.values[i]);
        free(a.values);
        free(a.path);
        return false;
    }
    g->axes = xreallocarray(g->axes, g->axis_count + 1, sizeof *g->axes);
    g->axes[g->axis_count++] = a;
    g->points = points;
    return true;
}

void grid_point(const struct grid *g, uint64_t p, uint32_t *index)
{
    for (uint32_t k = g->axis_count; k-- > 0;) { /* the last axis varies fastest */
        index[k] = (uint32_t)(p % g->axes[k].count);
        p /= g->axes[k].count;
    }
}

void grid_release(struct grid *g)
{
    for (uint32_t k = 0; k < g->axis_count; k++) {
        for (uint32_t i = 0; i < g->axes[k].count; i++)
            free(g->axes[k].values[i]);
        free(g->axes[k].values);
        free(g->axes[k].path);
    }
    free(g->axes);
    *g = (struct grid){0};
}
