/* idem_store: what a server remembers of idempotency keys. A request that
 * carries a key the server completed within `retention` gets the stored
 * answer instead of executing again; otherwise it executes and its key is
 * stored. An open-addressing hash set of (key, expiry), rebuilt without the
 * expired keys when it fills, so memory follows the keys alive within the
 * retention time. Time is passed in; free with idem_store_release. */
#ifndef STAMPEDE_IDEM_STORE_H
#define STAMPEDE_IDEM_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

struct idem_slot {
    uint64_t key; /* 0: empty */
    sim_time expires;
};

struct idem_store {
    sim_time retention_ns;
    uint32_t cap, used;
    struct idem_slot *slots;
};

void idem_store_init(struct idem_store *s, sim_time retention_ns);
void idem_store_release(struct idem_store *s);
/* True if `key` (not 0) completed within the retention time. */
bool idem_store_seen(const struct idem_store *s, uint64_t key, sim_time now);
/* Remembers that `key` completed at `now`. */
void idem_store_put(struct idem_store *s, uint64_t key, sim_time now);

#endif
