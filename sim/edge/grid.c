#include "grid.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

/* A point is a whole run: a million of them is days of work already. */
#define GRID_MAX_POINTS 1000000u

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
    if ((a->count & (a->count - 1)) == 0) /* capacity doubles at each power of two */
        a->values = xreallocarray(a->values, a->count ? 2 * (size_t)a->count : 1,
                                  sizeof *a->values);
    a->values[a->count++] = xstrdup(value);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A value given twice on the axis, or NULL: sorted, so 1..80000 takes
 * milliseconds (the pairwise check took 11 s). */
static const char *repeated_value(const struct grid_axis *a)
{
    if (a->count < 2)
        return NULL;
    char **sorted = xcalloc(a->count, sizeof *sorted);
    memcpy(sorted, a->values, a->count * sizeof *sorted);
    qsort(sorted, a->count, sizeof *sorted, by_text);
    const char *twice = NULL;
    for (uint32_t i = 1; i < a->count && !twice; i++)
        if (!strcmp(sorted[i - 1], sorted[i]))
            twice = sorted[i];
    free(sorted);
    return twice;
}

/* Expands one item of the list into the axis; false if it is malformed. */
static bool expand(struct grid_axis *a, char *item, char *err, size_t err_size)
{
    char *dots = strstr(item, "..");
    char *colon = strchr(item, ':');
    if (dots) { /* a..b */
        *dots = '\0';
        long long lo, hi;
        if (!parse_long(item, &lo) || !parse_long(dots + 2, &hi) || hi < lo) {
            snprintf(err, err_size, "'%s..%s': expected an integer range LOW..HIGH", item,
                     dots + 2);
            return false;
        }
        if ((unsigned long long)hi - (unsigned long long)lo >= GRID_MAX_POINTS - a->count) {
            snprintf(err, err_size, "'%s..%s': an axis has at most %u values", item, dots + 2,
                     GRID_MAX_POINTS);
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
            !parse_double(second + 1, &step) || step <= 0 || stop < start) {
            snprintf(err, err_size, "'%s': expected START:STOP:STEP with STEP > 0 and "
                                    "STOP >= START", whole);
            return false;
        }
        if ((stop - start) / step >= (double)(GRID_MAX_POINTS - a->count)) {
            snprintf(err, err_size, "'%s': an axis has at most %u values", whole, GRID_MAX_POINTS);
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
    if (a->count >= GRID_MAX_POINTS) {
        snprintf(err, err_size, "an axis has at most %u values", GRID_MAX_POINTS);
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
    const char *twice = ok ? repeated_value(&a) : NULL;
    if (twice) {
        snprintf(err, err_size, "%s: value '%s' appears twice", a.path, twice);
        ok = false;
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
