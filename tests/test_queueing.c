/* Validation against closed forms (docs/queueing.md), through
 * real scenario files, the real loader and the real simulator.
 *
 * Tolerances: successive waits are correlated, so each test uses batch
 * means (one batch per window, 25 batches after one warm-up window) and a
 * 99% Student-t interval over them. The analytic value must lie inside the
 * interval, and the interval must be narrow enough to mean something: its
 * expected half-width follows from the run length (about +-2.5% for the 4.7
 * million customers of the M/M/4 at rho = 0.9, +-1% or better elsewhere). */
#include <criterion/criterion.h>
#include <math.h>

#include "helpers.h"

static void assert_in_interval(const char *what, struct interval iv, double expected,
                               double max_rel_half_width)
{
    cr_log_info("%s: %.5f +- %.5f (%.2f%%), expected %.5f", what, iv.mean, iv.half_width,
                100 * iv.half_width / expected, expected);
    cr_assert(fabs(iv.mean - expected) <= iv.half_width,
              "%s: %.5f +- %.5f does not contain %.5f", what, iv.mean, iv.half_width, expected);
    cr_assert(iv.half_width <= max_rel_half_width * expected,
              "%s: interval +-%.5f too wide to test anything", what, iv.half_width);
}

static double erlang_c(int c, double a)
{
    double term = 1, sum = 1; /* k = 0 */
    for (int k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double top = term * a / c / (1 - a / c); /* a^c / c! / (1 - rho) */
    return top / (sum + top);
}

Test(queueing, mm1_mean_response_time, .timeout = 120)
{
    struct scenario_set set = load_or_fail("tests/scenarios/mm1.json", NULL, 0);
    struct batches b = run_batches(set.items[0], 1, NULL);
    cr_assert_eq(b.count, 25);
    assert_in_interval("M/M/1 W (ms)", batch_interval(b.mean_latency_ms, b.count), 5.0, 0.03);
    assert_in_interval("M/M/1 L", batch_interval(b.mean_in_system, b.count), 4.0, 0.03);
    scenario_set_release(&set);
}

Test(queueing, mmc_erlang_c_mean_response_time, .timeout = 120)
{
    cr_assert_float_eq(erlang_c(4, 3.6), 0.78775, 1e-5); /* the reference's example */
    struct scenario_set set = load_or_fail("tests/scenarios/mmc.json", NULL, 0);
    struct batches b = run_batches(set.items[0], 1, NULL);
    double w = erlang_c(4, 3.6) / (4 - 3.6) + 1; /* ms, with mu = 1/ms */
    cr_assert_float_eq(w, 2.96938, 1e-5);
    assert_in_interval("M/M/4 W (ms)", batch_interval(b.mean_latency_ms, b.count), w, 0.04);
    scenario_set_release(&set);
}

Test(queueing, md1_pollaczek_khinchine, .timeout = 120)
{
    struct scenario_set set = load_or_fail("tests/scenarios/md1.json", NULL, 0);
    struct batches b = run_batches(set.items[0], 1, NULL);
    double rho = 0.8, d = 1.0, w = rho * d / (2 * (1 - rho)) + d;
    assert_in_interval("M/D/1 W (ms)", batch_interval(b.mean_latency_ms, b.count), w, 0.02);
    scenario_set_release(&set);
}

Test(queueing, mmck_blocking_probability_and_response_time, .timeout = 120)
{
    struct scenario_set set = load_or_fail("tests/scenarios/mmck.json", NULL, 0);
    struct batches b = run_batches(set.items[0], 1, NULL);
    /* p_n proportional to a^n/n! (n <= c), a^n/(c! c^(n-c)) above. */
    const int c = 2, k = 5;
    const double a = 2.0;
    double p[6], norm = 0, term = 1;
    for (int n = 0; n <= k; n++) {
        if (n > 0)
            term *= n <= c ? a / n : a / c;
        p[n] = term;
        norm += term;
    }
    double l = 0;
    for (int n = 0; n <= k; n++)
        l += n * p[n] / norm;
    double blocking = p[k] / norm;
    double w_ms = l / (2.0 * (1 - blocking)); /* lambda = 2 per ms */
    assert_in_interval("M/M/2/5 blocking", batch_interval(b.blocked_ratio, b.count), blocking,
                       0.03);
    assert_in_interval("M/M/2/5 W (ms)", batch_interval(b.mean_latency_ms, b.count), w_ms, 0.02);
    scenario_set_release(&set);
}

Test(queueing, littles_law_on_the_measured_queue, .timeout = 120)
{
    /* L = lambda_eff W for the whole run, from independent measurements:
     * the time-integrated number in system and per-request response times.
     * They differ only by requests in flight at the edges of the run. */
    struct scenario_set set = load_or_fail("tests/scenarios/mmc.json", NULL, 0);
    struct sim *s = sim_new(set.items[0], set.items[0]->seed);
    sim_run(s);
    const struct run_report *r = sim_report(s);
    const struct service_stats *st = &r->services[0].delta;
    double secs = sim_time_to_s(r->duration_ns);
    double l = st->system_area_ns / (double)r->duration_ns;
    double lambda = (double)st->served / secs;
    double w_s = st->response_ns / (double)st->served / 1e9;
    cr_log_info("Little: L = %.5f, lambda W = %.5f", l, lambda * w_s);
    cr_assert(fabs(l - lambda * w_s) / l < 1e-3, "L = %.5f but lambda W = %.5f", l, lambda * w_s);
    /* and the queue alone: Lq = lambda Wq, Wq = W - mean service time */
    double lq = st->queue_area_ns / (double)r->duration_ns;
    double expected_lq = erlang_c(4, 3.6) * 0.9 / (1 - 0.9);
    cr_assert(fabs(lq - expected_lq) / expected_lq < 0.05, "Lq = %.4f, Erlang C %.4f", lq,
              expected_lq);
    sim_free(s);
    scenario_set_release(&set);
}
