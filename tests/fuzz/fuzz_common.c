#define _GNU_SOURCE /* mkdtemp, memmem */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static char scratch[64];

static void remove_scratch(void)
{
    rmdir(scratch); /* the targets remove what they write */
}

const char *fuzz_scratch_dir(void)
{
    if (!scratch[0]) {
        snprintf(scratch, sizeof scratch, "/tmp/stampede-fuzz.XXXXXX");
        if (!mkdtemp(scratch))
            abort();
        atexit(remove_scratch);
    }
    return scratch;
}

char *fuzz_write_file(const char *dir, const char *name, const uint8_t *data, size_t size)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path)
        abort();
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    return path;
}

void fuzz_quiet(bool quiet)
{
    static int saved_out = -1, saved_err = -1;
    fflush(stdout), fflush(stderr);
    if (quiet && saved_err < 0) {
        saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO), dup2(null, STDERR_FILENO);
        close(null);
    } else if (!quiet && saved_err >= 0) {
        dup2(saved_out, STDOUT_FILENO), dup2(saved_err, STDERR_FILENO);
        close(saved_out), close(saved_err);
        saved_out = saved_err = -1;
    }
}

size_t fuzz_split(const uint8_t *data, size_t size, const uint8_t **parts, size_t *lens,
                  size_t max)
{
    static const char SEP[] = "\n=====\n";
    const size_t sep = sizeof SEP - 1;
    size_t n = 0;
    while (n + 1 < max) {
        const uint8_t *cut = memmem(data, size, SEP, sep);
        if (!cut)
            break;
        parts[n] = data, lens[n] = (size_t)(cut - data) + 1; /* keep the part's last newline */
        n++;
        size -= (size_t)(cut - data) + sep;
        data = cut + sep;
    }
    parts[n] = data, lens[n] = size;
    return n + 1;
}
