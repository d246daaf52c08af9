#include "conc_limit.h"

#include <math.h>

void conc_limit_init(struct conc_limit *c, const struct conc_limit_cfg *cfg)
{
    c->cfg = *cfg;
    c->limit = cfg->initial;
    c->in_flight = 0;
    c->long_rtt = 0;
    c->samples = 0;
}

uint32_t conc_limit_current(const struct conc_limit *c) { return (uint32_t)c->limit; }

bool conc_limit_acquire(struct conc_limit *c, uint32_t *in_flight)
{
    if (c->in_flight >= conc_limit_current(c))
        return false;
    *in_flight = ++c->in_flight;
    return true;
}

void conc_limit_ignore(struct conc_limit *c)
{
    if (c->in_flight)
        c->in_flight--;
}

static double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

static void aimd(struct conc_limit *c, sim_time rtt, uint32_t in_flight, bool dropped)
{
    if (dropped || (c->cfg.timeout_ns > 0 && rtt > c->cfg.timeout_ns))
        c->limit = floor(c->limit * c->cfg.backoff_ratio);
    else if (in_flight * 2.0 >= c->limit) /* grow only while at least half used */
        c->limit += 1;
}

static void gradient2(struct conc_limit *c, sim_time rtt, uint32_t in_flight)
{
    double short_rtt = (double)rtt;
    if (short_rtt <= 0)
        return;
    c->samples++;
    if (c->samples <= 10) /* warm-up: a plain average */
        c->long_rtt += (short_rtt - c->long_rtt) / c->samples;
    else
        c->long_rtt += (short_rtt - c->long_rtt) * (2.0 / 601);
    if (c->long_rtt / short_rtt > 2) /* recover quickly after a long overload */
        c->long_rtt *= 0.95;
    if (in_flight < c->limit / 2)
        return; /* application-limited: the samples say nothing about capacity */
    double gradient = clamp(c->cfg.tolerance * c->long_rtt / short_rtt, 0.5, 1.0);
    double next = c->limit * gradient + c->cfg.queue_size;
    c->limit = (1 - c->cfg.smoothing) * c->limit + c->cfg.smoothing * next;
}

void conc_limit_sample(struct conc_limit *c, sim_time rtt, uint32_t in_flight, bool dropped)
{
    conc_limit_ignore(c);
    if (c->cfg.algorithm == CONC_AIMD)
        aimd(c, rtt, in_flight, dropped);
    else
        gradient2(c, rtt, in_flight);
    c->limit = clamp(c->limit, c->cfg.min_limit, c->cfg.max_limit);
}
