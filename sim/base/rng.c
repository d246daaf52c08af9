#include "rng.h"

/* 64x64 -> 128-bit products for Lemire's method; a GNU extension that gcc
 * and clang provide on every 64-bit target. */
__extension__ typedef unsigned __int128 u128;

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rng_hash_name(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void rng_init_indexed(struct rng *r, uint64_t seed, const char *name, uint64_t index)
{
    /* Mix seed, name and index through splitmix64 so that nearby seeds or
     * names (web1, web2) give unrelated streams. */
    uint64_t state = seed;
    uint64_t a = splitmix64(&state);
    state = a ^ rng_hash_name(name);
    uint64_t b = splitmix64(&state);
    state = b ^ (index * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&state);
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1; /* the all-zero state is the generator's one fixed point */
}

void rng_init_stream(struct rng *r, uint64_t seed, const char *name)
{
    rng_init_indexed(r, seed, name, 0);
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
    u128 m = (u128)rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = -n % n;
        while (low < threshold) {
            m = (u128)rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}
