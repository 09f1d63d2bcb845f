/* stdio.h - the freestanding runtime's <stdio.h>: everything is in rt_libc.h. */
#include "rt_libc.h"
