/* A surface saved as a PNG with every write checked. The image library
 * reports no error when the disk fills (it wrote a truncated file and
 * returned success), so the PNG is encoded into memory first and written
 * through outfile: a complete file under its final name, or none and a
 * message with the system's reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_image.h>

#include "../sim/base/outfile.h"
#include "../sim/base/xalloc.h"
#include "render.h"

struct membuf {
    unsigned char *data;
    size_t size, cap, at;
};

static Sint64 mem_size(SDL_RWops *rw) { return (Sint64)((struct membuf *)rw->hidden.unknown.data1)->size; }

static Sint64 mem_seek(SDL_RWops *rw, Sint64 offset, int whence)
{
    struct membuf *m = rw->hidden.unknown.data1;
    Sint64 base = whence == RW_SEEK_SET ? 0 : whence == RW_SEEK_CUR ? (Sint64)m->at : (Sint64)m->size;
    if (base + offset < 0)
        return SDL_SetError("seek before the start");
    m->at = (size_t)(base + offset);
    return (Sint64)m->at;
}

static size_t mem_read(SDL_RWops *rw, void *ptr, size_t size, size_t n)
{
    struct membuf *m = rw->hidden.unknown.data1;
    size_t left = m->at < m->size ? m->size - m->at : 0, want = size && n ? left / size : 0;
    want = want < n ? want : n;
    memcpy(ptr, m->data + m->at, want * size);
    m->at += want * size;
    return want;
}

static size_t mem_write(SDL_RWops *rw, const void *ptr, size_t size, size_t n)
{
    struct membuf *m = rw->hidden.unknown.data1;
    if (size && n > (SIZE_MAX - m->at) / size)
        return 0;
    size_t bytes = size * n, end = m->at + bytes;
    if (end > m->cap) {
        size_t cap = m->cap ? m->cap : 1 << 16;
        while (cap < end)
            cap *= 2;
        m->data = xreallocarray(m->data, cap, 1);
        m->cap = cap;
    }
    if (m->at > m->size) /* a seek past the end leaves zeros */
        memset(m->data + m->size, 0, m->at - m->size);
    memcpy(m->data + m->at, ptr, bytes);
    m->at = end;
    m->size = end > m->size ? end : m->size;
    return n;
}

static int mem_close(SDL_RWops *rw)
{
    SDL_FreeRW(rw); /* the buffer belongs to the caller */
    return 0;
}

int viz_save_png(SDL_Surface *s, const char *path, char *err, size_t err_size)
{
    struct membuf m = {0};
    SDL_RWops *rw = SDL_AllocRW();
    if (!rw) {
        snprintf(err, err_size, "%s: cannot encode: %s", path, SDL_GetError());
        return -1;
    }
    rw->size = mem_size;
    rw->seek = mem_seek;
    rw->read = mem_read;
    rw->write = mem_write;
    rw->close = mem_close;
    rw->type = SDL_RWOPS_UNKNOWN;
    rw->hidden.unknown.data1 = &m;
    if (IMG_SavePNG_RW(s, rw, 1) != 0 || m.size == 0) {
        snprintf(err, err_size, "%s: cannot encode the PNG: %s", path, IMG_GetError());
        free(m.data);
        return -1;
    }
    struct outfile o;
    int rc = outfile_open(&o, path);
    if (rc == 0) {
        fwrite(m.data, 1, m.size, o.f); /* a failed write is the commit's to report */
        rc = outfile_commit(&o);
    }
    if (rc != 0)
        snprintf(err, err_size, "%s: cannot write: %s", path, strerror(errno));
    free(m.data);
    return rc;
}
