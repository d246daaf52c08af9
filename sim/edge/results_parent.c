/* The folder that holds a scenario's variant folders: the list of its
 * variants in the scenario's order (variants.txt, so `plot` and the gallery
 * draw the baseline first, as the scenario does), and stale variant folders
 * (a scenario that loses a variant must not leave its old results beside
 * the new ones, where a plot of the folder would draw them as current). */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/outfile.h"
#include "../base/xalloc.h"
#include "infile.h"
#include "results.h"

/* "dir/name", malloc'ed. */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static bool is_result_file(const char *name)
{
    for (const char *const *n = RESULT_FILE_NAMES; *n; n++)
        if (strcmp(name, *n) == 0)
            return true;
    return false;
}

/* Whether `dir/summary.json` was written by a run of `scenario`: its first
 * key. Names are letters, digits, '-' and '_', so no escaping to undo. */
static bool summary_is_of(const char *dir, const char *scenario)
{
    char head[256], want[128];
    char *path = join(dir, "summary.json");
    const char *why;
    FILE *f = infile_open(path, 1u << 30, &why);
    free(path);
    if (!f)
        return false;
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = '\0';
    snprintf(want, sizeof want, "{\n  \"scenario\": \"%s\",\n", scenario);
    return strncmp(head, want, strlen(want)) == 0;
}

/* Whether every entry of `dir` is a file a run writes. */
static bool holds_only_results(const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return false;
    bool only = true;
    struct dirent *e;
    while (only && (e = readdir(dh)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            only = is_result_file(e->d_name);
    closedir(dh);
    return only;
}

static void remove_results(const char *dir)
{
    for (const char *const *n = RESULT_FILE_NAMES; *n; n++) {
        char *path = join(dir, *n);
        if (unlink(path) != 0 && errno != ENOENT)
            fprintf(stderr, "stampede: warning: %s: cannot remove: %s\n", path, strerror(errno));
        free(path);
    }
    if (rmdir(dir) != 0)
        fprintf(stderr, "stampede: warning: %s: cannot remove: %s\n", dir, strerror(errno));
}

void results_remove_stale(const char *parent, const char *scenario,
                          const char *const *variants, uint32_t variant_count)
{
    DIR *dh = opendir(parent);
    if (!dh)
        return;
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.')
            continue;
        bool current = false;
        for (uint32_t i = 0; i < variant_count && !current; i++)
            current = strcmp(e->d_name, variants[i]) == 0;
        char *dir = join(parent, e->d_name);
        struct stat st;
        if (current || lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
            !summary_is_of(dir, scenario)) {
            free(dir);
            continue; /* not a variant of this scenario's: not ours to judge */
        }
        if (!holds_only_results(dir)) {
            fprintf(stderr, "stampede: note: %s/ holds results of a variant '%s' no longer has, "
                            "and other files: left in place\n",
                    dir, scenario);
            free(dir);
            continue;
        }
        int lock = outfile_lock(dir);
        if (lock < 0) {
            free(dir);
            continue; /* another run is writing it now */
        }
        remove_results(dir); /* the lock file last, still held */
        outfile_unlock(lock);
        fprintf(stderr, "stampede: note: removed %s/: '%s' has no variant '%s' any more\n", dir,
                scenario, e->d_name);
        free(dir);
    }
    closedir(dh);
}

int results_write_variant_list(const char *parent, const char *const *variants,
                               uint32_t variant_count)
{
    char *path = join(parent, "variants.txt");
    struct outfile out;
    int rc = outfile_open(&out, path);
    if (rc == 0) {
        for (uint32_t i = 0; i < variant_count; i++)
            fprintf(out.f, "%s\n", variants[i]);
        rc = outfile_commit(&out);
    }
    if (rc != 0)
        fprintf(stderr, "stampede: error: %s: cannot write: %s\n", path, strerror(errno));
    free(path);
    return rc;
}
