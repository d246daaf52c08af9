#define _GNU_SOURCE /* fopencookie: the stream's writes report their errno */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

/* The stream writes through these, so that the reason a write failed
 * (ENOSPC, EDQUOT, EIO) is kept for the message: stdio keeps only that
 * one did. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
    struct outfile *o = cookie;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(o->fd, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (!o->error)
                o->error = n < 0 ? errno : ENOSPC;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)n;
    }
    return (ssize_t)size;
}

static int cookie_close(void *cookie)
{
    struct outfile *o = cookie;
    if (close(o->fd) != 0 && !o->error)
        o->error = errno;
    o->fd = -1;
    return o->error ? -1 : 0;
}

static struct outfile *open_files; /* every outfile between open and commit or discard */

static void track(struct outfile *o)
{
    o->prev = NULL;
    o->next = open_files;
    if (open_files)
        open_files->prev = o;
    open_files = o;
}

static void untrack(struct outfile *o)
{
    if (o->prev)
        o->prev->next = o->next;
    else if (open_files == o)
        open_files = o->next;
    if (o->next)
        o->next->prev = o->prev;
}

void outfile_remove_temporaries(void)
{
    for (struct outfile *o = open_files; o; o = o->next)
        if (o->tmp)
            unlink(o->tmp);
}

int outfile_open(struct outfile *o, const char *path)
{
    *o = (struct outfile){0};
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0, n = strlen(path) + 16;
    o->tmp = xmalloc(n);
    snprintf(o->tmp, n, "%.*s.%s.XXXXXX", (int)dir, path, path + dir);
    int fd = mkstemp(o->tmp); /* O_CREAT | O_EXCL: never through a planted link */
    if (fd < 0) {
        int saved = errno;
        free(o->tmp);
        o->tmp = NULL;
        errno = saved;
        return -1;
    }
    fchmod(fd, 0644); /* results are for reading (mkstemp makes 0600) */
    o->fd = fd;
    o->f = fopencookie(o, "wb", (cookie_io_functions_t){.write = cookie_write,
                                                         .close = cookie_close});
    if (!o->f) {
        int saved = errno;
        close(fd);
        remove(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        errno = saved;
        return -1;
    }
    setvbuf(o->f, NULL, _IOFBF, 1 << 16); /* results are written in long runs */
    o->path = xstrdup(path);
    track(o);
    return 0;
}

int outfile_commit(struct outfile *o)
{
    untrack(o);
    bool failed = ferror(o->f);
    failed |= fclose(o->f) != 0;
    int err = o->error ? o->error : failed ? EIO : 0;
    o->f = NULL;
    if (!err && rename(o->tmp, o->path) != 0)
        err = errno;
    if (err)
        remove(o->tmp);
    free(o->tmp), free(o->path);
    *o = (struct outfile){0};
    errno = err;
    return err ? -1 : 0;
}

void outfile_discard(struct outfile *o)
{
    if (o->tmp)
        untrack(o);
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        remove(o->tmp);
    free(o->tmp), free(o->path);
    *o = (struct outfile){0};
}

int outfile_lock(const char *dir)
{
    size_t n = strlen(dir) + 32;
    char *path = xmalloc(n);
    snprintf(path, n, "%s/.stampede.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    free(path);
    if (fd < 0)
        return -1;
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &l) != 0) {
        int saved = errno == EACCES ? EAGAIN : errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

void outfile_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing releases the lock */
}
