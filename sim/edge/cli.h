/* cli: the `stampede` command line (its contract: README.md and scenarios/README.md).
 * Exit codes: 0 success, 1 an expectation failed, 2 bad input, 3 I/O or
 * internal error. */
#ifndef STAMPEDE_CLI_H
#define STAMPEDE_CLI_H

int cli_main(int argc, char **argv);

/* What every program of the command line sets up before its command:
 * SIGINT handling, cJSON's allocator, temporaries removed on running out
 * of memory. cli_main calls it; so does stampede-viz's main. */
void cli_prepare(void);

#endif
