/* realpath() is XSI */
#define _XOPEN_SOURCE 700
#include "infile.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/xalloc.h"

FILE *infile_open(const char *path, size_t max_bytes, const char **why)
{
    /* O_NONBLOCK: opening a FIFO with no writer must not wait for one */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *why = strerror(errno);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *why = "not a regular file";
        close(fd);
        return NULL;
    }
    if ((size_t)st.st_size > max_bytes) {
        *why = "larger than 64 MiB";
        close(fd);
        return NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        *why = strerror(errno);
        close(fd);
    }
    return f;
}

char *infile_beside(const char *scenario_file, const char *name, const char **why)
{
    if (name[0] == '/') {
        *why = "a trace is named relative to the scenario's folder, not by an absolute path";
        return NULL;
    }
    const char *slash = strrchr(scenario_file, '/');
    char *dir = slash ? xstrdup(scenario_file) : xstrdup(".");
    if (slash)
        dir[slash - scenario_file] = '\0';
    if (!*dir)
        strcpy(dir, "/");
    size_t n = strlen(dir) + strlen(name) + 2;
    char *joined = xmalloc(n);
    snprintf(joined, n, "%s/%s", dir, name);
    char *real_dir = realpath(dir, NULL), *real = realpath(joined, NULL);
    char *out = NULL;
    if (!real_dir || !real) {
        *why = strerror(errno);
    } else {
        size_t len = strlen(real_dir);
        bool inside = strncmp(real, real_dir, len) == 0 &&
                      (real[len] == '/' || (len == 1 && real_dir[0] == '/'));
        if (inside)
            out = xstrdup(real);
        else
            *why = "outside the scenario's folder";
    }
    free(real_dir), free(real), free(joined), free(dir);
    return out;
}
