/* The one dispatch table: every kernel built in, and the one chosen when the library loads. */
#include "query_kernels.h"

#include <stdlib.h>
#include <string.h>

static const tg_query_kernel *const kernels[] = {
    &tg_query_kernel_generic,
#if TG_QUERY_X86
    &tg_query_kernel_avx2,
    &tg_query_kernel_avx512,
#endif
};

static const tg_query_kernel *chosen = &tg_query_kernel_generic;

/* the best supported kernel (the last), or the one TGAUTH_QUERY_KERNEL names if the CPU runs it */
__attribute__((constructor)) static void choose(void) {
    const char *wanted = getenv("TGAUTH_QUERY_KERNEL");
    const tg_query_kernel *named = NULL;
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        if (!kernels[i]->supported()) continue;
        chosen = kernels[i];
        if (wanted != NULL && strcmp(wanted, kernels[i]->name) == 0) named = kernels[i];
    }
    if (named != NULL) chosen = named;
}

const tg_query_kernel *tg_query_kernel_chosen(void) { return chosen; }

const tg_query_kernel *tg_query_kernel_at(size_t index) {
    return index < sizeof kernels / sizeof kernels[0] ? kernels[index] : NULL;
}
