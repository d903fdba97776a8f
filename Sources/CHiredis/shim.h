#ifndef TGAUTH_CHIREDIS_SHIM_H
#define TGAUTH_CHIREDIS_SHIM_H

/* hiredis, the maintained C client of Redis: the shared store of the deep-link login. */
#include <hiredis/hiredis.h>
#include <sys/time.h>

#endif
