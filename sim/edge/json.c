#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/name_index.h"
#include "../base/numfmt.h"
#include "../base/spell.h"
#include "../base/xalloc.h"

void json_use_xalloc(void) { cJSON_InitHooks(&(cJSON_Hooks){.malloc_fn = xmalloc, .free_fn = free}); }

cJSON *json_get(const cJSON *obj, const char *key)
{
    if (!obj)
        return NULL;
    for (cJSON *c = obj->child; c; c = c->next)
        if (c->string && strcmp(c->string, key) == 0)
            return c;
    return NULL;
}

char *json_path_key(char *out, const char *path, const char *key)
{
    snprintf(out, JSON_PATH_MAX, "%s.%s", path, key);
    return out;
}

char *json_path_index(char *out, const char *path, int index)
{
    snprintf(out, JSON_PATH_MAX, "%s[%d]", path, index);
    return out;
}

void json_describe(const cJSON *v, char *out, size_t size)
{
    char num[NUMFMT_LEN];
    if (cJSON_IsNumber(v))
        snprintf(out, size, "%s", numfmt_double(num, v->valuedouble));
    else if (cJSON_IsString(v))
        snprintf(out, size, "\"%.40s%s\"", v->valuestring,
                 strlen(v->valuestring) > 40 ? "..." : "");
    else if (cJSON_IsBool(v))
        snprintf(out, size, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v))
        snprintf(out, size, "null");
    else if (cJSON_IsArray(v))
        snprintf(out, size, "an array");
    else
        snprintf(out, size, "an object");
}

struct dup_report {
    struct diag *d;
    const char *path;
    const char **keys;
};

static void report_duplicate_key(void *ctx, uint32_t later, uint32_t first)
{
    (void)first;
    struct dup_report *r = ctx;
    char p[JSON_PATH_MAX];
    diag_error(r->d, json_path_key(p, r->path, r->keys[later]), "duplicate key '%s'",
               r->keys[later]);
}

void json_check_duplicates(struct diag *d, const cJSON *obj, const char *path)
{
    uint32_t n = (uint32_t)cJSON_GetArraySize(obj);
    if (n < 2)
        return;
    const char **keys = xcalloc(n, sizeof *keys);
    uint32_t i = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        keys[i++] = c->string;
    struct name_index ix;
    name_index_build(&ix, keys, n); /* sorted: a map of 100,000 policies is checked at once */
    struct dup_report r = {d, path, keys};
    name_index_duplicates(&ix, &r, report_duplicate_key);
    name_index_release(&ix);
    free(keys);
}

void json_check_keys(struct diag *d, const cJSON *obj, const char *path,
                     const char *const *known)
{
    json_check_duplicates(d, obj, path);
    for (const cJSON *c = obj->child; c; c = c->next) {
        bool found = false;
        for (const char *const *k = known; *k && !found; k++)
            found = strcmp(*k, c->string) == 0;
        if (found)
            continue;
        const char *closest = spell_closest(c->string, known);
        if (closest)
            diag_error(d, path, "unknown key '%s' (did you mean '%s'?)", c->string, closest);
        else
            diag_error(d, path, "unknown key '%s'", c->string);
    }
}

bool json_expect_object(struct diag *d, const cJSON *v, const char *path)
{
    if (cJSON_IsObject(v))
        return true;
    char got[64];
    json_describe(v, got, sizeof got);
    diag_error(d, path, "expected an object, got %s", got);
    return false;
}

bool json_expect_array(struct diag *d, const cJSON *v, const char *path)
{
    if (cJSON_IsArray(v))
        return true;
    char got[64];
    json_describe(v, got, sizeof got);
    diag_error(d, path, "expected an array, got %s", got);
    return false;
}

const cJSON *json_read_nonempty_list(struct diag *d, const cJSON *obj, const char *path,
                                     const char *key)
{
    char p[JSON_PATH_MAX];
    const cJSON *list = json_get(obj, key);
    if (!list) {
        diag_error(d, path, "missing required key '%s'", key);
        return NULL;
    }
    if (!json_expect_array(d, list, json_path_key(p, path, key)))
        return NULL;
    if (cJSON_GetArraySize(list) == 0) {
        diag_error(d, p, "expected at least one element");
        return NULL;
    }
    return list;
}

/* The value at obj[key], or NULL (reporting it if required). */
static const cJSON *lookup(struct diag *d, const cJSON *obj, const char *path, const char *key,
                           bool required)
{
    const cJSON *v = json_get(obj, key);
    if (!v && required)
        diag_error(d, path, "missing required key '%s'", key);
    return v;
}

bool json_read_int(struct diag *d, const cJSON *obj, const char *path, const char *key,
                   bool required, int64_t min, int64_t max, int64_t *out)
{
    const cJSON *v = lookup(d, obj, path, key, required);
    if (!v)
        return false;
    char p[JSON_PATH_MAX], got[64];
    json_describe(v, got, sizeof got);
    json_path_key(p, path, key);
    double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    bool ok = x == floor(x) && x >= (double)min && x <= (double)max;
    if (!ok) {
        /* A narrow range reads best whole; a wide one by the bound broken. */
        if ((double)max - (double)min <= 1000)
            diag_error(d, p, "expected integer in [%lld, %lld], got %s", (long long)min,
                       (long long)max, got);
        else if (x > (double)max)
            diag_error(d, p, "expected integer <= %lld, got %s", (long long)max, got);
        else
            diag_error(d, p, "expected integer >= %lld, got %s", (long long)min, got);
        return false;
    }
    *out = (int64_t)x;
    return true;
}

bool json_read_number(struct diag *d, const cJSON *obj, const char *path, const char *key,
                      bool required, double min, bool above_min, double max, double *out)
{
    const cJSON *v = lookup(d, obj, path, key, required);
    if (!v)
        return false;
    char p[JSON_PATH_MAX], got[64], lo[NUMFMT_LEN], hi[NUMFMT_LEN];
    json_describe(v, got, sizeof got);
    json_path_key(p, path, key);
    double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    bool ok = x == x && (above_min ? x > min : x >= min) && x <= max && isfinite(x);
    if (!ok) {
        numfmt_double(lo, min);
        numfmt_double(hi, max);
        if (max - min <= 1000) /* ratios, probabilities: the range reads best */
            diag_error(d, p, "expected number in %s%s, %s], got %s", above_min ? "(" : "[", lo,
                       hi, got);
        else if (x > max)
            diag_error(d, p, "expected number <= %s, got %s", hi, got);
        else
            diag_error(d, p, "expected number %s %s, got %s", above_min ? ">" : ">=", lo, got);
        return false;
    }
    *out = x;
    return true;
}

bool json_read_string(struct diag *d, const cJSON *obj, const char *path, const char *key,
                      bool required, const char **out)
{
    const cJSON *v = lookup(d, obj, path, key, required);
    if (!v)
        return false;
    if (!cJSON_IsString(v)) {
        char p[JSON_PATH_MAX], got[64];
        json_describe(v, got, sizeof got);
        diag_error(d, json_path_key(p, path, key), "expected a string, got %s", got);
        return false;
    }
    *out = v->valuestring;
    return true;
}

bool json_read_bool(struct diag *d, const cJSON *obj, const char *path, const char *key,
                    bool required, bool *out)
{
    const cJSON *v = lookup(d, obj, path, key, required);
    if (!v)
        return false;
    if (!cJSON_IsBool(v)) {
        char p[JSON_PATH_MAX], got[64];
        json_describe(v, got, sizeof got);
        diag_error(d, json_path_key(p, path, key), "expected true or false, got %s", got);
        return false;
    }
    *out = cJSON_IsTrue(v);
    return true;
}

bool json_read_choice(struct diag *d, const cJSON *obj, const char *path, const char *key,
                      bool required, const char *const *choices, int *out)
{
    const char *s;
    if (!json_read_string(d, obj, path, key, required, &s))
        return false;
    for (int i = 0; choices[i]; i++)
        if (strcmp(choices[i], s) == 0) {
            *out = i;
            return true;
        }
    char list[256] = "", p[JSON_PATH_MAX];
    for (int i = 0; choices[i]; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, choices[i], sizeof list - strlen(list) - 1);
    }
    diag_error(d, json_path_key(p, path, key), "unknown %s '%s' (expected one of: %s)", key, s,
               list);
    return false;
}

bool json_is_valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_'))
            return false;
    return true;
}
