/* Same input and seed, same output; and each entity's randomness is its own
 * (common random numbers across scenarios that differ elsewhere). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/edge/loader.h"
#include "../sim/model/sim.h"

#define WEB_CLIENT                                                                                 \
    "{\"name\":\"web\",\"target\":\"api\",\"arrival\":{\"rate_rps\":200}}"
#define SERVICES                                                                                   \
    "\"services\":[{\"name\":\"api\",\"workers\":2,\"service_time\":{\"dist\":\"exponential\","  \
    "\"mean_ms\":5}},{\"name\":\"batch-svc\",\"workers\":1,\"service_time\":{\"dist\":"           \
    "\"exponential\",\"mean_ms\":5}}]"

struct trace {
    uint32_t n;
    sim_time at[8192];
};

static void record_web(void *ctx, uint32_t client, sim_time at)
{
    struct trace *t = ctx;
    if (client == 0 && t->n < 8192)
        t->at[t->n++] = at;
}

static void trace_run(const char *json, struct trace *t)
{
    struct diag d;
    diag_init(&d, "t.json");
    struct scenario_set set;
    cr_assert_eq(loader_load_text("t.json", json, NULL, 0, NULL, &set, &d), LOAD_OK);
    diag_release(&d);
    struct sim *s = sim_new(set.items[0], 1);
    struct sim_observer obs = {.ctx = t, .on_offer = record_web};
    sim_set_observer(s, &obs);
    sim_run(s);
    sim_free(s);
    scenario_set_release(&set);
}

Test(determinism, adding_a_client_leaves_the_first_clients_arrivals_unchanged)
{
    static struct trace alone, with_batch;
    trace_run("{\"name\":\"t\",\"duration_s\":20," SERVICES ",\"clients\":[" WEB_CLIENT "]}",
              &alone);
    trace_run("{\"name\":\"t\",\"duration_s\":20," SERVICES ",\"clients\":[" WEB_CLIENT
              ",{\"name\":\"batch\",\"target\":\"api\",\"arrival\":{\"rate_rps\":300}}]}",
              &with_batch);
    cr_assert_gt(alone.n, 3000u);
    cr_assert_eq(alone.n, with_batch.n);
    cr_assert(memcmp(alone.at, with_batch.at, alone.n * sizeof alone.at[0]) == 0,
              "the web client's arrival times moved when another client was added");
}

struct digest {
    uint64_t h;
};

static void hash_window(void *ctx, const struct window_report *w)
{
    struct digest *g = ctx;
    uint64_t parts[] = {w->delta.offered, w->delta.succeeded, (uint64_t)w->latency->sum_ns,
                        w->latency->count, w->in_flight,
                        (uint64_t)w->services[0].delta.busy_area_ns};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        g->h = (g->h ^ parts[i]) * 0x100000001b3ULL;
}

static uint64_t digest_run(uint64_t seed)
{
    struct diag d;
    diag_init(&d, "scenarios/api-db.json");
    struct scenario_set set;
    cr_assert_eq(loader_load("scenarios/api-db.json", NULL, 0, NULL, &set, &d), LOAD_OK);
    diag_release(&d);
    struct digest g = {0xcbf29ce484222325ULL};
    struct sim *s = sim_new(set.items[0], seed);
    struct sim_observer obs = {.ctx = &g, .on_window = hash_window};
    sim_set_observer(s, &obs);
    sim_run(s);
    sim_free(s);
    scenario_set_release(&set);
    return g.h;
}

Test(determinism, same_seed_same_windows_other_seed_other_windows)
{
    uint64_t a = digest_run(1), b = digest_run(1), c = digest_run(2);
    cr_assert_eq(a, b);
    cr_assert_neq(a, c);
}

Test(determinism, two_simulations_interleaved_in_one_process_do_not_interfere)
{
    /* No hidden global state: stepping two runs in alternation gives the
     * same result as running each alone. */
    struct diag d;
    diag_init(&d, "scenarios/api-db.json");
    struct scenario_set set;
    cr_assert_eq(loader_load("scenarios/api-db.json", NULL, 0, NULL, &set, &d), LOAD_OK);
    diag_release(&d);
    struct digest g1 = {0xcbf29ce484222325ULL}, g2 = g1;
    struct sim *s1 = sim_new(set.items[0], 1), *s2 = sim_new(set.items[0], 1);
    struct sim_observer o1 = {.ctx = &g1, .on_window = hash_window};
    struct sim_observer o2 = {.ctx = &g2, .on_window = hash_window};
    sim_set_observer(s1, &o1);
    sim_set_observer(s2, &o2);
    for (sim_time t = SIM_MS(333); sim_advance(s1, t) | sim_advance(s2, t); t += SIM_MS(333))
        ;
    cr_assert_eq(g1.h, g2.h);
    cr_assert_eq(g1.h, digest_run(1));
    sim_free(s1);
    sim_free(s2);
    scenario_set_release(&set);
}
