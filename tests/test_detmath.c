#include <criterion/criterion.h>
#include <math.h>

#include "../sim/base/detmath.h"
#include "../sim/base/rng.h"

/* Against the platform libm, which is within 1 ulp: ours must be within a
 * few ulp everywhere the simulator uses them. */
static double rel_err(double a, double b) { return fabs(a - b) / fmax(fabs(b), 1e-300); }

Test(detmath, log_matches_libm_within_a_few_ulp)
{
    struct rng r;
    rng_init_stream(&r, 1, "detmath");
    for (int i = 0; i < 200000; i++) {
        double x = rng_uniform_pos(&r) * det_exp((rng_uniform(&r) - 0.5) * 80);
        double ours = det_log(x), theirs = log(x);
        cr_assert(fabs(ours - theirs) <= 4e-16 * fmax(1, fabs(theirs)), "log(%a): %a vs %a", x,
                  ours, theirs);
    }
    cr_assert_eq(det_log(1.0), 0.0);
    /* subnormals and the extremes of the range */
    cr_assert(fabs(det_log(0x1p-1074) - log(0x1p-1074)) < 1e-12);
    cr_assert(fabs(det_log(0x1.8p-1030) - log(0x1.8p-1030)) < 1e-12);
    cr_assert(fabs(det_log(1.7976931348623157e308) - log(1.7976931348623157e308)) < 1e-12);
    cr_assert(isinf(det_log(0.0)) && det_log(0.0) < 0);
    cr_assert(isnan(det_log(-1.0)));
}

Test(detmath, exp_matches_libm_within_a_few_ulp)
{
    struct rng r;
    rng_init_stream(&r, 2, "detmath");
    for (int i = 0; i < 200000; i++) {
        double x = (rng_uniform(&r) - 0.5) * 1400;
        cr_assert(rel_err(det_exp(x), exp(x)) < 1e-15, "exp(%a)", x);
    }
    cr_assert_eq(det_exp(0.0), 1.0);
    cr_assert(isinf(det_exp(710.0)));
    cr_assert_eq(det_exp(-800.0), 0.0);
}

Test(detmath, sin_matches_libm)
{
    struct rng r;
    rng_init_stream(&r, 4, "detmath");
    for (int i = 0; i < 200000; i++) {
        double x = (rng_uniform(&r) - 0.5) * 2e6;
        cr_assert(fabs(det_sin(x) - sin(x)) < 1e-12, "sin(%a): %a vs %a", x, det_sin(x), sin(x));
    }
    cr_assert_eq(det_sin(0.0), 0.0);
}

Test(detmath, pow_for_pareto)
{
    cr_assert(rel_err(det_pow(0.25, -0.5), 2.0) < 1e-15);
    cr_assert(rel_err(det_pow(10, 3), 1000) < 1e-14);
}
