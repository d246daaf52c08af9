/* Outlier ejection, health probes, count and concurrency budgets, and the
 * idempotency store, alone, with literal times. */
#include <criterion/criterion.h>

#include "../sim/prim/conc_budget.h"
#include "../sim/prim/count_budget.h"
#include "../sim/prim/idem_store.h"
#include "../sim/prim/outlier.h"
#include "../sim/prim/probe.h"

static const sim_time S = 1000000000;

static struct outlier_cfg envoy(double max_percent, bool always_one)
{
    return (struct outlier_cfg){.consecutive_5xx = 5, .interval_ns = 10 * S,
                                .base_ejection_ns = 30 * S, .max_ejection_ns = 300 * S,
                                .max_ejection_percent = max_percent,
                                .always_eject_one = always_one};
}

Test(outlier, ejects_on_the_fifth_consecutive_error_and_returns_at_an_interval_tick)
{
    struct outlier o;
    struct outlier_cfg c = envoy(50, false);
    outlier_init(&o, &c, 4);
    for (int i = 0; i < 4; i++)
        cr_assert_not(outlier_on_result(&o, 1, true, 1 * S));
    cr_assert_not(outlier_on_result(&o, 1, false, 1 * S), "a success resets the run");
    for (int i = 0; i < 4; i++)
        outlier_on_result(&o, 1, true, 2 * S);
    cr_assert(outlier_on_result(&o, 1, true, 2 * S));
    cr_assert(outlier_is_ejected(&o, 1));
    cr_assert_eq(outlier_tick(&o, 30 * S), 0u, "28 s < 30 s");
    cr_assert_eq(outlier_tick(&o, 40 * S), 1u, "back at the first tick after 30 s");
    cr_assert_not(outlier_is_ejected(&o, 1));
    outlier_release(&o);
}

Test(outlier, a_second_ejection_lasts_twice_as_long)
{
    struct outlier o;
    struct outlier_cfg c = envoy(50, false);
    outlier_init(&o, &c, 4);
    for (int i = 0; i < 5; i++)
        outlier_on_result(&o, 0, true, 0);
    outlier_tick(&o, 30 * S);
    for (int i = 0; i < 5; i++)
        outlier_on_result(&o, 0, true, 31 * S);
    cr_assert_eq(outlier_tick(&o, 80 * S), 0u, "49 s < 2 x 30 s");
    cr_assert_eq(outlier_tick(&o, 91 * S), 1u);
    outlier_release(&o);
}

Test(outlier, max_ejection_percent_blocks_small_clusters_unless_always_eject_one)
{
    struct outlier o;
    struct outlier_cfg c = envoy(10, false);
    outlier_init(&o, &c, 5); /* (0 + 1) x 100 / 5 = 20% > 10% */
    for (int i = 0; i < 5; i++)
        outlier_on_result(&o, 0, true, 0);
    cr_assert_not(outlier_is_ejected(&o, 0));
    cr_assert_eq(o.overflows, 1u);
    outlier_release(&o);
    c = envoy(10, true);
    outlier_init(&o, &c, 5);
    for (int i = 0; i < 5; i++)
        outlier_on_result(&o, 0, true, 0);
    cr_assert(outlier_is_ejected(&o, 0));
    for (int i = 0; i < 5; i++)
        outlier_on_result(&o, 1, true, 0);
    cr_assert_not(outlier_is_ejected(&o, 1), "only one");
    outlier_release(&o);
}

Test(probe, three_failures_make_unready_and_one_success_ready_again)
{
    struct probe p;
    probe_init(&p, 1, 3, false);
    cr_assert_eq(probe_on_result(&p, true), PROBE_BECAME_READY, "starts not ready");
    cr_assert_eq(probe_on_result(&p, false), PROBE_NO_CHANGE);
    cr_assert_eq(probe_on_result(&p, false), PROBE_NO_CHANGE);
    cr_assert_eq(probe_on_result(&p, true), PROBE_NO_CHANGE, "a success resets the failures");
    probe_on_result(&p, false);
    probe_on_result(&p, false);
    cr_assert_eq(probe_on_result(&p, false), PROBE_BECAME_UNREADY);
    cr_assert_eq(probe_on_result(&p, true), PROBE_BECAME_READY);
}

Test(count_budget, at_most_n_per_sliding_window_and_a_minimum_interval)
{
    struct count_budget b;
    count_budget_init(&b, 3, 10 * S, 0);
    cr_assert(count_budget_try(&b, 0));
    cr_assert(count_budget_try(&b, 1 * S));
    cr_assert(count_budget_try(&b, 2 * S));
    cr_assert_not(count_budget_try(&b, 9 * S));
    cr_assert(count_budget_try(&b, 10 * S), "the one at 0 s has left the window");
    cr_assert_not(count_budget_try(&b, 10 * S + 1));
    count_budget_release(&b);
    count_budget_init(&b, 100, 10 * S, 1 * S);
    cr_assert(count_budget_try(&b, 0));
    cr_assert_not(count_budget_try(&b, S - 1), "min interval 1 s");
    cr_assert(count_budget_try(&b, S));
    count_budget_release(&b);
}

Test(conc_budget, retries_in_flight_capped_by_a_share_of_requests_or_a_floor)
{
    struct conc_budget b;
    conc_budget_init(&b, 20, 3);
    for (int i = 0; i < 30; i++)
        conc_budget_request_started(&b);
    for (int i = 0; i < 6; i++) /* floor(0.2 x 30) = 6 */
        cr_assert(conc_budget_try_retry(&b), "retry %d", i);
    cr_assert_not(conc_budget_try_retry(&b));
    conc_budget_retry_done(&b);
    cr_assert(conc_budget_try_retry(&b));
    conc_budget_init(&b, 20, 3);
    for (int i = 0; i < 3; i++)
        cr_assert(conc_budget_try_retry(&b), "the floor of 3 with nothing in flight");
    cr_assert_not(conc_budget_try_retry(&b));
}

Test(idem_store, remembers_keys_for_the_retention_time_and_forgets_after)
{
    struct idem_store s;
    idem_store_init(&s, 60 * S);
    for (uint64_t k = 1; k <= 10000; k++)
        idem_store_put(&s, k, (sim_time)k * 1000000); /* one a millisecond */
    cr_assert(idem_store_seen(&s, 1, 11 * S));
    cr_assert(idem_store_seen(&s, 10000, 11 * S));
    cr_assert_not(idem_store_seen(&s, 10001, 11 * S));
    cr_assert_not(idem_store_seen(&s, 1, 61 * S), "retention over");
    /* keys far apart in time: the table is rebuilt without the expired ones */
    for (uint64_t k = 20001; k <= 30000; k++)
        idem_store_put(&s, k, 200 * S + (sim_time)k);
    cr_assert_lt(s.cap, 65536u, "expired keys do not keep the table growing");
    idem_store_release(&s);
}
