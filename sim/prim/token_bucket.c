#include "token_bucket.h"

void token_bucket_init(struct token_bucket *b, double rate_rps, uint32_t burst)
{
    b->interval_ns = sim_time_from_s(1.0 / rate_rps);
    if (b->interval_ns < 1)
        b->interval_ns = 1;
    b->tolerance_ns = sim_time_mul_sat(b->interval_ns, burst); /* a huge burst: no limit */
    b->tat = 0;
}

bool token_bucket_take(struct token_bucket *b, sim_time now)
{
    sim_time base = b->tat > now ? b->tat : now;
    sim_time next = sim_time_add_sat(base, b->interval_ns);
    if (next - now > b->tolerance_ns)
        return false;
    b->tat = next;
    return true;
}

sim_time token_bucket_next(const struct token_bucket *b, sim_time now)
{
    sim_time ready = b->tat + b->interval_ns - b->tolerance_ns;
    return ready > now ? ready : now;
}
