#include "check.h"

#include <stdio.h>
#include <stdlib.h>

void sim_bug(const char *file, int line, const char *what)
{
    fprintf(stderr, "stampede: internal error (a bug, not bad input): %s:%d: %s\n",
            file, line, what);
    abort();
}
