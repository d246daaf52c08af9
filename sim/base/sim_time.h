/* sim_time: the simulator's one time type.
 *
 * Time is a signed 64-bit count of nanoseconds since the start of the run
 * (about 292 years of range). Nothing in the simulation holds time as a
 * double: doubles appear only at the edges (reading a scenario, printing a
 * result). SIM_TIME_NEVER is a sentinel later than every real instant. */
#ifndef STAMPEDE_SIM_TIME_H
#define STAMPEDE_SIM_TIME_H

#include <stdint.h>

typedef int64_t sim_time;

#define SIM_TIME_NEVER INT64_MAX

#define SIM_NS(x) ((sim_time)(x))
#define SIM_US(x) ((sim_time)(x) * 1000)
#define SIM_MS(x) ((sim_time)(x) * 1000000)
#define SIM_S(x) ((sim_time)(x) * 1000000000)

/* Nanoseconds, rounded half away from zero, saturating at +-NEVER (a
 * duration beyond the range, or infinite, is "never"; NaN is 0). */
static inline sim_time sim_time_from_ns(double ns)
{
    if (!(ns == ns))
        return 0;
    if (ns >= 9.2e18)
        return SIM_TIME_NEVER;
    if (ns <= -9.2e18)
        return -SIM_TIME_NEVER;
    return (sim_time)(ns < 0 ? ns - 0.5 : ns + 0.5);
}

/* Converts a duration in (possibly fractional) milliseconds or seconds to
 * nanoseconds, as sim_time_from_ns. Only basic IEEE arithmetic is used, so
 * the result is the same on every platform. */
static inline sim_time sim_time_from_ms(double ms) { return sim_time_from_ns(ms * 1e6); }

static inline sim_time sim_time_from_s(double s) { return sim_time_from_ns(s * 1e9); }

/* a + b for durations and instants that are not negative, saturating at
 * NEVER (so "never" plus anything stays never). */
static inline sim_time sim_time_add_sat(sim_time a, sim_time b)
{
    return a > SIM_TIME_NEVER - b ? SIM_TIME_NEVER : a + b;
}

/* t x k for a duration that is not negative, saturating at NEVER. */
static inline sim_time sim_time_mul_sat(sim_time t, uint64_t k)
{
    return k && (uint64_t)t > (uint64_t)SIM_TIME_NEVER / k ? SIM_TIME_NEVER : t * (sim_time)k;
}

static inline double sim_time_to_ms(sim_time t) { return (double)t / 1e6; }
static inline double sim_time_to_s(sim_time t) { return (double)t / 1e9; }

#endif
