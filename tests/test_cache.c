/* Caches in front of services: hits answer for the service, misses fill
 * keys, a flush empties everything at once (the cache stampede). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

struct misses {
    uint64_t backend[32]; /* requests reaching the backend per window */
};

static void on_window(void *ctx, const struct window_report *w)
{
    struct misses *m = ctx;
    if (w->index < 32)
        m->backend[w->index] = w->services[1].delta.arrivals;
}

static struct run_result run_cache(const char *cache, const char *faults, int duration,
                                   struct misses *m)
{
    char json[2048];
    snprintf(json, sizeof json,
             "{\"name\":\"t\",\"duration_s\":%d,\"services\":[{\"name\":\"api\",\"workers\":100,"
             "\"service_time\":{\"dist\":\"constant\",\"value_ms\":1},\"calls\":[{\"service\":"
             "\"db\"}]},{\"name\":\"db\",\"workers\":100,\"cache\":%s,\"service_time\":{\"dist\":"
             "\"constant\",\"value_ms\":5}}],\"clients\":[{\"name\":\"c\",\"target\":\"api\","
             "\"arrival\":{\"process\":\"constant\",\"rate_rps\":100}}],\"faults\":[%s]}",
             duration, cache, faults);
    memset(m, 0, sizeof *m);
    struct sim_observer obs = {.ctx = m, .on_window = on_window};
    return run_json(json, &obs);
}

Test(cache, a_fixed_hit_ratio_passes_the_rest_through)
{
    struct misses m;
    struct run_result r = run_cache("{\"hit_ratio\":0.8}", "", 100, &m);
    double through = (double)r.services[1].arrivals / (double)r.services[0].arrivals;
    /* binomial over ~10000: sd 0.004; 5 sd */
    cr_assert(fabs(through - 0.2) < 0.02, "share through %.4f", through);
    cr_assert_eq(r.services[1].cache_hits + r.services[1].cache_misses, r.services[0].arrivals);
}

Test(cache, each_key_misses_once_until_it_expires)
{
    /* 100 keys, 60 s TTL, 500 lookups in 5 s: only first lookups miss, which
     * is the number of distinct keys seen: 100 (1 - e^-5) = 99.3 expected. */
    struct misses m;
    struct run_result r = run_cache("{\"keys\":100,\"ttl_s\":60}", "", 5, &m);
    cr_assert_leq(r.services[1].cache_misses, 100u);
    cr_assert_geq(r.services[1].cache_misses, 95u);
    cr_assert_eq(r.services[1].arrivals, r.services[1].cache_misses);
    cr_assert_eq(traffic_failed(&r.total), 0u);
}

Test(cache, short_ttl_refills_each_key_about_once_per_ttl)
{
    /* 10 keys, 1 s TTL, 10 lookups per key per second: each key misses
     * about once a second once warm. */
    struct misses m;
    run_cache("{\"keys\":10,\"ttl_s\":1}", "", 20, &m);
    uint64_t later = 0;
    for (int i = 5; i < 20; i++)
        later += m.backend[i];
    double per_s = (double)later / 15;
    cr_assert(per_s > 7 && per_s <= 10, "%.2f misses/s", per_s);
}

Test(cache, a_flush_sends_every_key_to_the_backend_again)
{
    /* Warm by 5 s (all 100 keys cached for 60 s); the flush at 10 s makes
     * the next lookups of every key miss: the stampede. */
    struct misses m;
    struct run_result r = run_cache(
        "{\"keys\":100,\"ttl_s\":60}",
        "{\"kind\":\"cache_flush\",\"target\":\"db\",\"at_s\":10}", 20, &m);
    cr_assert_lt(m.backend[9], 3u, "warm before the flush");
    cr_assert_gt(m.backend[10], 50u, "every key misses after the flush");
    cr_assert_geq(r.services[1].cache_misses, 190u);
}

Test(cache, a_zipf_key_space_hits_more_than_a_uniform_one)
{
    struct misses m;
    struct run_result uni = run_cache("{\"keys\":100000,\"ttl_s\":60}", "", 20, &m);
    struct run_result zipf = run_cache("{\"keys\":100000,\"ttl_s\":60,\"zipf_s\":1.1}", "", 20, &m);
    cr_log_info("misses: uniform %llu, zipf %llu",
                (unsigned long long)uni.services[1].cache_misses,
                (unsigned long long)zipf.services[1].cache_misses);
    cr_assert_lt(zipf.services[1].cache_misses * 2, uni.services[1].cache_misses);
}

/* A Zipf key drawn through the guide table is the key a binary search over
 * every key's cumulative popularity finds for the same uniform draw: the
 * guide only narrows the search, so the draws (part of every output) stay
 * as they were. */
#include "../sim/model/cache.h"

static uint32_t full_search(const double *cdf, uint32_t keys, double u)
{
    uint32_t lo = 0, hi = keys - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

Test(cache, zipf_keys_through_the_guide_table_are_the_full_searchs)
{
    const uint32_t sizes[] = {1, 2, 3, 10, 1000, 100000};
    const double exponents[] = {0.5, 0.9, 1.1, 2.5};
    for (size_t a = 0; a < sizeof sizes / sizeof sizes[0]; a++)
        for (size_t b = 0; b < sizeof exponents / sizeof exponents[0]; b++) {
            struct cache_cfg cfg = {.present = true, .keys = sizes[a], .ttl_ns = 1,
                                    .zipf_s = exponents[b]};
            struct cache_rt c;
            cache_init(&c, &cfg, 42, "guide");
            struct rng same = c.rng; /* the draws the lookups will make */
            for (int i = 0; i < 20000; i++) {
                uint32_t key;
                cr_assert_not(cache_lookup(&c, 0, &key), "nothing was ever filled");
                uint32_t want = full_search(c.zipf_cdf, cfg.keys, rng_uniform(&same));
                cr_assert_eq(key, want, "keys %u, s %g, draw %d", cfg.keys, cfg.zipf_s, i);
            }
            cache_release(&c);
        }
}
