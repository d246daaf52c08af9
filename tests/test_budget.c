/* Retry budgets and throttles, alone, with literal times. */
#include <criterion/criterion.h>

#include "../sim/prim/aws_quota.h"
#include "../sim/prim/grpc_throttle.h"
#include "../sim/prim/ratio_budget.h"

static const sim_time MS = 1000000, S = 1000000000;

Test(ratio_budget, under_total_failure_retries_stay_within_ratio_plus_reserve)
{
    /* 1000 requests/s, every one failing and wanting a retry; ratio 0.1,
     * 1 retry/s reserve, ttl 10 s: at most 0.1 x 10000 + 10 retries in any
     * 10 s, and in steady state that many. */
    struct ratio_budget b;
    ratio_budget_init(&b, 0.1, 1, 10 * S);
    uint64_t retries_last_10s = 0, total_requests = 0;
    for (sim_time t = 0; t < 30 * S; t += MS) {
        ratio_budget_deposit(&b, t);
        total_requests++;
        bool ok = ratio_budget_try_withdraw(&b, t);
        if (t >= 20 * S)
            retries_last_10s += ok;
    }
    cr_assert_leq(retries_last_10s, 1010u);
    cr_assert_geq(retries_last_10s, 990u, "got %llu", (unsigned long long)retries_last_10s);
}

Test(ratio_budget, a_quiet_client_can_burst_the_whole_reserve_at_once)
{
    struct ratio_budget b;
    ratio_budget_init(&b, 0.2, 10, 10 * S);
    int n = 0;
    while (ratio_budget_try_withdraw(&b, 5 * S))
        n++;
    cr_assert_eq(n, 100, "10/s x 10 s of reserve");
}

Test(ratio_budget, deposits_and_withdrawals_expire_after_the_ttl)
{
    struct ratio_budget b;
    ratio_budget_init(&b, 0.5, 0, 10 * S);
    for (int i = 0; i < 10; i++)
        ratio_budget_deposit(&b, 1 * S);
    cr_assert_float_eq(ratio_budget_balance(&b, 2 * S), 5.0, 1e-9);
    cr_assert(ratio_budget_try_withdraw(&b, 2 * S));
    cr_assert_float_eq(ratio_budget_balance(&b, 3 * S), 4.0, 1e-9);
    cr_assert_float_eq(ratio_budget_balance(&b, 12 * S), 0.0, 1e-9, "all expired");
}

Test(ratio_budget, integer_scaling_rounds_the_ratio_like_finagle)
{
    struct ratio_budget b;
    ratio_budget_init(&b, 0.3, 0, 10 * S); /* withdraw = floor(1000 / 0.3) = 3333 */
    for (int i = 0; i < 10; i++)
        ratio_budget_deposit(&b, 0);
    int n = 0;
    while (ratio_budget_try_withdraw(&b, 0))
        n++;
    cr_assert_eq(n, 3);
    ratio_budget_init(&b, 0, 0, 10 * S);
    ratio_budget_deposit(&b, 0);
    cr_assert_not(ratio_budget_try_withdraw(&b, 0), "ratio 0 and no reserve: never");
}

/* Runs `calls` outcomes through a throttle, one in `every` failing; is a
 * retry allowed at the end? */
static bool throttle_after(int calls, int every)
{
    struct grpc_throttle t;
    grpc_throttle_init(&t, 10, 0.1);
    for (int i = 1; i <= calls; i++) {
        if (i % every == 0)
            grpc_throttle_on_failure(&t);
        else
            grpc_throttle_on_success(&t);
    }
    return grpc_throttle_retry_allowed(&t);
}

Test(grpc_throttle, keeps_retrying_at_five_percent_failure_and_stops_at_twenty)
{
    cr_assert(throttle_after(10000, 20), "5%%: -1 + 19 x 0.1 per 20 calls, the bucket stays full");
    cr_assert_not(throttle_after(10000, 5), "20%%: -1 + 4 x 0.1 per 5 calls drains it");
}

Test(grpc_throttle, retries_need_strictly_more_than_half)
{
    struct grpc_throttle t;
    grpc_throttle_init(&t, 10, 0.1);
    for (int i = 0; i < 4; i++)
        grpc_throttle_on_failure(&t);
    cr_assert(grpc_throttle_retry_allowed(&t), "6 > 5");
    grpc_throttle_on_failure(&t);
    cr_assert_not(grpc_throttle_retry_allowed(&t), "5 is not > 5");
    cr_assert_float_eq(grpc_throttle_tokens(&t), 5.0, 1e-12);
    for (int i = 0; i < 200; i++)
        grpc_throttle_on_success(&t);
    cr_assert_float_eq(grpc_throttle_tokens(&t), 10.0, 1e-12, "capped at max_tokens");
}

Test(aws_quota, retries_cost_tokens_timeouts_twice_and_successes_refund)
{
    struct aws_quota q;
    aws_quota_init(&q, 500, 5, 10);
    int retries = 0;
    while (aws_quota_acquire(&q, false))
        retries++;
    cr_assert_eq(retries, 100);
    aws_quota_on_success(&q, 5); /* a retried request succeeded: its 5 back */
    cr_assert_eq(q.available, 5u);
    cr_assert_eq(aws_quota_acquire(&q, true), 0u, "a timeout retry needs 10");
    aws_quota_on_success(&q, 0); /* first-try success: +1 */
    cr_assert_eq(q.available, 6u);
    aws_quota_init(&q, 500, 5, 10);
    for (int i = 0; i < 10; i++)
        aws_quota_on_success(&q, 0);
    cr_assert_eq(q.available, 500u, "never above capacity");
}
