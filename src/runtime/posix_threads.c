/* posix_threads.c - the platform layer of the thread pool on POSIX threads.
 *
 * Implements the rt_mutex / rt_cond / rt_thread functions of runtime_internal.h with
 * pthreads, plus the processor count and the spin-wait hint. Another platform gets its
 * own small file with the same functions (STYLE.md item 11), not #ifdefs in the pool.
 *
 * Assumes: pthread_mutex_t and pthread_cond_t fit the opaque storage of rt_mutex and
 * rt_cond (checked at compile time). Guarantees: no function fails except rt_thread_start,
 * which returns NULL (and leaks nothing) when the system refuses a thread; a failure of
 * the locking primitives themselves is a broken process and aborts.
 */
#define _POSIX_C_SOURCE 200809L
#include "runtime_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(rt_mutex), "rt_mutex is too small");
_Static_assert(sizeof(pthread_cond_t) <= sizeof(rt_cond), "rt_cond is too small");

static pthread_mutex_t *as_mutex(rt_mutex *m) { return (pthread_mutex_t *)(void *)m->opaque; }
static pthread_cond_t *as_cond(rt_cond *c) { return (pthread_cond_t *)(void *)c->opaque; }

static void check(int status) {
    if (status != 0) abort();
}

void rt_mutex_init(rt_mutex *m) { check(pthread_mutex_init(as_mutex(m), NULL)); }
void rt_mutex_lock(rt_mutex *m) { check(pthread_mutex_lock(as_mutex(m))); }
void rt_mutex_unlock(rt_mutex *m) { check(pthread_mutex_unlock(as_mutex(m))); }

void rt_cond_init(rt_cond *c) { check(pthread_cond_init(as_cond(c), NULL)); }
void rt_cond_wait(rt_cond *c, rt_mutex *m) { check(pthread_cond_wait(as_cond(c), as_mutex(m))); }
void rt_cond_broadcast(rt_cond *c) { check(pthread_cond_broadcast(as_cond(c))); }

struct rt_thread {
    pthread_t handle;
    void (*body)(void *);
    void *arg;
};

static void *thread_main(void *p) {
    rt_thread *t = p;
    t->body(t->arg);
    return NULL;
}

uintptr_t rt_thread_self_id(void) { return (uintptr_t)pthread_self(); }

rt_thread *rt_thread_start(void (*body)(void *), void *arg) {
    rt_thread *t = malloc(sizeof *t);
    if (!t) return NULL;
    t->body = body;
    t->arg = arg;
    if (pthread_create(&t->handle, NULL, thread_main, t) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void rt_thread_join(rt_thread *t) {
    pthread_join(t->handle, NULL);
    free(t);
}

int rt_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 4096 ? 4096 : (int)n;
}

void rt_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}
