/* cache: the cache in front of a service (cache-aside).
 *
 * A lookup either hits (the caller is answered without the service) or
 * misses with a key; a successful answer for that key fills it for ttl.
 * A flush empties the whole key space at once in O(1) by moving to a new
 * generation. Memory: 12 bytes per key, plus 8 per key for a Zipf
 * popularity table. Owned by the simulation's service state. */
#ifndef STAMPEDE_CACHE_H
#define STAMPEDE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/rng.h"
#include "../base/sim_time.h"
#include "scenario.h"

struct cache_rt {
    const struct cache_cfg *cfg;
    struct rng rng;
    sim_time *expiry;  /* per key: present until then, if filled in this generation */
    uint32_t *gen;
    uint32_t generation;
    double *zipf_cdf;  /* cumulative popularity, when zipf_s > 0 */
    uint32_t *guide;   /* guide[g]: the first key whose cdf exceeds g / keys (keys + 1
                          entries), so a draw searches only between two guides */
};

void cache_init(struct cache_rt *c, const struct cache_cfg *cfg, uint64_t seed, const char *stream);
void cache_release(struct cache_rt *c);
/* True on a hit. On a miss *key is the key to fill (NO_INDEX for a fixed
 * hit-ratio cache, which has none). */
bool cache_lookup(struct cache_rt *c, sim_time now, uint32_t *key);
void cache_fill(struct cache_rt *c, uint32_t key, sim_time now);
void cache_flush(struct cache_rt *c);

#endif
