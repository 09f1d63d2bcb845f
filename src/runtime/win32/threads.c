/* win32/threads.c - the platform layer of the thread pool on the Win32 API (Windows
 * objects only: CMakeLists.txt compiles it in place of posix_threads.c for Windows).
 *
 * Implements the rt_mutex / rt_cond / rt_thread functions of runtime_internal.h with an
 * SRW lock, a condition variable and CreateThread, plus the processor count and the
 * spin-wait hint, declaring the few kernel32 functions itself (no Windows SDK here).
 *
 * Assumes: x86-64 Windows (the calling convention of the declarations below is the one
 * Win64 convention; __stdcall is ignored there). An SRWLOCK and a CONDITION_VARIABLE are
 * one pointer each, initially zero. Guarantees: as posix_threads.c - nothing fails except
 * rt_thread_start, which returns NULL (leaking nothing) when Windows refuses a thread.
 */
#include "../runtime_internal.h"

#include <stdlib.h>

#define WINAPI_IMPORT __declspec(dllimport)
WINAPI_IMPORT void InitializeSRWLock(void **lock);
WINAPI_IMPORT void AcquireSRWLockExclusive(void **lock);
WINAPI_IMPORT void ReleaseSRWLockExclusive(void **lock);
WINAPI_IMPORT void InitializeConditionVariable(void **cv);
WINAPI_IMPORT int SleepConditionVariableSRW(void **cv, void **lock, unsigned long ms, unsigned long flags);
WINAPI_IMPORT void WakeAllConditionVariable(void **cv);
WINAPI_IMPORT void *CreateThread(void *attributes, size_t stack_size, unsigned long (*start)(void *),
                                 void *arg, unsigned long flags, unsigned long *id);
WINAPI_IMPORT unsigned long WaitForSingleObject(void *handle, unsigned long ms);
WINAPI_IMPORT int CloseHandle(void *handle);
WINAPI_IMPORT unsigned long GetActiveProcessorCount(unsigned short group);
WINAPI_IMPORT unsigned long GetCurrentThreadId(void);

enum { INFINITE_WAIT = -1 /* INFINITE: 0xffffffff */, ALL_PROCESSOR_GROUPS = 0xffff };

static void **as_lock(rt_mutex *m) { return (void **)(void *)m->opaque; }
static void **as_cv(rt_cond *c) { return (void **)(void *)c->opaque; }

uintptr_t rt_thread_self_id(void) { return (uintptr_t)GetCurrentThreadId(); }

void rt_mutex_init(rt_mutex *m) { InitializeSRWLock(as_lock(m)); }
void rt_mutex_lock(rt_mutex *m) { AcquireSRWLockExclusive(as_lock(m)); }
void rt_mutex_unlock(rt_mutex *m) { ReleaseSRWLockExclusive(as_lock(m)); }

void rt_cond_init(rt_cond *c) { InitializeConditionVariable(as_cv(c)); }
void rt_cond_wait(rt_cond *c, rt_mutex *m) {
    if (!SleepConditionVariableSRW(as_cv(c), as_lock(m), (unsigned long)INFINITE_WAIT, 0)) abort();
}
void rt_cond_broadcast(rt_cond *c) { WakeAllConditionVariable(as_cv(c)); }

struct rt_thread {
    void *handle;
    void (*body)(void *);
    void *arg;
};

static unsigned long thread_main(void *p) {
    rt_thread *t = p;
    t->body(t->arg);
    return 0;
}

rt_thread *rt_thread_start(void (*body)(void *), void *arg) {
    rt_thread *t = malloc(sizeof *t);
    if (!t) return NULL;
    t->body = body;
    t->arg = arg;
    t->handle = CreateThread(NULL, 0, thread_main, t, 0, NULL);
    if (!t->handle) {
        free(t);
        return NULL;
    }
    return t;
}

void rt_thread_join(rt_thread *t) {
    WaitForSingleObject(t->handle, (unsigned long)INFINITE_WAIT);
    CloseHandle(t->handle);
    free(t);
}

int rt_cpu_count(void) {
    unsigned long n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return n < 1 ? 1 : n > 4096 ? 4096 : (int)n;
}

void rt_cpu_relax(void) { __builtin_ia32_pause(); }
