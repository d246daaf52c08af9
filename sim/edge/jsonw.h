/* jsonw: a small streaming JSON writer with a fixed layout.
 *
 * Keys come out in the order they are written and numbers in numfmt's
 * round-trip form, so the same values give the same bytes everywhere.
 * Nesting is tracked to place commas and indentation; the caller owns the
 * FILE. */
#ifndef STAMPEDE_JSONW_H
#define STAMPEDE_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSONW_DEPTH 16

struct jsonw {
    FILE *out;
    int depth;
    bool first[JSONW_DEPTH]; /* no member written yet at this depth */
};

void jsonw_init(struct jsonw *w, FILE *out);
/* Each value function takes the member's key, or NULL inside an array and at
 * the top level. */
void jsonw_begin_object(struct jsonw *w, const char *key);
void jsonw_end_object(struct jsonw *w);
/* An array: its values take a NULL key. */
void jsonw_begin_array(struct jsonw *w, const char *key);
void jsonw_end_array(struct jsonw *w);
void jsonw_string(struct jsonw *w, const char *key, const char *value);
void jsonw_double(struct jsonw *w, const char *key, double value); /* NaN/inf: null */
void jsonw_uint(struct jsonw *w, const char *key, uint64_t value);
void jsonw_bool(struct jsonw *w, const char *key, bool value);
void jsonw_null(struct jsonw *w, const char *key);

#endif
