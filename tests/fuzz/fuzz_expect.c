/* One expect line, parsed and (when it parses) judged against a value. */
#include <stdlib.h>

#include "../../sim/edge/expect.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    struct expectation e;
    char err[256];
    if (expect_parse(text, &e, err, sizeof err)) {
        struct measured m = {.kind = MEASURED_NUMBER, .number = 0.5};
        (void)expect_holds(&e, &m);
        (void)expect_op_text(e.op);
        expect_release(&e);
    }
    free(text);
    return 0;
}
