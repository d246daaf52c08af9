/* The balancers' trees over many instances answer exactly what a scan in
 * index order answers: the Fenwick tree's select is the k-th position still
 * counted (random and p2c), the min_tree's the first least key in cyclic
 * order from a start (least_outstanding). Picks depend on that order, so
 * tree and scan must agree pick for pick. */
#include <criterion/criterion.h>

#include "../sim/base/fenwick.h"
#include "../sim/base/min_tree.h"
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

/* `count` picks over 200 instances, every seventh out of rotation, each
 * pick's request outstanding until a pseudo-random later pick ends one;
 * through the service's trees, or (tree false) by scanning. */
static void picks(enum lb_kind kind, bool tree, uint32_t *out, int count)
{
    struct service_cfg cfg = {.instances = 200, .lb = kind, .lb_global = true};
    struct service_rt svc = {.cfg = &cfg};
    svc.inst = calloc(cfg.instances, sizeof *svc.inst);
    rng_init_stream(&svc.lb_rng, 3, "lb");
    if (tree)
        lb_init(&svc);
    for (uint32_t i = 0; i < cfg.instances; i += 7) { /* every seventh out of rotation */
        svc.inst[i].out = true;
        lb_rotation_changed(&svc, i);
    }
    struct rng ends;
    rng_init_stream(&ends, 5, "ends");
    for (int k = 0; k < count; k++) {
        out[k] = lb_pick(&svc, NULL, NULL);
        svc.inst[out[k]].busy++; /* p2c and least_outstanding weigh what is outstanding */
        lb_load_changed(&svc, out[k]);
        uint32_t done = out[rng_below(&ends, (uint64_t)k + 1)];
        if (svc.inst[done].busy && rng_below(&ends, 2)) {
            svc.inst[done].busy--;
            lb_load_changed(&svc, done);
        }
    }
    lb_release(&svc);
    free(svc.inst);
}

Test(fenwick, random_p2c_and_least_outstanding_pick_the_same_through_trees_as_by_scanning)
{
    enum lb_kind kinds[] = {LB_RANDOM, LB_P2C, LB_LEAST_OUTSTANDING};
    for (int k = 0; k < 3; k++) {
        uint32_t scanned[2000], treed[2000];
        picks(kinds[k], false, scanned, 2000);
        picks(kinds[k], true, treed, 2000);
        for (int i = 0; i < 2000; i++) {
            cr_assert_eq(treed[i], scanned[i], "pick %d", i);
            cr_assert_neq(treed[i] % 7, 0, "an instance out of rotation was picked");
        }
    }
}

static uint32_t scan_first_least(const uint32_t *key, uint32_t n, uint32_t start)
{
    uint32_t best = UINT32_MAX;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = (start + k) % n;
        if (key[i] != MIN_TREE_NONE && (best == UINT32_MAX || key[i] < key[best]))
            best = i;
    }
    return best;
}

Test(min_tree, the_first_least_from_a_start_agrees_with_a_cyclic_scan)
{
    const uint32_t sizes[] = {1, 2, 3, 5, 33, 64, 100, 1000};
    struct rng r;
    rng_init_stream(&r, 11, "min_tree");
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        uint32_t n = sizes[z];
        uint32_t *key = calloc(n, sizeof *key);
        struct min_tree t;
        min_tree_init(&t, n);
        for (int step = 0; step < 4000; step++) {
            uint32_t i = (uint32_t)rng_below(&r, n);
            /* small keys, so ties are common; now and then out of rotation */
            key[i] = rng_below(&r, 10) == 0 ? MIN_TREE_NONE : (uint32_t)rng_below(&r, 4);
            min_tree_set(&t, i, key[i]);
            uint32_t start = (uint32_t)rng_below(&r, n);
            cr_assert_eq(min_tree_first_least_from(&t, start), scan_first_least(key, n, start),
                         "n %u, step %d, start %u", n, step, start);
            cr_assert_eq(min_tree_key(&t, i), key[i]);
        }
        for (uint32_t i = 0; i < n; i++) /* all out of rotation: none */
            min_tree_set(&t, i, MIN_TREE_NONE);
        cr_assert_eq(min_tree_first_least_from(&t, 0), UINT32_MAX);
        min_tree_free(&t);
        free(key);
    }
}

/* `count` picks over 200 instances by one calling process with its own
 * outlier detector: it ejects an instance now and then (one error ejects),
 * every 40 picks its ejections end, and the service's rotation changes
 * under it too. Through the detector's Fenwick tree and the view's
 * min_tree (tree true), or with both dropped, so that the balancer scans. */
static void picks_with_own_ejections(enum lb_kind kind, bool tree, uint32_t *out, int count)
{
    struct service_cfg cfg = {.instances = 200, .lb = kind};
    struct outlier_cfg ocfg = {.consecutive_5xx = 1, .interval_ns = 1, .base_ejection_ns = 1,
                               .max_ejection_ns = 1, .max_ejection_percent = 100};
    struct service_rt svc = {.cfg = &cfg};
    svc.inst = calloc(cfg.instances, sizeof *svc.inst);
    rng_init_stream(&svc.lb_rng, 3, "lb");
    lb_init(&svc);
    struct caller_detector *d = lb_detector_new(&svc, &ocfg);
    struct lb_view *view = lb_uses_caller_view(&cfg) ? lb_view_new(&svc, &d->det) : NULL;
    d->view = view;
    if (!tree) {
        fenwick_free(&d->usable);
        if (view) { /* and the service no longer tells it of rotation */
            min_tree_free(&view->least);
            svc.view_count = 0;
        }
    }
    struct rng ends;
    rng_init_stream(&ends, 5, "ends");
    sim_time now = 0;
    for (int k = 0; k < count; k++) {
        if (k % 97 == 50) { /* the service's rotation changes as well */
            uint32_t i = (uint32_t)rng_below(&ends, cfg.instances);
            svc.inst[i].out = !svc.inst[i].out;
            lb_rotation_changed(&svc, i);
        }
        out[k] = lb_pick(&svc, view, d);
        cr_assert_neq(out[k], NO_INDEX);
        cr_assert(!svc.inst[out[k]].out && !outlier_is_ejected(&d->det, out[k]),
                  "pick %d: instance %u is out of this process's rotation", k, out[k]);
        if (view)
            lb_view_add(&svc, view, out[k], 1);
        if (k % 5 == 0 && outlier_on_result(&d->det, out[k], true, now))
            lb_ejection_changed(&svc, d, out[k]);
        uint32_t done = out[rng_below(&ends, (uint64_t)k + 1)];
        if (view && view->count[done] && rng_below(&ends, 2))
            lb_view_add(&svc, view, done, -1);
        if (k % 40 == 20) { /* the interval: every ejection is over */
            now += 10;
            outlier_tick(&d->det, now);
            for (uint32_t i = 0; i < cfg.instances; i++)
                if (d->det.host[i].unejected_at == now && !outlier_is_ejected(&d->det, i))
                    lb_ejection_changed(&svc, d, i);
        }
    }
    cr_assert_gt(d->det.ejected, 0, "the last picks ran with ejections to skip");
    lb_view_free(view);
    lb_detector_free(d);
    lb_release(&svc);
    free(svc.inst);
}

Test(fenwick, a_callers_own_ejections_are_skipped_through_trees_as_by_scanning)
{
    enum lb_kind kinds[] = {LB_RANDOM, LB_P2C, LB_LEAST_OUTSTANDING};
    for (int k = 0; k < 3; k++) {
        uint32_t scanned[2000], treed[2000];
        picks_with_own_ejections(kinds[k], false, scanned, 2000);
        picks_with_own_ejections(kinds[k], true, treed, 2000);
        for (int i = 0; i < 2000; i++)
            cr_assert_eq(treed[i], scanned[i], "lb %d, pick %d", kinds[k], i);
    }
}
