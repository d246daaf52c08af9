/* The 95% Student t interval that check and compare print. */
#include <criterion/criterion.h>
#include <math.h>

#include "../sim/edge/metrics_read.h"

Test(interval, matches_a_hand_computation)
{
    /* 1..5: mean 3, s = sqrt(2.5) = 1.5811, t(0.975, 4) = 2.776:
     * half-width 2.776 x 1.5811 / sqrt(5) = 1.9630 */
    double v[] = {1, 2, 3, 4, 5};
    struct interval iv = interval_of(v, 5);
    cr_assert_float_eq(iv.mean, 3, 1e-12);
    cr_assert_float_eq(iv.half, 2.776 * sqrt(2.5) / sqrt(5), 1e-12);
    cr_assert_eq(iv.n, 5u);
}

Test(interval, one_value_has_no_width_and_many_use_the_normal_quantile)
{
    double one[] = {7};
    struct interval iv = interval_of(one, 1);
    cr_assert_float_eq(iv.mean, 7, 0);
    cr_assert_float_eq(iv.half, 0, 0);
    double many[40];
    for (int i = 0; i < 40; i++)
        many[i] = i % 2; /* mean 0.5, s = sqrt(40 x 0.25 / 39) */
    iv = interval_of(many, 40);
    cr_assert_float_eq(iv.half, 1.96 * sqrt(10.0 / 39) / sqrt(40), 1e-12);
}

Test(interval, summary_metrics_are_read_by_dotted_path_and_summed)
{
    const char *json = "{\"goodput_ratio\": 0.5, \"recovered\": true, \"recovery_s\": null,"
                       "\"latency_ms\": {\"p99\": 12.5},"
                       "\"services\": {\"a\": {\"wasted_work_s\": 1.5}, \"b\": {\"wasted_work_s\": 2}},"
                       "\"policies\": {\"x->a\": {\"breaker_open_s\": 3}, \"y->b\": {}}}";
    struct measured m = metrics_lookup(json, "latency_ms.p99");
    cr_assert_eq(m.kind, MEASURED_NUMBER);
    cr_assert_float_eq(m.number, 12.5, 0);
    cr_assert_eq(metrics_lookup(json, "recovered").kind, MEASURED_BOOL);
    cr_assert_eq(metrics_lookup(json, "recovery_s").kind, MEASURED_NULL);
    cr_assert_eq(metrics_lookup(json, "latency_ms.p98").kind, MEASURED_MISSING);
    cr_assert_float_eq(metrics_lookup(json, "wasted_work_s").number, 3.5, 0);
    cr_assert_float_eq(metrics_lookup(json, "breaker_open_s").number, 3, 0);
}
