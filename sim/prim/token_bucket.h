/* token_bucket: rate limiting with `rate_rps` tokens a second and room for
 * `burst` (golang.org/x/time/rate semantics: starts full, a call takes one
 * token, a refused call changes nothing). Kept as GCRA (one theoretical
 * arrival time in integer nanoseconds), which is the same bucket in exact
 * arithmetic, so long runs do not drift. Time is passed in. */
#ifndef STAMPEDE_TOKEN_BUCKET_H
#define STAMPEDE_TOKEN_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

struct token_bucket {
    sim_time interval_ns; /* one token every interval (1 / rate) */
    sim_time tolerance_ns;/* burst x interval: how far ahead the bucket may run */
    sim_time tat;         /* theoretical arrival time of the next conforming call */
};

/* rate_rps > 0, burst >= 1. */
void token_bucket_init(struct token_bucket *b, double rate_rps, uint32_t burst);
/* Takes a token if there is one. */
bool token_bucket_take(struct token_bucket *b, sim_time now);
/* When the next token is there (now if one is). */
sim_time token_bucket_next(const struct token_bucket *b, sim_time now);

#endif
