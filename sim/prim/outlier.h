/* outlier: Envoy's passive outlier detection, consecutive-5xx flavour.
 * Per host: `consecutive_5xx` errors in a row eject it for
 * min(base_ejection x times ejected, max_ejection) (times ejected counting
 * down again while the host stays healthy), provided that
 * (ejected + 1) x 100 / hosts <= max_ejection_percent, or none is ejected
 * and always_eject_one is set (Envoy since 2023: with the default 10% no
 * host of a cluster under 10 can be ejected otherwise). Hosts come back
 * only at `interval` ticks, as in Envoy. The caller passes the time and
 * calls outlier_tick every interval; it owns the struct (the per-host array
 * is freed by outlier_release). */
#ifndef STAMPEDE_OUTLIER_H
#define STAMPEDE_OUTLIER_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/sim_time.h"

struct outlier_cfg {
    uint32_t consecutive_5xx;   /* >= 1 (Envoy 5) */
    sim_time interval_ns;       /* Envoy 10 s */
    sim_time base_ejection_ns;  /* Envoy 30 s */
    sim_time max_ejection_ns;   /* Envoy max(300 s, base) */
    double max_ejection_percent;/* Envoy 10 */
    bool always_eject_one;
};

struct outlier_host {
    uint32_t consecutive;
    uint32_t backoff;           /* ejections not yet forgiven */
    bool ejected;
    sim_time ejected_at, unejected_at;
};

struct outlier {
    struct outlier_cfg cfg;
    uint32_t hosts, ejected;
    struct outlier_host *host;
    uint64_t overflows;         /* ejections refused by the percentage */
};

void outlier_init(struct outlier *o, const struct outlier_cfg *cfg, uint32_t hosts);
void outlier_release(struct outlier *o);
/* A response from `host`: true if this one ejected it. */
bool outlier_on_result(struct outlier *o, uint32_t host, bool error, sim_time now);
/* The interval tick: brings back hosts whose ejection is over; returns how
 * many came back. */
uint32_t outlier_tick(struct outlier *o, sim_time now);
static inline bool outlier_is_ejected(const struct outlier *o, uint32_t host)
{
    return o->host[host].ejected;
}

#endif
