#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void (*failure_hook)(void);

void xalloc_set_failure_hook(void (*hook)(void)) { failure_hook = hook; }

static void out_of_memory(size_t size)
{
    if (failure_hook)
        failure_hook();
    if (size == SIZE_MAX)
        fputs("stampede: error: out of memory: a size too large to allocate\n", stderr);
    else
        fprintf(stderr, "stampede: error: out of memory allocating %zu bytes\n", size);
    _exit(3); /* not exit(): atexit handlers and stdio buffers may allocate */
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(size && count > SIZE_MAX / size ? SIZE_MAX : count * size);
    return p;
}

void *xreallocarray(void *ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        out_of_memory(SIZE_MAX);
    size_t bytes = count * size;
    void *p = realloc(ptr, bytes ? bytes : 1);
    if (!p)
        out_of_memory(bytes);
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
