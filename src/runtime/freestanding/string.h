/* string.h - the freestanding runtime's <string.h>: everything is in rt_libc.h. */
#include "rt_libc.h"
