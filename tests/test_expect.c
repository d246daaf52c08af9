/* Expectation lines: every operator, variants, booleans, and bad lines. */
#include <criterion/criterion.h>
#include <string.h>

#include "../sim/edge/expect.h"

static struct expectation parse_ok(const char *line)
{
    struct expectation e;
    char why[160];
    cr_assert(expect_parse(line, &e, why, sizeof why), "'%s': %s", line, why);
    return e;
}

Test(expect, every_operator_parses_and_compares)
{
    struct {
        const char *line;
        double measured;
        bool holds;
    } cases[] = {
        {"goodput_ratio < 0.5", 0.4, true},  {"goodput_ratio < 0.5", 0.5, false},
        {"goodput_ratio <= 0.5", 0.5, true}, {"goodput_ratio > 0.5", 0.5, false},
        {"goodput_ratio >= 0.5", 0.5, true}, {"goodput_ratio == 0.5", 0.5, true},
        {"goodput_ratio != 0.5", 0.5, false}, {"goodput_ratio!=1e-3", 0.002, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct expectation e = parse_ok(cases[i].line);
        struct measured m = {.kind = MEASURED_NUMBER, .number = cases[i].measured};
        cr_assert_eq(expect_holds(&e, &m), cases[i].holds, "%s with %g", cases[i].line,
                     cases[i].measured);
        expect_release(&e);
    }
}

/* "budget: goodput_ratio > 2 * naive.goodput_ratio": a value that is
 * another variant's metric, with or without a factor. */
Test(expect, a_value_may_be_another_variants_metric)
{
    struct expectation e = parse_ok("budget: goodput_ratio > 2 * naive.goodput_ratio");
    cr_assert_str_eq(e.variant, "budget");
    cr_assert_str_eq(e.metric, "goodput_ratio");
    cr_assert_str_eq(e.ref_variant, "naive");
    cr_assert_str_eq(e.ref_metric, "goodput_ratio");
    cr_assert_eq(e.number, 2.0);
    expect_release(&e);
    e = parse_ok("breaker: edges.users->server.attempts <= naive.edges.users->server.attempts");
    cr_assert_str_eq(e.ref_variant, "naive");
    cr_assert_str_eq(e.ref_metric, "edges.users->server.attempts");
    cr_assert_eq(e.number, 1.0, "no factor: 1");
    expect_release(&e);
    e = parse_ok("latency_ms.p99 < 0.5*naive.latency_ms.p99");
    cr_assert_eq(e.number, 0.5);
    expect_release(&e);
    e = parse_ok("goodput_ratio > 1e-3");
    cr_assert_null(e.ref_variant, "a number with a dot or exponent is a number");
    expect_release(&e);
}

Test(expect, variant_prefix_dotted_metric_and_booleans)
{
    struct expectation e = parse_ok("  budget:  services.db.utilization   <= 0.8 ");
    cr_assert_str_eq(e.variant, "budget");
    cr_assert_str_eq(e.metric, "services.db.utilization");
    cr_assert_eq(e.op, EXPECT_LE);
    expect_release(&e);
    e = parse_ok("naive: recovered == false");
    cr_assert(e.is_bool);
    struct measured no = {.kind = MEASURED_BOOL, .boolean = false};
    struct measured yes = {.kind = MEASURED_BOOL, .boolean = true};
    struct measured null = {.kind = MEASURED_NULL};
    cr_assert(expect_holds(&e, &no));
    cr_assert_not(expect_holds(&e, &yes));
    cr_assert_not(expect_holds(&e, &null), "null meets nothing");
    expect_release(&e);
    e = parse_ok("edges.api->db#2.attempt_outcomes.timeout>5");
    cr_assert_str_eq(e.metric, "edges.api->db#2.attempt_outcomes.timeout", "an edge's name");
    cr_assert_eq(e.op, EXPECT_GT);
    expect_release(&e);
    e = parse_ok("recovery_s < 30");
    cr_assert_null(e.variant);
    cr_assert_not(expect_holds(&e, &null), "never recovered: recovery_s is null");
    expect_release(&e);
}

Test(expect, bad_lines_say_what_is_wrong)
{
    struct {
        const char *line, *why;
    } cases[] = {
        {"", "expected METRIC OP VALUE, e.g. 'goodput_ratio > 0.95'"},
        {"goodput_ratio", "expected an operator (< <= > >= == !=) after 'goodput_ratio'"},
        {"goodput_ratio =~ 3", "expected an operator (< <= > >= == !=) after 'goodput_ratio'"},
        {"goodput_ratio >", "expected one value after '>': a number, true, false or another "
                            "variant's metric (2 * naive.goodput_ratio)"},
        {"goodput_ratio > 0.5 0.6", "expected one value after '>': a number, true, false or "
                                    "another variant's metric (2 * naive.goodput_ratio)"},
        {"goodput_ratio > lots", "'lots' is not a number, true, false or another variant's "
                                 "metric (VARIANT.METRIC)"},
        {"goodput_ratio > 2 * naive", "expected one value after '>': a number, true, false or "
                                      "another variant's metric (2 * naive.goodput_ratio)"},
        {"goodput_ratio > 2 naive.goodput_ratio", "expected one value after '>': a number, true, "
                                                  "false or another variant's metric (2 * "
                                                  "naive.goodput_ratio)"},
        {"recovered < true", "true and false compare only with == and !="},
        {"bad variant: x > 1", "a variant name is letters, digits, '-' and '_'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct expectation e;
        char why[160];
        cr_assert_not(expect_parse(cases[i].line, &e, why, sizeof why), "'%s' parsed",
                      cases[i].line);
        cr_assert_str_eq(why, cases[i].why, "'%s'", cases[i].line);
    }
}
