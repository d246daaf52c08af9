/* loader: scenario files in, validated scenarios out.
 *
 * Reads a JSON scenario, applies command-line overrides, and builds one
 * immutable `struct scenario` per variant (or only the variant asked for).
 * Every problem in the file is reported on the diag, not just the first;
 * nothing is returned unless the whole file is valid. */
#ifndef STAMPEDE_LOADER_H
#define STAMPEDE_LOADER_H

#include <stdint.h>

#include "../base/diag.h"
#include "../model/scenario.h"
#include "expect.h"

struct scenario_set {
    uint32_t count;
    struct scenario **items; /* owned; one per variant, in file order */
    uint32_t expect_count;
    struct expectation *expect; /* the file's expect lines, parsed, owned */
};

enum loader_status { LOAD_OK = 0, LOAD_BAD_INPUT = 2 }; /* the exit codes */

/* Loads `file`. `overrides` are "PATH=VALUE" strings (VALUE parsed as JSON,
 * or taken as a string when it is not JSON). `only_variant` may be NULL.
 * On LOAD_OK, *out holds the scenarios; otherwise the diag says why. */
enum loader_status loader_load(const char *file, const char *const *overrides,
                               uint32_t override_count, const char *only_variant,
                               struct scenario_set *out, struct diag *d);

/* Builds from JSON text already in memory (tests use it); `file` names it
 * in messages. */
enum loader_status loader_load_text(const char *file, const char *text,
                                    const char *const *overrides, uint32_t override_count,
                                    const char *only_variant, struct scenario_set *out,
                                    struct diag *d);

void scenario_set_release(struct scenario_set *set);

/* Reads just the name and title of a scenario file (for `stampede list`);
 * the strings are malloc'ed; false if the file is unreadable or not JSON. */
bool loader_peek(const char *file, char **name, char **title);

#endif
