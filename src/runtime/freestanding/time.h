/* time.h - the freestanding runtime's <time.h>: everything is in rt_libc.h. */
#include "rt_libc.h"
