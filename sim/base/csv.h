/* csv: the one CSV dialect of the result files: comma-separated, a field
 * quoted when it holds a comma, a quote or a line break, quotes doubled
 * inside. Written by the result writers, read back by merge and plot. */
#ifndef STAMPEDE_CSV_H
#define STAMPEDE_CSV_H

#include <stdint.h>
#include <stdio.h>

/* Writes one field, quoted if it needs to be. */
void csv_put_field(FILE *f, const char *text);
/* Splits `line` in place into at most `max` fields (a trailing newline
 * ends the last one); returns how many. */
uint32_t csv_split(char *line, char **fields, uint32_t max);

#endif
