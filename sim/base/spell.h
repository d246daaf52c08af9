/* spell: did-you-mean for names a user types (keys, commands, options). */
#ifndef STAMPEDE_SPELL_H
#define STAMPEDE_SPELL_H

#include <stddef.h>

/* Levenshtein distance, capped (99 for words over 63 characters). */
size_t spell_distance(const char *a, const char *b);

/* The candidate (a NULL-terminated list) nearest `word` within two edits,
 * or NULL: near misses only, so a wild guess is never suggested. */
const char *spell_closest(const char *word, const char *const *candidates);

#endif
