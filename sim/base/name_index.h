/* name_index: finding a name among many (services, policies, clients) in
 * O(log n), so a scenario of 100,000 services resolves its references in
 * milliseconds (a linear search per reference took minutes). */
#ifndef STAMPEDE_NAME_INDEX_H
#define STAMPEDE_NAME_INDEX_H

#include <stdint.h>

#define NAME_NOT_FOUND UINT32_MAX

struct name_index {
    const char **names; /* borrowed, by position; NULL entries are skipped */
    uint32_t *order;    /* positions sorted by name, then by position */
    uint32_t count;     /* entries in order */
};

/* Indexes names[0..n-1] (borrowed: they must outlive the index). */
void name_index_build(struct name_index *ix, const char *const *names, uint32_t n);
/* The first position holding `name`, or NAME_NOT_FOUND. */
uint32_t name_index_find(const struct name_index *ix, const char *name);
/* Calls dup(ctx, later, first) for every position whose name an earlier
 * one already has, in increasing order of `later`. */
void name_index_duplicates(const struct name_index *ix, void *ctx,
                           void (*dup)(void *ctx, uint32_t later, uint32_t first));
void name_index_release(struct name_index *ix);

#endif
