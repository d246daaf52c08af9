/* cli_internal: the bundled-scenario helpers shared by the commands. */
#ifndef STAMPEDE_CLI_INTERNAL_H
#define STAMPEDE_CLI_INTERNAL_H

#include <stdio.h>

/* `arg` itself when it is a readable file, else the bundled scenario of that
 * name when there is one, else `arg` (so the loader reports it). Malloc'ed. */
char *cli_resolve_scenario(const char *arg);
/* Prints "name  title" for each bundled scenario; returns an exit code. */
int cli_list_scenarios(FILE *out);

#endif
