#include "outlier.h"

#include <stdlib.h>

#include "../base/xalloc.h"

void outlier_init(struct outlier *o, const struct outlier_cfg *cfg, uint32_t hosts)
{
    o->cfg = *cfg;
    o->hosts = hosts;
    o->ejected = 0;
    o->overflows = 0;
    o->host = xcalloc(hosts, sizeof *o->host);
}

void outlier_release(struct outlier *o)
{
    free(o->host);
    o->host = NULL;
}

static bool may_eject(const struct outlier *o)
{
    if ((o->ejected + 1) * 100.0 / o->hosts <= o->cfg.max_ejection_percent)
        return true;
    return o->cfg.always_eject_one && o->ejected == 0;
}

bool outlier_on_result(struct outlier *o, uint32_t host, bool error, sim_time now)
{
    struct outlier_host *h = &o->host[host];
    if (!error) {
        h->consecutive = 0;
        return false;
    }
    if (h->ejected || ++h->consecutive != o->cfg.consecutive_5xx)
        return false;
    h->consecutive = 0; /* Envoy resets the counter whether or not it ejects */
    if (!may_eject(o)) {
        o->overflows++;
        return false;
    }
    h->ejected = true;
    h->ejected_at = now;
    o->ejected++;
    if (h->backoff * o->cfg.base_ejection_ns < o->cfg.max_ejection_ns + o->cfg.base_ejection_ns)
        h->backoff++;
    return true;
}

uint32_t outlier_tick(struct outlier *o, sim_time now)
{
    uint32_t back = 0;
    for (uint32_t i = 0; i < o->hosts; i++) {
        struct outlier_host *h = &o->host[i];
        if (h->ejected) {
            sim_time span = o->cfg.base_ejection_ns * h->backoff;
            if (span > o->cfg.max_ejection_ns)
                span = o->cfg.max_ejection_ns;
            if (span <= now - h->ejected_at) {
                h->ejected = false;
                h->consecutive = 0;
                h->unejected_at = now;
                o->ejected--;
                back++;
            }
        } else if (h->backoff > 0 && now - h->unejected_at >= o->cfg.interval_ns) {
            h->backoff--; /* a healthy interval forgives one ejection */
        }
    }
    return back;
}
