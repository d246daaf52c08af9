#include "sre_throttle.h"

#include <string.h>

void sre_throttle_init(struct sre_throttle *t, double k, sim_time window_ns)
{
    memset(t, 0, sizeof *t);
    t->k = k;
    t->slice_ns = window_ns / SRE_THROTTLE_SLICES > 0 ? window_ns / SRE_THROTTLE_SLICES : 1;
    for (int i = 0; i < SRE_THROTTLE_SLICES; i++)
        t->slice_index[i] = -1;
}

static int slot(struct sre_throttle *t, sim_time now)
{
    int64_t idx = now / t->slice_ns;
    int s = (int)(idx % SRE_THROTTLE_SLICES);
    if (t->slice_index[s] != idx) {
        t->slice_index[s] = idx;
        t->requests[s] = t->accepts[s] = 0;
    }
    return s;
}

double sre_throttle_reject_probability(struct sre_throttle *t, sim_time now)
{
    int64_t idx = now / t->slice_ns;
    double req = 0, acc = 0;
    for (int s = 0; s < SRE_THROTTLE_SLICES; s++)
        if (t->slice_index[s] > idx - SRE_THROTTLE_SLICES && t->slice_index[s] <= idx) {
            req += (double)t->requests[s];
            acc += (double)t->accepts[s];
        }
    double p = (req - t->k * acc) / (req + 1);
    return p > 0 ? p : 0;
}

bool sre_throttle_admit(struct sre_throttle *t, sim_time now, double u)
{
    double p = sre_throttle_reject_probability(t, now);
    t->requests[slot(t, now)]++; /* rejected or not, it was a request */
    return u >= p;
}

void sre_throttle_on_accept(struct sre_throttle *t, sim_time now) { t->accepts[slot(t, now)]++; }
