#include "fixed_window.h"

void fixed_window_init(struct fixed_window *w, uint32_t limit, sim_time period_ns,
                       sim_time timeout_ns)
{
    w->limit = limit;
    w->period_ns = period_ns;
    w->timeout_ns = timeout_ns;
    w->cycle = 0;
    w->permissions = limit;
}

sim_time fixed_window_acquire(struct fixed_window *w, sim_time now)
{
    int64_t cycle = now / w->period_ns;
    if (cycle != w->cycle) {
        int64_t refreshed = w->permissions + (cycle - w->cycle) * w->limit;
        w->permissions = refreshed < w->limit ? refreshed : w->limit;
        w->cycle = cycle;
    }
    sim_time wait = 0;
    if (w->permissions < 1) { /* the cycle this permit comes from, counted ahead */
        int64_t cycles_ahead = (-w->permissions) / w->limit + 1;
        wait = (cycle + cycles_ahead) * w->period_ns - now;
    }
    if (wait > w->timeout_ns)
        return -1;
    w->permissions--;
    return wait;
}
