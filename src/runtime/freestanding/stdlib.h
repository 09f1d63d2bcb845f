/* stdlib.h - the freestanding runtime's <stdlib.h>: everything is in rt_libc.h. */
#include "rt_libc.h"
