/* server_checks: the server-side primitives the model applies as they are,
 * with no composition of their own to decide: Kubernetes probe counters
 * (readiness and liveness, per instance), Envoy outlier ejection (across a
 * service's instances) and the idempotency-key store (per service). The
 * model reaches every primitive through the policy layer; these need no
 * wrapper beyond being named here. admission.h and call_sm.h are the
 * ones that compose primitives. */
#ifndef STAMPEDE_SERVER_CHECKS_H
#define STAMPEDE_SERVER_CHECKS_H

#include "../prim/idem_store.h"
#include "../prim/outlier.h"
#include "../prim/probe.h"

#endif
