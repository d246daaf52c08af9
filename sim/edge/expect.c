#include "expect.h"

#include <ctype.h>
#include <errno.h>
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
    /* an edge's name is part of a path: edges.api->db#2.attempts */
    while (is_name_char(*p) || *p == '.' || *p == '#' || (*p == '>' && p > m && p[-1] == '-'))
        p++;
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
    if (v == p || *rest) {
        snprintf(err, err_size, "expected one value (a number, true or false) after '%s'",
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
            snprintf(err, err_size, "'%.*s' is not a number, true or false", (int)(p - v), v);
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
