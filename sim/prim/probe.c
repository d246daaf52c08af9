#include "probe.h"

void probe_init(struct probe *p, uint32_t success_threshold, uint32_t failure_threshold,
                bool start_ready)
{
    p->success_threshold = success_threshold;
    p->failure_threshold = failure_threshold;
    p->successes = p->failures = 0;
    p->ready = start_ready;
}

enum probe_change probe_on_result(struct probe *p, bool ok)
{
    if (ok) {
        p->failures = 0;
        p->successes++;
        if (!p->ready && p->successes >= p->success_threshold) {
            p->ready = true;
            return PROBE_BECAME_READY;
        }
    } else {
        p->successes = 0;
        p->failures++;
        if (p->ready && p->failures >= p->failure_threshold) {
            p->ready = false;
            return PROBE_BECAME_UNREADY;
        }
    }
    return PROBE_NO_CHANGE;
}
