/* Bundled scenarios: found beside the binary (build/stampede ->
 * scenarios/), or where $STAMPEDE_SCENARIOS points. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/spell.h"
#include "../base/xalloc.h"
#include "cli_internal.h"
#include "loader.h"

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The bundled scenarios folder, malloc'ed, or NULL. */
static char *scenarios_dir(void)
{
    const char *env = getenv("STAMPEDE_SCENARIOS");
    if (env && is_dir(env))
        return xstrdup(env);
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        const char *ups[] = {"/../scenarios", "/../../scenarios"}; /* build/, build/<mode>/ */
        for (size_t i = 0; i < 2; i++) {
            char candidate[4200];
            snprintf(candidate, sizeof candidate, "%s%s", exe, ups[i]);
            char *resolved = realpath(candidate, NULL); /* no "build/.." in messages */
            if (resolved && is_dir(resolved)) {
                char *copy = xstrdup(resolved);
                free(resolved);
                return copy;
            }
            free(resolved);
        }
    }
    return is_dir("scenarios") ? xstrdup("scenarios") : NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The bundled scenarios' names (file names without ".json"), sorted and
 * NULL-terminated; NULL if the folder cannot be read. */
static char **bundled_names(const char *dir, size_t *count)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return NULL;
    char **names = xcalloc(1, sizeof *names);
    *count = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".json") && e->d_name[0] != '.') {
            names = xreallocarray(names, *count + 2, sizeof *names);
            names[(*count)++] = xstrndup(e->d_name, len - 5);
        }
    }
    closedir(dh);
    qsort(names, *count, sizeof *names, by_name);
    names[*count] = NULL;
    return names;
}

static void free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* `arg` is neither a file nor a bundled scenario: says so, with the
 * nearest bundled name if there is one. */
static void suggest_bundled(const char *dir, const char *arg)
{
    size_t count;
    char **names = bundled_names(dir, &count);
    if (!names)
        return;
    const char *closest = spell_closest(arg, (const char *const *)names);
    fprintf(stderr, "stampede: note: '%s' is neither a file nor a bundled scenario%s%s%s "
                    "(`stampede list` shows them)\n",
            arg, closest ? "; did you mean '" : "", closest ? closest : "", closest ? "'?" : "");
    free_names(names, count);
}

char *cli_resolve_scenario(const char *arg)
{
    if (is_file(arg) || strchr(arg, '/') || strstr(arg, ".json"))
        return xstrdup(arg);
    char *dir = scenarios_dir();
    if (dir) {
        size_t n = strlen(dir) + strlen(arg) + 8;
        char *p = xmalloc(n);
        snprintf(p, n, "%s/%s.json", dir, arg);
        if (is_file(p)) {
            free(dir);
            return p;
        }
        free(p);
        suggest_bundled(dir, arg);
        free(dir);
    }
    return xstrdup(arg);
}


int cli_list_scenarios(FILE *out)
{
    char *dir = scenarios_dir();
    size_t count = 0;
    char **names = dir ? bundled_names(dir, &count) : NULL;
    if (!names) {
        fprintf(stderr, "stampede: error: cannot find the bundled scenarios folder (set "
                        "STAMPEDE_SCENARIOS)\n");
        free(dir);
        return 3;
    }
    for (size_t i = 0; i < count; i++) {
        char path[4400], *name, *title;
        snprintf(path, sizeof path, "%s/%s.json", dir, names[i]);
        if (loader_peek(path, &name, &title)) {
            fprintf(out, "%-22s %s\n", name, title);
            free(name);
            free(title);
        }
    }
    free_names(names, count);
    free(dir);
    return 0;
}
