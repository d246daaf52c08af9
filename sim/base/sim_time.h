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

/* Converts a duration in (possibly fractional) milliseconds or seconds to
 * nanoseconds, rounding half away from zero. Only basic IEEE arithmetic is
 * used, so the result is the same on every platform. */
static inline sim_time sim_time_from_ms(double ms)
{
    double ns = ms * 1e6;
    return (sim_time)(ns < 0 ? ns - 0.5 : ns + 0.5);
}

static inline sim_time sim_time_from_s(double s)
{
    double ns = s * 1e9;
    return (sim_time)(ns < 0 ? ns - 0.5 : ns + 0.5);
}

static inline double sim_time_to_ms(sim_time t) { return (double)t / 1e6; }
static inline double sim_time_to_s(sim_time t) { return (double)t / 1e9; }

#endif
