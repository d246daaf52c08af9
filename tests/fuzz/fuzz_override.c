/* --set assignments on a scenario with variants: each input line is one
 * PATH=VALUE, applied as the command line would (after each variant's own
 * set). */
#include <stdlib.h>
#include <string.h>

#include "../../sim/edge/loader.h"
#include "fuzz.h"

static const char SCENARIO[] =
    "{\"name\":\"f\",\"duration_s\":10,"
    "\"policies\":{\"p\":{\"timeout_ms\":100,\"retry\":{\"max_attempts\":2}}},"
    "\"services\":[{\"name\":\"api\",\"workers\":2,\"service_time\":{\"dist\":\"exponential\","
    "\"mean_ms\":5},\"calls\":[{\"service\":\"db\",\"policy\":\"p\"}]},"
    "{\"name\":\"db\",\"workers\":1,\"service_time\":{\"dist\":\"constant\",\"value_ms\":1}}],"
    "\"clients\":[{\"name\":\"c\",\"target\":\"api\",\"arrival\":{\"rate_rps\":10}}],"
    "\"variants\":[{\"name\":\"plain\"},{\"name\":\"budget\",\"set\":{\"policies.p.retry_budget\":"
    "{\"kind\":\"ratio\",\"ratio\":0.1}}}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    const char *sets[8];
    uint32_t n = 0;
    for (char *line = text, *next; line && n < 8; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        sets[n++] = line;
    }
    const char *only = size && (data[0] & 1) ? "budget" : NULL;
    struct diag d;
    diag_init(&d, "fuzz.json");
    struct scenario_set set;
    if (loader_load_text("fuzz.json", SCENARIO, sets, n, only, &set, &d) == LOAD_OK)
        scenario_set_release(&set);
    diag_release(&d);
    free(text);
    return 0;
}
