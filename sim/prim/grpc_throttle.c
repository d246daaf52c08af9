#include "grpc_throttle.h"

void grpc_throttle_init(struct grpc_throttle *t, double max_tokens, double token_ratio)
{
    t->max_milli = (int64_t)(max_tokens * 1000 + 0.5);
    t->ratio_milli = (int64_t)(token_ratio * 1000 + 0.5);
    t->tokens_milli = t->max_milli;
}

void grpc_throttle_on_failure(struct grpc_throttle *t)
{
    t->tokens_milli = t->tokens_milli > 1000 ? t->tokens_milli - 1000 : 0;
}

void grpc_throttle_on_success(struct grpc_throttle *t)
{
    t->tokens_milli += t->ratio_milli;
    if (t->tokens_milli > t->max_milli)
        t->tokens_milli = t->max_milli;
}

bool grpc_throttle_retry_allowed(const struct grpc_throttle *t)
{
    return 2 * t->tokens_milli > t->max_milli;
}

double grpc_throttle_tokens(const struct grpc_throttle *t) { return (double)t->tokens_milli / 1000; }
