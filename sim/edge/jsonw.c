#include "jsonw.h"

#include <inttypes.h>

#include "../base/numfmt.h"

void jsonw_init(struct jsonw *w, FILE *out)
{
    w->out = out;
    w->depth = 0;
    w->first[0] = true;
}

static void write_escaped(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* Comma, newline and indentation before a member, then its key. */
static void member(struct jsonw *w, const char *key)
{
    if (w->depth > 0) {
        fputs(w->first[w->depth] ? "\n" : ",\n", w->out);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->out);
    }
    w->first[w->depth] = false;
    if (key) {
        write_escaped(w->out, key);
        fputs(": ", w->out);
    }
}

void jsonw_begin_object(struct jsonw *w, const char *key)
{
    member(w, key);
    fputc('{', w->out);
    if (w->depth + 1 < JSONW_DEPTH)
        w->first[++w->depth] = true;
}

static void end(struct jsonw *w, char close)
{
    bool empty = w->first[w->depth];
    w->depth--;
    if (!empty) {
        fputc('\n', w->out);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->out);
    }
    fputc(close, w->out);
    if (w->depth == 0)
        fputc('\n', w->out);
}

void jsonw_end_object(struct jsonw *w) { end(w, '}'); }

void jsonw_begin_array(struct jsonw *w, const char *key)
{
    member(w, key);
    fputc('[', w->out);
    if (w->depth + 1 < JSONW_DEPTH)
        w->first[++w->depth] = true;
}

void jsonw_end_array(struct jsonw *w) { end(w, ']'); }

void jsonw_string(struct jsonw *w, const char *key, const char *value)
{
    member(w, key);
    write_escaped(w->out, value);
}

void jsonw_double(struct jsonw *w, const char *key, double value)
{
    char buf[NUMFMT_LEN];
    member(w, key);
    fputs(numfmt_double(buf, value), w->out);
}

void jsonw_uint(struct jsonw *w, const char *key, uint64_t value)
{
    member(w, key);
    fprintf(w->out, "%" PRIu64, value);
}

void jsonw_bool(struct jsonw *w, const char *key, bool value)
{
    member(w, key);
    fputs(value ? "true" : "false", w->out);
}

void jsonw_null(struct jsonw *w, const char *key)
{
    member(w, key);
    fputs("null", w->out);
}
