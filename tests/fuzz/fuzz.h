/* fuzz: what every fuzz target shares. Each target defines
 * LLVMFuzzerTestOneInput; libFuzzer drives it under `make fuzz`, and
 * replay.c feeds it the kept corpus under `make test` and `make asan` (so
 * every input that once crashed stays a regression test without clang). */
#ifndef STAMPEDE_FUZZ_H
#define STAMPEDE_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (malloc'ed; an embedded NUL ends it). */
char *fuzz_string(const uint8_t *data, size_t size);

/* A private scratch folder for targets that read files (created once per
 * process, emptied by the caller's own unlinks). */
const char *fuzz_scratch_dir(void);

/* Writes `size` bytes to dir/name; the path, malloc'ed. */
char *fuzz_write_file(const char *dir, const char *name, const uint8_t *data, size_t size);

/* Sends stdout and stderr to /dev/null (true) or back (false): a target's
 * own messages would drown the fuzzer's. */
void fuzz_quiet(bool quiet);

/* Splits the input at each "\n=====\n" into at most `max` parts. */
size_t fuzz_split(const uint8_t *data, size_t size, const uint8_t **parts, size_t *lens,
                  size_t max);

#endif
