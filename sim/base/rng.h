/* rng: xoshiro256** streams, one per source of randomness.
 *
 * Every entity that draws random numbers (a client's arrivals, a service's
 * service times, a policy's jitter) owns a stream derived from the run's seed
 * and the entity's name alone. Adding a client or a variant therefore leaves
 * every other entity's draws unchanged (common random numbers).
 * The generator is Blackman and Vigna's xoshiro256** (2018); streams are
 * seeded through splitmix64 as its authors recommend. */
#ifndef STAMPEDE_RNG_H
#define STAMPEDE_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* Seeds `r` from the run's seed and a stream name such as "client:web". */
void rng_init_stream(struct rng *r, uint64_t seed, const char *name);
/* Seeds `r` from a seed and a name plus an index (one stream per user, say). */
void rng_init_indexed(struct rng *r, uint64_t seed, const char *name, uint64_t index);

static inline uint64_t rng_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

/* Uniform on [0, 1) with 53 random bits. */
static inline double rng_uniform(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform on (0, 1]: safe to take the logarithm of. */
static inline double rng_uniform_pos(struct rng *r)
{
    return (double)((rng_next(r) >> 11) + 1) * 0x1.0p-53;
}

/* Uniform integer in [0, n) without modulo bias (Lemire 2019); n >= 1. */
uint64_t rng_below(struct rng *r, uint64_t n);

/* 64-bit FNV-1a of a string: stable names to stream ids. */
uint64_t rng_hash_name(const char *name);

#endif
