/* json: strict reading of cJSON trees, with errors on a diag.
 *
 * cJSON looks keys up case-insensitively, keeps duplicate keys and saturates
 * integers; this layer looks keys up case-sensitively, reports duplicates and
 * unknown keys (with a did-you-mean), and reads integers from the double
 * value with range and integrality checks. Every reader takes the JSON path
 * of the object it reads from ("$.services[1]") for its messages, records a
 * problem on the diag and returns false when the value is absent or bad.
 * This file and the loader are the only code that includes cJSON.h. */
#ifndef STAMPEDE_JSON_H
#define STAMPEDE_JSON_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/diag.h"

#define JSON_PATH_MAX 512

/* Makes cJSON allocate through xalloc, so that running out of memory while
 * parsing ends the process with that message (exit 3) rather than reading
 * as invalid JSON. */
void json_use_xalloc(void);

/* Case-sensitive lookup; the first of duplicate keys. NULL if absent. */
cJSON *json_get(const cJSON *obj, const char *key);

/* path + ".key" / "[i]" into out (JSON_PATH_MAX bytes); returns out. */
char *json_path_key(char *out, const char *path, const char *key);
char *json_path_index(char *out, const char *path, int index);

/* A short description of a value for messages: `0`, `"abc"`, `an object`. */
void json_describe(const cJSON *v, char *out, size_t size);

/* Reports keys that appear more than once in `obj`. */
void json_check_duplicates(struct diag *d, const cJSON *obj, const char *path);
/* Reports keys of `obj` not in `known` (NULL-terminated) and repeated keys. */
void json_check_keys(struct diag *d, const cJSON *obj, const char *path,
                     const char *const *known);

/* Checks that `v` is an object (an array); reports it if not. */
bool json_expect_object(struct diag *d, const cJSON *v, const char *path);
bool json_expect_array(struct diag *d, const cJSON *v, const char *path);

/* obj[key], which must be an array with at least one element; NULL after
 * reporting otherwise. */
const cJSON *json_read_nonempty_list(struct diag *d, const cJSON *obj, const char *path,
                                     const char *key);

/* Readers for obj[key]. `required`: a missing key is an error; otherwise
 * a missing key returns false with *out untouched (keep your default). */
bool json_read_int(struct diag *d, const cJSON *obj, const char *path, const char *key,
                   bool required, int64_t min, int64_t max, int64_t *out);
/* A number in [min, max]; with `above_min` the minimum itself is refused. */
bool json_read_number(struct diag *d, const cJSON *obj, const char *path, const char *key,
                      bool required, double min, bool above_min, double max, double *out);
bool json_read_string(struct diag *d, const cJSON *obj, const char *path, const char *key,
                      bool required, const char **out);
bool json_read_bool(struct diag *d, const cJSON *obj, const char *path, const char *key,
                    bool required, bool *out);
/* A string that must be one of `choices` (NULL-terminated); *out = its index. */
bool json_read_choice(struct diag *d, const cJSON *obj, const char *path, const char *key,
                      bool required, const char *const *choices, int *out);

/* A name usable as a folder: letters, digits, '-' and '_', 1..64 chars. */
bool json_is_valid_name(const char *s);

#endif
