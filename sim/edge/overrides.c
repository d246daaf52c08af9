/* Overrides: `--set services.db.workers=16` and a variant's "set" object,
 * applied to the JSON tree before it is validated, so an override is checked
 * exactly like the file itself. */
#include <stdlib.h>
#include <string.h>

#include "../base/spell.h"
#include "../base/xalloc.h"
#include "loader_internal.h"

/* " (did you mean 'x'?)" when one of the names is a near miss, else "". */
static void suggest(char *out, size_t n, const char *word, const char *const *names)
{
    const char *closest = spell_closest(word, names);
    if (closest)
        snprintf(out, n, " (did you mean '%s'?)", closest);
    else
        *out = '\0';
}

/* The keys of an object, or the names of an array's elements, for
 * suggestions: a NULL-terminated list the caller frees (not the strings). */
static const char **names_in(const cJSON *node)
{
    const char **names = xcalloc((size_t)cJSON_GetArraySize(node) + 1, sizeof *names);
    size_t n = 0;
    for (const cJSON *c = node->child; c; c = c->next) {
        const cJSON *name = cJSON_IsArray(node) ? json_get(c, "name") : NULL;
        if (cJSON_IsArray(node) ? cJSON_IsString(name) : c->string != NULL)
            names[n++] = cJSON_IsArray(node) ? name->valuestring : c->string;
    }
    return names;
}

static void report_missing(struct diag *d, const char *origin, const char *shown,
                           const cJSON *node, const char *seg, bool is_element)
{
    const char **names = names_in(node);
    char hint[160];
    suggest(hint, sizeof hint, seg, names);
    free(names);
    if (is_element)
        diag_error(d, origin, "%s: no element named '%s'%s", shown, seg, hint);
    else if (*hint)
        diag_error(d, origin, "%s: no key '%s'%s", shown, seg, hint);
    else /* a block the file leaves out is added whole, never key by key */
        diag_error(d, origin, "%s: no '%s' block to set a key in (add one whole: --set '%s%s%s={...}')",
                   shown, seg, shown[1] ? shown + 2 : "", shown[1] ? "." : "", seg);
}

/* The element of array `arr` whose "name" is `seg`, or whose index it is. */
static cJSON *array_element(cJSON *arr, const char *seg)
{
    int i = 0;
    for (cJSON *c = arr->child; c; c = c->next, i++) {
        const cJSON *name = json_get(c, "name");
        if (cJSON_IsString(name) && strcmp(name->valuestring, seg) == 0)
            return c;
    }
    char *end;
    long index = strtol(seg, &end, 10);
    if (*seg && !*end && index >= 0 && index < cJSON_GetArraySize(arr))
        return cJSON_GetArrayItem(arr, (int)index);
    return NULL;
}

/* Deeper than any scenario key; a longer path would only build a tower of
 * empty objects (one of 300,000 overflowed the stack freeing it). */
#define OVERRIDE_MAX_DEPTH 32

bool overrides_apply(struct diag *d, cJSON *root, const char *dotted, cJSON *value,
                     const char *origin)
{
    size_t depth = 1;
    for (const char *c = dotted; *c; c++)
        depth += *c == '.';
    if (depth > OVERRIDE_MAX_DEPTH) {
        diag_error(d, origin, "a path of %zu keys: no scenario key is deeper than %d", depth,
                   OVERRIDE_MAX_DEPTH);
        cJSON_Delete(value);
        return false;
    }
    char *path = xstrdup(dotted);
    cJSON *node = root;
    char shown[JSON_PATH_MAX] = "$";
    bool ok = false;
    char *save = NULL;
    char *seg = strtok_r(path, ".", &save);
    if (!seg) {
        diag_error(d, origin, "empty path");
        goto out;
    }
    while (seg) {
        char *next = strtok_r(NULL, ".", &save);
        if (cJSON_IsArray(node)) {
            cJSON *el = array_element(node, seg);
            if (!el) {
                report_missing(d, origin, shown, node, seg, true);
                goto out;
            }
            if (!next) {
                diag_error(d, origin, "%s.%s: a whole array element cannot be replaced", shown,
                           seg);
                goto out;
            }
            node = el;
        } else if (cJSON_IsObject(node)) {
            cJSON *child = json_get(node, seg);
            if (!next && cJSON_IsNull(value)) { /* null removes: a variant without the retry */
                if (!child) {
                    report_missing(d, origin, shown, node, seg, false);
                    goto out;
                }
                cJSON_DeleteItemFromObjectCaseSensitive(node, seg);
                ok = true;
                goto out;
            }
            if (!next) {
                if (child)
                    cJSON_ReplaceItemInObjectCaseSensitive(node, seg, value);
                else
                    cJSON_AddItemToObject(node, seg, value);
                value = NULL;
                ok = true;
                goto out;
            }
            if (!child) { /* a misspelt parent would otherwise create a policy */
                report_missing(d, origin, shown, node, seg, false);
                goto out;
            }
            node = child;
        } else {
            diag_error(d, origin, "%s is not an object or array, cannot set '%s' in it", shown,
                       seg);
            goto out;
        }
        size_t len = strlen(shown);
        snprintf(shown + len, sizeof shown - len, ".%s", seg);
        seg = next;
    }
out:
    cJSON_Delete(value);
    free(path);
    return ok;
}
