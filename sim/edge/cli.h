/* cli: the `stampede` command line (its contract: README.md and scenarios/README.md).
 * Exit codes: 0 success, 1 an expectation failed, 2 bad input, 3 I/O or
 * internal error. */
#ifndef STAMPEDE_CLI_H
#define STAMPEDE_CLI_H

int cli_main(int argc, char **argv);

#endif
