/* The Fenwick tree's select is the k-th position still counted, as a scan
 * in index order finds it: the balancers' random and p2c picks depend on
 * that order, so the tree must agree with the scan exactly. */
#include <criterion/criterion.h>

#include "../sim/base/fenwick.h"
#include "../sim/base/rng.h"

static uint32_t scan_select(const uint8_t *in, uint32_t n, uint32_t k)
{
    for (uint32_t i = 0; i < n; i++)
        if (in[i] && k-- == 0)
            return i;
    return UINT32_MAX;
}

Test(fenwick, select_agrees_with_a_scan_while_positions_leave_and_return)
{
    const uint32_t sizes[] = {1, 2, 3, 33, 100, 1024, 1025, 10000};
    struct rng r;
    rng_init_stream(&r, 7, "fenwick");
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        uint32_t n = sizes[z], count = n;
        uint8_t *in = malloc(n);
        memset(in, 1, n);
        struct fenwick f;
        fenwick_init_ones(&f, n);
        for (int step = 0; step < 3000; step++) {
            uint32_t i = (uint32_t)rng_below(&r, n);
            if (in[i] && count > 1) { /* out of rotation */
                in[i] = 0, count--;
                fenwick_add(&f, i, -1);
            } else if (!in[i]) { /* back */
                in[i] = 1, count++;
                fenwick_add(&f, i, 1);
            }
            uint32_t k = (uint32_t)rng_below(&r, count);
            cr_assert_eq(fenwick_select(&f, k), scan_select(in, n, k), "n %u, step %d, k %u", n,
                         step, k);
            cr_assert_eq(fenwick_prefix(&f, n), count);
        }
        /* every k, at the end */
        for (uint32_t k = 0; k < count; k++)
            cr_assert_eq(fenwick_select(&f, k), scan_select(in, n, k));
        fenwick_free(&f);
        free(in);
    }
}

/* A balancer over many instances picks through the tree exactly what its
 * scan in index order picks: the same instances, draw for draw. */
#include "../sim/model/sim_internal.h"

static void picks(enum lb_kind kind, bool tree, uint32_t *out, int count)
{
    struct service_cfg cfg = {.instances = 200, .lb = kind};
    struct service_rt svc = {.cfg = &cfg};
    svc.inst = calloc(cfg.instances, sizeof *svc.inst);
    rng_init_stream(&svc.lb_rng, 3, "lb");
    if (tree)
        fenwick_init_ones(&svc.rotation, cfg.instances);
    for (uint32_t i = 0; i < cfg.instances; i += 7) { /* every seventh out of rotation */
        svc.inst[i].out = true;
        svc.removed++;
        if (tree)
            fenwick_add(&svc.rotation, i, -1);
    }
    for (int k = 0; k < count; k++) {
        out[k] = lb_pick(&svc, NULL, NULL);
        svc.inst[out[k]].busy++; /* p2c weighs what is outstanding */
    }
    fenwick_free(&svc.rotation);
    free(svc.inst);
}

Test(fenwick, random_and_p2c_pick_the_same_through_the_tree_as_by_scanning)
{
    enum lb_kind kinds[] = {LB_RANDOM, LB_P2C};
    for (int k = 0; k < 2; k++) {
        uint32_t scanned[2000], treed[2000];
        picks(kinds[k], false, scanned, 2000);
        picks(kinds[k], true, treed, 2000);
        for (int i = 0; i < 2000; i++) {
            cr_assert_eq(treed[i], scanned[i], "pick %d", i);
            cr_assert_neq(treed[i] % 7, 0, "an instance out of rotation was picked");
        }
    }
}
