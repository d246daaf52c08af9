/* admission: what one server instance does with a request before serving
 * it. A token bucket caps the rate it accepts; an adaptive concurrency
 * limit (Netflix AIMD or Gradient2) caps the requests inside it and learns
 * from each one's time in the service; CoDel judges the queue by the age of
 * its oldest request at every dequeue, sheds requests that waited too long
 * while it is overloaded, and tells adaptive LIFO when to serve the newest
 * first (folly's Codel + adaptive LIFO). Given the time; reads no clock. */
#ifndef STAMPEDE_ADMISSION_H
#define STAMPEDE_ADMISSION_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"
#include "../prim/codel.h"
#include "../prim/conc_limit.h"
#include "../prim/token_bucket.h"
#include "outcome.h"
#include "policy_cfg.h"

struct admission_cfg {
    bool codel;             /* shed requests that waited too long while overloaded */
    bool adaptive_lifo;     /* newest first while CoDel says overloaded */
    sim_time codel_target_ns, codel_interval_ns;
    struct rate_limit_cfg rate_limit; /* RATE_LIMIT_TOKEN_BUCKET or none */
    bool has_conc_limit;
    struct conc_limit_cfg conc_limit;
};

static inline bool admission_configured(const struct admission_cfg *c)
{
    return c->codel || c->adaptive_lifo || c->rate_limit.kind != RATE_LIMIT_NONE ||
           c->has_conc_limit;
}

struct admission {
    const struct admission_cfg *cfg;
    struct codel codel;
    struct token_bucket bucket;
    struct conc_limit limit;
};

void admission_init(struct admission *a, const struct admission_cfg *cfg);

/* A request arrives: false if the rate limit refuses it. */
bool admission_rate_ok(struct admission *a, sim_time now);
/* A place in the concurrency limit: false if it is full; else *in_flight
 * is the limiter's count, to give back with admission_leave. */
bool admission_enter(struct admission *a, uint32_t *in_flight);
/* A request that held a place leaves with `outcome` after `rtt` in the
 * service. A timeout or an overload refusal is the limiter's signal to back
 * off; an application error says nothing about capacity and is ignored. */
void admission_leave(struct admission *a, sim_time rtt, uint32_t in_flight, enum outcome outcome);

/* About to take a request off the queue whose oldest has waited `oldest`:
 * true if the queue is overloaded and adaptive LIFO serves the newest. */
bool admission_serve_newest(struct admission *a, sim_time now, sim_time oldest);
/* The request taken waited `sojourn`: true if CoDel sheds it. */
bool admission_sheds(struct admission *a, sim_time sojourn);

#endif
