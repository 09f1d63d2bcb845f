/* unistd.h - the freestanding runtime's <unistd.h>: everything is in rt_libc.h. */
#include "rt_libc.h"
