#include "diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void diag_init(struct diag *d, const char *file)
{
    memset(d, 0, sizeof *d);
    d->file = xstrdup(file);
}

void diag_release(struct diag *d)
{
    for (uint32_t i = 0; i < d->count; i++)
        free(d->lines[i]);
    free(d->lines);
    free(d->file);
    memset(d, 0, sizeof *d);
}

static void add_line(struct diag *d, char *line)
{
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->lines = xreallocarray(d->lines, d->cap, sizeof *d->lines);
    }
    d->lines[d->count++] = line;
}

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vformat(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, again);
    va_end(again);
    return s;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

void diag_error(struct diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    const char *ctx = d->context ? d->context : "";
    add_line(d, path ? format("%s: error: %s%s: %s", d->file, ctx, path, msg)
                     : format("%s: error: %s%s", d->file, ctx, msg));
    free(msg);
    d->errors++;
}

/* The excerpt shows at most this much of the line on either side of the
 * error, so an invalid 200 MB one-line file prints a short message. */
enum { EXCERPT_BEFORE = 60, EXCERPT_AFTER = 20 };

void diag_warning(struct diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    char *line = path ? format("%s: warning: %s: %s", d->file, path, msg)
                      : format("%s: warning: %s", d->file, msg);
    free(msg);
    for (uint32_t i = 0; i < d->count; i++)
        if (strcmp(d->lines[i], line) == 0) {
            free(line);
            return;
        }
    add_line(d, line);
}

void diag_error_at(struct diag *d, const char *source, long offset, const char *message)
{
    long line = 1, line_start = 0;
    for (long i = 0; i < offset && source[i]; i++)
        if (source[i] == '\n')
            line++, line_start = i + 1;
    long col = offset - line_start + 1;
    long line_end = offset;
    while (source[line_end] && source[line_end] != '\n' && line_end - offset < EXCERPT_AFTER)
        line_end++;
    bool cut_after = source[line_end] && source[line_end] != '\n';
    long from = offset - line_start > EXCERPT_BEFORE ? offset - EXCERPT_BEFORE : line_start;
    bool cut_before = from > line_start;
    add_line(d, format("%s:%ld:%ld: error: %s", d->file, line, col, message));
    add_line(d, format("    %s%.*s%s", cut_before ? "..." : "", (int)(line_end - from),
                       source + from, cut_after ? "..." : ""));
    long indent = 4 + (cut_before ? 3 : 0) + (offset - from);
    char *caret = xmalloc((size_t)indent + 2);
    memset(caret, ' ', (size_t)indent);
    for (long i = from; i < offset; i++) /* keep tabs so the caret lines up */
        if (source[i] == '\t')
            caret[indent - (offset - i)] = '\t';
    caret[indent] = '^';
    caret[indent + 1] = '\0';
    add_line(d, caret);
    d->errors++;
}

void diag_print(const struct diag *d, FILE *out)
{
    for (uint32_t i = 0; i < d->count; i++)
        fprintf(out, "%s\n", d->lines[i]);
}
