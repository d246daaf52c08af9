/* infile: opening the files a scenario names, safely. A scenario is shared
 * and run in CI, so it must not be a way to hang a command (a FIFO, a
 * terminal, /dev/zero) or to read files outside its own folder. */
#ifndef STAMPEDE_INFILE_H
#define STAMPEDE_INFILE_H

#include <stddef.h>
#include <stdio.h>

#define INFILE_MAX_BYTES ((size_t)64 << 20) /* a scenario or a trace: 64 MiB at most */

/* Opens `path` for reading if it is a regular file of at most `max_bytes`
 * (opening never blocks). NULL otherwise, with *why saying so in a few
 * words ("not a regular file", "larger than 64 MiB", or the system's
 * reason). */
FILE *infile_open(const char *path, size_t max_bytes, const char **why);

/* `name` (relative) resolved in the folder of `scenario_file`, if it names
 * a file there or below (after following links); NULL otherwise, with *why.
 * The result is malloc'ed. */
char *infile_beside(const char *scenario_file, const char *name, const char **why);

#endif
