/* xalloc: allocation that never returns NULL.
 *
 * Running out of memory is not a condition the simulator can recover from,
 * so these end the process instead, and no other code checks for NULL:
 * the failure hook runs (the command line removes its temporary files),
 * one line says how much was asked for, and the exit status is 3 (the
 * system could not complete the command: see the README's exit codes). */
#ifndef STAMPEDE_XALLOC_H
#define STAMPEDE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
/* Grows (or shrinks) `ptr` to `count` elements of `size` bytes, checking the
 * multiplication for overflow. */
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
/* Runs before the process ends on a failed allocation (NULL: none). It
 * must not allocate. */
void xalloc_set_failure_hook(void (*hook)(void));
/* The first n bytes of s (fewer if it is shorter), terminated. */
char *xstrndup(const char *s, size_t n);

#endif
