/* rt_libc.h - the few C library and thread declarations the runtime uses, for targets
 * whose C headers are not installed here (32-bit ARM Linux and Android, Windows, iOS).
 *
 * CMakeLists.txt compiles the ahead-of-time runtime for those targets with -nostdlibinc
 * and this directory first on the include path, so <stdio.h>, <stdlib.h>, <string.h>,
 * <time.h>, <pthread.h>, <unistd.h> and <inttypes.h> all come here; clang's own headers
 * still give <stddef.h>, <stdint.h>, <stdarg.h>, <stdbool.h> and <stdatomic.h>.
 *
 * Assumes: the compiler's predefined macros name the OS (__linux__, __ANDROID__,
 * __APPLE__, _WIN32), and the runtime only writes text to stderr (fprintf, fputs on
 * stderr), which is done here with write(2) (_write on Windows) after formatting into a
 * buffer, so no FILE layout or stderr symbol of any C library is needed.
 * Guarantees: the declarations match the target C library's ABI for what the runtime
 * calls (pointer-sized pthread_t, opaque mutex and condition storage, which the runtime
 * only passes by pointer inside its 64-byte rt_mutex/rt_cond); per-OS constants
 * (CLOCK_MONOTONIC, _SC_NPROCESSORS_ONLN) are the OS's own. Windows has no pthreads or
 * sysconf here (win32/threads.c replaces posix_threads.c there); clock_gettime is an
 * inline function on QueryPerformanceCounter and snprintf goes to MSVCRT's _vsnprintf,
 * so a Windows object needs only kernel32 and the C runtime (MSVC's or MinGW's).
 */
#ifndef HL_RUNTIME_RT_LIBC_H
#define HL_RUNTIME_RT_LIBC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- stdlib.h --------------------------------------------------------------------------- */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void free(void *p);
_Noreturn void abort(void);
int atexit(void (*fn)(void));
char *getenv(const char *name);
long strtol(const char *s, char **end, int base);
#if defined(_WIN32)
void *_aligned_malloc(size_t size, size_t alignment);
void _aligned_free(void *p);
#else
int posix_memalign(void **out, size_t alignment, size_t size);
#endif

/* ---- string.h --------------------------------------------------------------------------- */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *p, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#if defined(_WIN32)
char *_strdup(const char *s);
#define strdup _strdup
#else
char *strdup(const char *s);
#endif

/* ---- inttypes.h: clang predefines the length modifier of each fixed-width type -------- */
#define PRId64 __INT64_FMTd__
#define PRIu64 __UINT64_FMTu__
#define PRIx64 __UINT64_FMTx__
#define PRId32 __INT32_FMTd__
#define PRIu32 __UINT32_FMTu__

/* ---- unistd.h, and writing text ------------------------------------------------------- */
#if defined(_WIN32)
int _write(int fd, const void *buf, unsigned int n);
static inline long rt_libc_write(int fd, const void *buf, size_t n) {
    return _write(fd, buf, (unsigned int)n);
}
#else
long write(int fd, const void *buf, size_t n); /* ssize_t is long on every target here */
static inline long rt_libc_write(int fd, const void *buf, size_t n) { return write(fd, buf, n); }
#endif

/* ---- stdio.h: formatting into memory; stderr is file descriptor 2 ------------------- */
typedef struct rt_libc_file FILE;
#define stderr ((FILE *)(uintptr_t)2)

#if defined(_WIN32)
/* MSVCRT's _vsnprintf (MSVC links it from legacy_stdio_definitions.lib): on overflow it
 * returns -1 and does not terminate, so the wrapper terminates and reports the size. */
int _vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
static inline int rt_libc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
    if (size == 0) return 0;
    int n = _vsnprintf(buf, size, fmt, ap);
    buf[size - 1] = 0;
    return n < 0 ? (int)size : n;
}
#define vsnprintf rt_libc_vsnprintf
static inline int rt_libc_snprintf(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = rt_libc_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
#define snprintf rt_libc_snprintf
#else
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...);
#endif

static inline void rt_libc_write_all(int fd, const char *s, size_t n) {
    while (n > 0) {
        long w = rt_libc_write(fd, s, n);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

static inline int rt_libc_fputs(const char *s, FILE *f) {
    rt_libc_write_all((int)(uintptr_t)f, s, strlen(s));
    return 0;
}
#define fputs rt_libc_fputs

static inline int rt_libc_fprintf(FILE *f, const char *fmt, ...) {
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) return n;
    rt_libc_write_all((int)(uintptr_t)f, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
    return n;
}
#define fprintf rt_libc_fprintf

/* ---- time.h --------------------------------------------------------------------------- */
#if defined(_WIN32)
typedef long long time_t;
#else
typedef long time_t;
#endif
struct timespec {
    time_t tv_sec;
    long tv_nsec;
};
typedef int clockid_t;
#if defined(_WIN32)
#define CLOCK_MONOTONIC 1
__declspec(dllimport) int __stdcall QueryPerformanceCounter(long long *count);
__declspec(dllimport) int __stdcall QueryPerformanceFrequency(long long *freq);
static inline int rt_libc_clock_gettime(clockid_t clock, struct timespec *ts) {
    (void)clock;
    long long count = 0, freq = 1;
    QueryPerformanceCounter(&count);
    QueryPerformanceFrequency(&freq);
    if (freq <= 0) freq = 1;
    ts->tv_sec = count / freq;
    ts->tv_nsec = (long)((count % freq) * 1000000000 / freq);
    return 0;
}
#define clock_gettime rt_libc_clock_gettime
#else
#if defined(__APPLE__)
#define CLOCK_MONOTONIC 6
#else
#define CLOCK_MONOTONIC 1
#endif
int clock_gettime(clockid_t clock, struct timespec *ts);
#endif

/* ---- unistd.h: the number of processors ------------------------------------------------ */
#if !defined(_WIN32) /* Windows: win32/threads.c counts processors */
#if defined(__APPLE__)
#define _SC_NPROCESSORS_ONLN 58
#elif defined(__ANDROID__)
#define _SC_NPROCESSORS_ONLN 0x61
#else
#define _SC_NPROCESSORS_ONLN 84
#endif
long sysconf(int name);
#endif

/* ---- pthread.h ------------------------------------------------------------------------- */
typedef struct rt_libc_pthread_attr pthread_attr_t;
typedef struct rt_libc_pthread_mutexattr pthread_mutexattr_t;
typedef struct rt_libc_pthread_condattr pthread_condattr_t;
#if !defined(_WIN32) /* Windows: win32/threads.c uses the Win32 API instead */
/* The C library initialises these in place; the runtime's storage (64 bytes, aligned to
 * 16) holds every C library's mutex and condition variable. */
typedef struct {
    _Alignas(8) unsigned char opaque[64];
} pthread_mutex_t;
typedef struct {
    _Alignas(8) unsigned char opaque[64];
} pthread_cond_t;
typedef uintptr_t pthread_t; /* unsigned long, long or a pointer: one register */
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pthread_cond_broadcast(pthread_cond_t *c);
int pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*start)(void *), void *arg);
int pthread_join(pthread_t t, void **result);
pthread_t pthread_self(void);
#endif

#endif
