/* Arithmetic on user numbers saturates instead of overflowing: each case
 * here once was undefined behaviour (caught by UBSan). */
#include <criterion/criterion.h>
#include <math.h>

#include "../sim/base/sim_time.h"
#include "../sim/model/scenario.h"
#include "helpers.h"

Test(overflow, durations_beyond_the_range_of_time_are_never)
{
    cr_assert_eq(sim_time_from_s(1e300), SIM_TIME_NEVER);
    cr_assert_eq(sim_time_from_s(INFINITY), SIM_TIME_NEVER);
    cr_assert_eq(sim_time_from_s(-1e300), -SIM_TIME_NEVER);
    cr_assert_eq(sim_time_from_ms(NAN), 0);
    cr_assert_eq(sim_time_from_s(1.5), SIM_MS(1500));
    cr_assert_eq(sim_time_add_sat(SIM_TIME_NEVER, 5), SIM_TIME_NEVER);
    cr_assert_eq(sim_time_add_sat(SIM_S(1), SIM_S(2)), SIM_S(3));
    cr_assert_eq(sim_time_mul_sat(SIM_S(100000000), 1000000), SIM_TIME_NEVER);
    cr_assert_eq(sim_time_mul_sat(SIM_S(2), 3), SIM_S(6));
    cr_assert_eq(sim_time_mul_sat(SIM_TIME_NEVER, 0), 0);
}

/* A rolling restart of 1,000 instances 10^8 s apart ends after the range
 * of time: it ends never, instead of at some negative instant. */
Test(overflow, a_fault_that_ends_beyond_the_range_never_ends)
{
    struct fault_cfg f = {.kind = FAULT_RESTART, .restart = RESTART_ROLLING, .at_ns = SIM_S(1),
                          .duration_ns = SIM_S(1), .interval_ns = SIM_S(100000000),
                          .instance_count = 1000, .count = 1};
    cr_assert_eq(fault_end_of(&f, 0), SIM_TIME_NEVER);
}

/* A rate so low that its next arrival is beyond the range of time: no
 * arrival at all, and the run ends on time. */
Test(overflow, a_vanishing_rate_sends_nothing)
{
    const char *kinds[] = {"poisson", "constant"};
    for (int k = 0; k < 2; k++) {
        char json[512];
        snprintf(json, sizeof json,
                 "{\"name\":\"t\",\"duration_s\":10,\"services\":[{\"name\":\"s\",\"workers\":1,"
                 "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
                 "\"clients\":[{\"name\":\"u\",\"target\":\"s\",\"arrival\":{\"process\":\"%s\","
                 "\"rate_rps\":1e-300}}]}",
                 kinds[k]);
        struct run_result r = run_json(json, NULL);
        cr_assert_eq(r.total.offered, 0u, "%s", kinds[k]);
    }
}
