/* pool: arrays of slots recycled through a free list, so no event
 * allocates. Each slot struct has `gen` and `next_free`; a freed slot's
 * generation is bumped, which voids whatever still names it. A pool grows
 * by doubling, so a pointer into it is valid only until the next take. */
#ifndef STAMPEDE_POOL_H
#define STAMPEDE_POOL_H

#include <string.h>

#include "../base/xalloc.h"

#define POOL_GROW(arr, cap, free_head)                                                          \
    do {                                                                                           \
        uint32_t old = (cap);                                                                      \
        (cap) = old ? old * 2 : 256;                                                               \
        (arr) = xreallocarray((arr), (cap), sizeof *(arr));                                        \
        memset(&(arr)[old], 0, ((cap)-old) * sizeof *(arr)); /* jobs: state JOB_FREE */           \
        for (uint32_t i_ = old; i_ < (cap); i_++) {                                                \
            (arr)[i_].gen = 0;                                                                     \
            (arr)[i_].next_free = i_ + 1 < (cap) ? i_ + 1 : NO_INDEX;                              \
        }                                                                                          \
        (free_head) = old;                                                                         \
    } while (0)

/* Takes a free slot (growing the pool when there is none) into `out`. */
#define POOL_TAKE(arr, cap, free_head, out)                                                       \
    do {                                                                                           \
        if ((free_head) == NO_INDEX)                                                               \
            POOL_GROW(arr, cap, free_head);                                                        \
        (out) = (free_head);                                                                       \
        (free_head) = (arr)[out].next_free;                                                        \
    } while (0)

/* Grows `side`, an array indexed like a pool, to the pool's `cap`. Its
 * entries are not initialised: they hold fields a slot uses only in some
 * states, each written before it is read. */
#define POOL_SIDE_FIT(side, side_cap, cap)                                                       \
    do {                                                                                           \
        if ((side_cap) < (cap)) {                                                                  \
            (side) = xreallocarray((side), (cap), sizeof *(side));                                 \
            (side_cap) = (cap);                                                                    \
        }                                                                                          \
    } while (0)

/* Gives slot i back; its new generation voids whatever still names it. */
#define POOL_GIVE(arr, free_head, i)                                                               \
    do {                                                                                           \
        (arr)[i].gen++;                                                                            \
        (arr)[i].next_free = (free_head);                                                          \
        (free_head) = (i);                                                                         \
    } while (0)

#endif
