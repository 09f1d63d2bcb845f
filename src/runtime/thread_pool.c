/* thread_pool.c - halide_do_par_for: the runtime's thread pool for parallel loops.
 *
 * One process-wide pool. A parallel loop becomes a job (on the caller's stack) pushed on
 * the pool's queue, newest first, so that the inner loops of nested parallelism are served
 * before outer ones. Iterations are claimed with one atomic fetch-add each (no lock per
 * iteration), by the caller and by every worker that joins. Once the caller finds no
 * iteration left to claim it takes the job off the queue and waits for the threads still
 * running its iterations, and while it waits it runs iterations of queued jobs newer than
 * its own (the nested loops its iterations started, typically); never of older, outer
 * jobs, which could pile outer iterations onto its stack without bound.
 * Idle workers spin briefly (cheap back-to-back loops), then sleep on a condition.
 *
 * Assumes: the platform layer of runtime_internal.h (posix_threads.c). Tasks may call
 * halide_do_par_for themselves (nesting) and may run on any thread.
 *
 * Guarantees: workers are started lazily by the first parallel loop, up to the thread
 * count minus one (the caller is the remaining thread), and persist; the count comes from
 * halide_set_num_threads, else HL_NUM_THREADS, else the number of cores, at most 256.
 * When no worker can be started the caller runs every iteration, so a loop always
 * finishes. No deadlock under nesting: the owner of a job always runs that job's
 * iterations until none is left, and waits only for iterations already running. Several
 * application threads may run parallel loops at once. Errors: the first non-zero task
 * result is returned and iterations not yet claimed are skipped. At process exit (atexit)
 * and in halide_shutdown_thread_pool the workers are woken, joined and released, so
 * nothing hangs and nothing leaks.
 */
#include "runtime_internal.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

enum {
    MAX_THREADS = 256,
    /* Rounds of rt_cpu_relax an idle worker polls for new work before it sleeps. */
    SPIN_ROUNDS = 4000,
};

typedef struct par_job {
    halide_task_t task;
    void *user_context;
    uint8_t *closure;
    int min;
    int64_t size;
    _Atomic int64_t next; /* the next unclaimed iteration, counted from 0 */
    _Atomic int error;    /* the first non-zero task result */
    _Atomic int helpers;  /* threads other than the owner running it; changed under the lock */
    bool queued;          /* on the queue; under the lock */
    uint64_t seq;         /* order of queueing: newer jobs have larger numbers */
    struct par_job *next_job;
} par_job;

static struct {
    _Atomic int init_state; /* 0 before, 1 during, 2 after initialisation */
    rt_mutex lock;
    rt_cond wake; /* new work, a finished job, or shutdown */
    /* Everything below is under the lock, except the atomics. */
    par_job *queue;       /* newest first */
    _Atomic int queued;   /* jobs on the queue (read without the lock by spinning workers) */
    int sleepers;         /* threads waiting on `wake` */
    int desired;          /* threads per parallel loop, the caller included */
    int nworkers;
    uint64_t next_seq;
    bool shutting_down;
    bool exit_hook; /* shutdown registered with atexit */
    rt_thread *workers[MAX_THREADS];
    _Atomic int threads_used;
} pool;

/* The threads that ran a task since the last reset of rt_thread_pool_threads_used (no
 * thread-local storage: see rt_thread_self_id). */
enum { SEEN_CAP = MAX_THREADS + 16 };
static _Atomic uintptr_t seen_ids[SEEN_CAP];
static _Atomic int nseen;

static int clamp_threads(long n) { return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n; }

static int default_threads(void) {
    const char *env = getenv("HL_NUM_THREADS");
    long n = env ? strtol(env, NULL, 10) : 0;
    return clamp_threads(n > 0 ? n : rt_cpu_count());
}

static void ensure_init(void) {
    if (atomic_load_explicit(&pool.init_state, memory_order_acquire) == 2) return;
    int expected = 0;
    if (atomic_compare_exchange_strong(&pool.init_state, &expected, 1)) {
        rt_mutex_init(&pool.lock);
        rt_cond_init(&pool.wake);
        pool.desired = default_threads();
        atomic_store_explicit(&pool.init_state, 2, memory_order_release);
        return;
    }
    while (atomic_load_explicit(&pool.init_state, memory_order_acquire) != 2) rt_cpu_relax();
}

static void note_thread_used(void) {
    uintptr_t me = rt_thread_self_id();
    int n = atomic_load_explicit(&nseen, memory_order_acquire);
    for (int i = 0; i < n && i < SEEN_CAP; i++)
        if (atomic_load_explicit(&seen_ids[i], memory_order_relaxed) == me) return;
    int slot = atomic_fetch_add_explicit(&nseen, 1, memory_order_acq_rel);
    if (slot < SEEN_CAP) atomic_store_explicit(&seen_ids[slot], me, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool.threads_used, 1, memory_order_relaxed);
}

/* ---- Running iterations ---------------------------------------------------------------- */

static bool has_work(par_job *j) {
    return atomic_load_explicit(&j->next, memory_order_relaxed) < j->size &&
           atomic_load_explicit(&j->error, memory_order_relaxed) == 0;
}

/* Claims and runs iterations of j until none is left or one has failed. */
static void run_job(par_job *j) {
    bool ran = false;
    while (atomic_load_explicit(&j->error, memory_order_relaxed) == 0) {
        int64_t i = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed);
        if (i >= j->size) break;
        if (!ran) {
            note_thread_used();
            ran = true;
        }
        int result = halide_do_task(j->user_context, j->task, (int)(j->min + i), j->closure);
        if (result != 0) {
            int none = 0;
            atomic_compare_exchange_strong(&j->error, &none, result);
            break;
        }
    }
}

static void unlink_job(par_job *j) {
    for (par_job **link = &pool.queue; *link; link = &(*link)->next_job) {
        if (*link != j) continue;
        *link = j->next_job;
        j->queued = false;
        atomic_fetch_sub_explicit(&pool.queued, 1, memory_order_relaxed);
        return;
    }
}

/* Under the lock: the newest queued job newer than `after` with iterations left; takes
 * the exhausted jobs it passes off the queue. */
static par_job *find_work(uint64_t after) {
    for (par_job *j = pool.queue; j && j->seq > after;) {
        par_job *next = j->next_job;
        if (has_work(j)) return j;
        unlink_job(j);
        j = next;
    }
    return NULL;
}

/* Under the lock (released meanwhile): runs iterations of another thread's job. The job's
 * owner may return as soon as it sees helpers == 0 under the lock, so j is not touched
 * after that. */
static void help(par_job *j) {
    atomic_fetch_add_explicit(&j->helpers, 1, memory_order_relaxed);
    rt_mutex_unlock(&pool.lock);
    run_job(j);
    rt_mutex_lock(&pool.lock);
    if (atomic_fetch_sub_explicit(&j->helpers, 1, memory_order_acq_rel) == 1 && !j->queued &&
        pool.sleepers > 0)
        rt_cond_broadcast(&pool.wake);
}

/* Under the lock: sleeps until something changes. */
static void sleep_locked(void) {
    pool.sleepers++;
    rt_cond_wait(&pool.wake, &pool.lock);
    pool.sleepers--;
}

/* ---- Workers -------------------------------------------------------------------------- */

static void worker_main(void *arg) {
    int index = (int)(intptr_t)arg;
    int spins = SPIN_ROUNDS;
    rt_mutex_lock(&pool.lock);
    while (!pool.shutting_down) {
        bool enabled = index < pool.desired - 1;
        par_job *j = enabled ? find_work(0) : NULL;
        if (j) {
            help(j);
            spins = SPIN_ROUNDS;
            continue;
        }
        if (enabled && spins > 0) {
            rt_mutex_unlock(&pool.lock);
            while (spins > 0 && atomic_load_explicit(&pool.queued, memory_order_relaxed) == 0) {
                rt_cpu_relax();
                spins--;
            }
            spins = 0;
            rt_mutex_lock(&pool.lock);
            continue;
        }
        sleep_locked();
    }
    rt_mutex_unlock(&pool.lock);
}

static void shutdown_at_exit(void) { halide_shutdown_thread_pool(); }

/* Under the lock: starts workers up to the desired count; fewer if the system refuses. */
static void start_workers_locked(void) {
    if (!pool.exit_hook) pool.exit_hook = atexit(shutdown_at_exit) == 0;
    while (pool.nworkers < pool.desired - 1) {
        rt_thread *t = rt_thread_start(worker_main, (void *)(intptr_t)pool.nworkers);
        if (!t) break;
        pool.workers[pool.nworkers++] = t;
    }
}

/* ---- The entry points ------------------------------------------------------------------ */

int halide_default_do_task(void *user_context, halide_task_t task, int idx, uint8_t *closure) {
    return task(user_context, idx, closure);
}

__attribute__((weak)) int halide_do_task(void *user_context, halide_task_t task, int idx,
                                         uint8_t *closure) {
    return halide_default_do_task(user_context, task, idx, closure);
}

int halide_default_do_par_for(void *user_context, halide_task_t task, int min, int size,
                              uint8_t *closure) {
    if (size <= 0) return 0;
    ensure_init();
    par_job job = {.task = task, .user_context = user_context, .closure = closure,
                   .min = min, .size = size};
    atomic_init(&job.next, 0);
    atomic_init(&job.error, 0);
    atomic_init(&job.helpers, 0);

    rt_mutex_lock(&pool.lock);
    bool parallel = size > 1 && pool.desired > 1 && !pool.shutting_down;
    if (parallel) {
        start_workers_locked();
        job.queued = true;
        job.seq = ++pool.next_seq;
        job.next_job = pool.queue;
        pool.queue = &job;
        atomic_fetch_add_explicit(&pool.queued, 1, memory_order_relaxed);
        if (pool.sleepers > 0) rt_cond_broadcast(&pool.wake);
    }
    rt_mutex_unlock(&pool.lock);

    run_job(&job);
    if (!parallel) return atomic_load(&job.error);

    rt_mutex_lock(&pool.lock);
    if (job.queued) unlink_job(&job);
    rt_mutex_unlock(&pool.lock);
    /* The last iterations usually end soon: spin a little before helping or sleeping. */
    for (int i = 0; i < SPIN_ROUNDS && atomic_load(&job.helpers) > 0; i++) rt_cpu_relax();
    rt_mutex_lock(&pool.lock);
    while (atomic_load(&job.helpers) > 0) {
        /* Only newer jobs (those its own iterations started, typically): helping an older,
         * outer job here could nest outer iterations on this stack without bound. */
        par_job *other = find_work(job.seq);
        if (other) help(other);
        else sleep_locked();
    }
    rt_mutex_unlock(&pool.lock);
    return atomic_load(&job.error);
}

__attribute__((weak)) int halide_do_par_for(void *user_context, halide_task_t task, int min,
                                            int size, uint8_t *closure) {
    return halide_default_do_par_for(user_context, task, min, size, closure);
}

int halide_set_num_threads(int n) {
    if (n < 0) {
        halide_error(NULL, "halide_set_num_threads: the number of threads must be >= 0");
        return -1;
    }
    ensure_init();
    rt_mutex_lock(&pool.lock);
    int old = pool.desired;
    pool.desired = n == 0 ? default_threads() : clamp_threads(n);
    rt_mutex_unlock(&pool.lock);
    return old;
}

void halide_shutdown_thread_pool(void) {
    if (atomic_load_explicit(&pool.init_state, memory_order_acquire) != 2) return;
    rt_mutex_lock(&pool.lock);
    int n = pool.nworkers;
    if (n == 0 || pool.shutting_down) {
        rt_mutex_unlock(&pool.lock);
        return;
    }
    pool.shutting_down = true;
    rt_cond_broadcast(&pool.wake);
    rt_mutex_unlock(&pool.lock);
    for (int i = 0; i < n; i++) rt_thread_join(pool.workers[i]);
    rt_mutex_lock(&pool.lock);
    pool.nworkers = 0;
    pool.shutting_down = false;
    rt_mutex_unlock(&pool.lock);
}

int rt_thread_pool_threads_used(int reset) {
    ensure_init();
    if (!reset) return atomic_load(&pool.threads_used);
    atomic_store(&nseen, 0);
    return atomic_exchange(&pool.threads_used, 0);
}
