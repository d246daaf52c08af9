/* Overrides: `--set services.db.workers=16` and a variant's "set" object,
 * applied to the JSON tree before it is validated, so an override is checked
 * exactly like the file itself. */
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"
#include "loader_internal.h"

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
                diag_error(d, origin, "%s: no element named '%s'", shown, seg);
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
            if (!next) {
                if (child)
                    cJSON_ReplaceItemInObjectCaseSensitive(node, seg, value);
                else
                    cJSON_AddItemToObject(node, seg, value);
                value = NULL;
                ok = true;
                goto out;
            }
            if (!child) { /* create intermediate objects: retry.max_attempts */
                child = cJSON_CreateObject();
                cJSON_AddItemToObject(node, seg, child);
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
