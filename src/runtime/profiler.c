/* profiler.c - the profile target feature: where a pipeline's time and heap memory go.
 *
 * lower/profiling.c instruments a pipeline built for a target with the profile feature:
 *   rt_profiler_start(state, name, names, nfuncs, jit)  at entry, with `state` a stack
 *                                block of RT_PROFILER_BYTES(nfuncs) bytes in the pipeline;
 *   rt_profiler_set(state, id)   whenever the code starts working for another Func (ids:
 *                                0 halide_malloc, 1 halide_free, 2... the Funcs, -1 none);
 *   rt_profiler_memory(state, id, bytes)  a heap allocation of Func id (bytes < 0: freed);
 *   rt_profiler_end(state)       at successful exit.
 * Time is wall-clock time, charged exclusively to the Func being worked on by the thread
 * that runs the pipeline (parallel tasks run inside the Func whose loop started them; the
 * switches other threads make are ignored). "samples" counts the intervals measured.
 * Under the JIT every run prints its report; in an object, runs of a pipeline accumulate
 * in a process-wide table printed at exit - as Halide's profiler reports:
 *     f
 *      total time: 38.465038 ms  samples: 36  runs: 1  time per run: 38.465038 ms
 *      heap allocations: 1  peak heap usage: 16008000 bytes
 *         halide_malloc:                             0.000ms ( 0.0%)
 *         g:                                        27.451ms (71.3%)    peak: 16008000 num: 1 ...
 * Lines go to halide_print.
 *
 * Assumes: names is one string of nfuncs names, each ended by '\n'. Guarantees: no heap
 * use during a run; the table for objects is allocated once per pipeline name (never freed:
 * it is printed at exit).
 */
#include "runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 64-bit counters are updated atomically: _Alignas(8) keeps them naturally aligned where
 * the ABI aligns 64-bit integers to 4 only (32-bit ARM iOS), so no atomic library call. */
typedef struct rt_profiler_slot {
    _Alignas(8) uint64_t time_ns;
    uint64_t allocs, bytes, peak, current;
} rt_profiler_slot;

typedef struct rt_profiler_run {
    const char *name, *names;
    _Alignas(8) int64_t t_start;
    int64_t t_last;
    int32_t current, nfuncs, jit, pad;
    uint64_t owner; /* rt_thread_self_id of the thread running the pipeline */
    uint64_t samples, heap_allocs, heap_current, heap_peak;
    rt_profiler_slot slot[]; /* nfuncs + 2 */
} rt_profiler_run;

_Static_assert(sizeof(rt_profiler_run) <= RT_PROFILER_HEADER_BYTES, "profiler header");
_Static_assert(sizeof(rt_profiler_slot) <= RT_PROFILER_SLOT_BYTES, "profiler slot");

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void charge(rt_profiler_run *r, int64_t t) {
    if (r->current >= 0 && r->current < r->nfuncs + 2) r->slot[r->current].time_ns += (uint64_t)(t - r->t_last);
    r->t_last = t;
    r->samples++;
}

int rt_profiler_start(void *state, const char *name, const char *names, int nfuncs, int jit) {
    rt_profiler_run *r = state;
    memset(r, 0, RT_PROFILER_BYTES(nfuncs));
    r->name = name;
    r->names = names;
    r->nfuncs = nfuncs;
    r->jit = jit;
    r->current = -1;
    r->t_start = r->t_last = now_ns();
    r->owner = rt_thread_self_id();
    return 0;
}

int rt_profiler_set(void *state, int id) {
    rt_profiler_run *r = state;
    if ((uint64_t)rt_thread_self_id() != r->owner) return 0;
    charge(r, now_ns());
    r->current = id;
    return 0;
}

int rt_profiler_memory(void *state, int id, int64_t bytes) {
    rt_profiler_run *r = state;
    if (id < 0 || id >= r->nfuncs + 2) return 0;
    rt_profiler_slot *s = &r->slot[id];
    if (bytes >= 0) {
        uint64_t b = (uint64_t)bytes;
        __atomic_fetch_add(&s->allocs, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&s->bytes, b, __ATOMIC_RELAXED);
        __atomic_fetch_add(&r->heap_allocs, 1, __ATOMIC_RELAXED);
        uint64_t cur = __atomic_add_fetch(&s->current, b, __ATOMIC_RELAXED);
        uint64_t all = __atomic_add_fetch(&r->heap_current, b, __ATOMIC_RELAXED);
        uint64_t p = __atomic_load_n(&s->peak, __ATOMIC_RELAXED);
        while (cur > p && !__atomic_compare_exchange_n(&s->peak, &p, cur, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        }
        p = __atomic_load_n(&r->heap_peak, __ATOMIC_RELAXED);
        while (all > p && !__atomic_compare_exchange_n(&r->heap_peak, &p, all, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        }
    } else {
        __atomic_fetch_sub(&s->current, (uint64_t)-bytes, __ATOMIC_RELAXED);
        __atomic_fetch_sub(&r->heap_current, (uint64_t)-bytes, __ATOMIC_RELAXED);
    }
    return 0;
}

/* ---- Reports ---------------------------------------------------------------------------- */

/* What a report needs: the totals of one or more runs. */
typedef struct rt_profiler_totals {
    char *name;   /* owned by the table for objects */
    char *names;
    int nfuncs;
    uint64_t runs, samples, total_ns, heap_allocs, heap_peak;
    rt_profiler_slot *slot;
    struct rt_profiler_totals *next;
} rt_profiler_totals;

static const char *nth_name(const char *names, int i, int *len) {
    static const char *fixed[2] = {"halide_malloc", "halide_free"};
    if (i < 2) {
        *len = (int)strlen(fixed[i]);
        return fixed[i];
    }
    const char *p = names;
    for (int k = 2; k < i && p; k++) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (!p) {
        *len = 1;
        return "?";
    }
    const char *end = strchr(p, '\n');
    *len = end ? (int)(end - p) : (int)strlen(p);
    return p;
}

static void report(void *user_context, const rt_profiler_totals *t) {
    char line[512];
    double total_ms = (double)t->total_ns / 1e6, runs = t->runs ? (double)t->runs : 1;
    snprintf(line, sizeof line, "%s\n total time: %f ms  samples: %llu  runs: %llu  time per run: %f ms\n",
             t->name, total_ms, (unsigned long long)t->samples, (unsigned long long)t->runs, total_ms / runs);
    halide_print(user_context, line);
    snprintf(line, sizeof line, " heap allocations: %llu  peak heap usage: %llu bytes\n",
             (unsigned long long)t->heap_allocs, (unsigned long long)t->heap_peak);
    halide_print(user_context, line);
    for (int i = 0; i < t->nfuncs + 2; i++) {
        const rt_profiler_slot *s = &t->slot[i];
        int len;
        const char *name = nth_name(t->names, i, &len);
        char time[64];
        double ms = (double)s->time_ns / 1e6 / runs;
        snprintf(time, sizeof time, "%.3fms", ms);
        int n = snprintf(line, sizeof line, "    %.*s:", len, name);
        int pad = 54 - n - (int)strlen(time);
        n += snprintf(line + n, sizeof line - (size_t)n, "%*s%s (%4.1f%%)   ", pad > 1 ? pad : 1, "", time,
                      t->total_ns ? 100.0 * (double)s->time_ns / (double)t->total_ns : 0.0);
        if (s->allocs && n > 0 && (size_t)n < sizeof line)
            snprintf(line + n, sizeof line - (size_t)n, " peak: %llu num: %llu avg: %llu",
                     (unsigned long long)s->peak, (unsigned long long)s->allocs,
                     (unsigned long long)(s->bytes / s->allocs));
        size_t l = strlen(line);
        if (l + 1 < sizeof line) {
            line[l] = '\n';
            line[l + 1] = '\0';
        }
        halide_print(user_context, line);
    }
}

/* Objects: every pipeline's accumulated runs, printed when the program exits. */
static rt_profiler_totals *table;
static int table_lock;

static void report_table(void) {
    for (rt_profiler_totals *t = table; t; t = t->next) report(NULL, t);
}

static rt_profiler_totals *entry_for(const rt_profiler_run *r) {
    for (rt_profiler_totals *t = table; t; t = t->next)
        if (!strcmp(t->name, r->name) && t->nfuncs == r->nfuncs) return t;
    rt_profiler_totals *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->name = strdup(r->name);
    t->names = strdup(r->names);
    t->nfuncs = r->nfuncs;
    t->slot = calloc((size_t)r->nfuncs + 2, sizeof *t->slot);
    if (!t->name || !t->names || !t->slot) {
        free(t->name);
        free(t->names);
        free(t->slot);
        free(t);
        return NULL;
    }
    if (!table) atexit(report_table);
    t->next = table;
    table = t;
    return t;
}

int rt_profiler_end(void *user_context, void *state) {
    rt_profiler_run *r = state;
    int64_t t_end = now_ns();
    charge(r, t_end);
    rt_profiler_totals one = {(char *)r->name, (char *)r->names, r->nfuncs, 1, r->samples,
                              (uint64_t)(t_end - r->t_start), r->heap_allocs, r->heap_peak, r->slot, NULL};
    if (r->jit) {
        report(user_context, &one);
        return 0;
    }
    while (__atomic_exchange_n(&table_lock, 1, __ATOMIC_ACQUIRE)) {
    }
    rt_profiler_totals *t = entry_for(r);
    if (t) {
        t->runs++;
        t->samples += one.samples;
        t->total_ns += one.total_ns;
        t->heap_allocs += one.heap_allocs;
        if (one.heap_peak > t->heap_peak) t->heap_peak = one.heap_peak;
        for (int i = 0; i < r->nfuncs + 2; i++) {
            t->slot[i].time_ns += r->slot[i].time_ns;
            t->slot[i].allocs += r->slot[i].allocs;
            t->slot[i].bytes += r->slot[i].bytes;
            if (r->slot[i].peak > t->slot[i].peak) t->slot[i].peak = r->slot[i].peak;
        }
    }
    __atomic_store_n(&table_lock, 0, __ATOMIC_RELEASE);
    return 0;
}
