#include "cache.h"

#include <stdlib.h>

#include "../base/detmath.h"
#include "../base/xalloc.h"

void cache_init(struct cache_rt *c, const struct cache_cfg *cfg, uint64_t seed, const char *stream)
{
    c->cfg = cfg;
    rng_init_stream(&c->rng, seed, stream);
    c->generation = 1; /* gen[] starts at 0: every key starts absent */
    if (!cfg->keys)
        return;
    c->expiry = xcalloc(cfg->keys, sizeof *c->expiry);
    c->gen = xcalloc(cfg->keys, sizeof *c->gen);
    if (cfg->zipf_s > 0) {
        c->zipf_cdf = xmalloc(cfg->keys * sizeof *c->zipf_cdf);
        double sum = 0;
        for (uint32_t k = 0; k < cfg->keys; k++)
            c->zipf_cdf[k] = sum += det_pow(k + 1.0, -cfg->zipf_s);
        for (uint32_t k = 0; k < cfg->keys; k++)
            c->zipf_cdf[k] /= sum;
        /* Chen and Asau's guide table: where to start looking for u */
        c->guide = xmalloc(((size_t)cfg->keys + 1) * sizeof *c->guide);
        uint32_t k = 0;
        for (uint32_t g = 0; g <= cfg->keys; g++) {
            double t = (double)g / cfg->keys;
            while (k < cfg->keys - 1 && c->zipf_cdf[k] <= t)
                k++;
            c->guide[g] = k;
        }
    }
}

void cache_release(struct cache_rt *c)
{
    free(c->expiry);
    free(c->gen);
    free(c->zipf_cdf);
    free(c->guide);
}

static uint32_t pick_key(struct cache_rt *c)
{
    if (!c->zipf_cdf)
        return (uint32_t)rng_below(&c->rng, c->cfg->keys);
    double u = rng_uniform(&c->rng);
    /* The first key whose cdf exceeds u (the last key if none does): a
     * binary search over every key cost ~17 cache misses in a big table.
     * The guides bound it: cdf[lo - 1] <= u and cdf[hi] > u (or hi is the
     * last key), widened where u * keys rounds across a guide's threshold,
     * so the answer is the one the search over every key gives. */
    uint32_t last = c->cfg->keys - 1, g = (uint32_t)(u * c->cfg->keys);
    if (g > c->cfg->keys)
        g = c->cfg->keys;
    uint32_t lo = c->guide[g], hi = g < c->cfg->keys ? c->guide[g + 1] : last;
    while (lo > 0 && c->zipf_cdf[lo - 1] > u)
        lo--;
    while (hi < last && c->zipf_cdf[hi] <= u)
        hi++;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->zipf_cdf[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

bool cache_lookup(struct cache_rt *c, sim_time now, uint32_t *key)
{
    *key = NO_INDEX;
    if (!c->cfg->keys)
        return rng_uniform(&c->rng) < c->cfg->hit_ratio;
    uint32_t k = pick_key(c);
    if (c->gen[k] == c->generation && c->expiry[k] > now)
        return true;
    *key = k;
    return false;
}

void cache_fill(struct cache_rt *c, uint32_t key, sim_time now)
{
    c->gen[key] = c->generation;
    c->expiry[key] = now + c->cfg->ttl_ns;
}

void cache_flush(struct cache_rt *c) { c->generation++; }
