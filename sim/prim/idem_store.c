#include "idem_store.h"

#include <stdlib.h>

#include "../base/xalloc.h"

void idem_store_init(struct idem_store *s, sim_time retention_ns)
{
    s->retention_ns = retention_ns;
    s->cap = 64;
    s->used = 0;
    s->slots = xcalloc(s->cap, sizeof *s->slots);
}

void idem_store_release(struct idem_store *s)
{
    free(s->slots);
    s->slots = NULL;
}

static uint32_t home(const struct idem_store *s, uint64_t key)
{
    key ^= key >> 33; /* mix so sequential keys spread (murmur3 finaliser) */
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (uint32_t)(key & (s->cap - 1));
}

bool idem_store_seen(const struct idem_store *s, uint64_t key, sim_time now)
{
    for (uint32_t i = home(s, key);; i = (i + 1) & (s->cap - 1)) {
        if (s->slots[i].key == 0)
            return false;
        if (s->slots[i].key == key)
            return s->slots[i].expires > now;
    }
}

static void insert(struct idem_store *s, uint64_t key, sim_time expires)
{
    uint32_t i = home(s, key);
    while (s->slots[i].key != 0 && s->slots[i].key != key)
        i = (i + 1) & (s->cap - 1);
    if (s->slots[i].key == 0)
        s->used++;
    s->slots[i] = (struct idem_slot){key, expires};
}

/* Rebuilds the table keeping live keys, twice as large if they fill half. */
static void rebuild(struct idem_store *s, sim_time now)
{
    struct idem_slot *old = s->slots;
    uint32_t old_cap = s->cap, live = 0;
    for (uint32_t i = 0; i < old_cap; i++)
        live += old[i].key != 0 && old[i].expires > now;
    while (live * 2 >= s->cap)
        s->cap *= 2;
    s->slots = xcalloc(s->cap, sizeof *s->slots);
    s->used = 0;
    for (uint32_t i = 0; i < old_cap; i++)
        if (old[i].key != 0 && old[i].expires > now)
            insert(s, old[i].key, old[i].expires);
    free(old);
}

void idem_store_put(struct idem_store *s, uint64_t key, sim_time now)
{
    if ((s->used + 1) * 4 > s->cap * 3) /* keep probes short: at most 3/4 full */
        rebuild(s, now);
    insert(s, key, now + s->retention_ns);
}
