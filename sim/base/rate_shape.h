/* rate_shape: an arrival rate that changes over time.
 *
 * Either a sine around a base rate (a diurnal cycle), or a piecewise-linear
 * function given by points (t, rate), sorted by t, constant before the first
 * and after the last point; two points at the same t make a step. Steps,
 * ramps, spikes and replayed traces all become points. Rates are per
 * second, times in seconds from the start of the run. Owned by the scenario
 * (rate_shape_release frees the points). */
#ifndef STAMPEDE_RATE_SHAPE_H
#define STAMPEDE_RATE_SHAPE_H

#include <stdbool.h>
#include <stdint.h>

struct rate_shape {
    bool present;
    bool sine;
    double amplitude, period_s, phase_s; /* sine: base (1 + A sin(2 pi (t + phase) / period)) */
    uint32_t n;
    double *t_s, *rps;                   /* points */
    double max_rps;                      /* the highest rate anywhere (set by rate_shape_finish) */
};

/* Appends a point; points must come in order of time. */
void rate_shape_add(struct rate_shape *s, double t_s, double rps);
/* Computes max_rps once the shape is complete. */
void rate_shape_finish(struct rate_shape *s, double base_rps);
/* The rate at time t. `cursor` (start it at 0) remembers where the last
 * look-up was: calls with non-decreasing t cost O(1) amortised. */
double rate_shape_at(const struct rate_shape *s, double base_rps, double t_s, uint32_t *cursor);
/* The first point time after t at which the rate is above zero, or -1. */
double rate_shape_next_positive(const struct rate_shape *s, double t_s);
void rate_shape_release(struct rate_shape *s);

#endif
