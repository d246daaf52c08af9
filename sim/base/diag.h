/* diag: bad-input problems collected on one object and reported together.
 *
 * Input errors are not bugs: the loader records every problem it finds (so a
 * user fixes them all in one go) and the command prints them and exits 2.
 * Messages read like a compiler's:
 *   a.json:12:7: error: invalid JSON      (then the line and a caret)
 *   a.json: error: $.services[1].workers: expected integer >= 1, got 0
 * The diag owns its messages; diag_release frees them. */
#ifndef STAMPEDE_DIAG_H
#define STAMPEDE_DIAG_H

#include <stdint.h>
#include <stdio.h>

struct diag {
    char *file;
    char **lines;
    uint32_t count, cap; /* lines held; errors are counted apart */
    uint32_t errors;
    const char *context; /* borrowed; when set, printed before the path */
};

void diag_init(struct diag *d, const char *file);
void diag_release(struct diag *d);

/* Records "FILE: error: PATH: message". `path` may be NULL. */
void diag_error(struct diag *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records "FILE: warning: PATH: message", once however often it is said
 * (variants repeat the checks); not an error. */
void diag_warning(struct diag *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records "FILE:LINE:COL: error: message" followed by the source line and a
 * caret under column COL (1-based). */
void diag_error_at(struct diag *d, const char *source, long offset, const char *message);
/* Prints every recorded line to `out`. */
void diag_print(const struct diag *d, FILE *out);

#endif
