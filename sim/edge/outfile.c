#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/xalloc.h"

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
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        int saved = errno;
        close(fd);
        remove(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        errno = saved;
        return -1;
    }
    o->path = xstrdup(path);
    return 0;
}

int outfile_commit(struct outfile *o)
{
    int err = ferror(o->f) ? EIO : 0;
    if (fclose(o->f) != 0 && !err)
        err = errno;
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
