#ifndef TG_QUERY_KERNELS_H
#define TG_QUERY_KERNELS_H

/* What the kernel files share: the implementation tables dispatch.c chooses from, and the argument check
 * every decode starts with. */
#include "tg_query_kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TG_QUERY_X86 1
#else
#define TG_QUERY_X86 0
#endif

extern const tg_query_kernel tg_query_kernel_generic;
#if TG_QUERY_X86
extern const tg_query_kernel tg_query_kernel_avx2;
extern const tg_query_kernel tg_query_kernel_avx512;
#endif

/* Whether a decode may run at all: some input, room for a field, and an output region the offsets of
 * tg_query_field (32 bits) can address, with the 64 bytes of slack the vector stores need. */
static inline int tg_query_arguments_fit(size_t n, size_t base, size_t capacity, size_t max_fields) {
    return n > 0 && max_fields > 0 && base <= capacity && capacity - base >= n + 64 && capacity <= UINT32_MAX;
}

#endif
