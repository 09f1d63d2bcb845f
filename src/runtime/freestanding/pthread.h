/* pthread.h - the freestanding runtime's <pthread.h>: everything is in rt_libc.h. */
#include "rt_libc.h"
