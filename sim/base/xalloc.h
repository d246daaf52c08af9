/* xalloc: allocation that never returns NULL.
 *
 * Running out of memory is not a condition the simulator can recover from,
 * so these abort with a message instead, and no other code checks for NULL. */
#ifndef STAMPEDE_XALLOC_H
#define STAMPEDE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
/* Grows (or shrinks) `ptr` to `count` elements of `size` bytes, checking the
 * multiplication for overflow. */
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
/* The first n bytes of s (fewer if it is shorter), terminated. */
char *xstrndup(const char *s, size_t n);

#endif
