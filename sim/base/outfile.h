/* outfile: a file written whole or not at all. It is created under a
 * unique temporary name beside its final one, exclusively (a file or link
 * planted at that name is never followed or overwritten), and renamed over
 * the final name only once every write and the close succeeded. Two runs
 * writing the same file therefore never tear it: the last complete one
 * wins. */
#ifndef STAMPEDE_OUTFILE_H
#define STAMPEDE_OUTFILE_H

#include <stdio.h>

struct outfile {
    char *path, *tmp;
    FILE *f;   /* write through this */
    int fd;    /* the temporary's descriptor, under f */
    int error; /* the errno of the first write or close that failed, or 0 */
    struct outfile *prev, *next; /* the open outfiles, for outfile_remove_temporaries */
};

/* 0, or -1 with errno. The outfile must stay where it is (f refers to it)
 * until it is committed or discarded. */
int outfile_open(struct outfile *o, const char *path);
/* Closes and renames into place: 0, or -1 with errno (the temporary removed). */
int outfile_commit(struct outfile *o);
/* Closes and removes the temporary; the final file is left as it was. */
void outfile_discard(struct outfile *o);

/* Removes the temporary of every outfile still open, without freeing or
 * allocating anything: for a process that is about to end abruptly (out
 * of memory). */
void outfile_remove_temporaries(void);

/* Takes the folder's lock for the life of the process, or until
 * outfile_unlock: the fd, or -1 with errno (EAGAIN: another process holds
 * it). One run at a time writes a results folder. */
int outfile_lock(const char *dir);
void outfile_unlock(int fd);

#endif
