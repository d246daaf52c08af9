/* Sweep grids: value lists, ranges, the cartesian order, and bad axes. */
#include <criterion/criterion.h>
#include <string.h>

#include "../sim/edge/grid.h"

static void add(struct grid *g, const char *spec)
{
    char err[200];
    cr_assert(grid_add_axis(g, spec, err, sizeof err), "%s: %s", spec, err);
}

Test(grid, lists_and_ranges_expand_in_order)
{
    struct grid g = {0};
    add(&g, "a=1..3,7");
    add(&g, "b=0.1:1.0:0.1");
    add(&g, "c=x,y");
    cr_assert_eq(g.axes[0].count, 4u);
    cr_assert_str_eq(g.axes[0].values[3], "7");
    cr_assert_eq(g.axes[1].count, 10u, "start:stop:step includes the stop");
    cr_assert_str_eq(g.axes[1].values[2], "0.3", "no 0.30000000000000004");
    cr_assert_str_eq(g.axes[1].values[9], "1");
    cr_assert_eq(g.points, 80u);
    uint32_t ix[3];
    grid_point(&g, 0, ix);
    cr_assert(ix[0] == 0 && ix[1] == 0 && ix[2] == 0);
    grid_point(&g, 1, ix); /* the last axis varies fastest */
    cr_assert(ix[0] == 0 && ix[1] == 0 && ix[2] == 1);
    grid_point(&g, 79, ix);
    cr_assert(ix[0] == 3 && ix[1] == 9 && ix[2] == 1);
    grid_point(&g, 20, ix); /* 20 = 1 x 20 + 0 x 2 + 0 */
    cr_assert(ix[0] == 1 && ix[1] == 0 && ix[2] == 0);
    grid_release(&g);
}

Test(grid, every_point_is_in_exactly_one_shard)
{
    struct grid g = {0};
    add(&g, "a=1..7");
    add(&g, "b=1..5");
    uint32_t seen[35] = {0};
    for (uint32_t shards = 1; shards <= 4; shards++) {
        memset(seen, 0, sizeof seen);
        for (uint32_t shard = 0; shard < shards; shard++)
            for (uint64_t p = 0; p < g.points; p++)
                if (p % shards == shard) /* the rule `sweep --shard` applies */
                    seen[p]++;
        for (uint64_t p = 0; p < g.points; p++)
            cr_assert_eq(seen[p], 1u);
    }
    grid_release(&g);
}

Test(grid, a_json_value_with_commas_is_one_value)
{
    struct grid g = {0};
    add(&g, "policies.p.retry_budget={\"kind\":\"ratio\",\"ratio\":0.1}");
    cr_assert_eq(g.axes[0].count, 1u);
    grid_release(&g);
}

Test(grid, bad_axes_say_what_is_wrong)
{
    const char *bad[][2] = {
        {"novalue", "expected PATH=V1,V2,..., got 'novalue'"},
        {"a=", "expected PATH=V1,V2,..., got 'a='"},
        {"a=1,,2", "empty value in the list"},
        {"a=5..1", "'5..1': expected an integer range LOW..HIGH"},
        {"a=1:0:0.1", "'1:0:0.1': expected START:STOP:STEP with STEP > 0 and STOP >= START"},
        {"a=1,2,1", "a: value '1' appears twice"},
        {"a=1..80000,7", "a: value '7' appears twice"}, /* found by sorting, not pairwise */
        {"a=1..9999999", "'1..9999999': an axis has at most 1000000 values"},
        {"a=-9223372036854775807..9223372036854775807",
         "'-9223372036854775807..9223372036854775807': an axis has at most 1000000 values"},
        {"a=0:1:0.0000001", "'0:1:0.0000001': an axis has at most 1000000 values"},
        {"a=1..600000,600001..1200000", "'600001..1200000': an axis has at most 1000000 values"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct grid g = {0};
        char err[200] = "";
        cr_assert(!grid_add_axis(&g, bad[i][0], err, sizeof err), "%s accepted", bad[i][0]);
        cr_assert_str_eq(err, bad[i][1]);
        grid_release(&g);
    }
}
