#include "admission.h"

void admission_init(struct admission *a, const struct admission_cfg *cfg)
{
    a->cfg = cfg;
    codel_init(&a->codel, cfg->codel_target_ns, cfg->codel_interval_ns);
    if (cfg->rate_limit.kind == RATE_LIMIT_TOKEN_BUCKET)
        token_bucket_init(&a->bucket, cfg->rate_limit.rate_rps, cfg->rate_limit.burst);
    if (cfg->has_conc_limit)
        conc_limit_init(&a->limit, &cfg->conc_limit);
}

bool admission_rate_ok(struct admission *a, sim_time now)
{
    return a->cfg->rate_limit.kind != RATE_LIMIT_TOKEN_BUCKET || token_bucket_take(&a->bucket, now);
}

bool admission_enter(struct admission *a, uint32_t *in_flight)
{
    return conc_limit_acquire(&a->limit, in_flight);
}

void admission_leave(struct admission *a, sim_time rtt, uint32_t in_flight, enum outcome outcome)
{
    if (outcome == OUTCOME_ERROR)
        conc_limit_ignore(&a->limit);
    else
        conc_limit_sample(&a->limit, rtt, in_flight, !outcome_is_success(outcome));
}

bool admission_serve_newest(struct admission *a, sim_time now, sim_time oldest)
{
    codel_should_drop(&a->codel, now, oldest);
    return a->cfg->adaptive_lifo && codel_overloaded(&a->codel);
}

bool admission_sheds(struct admission *a, sim_time sojourn)
{
    return a->cfg->codel && codel_sojourn_too_long(&a->codel, sojourn);
}
