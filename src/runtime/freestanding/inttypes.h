/* inttypes.h - the freestanding runtime's <inttypes.h>: everything is in rt_libc.h. */
#include "rt_libc.h"
