#include "expect.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"

static const char *const OPS[] = {"<", "<=", ">", ">=", "==", "!="};

const char *expect_op_text(enum expect_op op) { return OPS[op]; }

void expect_release(struct expectation *e)
{
    free(e->text);
    free(e->variant);
    free(e->metric);
    free(e->ref_variant);
    free(e->ref_metric);
    memset(e, 0, sizeof *e);
}

static char *copy_span(const char *from, const char *to)
{
    size_t n = (size_t)(to - from);
    char *s = xmalloc(n + 1);
    memcpy(s, from, n);
    s[n] = '\0';
    return s;
}

static bool is_name_char(char c) { return isalnum((unsigned char)c) || c == '-' || c == '_'; }

/* The end of a metric path starting at p: names, dots, and an edge's
 * "->" and "#2" (edges.api->db#2.attempts). */
static const char *path_end(const char *p)
{
    const char *m = p;
    while (is_name_char(*p) || *p == '.' || *p == '#' || (*p == '>' && p > m && p[-1] == '-'))
        p++;
    return p;
}

/* "[FACTOR *] VARIANT.METRIC" from v to the end of the line; false if it
 * is not one (the caller says why). */
static bool parse_reference(const char *v, struct expectation *out)
{
    const char *p = v;
    double factor = 1;
    char *end;
    errno = 0;
    double n = strtod(p, &end);
    if (end != p) { /* a factor: a finite number, then '*' */
        const char *star = end;
        while (isspace((unsigned char)*star))
            star++;
        if (*star != '*' || errno || !isfinite(n))
            return false;
        factor = n;
        p = star + 1;
        while (isspace((unsigned char)*p))
            p++;
    }
    const char *name_end = p;
    while (is_name_char(*name_end))
        name_end++;
    if (name_end == p || *name_end != '.')
        return false;
    const char *metric_end = path_end(name_end + 1);
    if (metric_end == name_end + 1)
        return false;
    const char *rest = metric_end;
    while (isspace((unsigned char)*rest))
        rest++;
    if (*rest)
        return false;
    out->number = factor;
    out->ref_variant = copy_span(p, name_end);
    out->ref_metric = copy_span(name_end + 1, metric_end);
    return true;
}

bool expect_parse(const char *line, struct expectation *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    const char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    const char *colon = strchr(p, ':');
    if (colon) { /* VARIANT: */
        const char *q = p;
        while (q < colon && is_name_char(*q))
            q++;
        if (q != colon || q == p) {
            snprintf(err, err_size, "a variant name is letters, digits, '-' and '_'");
            return false;
        }
        out->variant = copy_span(p, colon);
        p = colon + 1;
        while (isspace((unsigned char)*p))
            p++;
    }
    const char *m = p;
    p = path_end(p);
    if (p == m) {
        snprintf(err, err_size, "expected METRIC OP VALUE, e.g. 'goodput_ratio > 0.95'");
        goto bad;
    }
    out->metric = copy_span(m, p);
    while (isspace((unsigned char)*p))
        p++;
    int op = -1;
    for (int i = 5; i >= 0; i--) /* two-character operators first */
        if (strncmp(p, OPS[i], strlen(OPS[i])) == 0 && (op < 0 || strlen(OPS[i]) > strlen(OPS[op])))
            op = i;
    if (op < 0) {
        snprintf(err, err_size, "expected an operator (< <= > >= == !=) after '%s'", out->metric);
        goto bad;
    }
    out->op = (enum expect_op)op;
    p += strlen(OPS[op]);
    while (isspace((unsigned char)*p))
        p++;
    const char *v = p;
    while (*p && !isspace((unsigned char)*p))
        p++;
    const char *rest = p;
    while (isspace((unsigned char)*rest))
        rest++;
    bool one_token = v != p && !*rest;
    bool is_number = false;
    if (one_token) {
        char *end;
        errno = 0;
        (void)strtod(v, &end);
        is_number = end == p;
    }
    if (!is_number && parse_reference(v, out)) {
        out->text = xstrdup(line);
        return true;
    }
    if (!one_token) {
        snprintf(err, err_size,
                 "expected one value after '%s': a number, true, false or another variant's "
                 "metric (2 * naive.goodput_ratio)",
                 OPS[op]);
        goto bad;
    }
    if ((size_t)(p - v) == 4 && strncmp(v, "true", 4) == 0) {
        out->is_bool = out->boolean = true;
    } else if ((size_t)(p - v) == 5 && strncmp(v, "false", 5) == 0) {
        out->is_bool = true;
    } else {
        char *end;
        errno = 0;
        out->number = strtod(v, &end);
        if (end != p || errno || out->number != out->number) {
            snprintf(err, err_size,
                     "'%.*s' is not a number, true, false or another variant's metric "
                     "(VARIANT.METRIC)",
                     (int)(p - v), v);
            goto bad;
        }
    }
    if (out->is_bool && out->op != EXPECT_EQ && out->op != EXPECT_NE) {
        snprintf(err, err_size, "true and false compare only with == and !=");
        goto bad;
    }
    out->text = xstrdup(line);
    return true;
bad:
    expect_release(out);
    return false;
}

static bool compare(double x, enum expect_op op, double y)
{
    switch (op) {
    case EXPECT_LT:
        return x < y;
    case EXPECT_LE:
        return x <= y;
    case EXPECT_GT:
        return x > y;
    case EXPECT_GE:
        return x >= y;
    case EXPECT_EQ:
        return x == y;
    case EXPECT_NE:
        return x != y;
    }
    return false;
}

bool expect_holds(const struct expectation *e, const struct measured *m)
{
    if (e->is_bool) {
        if (m->kind != MEASURED_BOOL)
            return false;
        return (m->boolean == e->boolean) == (e->op == EXPECT_EQ);
    }
    return m->kind == MEASURED_NUMBER && compare(m->number, e->op, e->number);
}
