/* expect: the scenario's expectations, "[VARIANT:] METRIC OP VALUE".
 *
 * METRIC is any key of summary.json, dotted for nested ones
 * (services.db.utilization); OP one of < <= > >= == !=; VALUE a number, true
 * or false (booleans compare only with == and !=), or another variant's
 * metric, optionally scaled: "budget: goodput_ratio > 2 * naive.goodput_ratio".
 * A line without a variant applies to every variant of the scenario. */
#ifndef STAMPEDE_EXPECT_H
#define STAMPEDE_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

enum expect_op { EXPECT_LT, EXPECT_LE, EXPECT_GT, EXPECT_GE, EXPECT_EQ, EXPECT_NE };

struct expectation {
    char *text;      /* the line as written */
    int index;       /* its place in $.expect */
    char *variant;   /* NULL: every variant */
    char *metric;
    enum expect_op op;
    bool is_bool;
    double number;   /* the value; with a reference, its factor */
    bool boolean;
    /* "[FACTOR *] VARIANT.METRIC": the value is another variant's metric
     * (from the same replications), times number (1 when not given) */
    char *ref_variant, *ref_metric;
};

/* Parses one line; false with a reason in `err` when it is malformed. The
 * expectation owns its strings (expect_release). */
bool expect_parse(const char *line, struct expectation *out, char *err, size_t err_size);
void expect_release(struct expectation *e);
const char *expect_op_text(enum expect_op op);

/* A measured value: a number, a boolean, or absent/null. */
struct measured {
    enum { MEASURED_NUMBER, MEASURED_BOOL, MEASURED_NULL, MEASURED_MISSING } kind;
    double number;
    bool boolean;
};

/* Whether the measured value meets the expectation (null never does). */
bool expect_holds(const struct expectation *e, const struct measured *m);

#endif
