/* The scenario loader on any text: valid or exit-2 diagnostics, never a
 * crash, a hang or a leak. */
#include <stdlib.h>

#include "../../sim/edge/loader.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    struct diag d;
    diag_init(&d, "fuzz.json");
    struct scenario_set set;
    if (loader_load_text("fuzz.json", text, NULL, 0, NULL, &set, &d) == LOAD_OK)
        scenario_set_release(&set);
    diag_release(&d);
    free(text);
    return 0;
}
