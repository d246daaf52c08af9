/* grpc_throttle: gRPC's retry throttling (gRFC A6). A bucket starts full at
 * `max_tokens`; each failed attempt costs one token, each success refunds
 * `token_ratio` (capped at max_tokens); retries and hedges are allowed only
 * while tokens > max_tokens / 2 (strictly). With ratio 0.1 retrying stops
 * once more than about 1 call in 11 fails. Tokens are held in thousandths,
 * as gRPC limits token_ratio to three decimals, so long runs do not drift.
 * No clock is involved; the caller owns the struct. */
#ifndef STAMPEDE_GRPC_THROTTLE_H
#define STAMPEDE_GRPC_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

struct grpc_throttle {
    int64_t max_milli, ratio_milli, tokens_milli;
};

/* max_tokens in (0, 1000], token_ratio > 0 (rounded to thousandths). */
void grpc_throttle_init(struct grpc_throttle *t, double max_tokens, double token_ratio);
void grpc_throttle_on_failure(struct grpc_throttle *t);
void grpc_throttle_on_success(struct grpc_throttle *t);
bool grpc_throttle_retry_allowed(const struct grpc_throttle *t);
double grpc_throttle_tokens(const struct grpc_throttle *t);

#endif
