/* grid: the points of a parameter sweep. Each axis is "PATH=V1,V2,..."
 * where an item may be a range: "1..5" (integers, inclusive) or
 * "0.1:1.0:0.1" (start:stop:step, stop included when the steps land on
 * it). The points are the cartesian product, the first axis varying
 * slowest, numbered from 0 in that order: a stable order that shards and
 * merges rely on. */
#ifndef STAMPEDE_GRID_H
#define STAMPEDE_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct grid_axis {
    char *path;
    char **values; /* as they go into --set PATH=VALUE */
    uint32_t count;
};

struct grid {
    struct grid_axis *axes;
    uint32_t axis_count;
    uint64_t points;
};

/* Adds an axis from "PATH=V1,V2,..."; false with a message in err when it
 * is malformed (no '=', an empty value, a bad range, a repeated value, too
 * many points). */
bool grid_add_axis(struct grid *g, const char *spec, char *err, size_t err_size);
/* The value index on each axis of point p. */
void grid_point(const struct grid *g, uint64_t p, uint32_t *index);
void grid_release(struct grid *g);

#endif
