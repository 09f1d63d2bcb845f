/* strbuf.c - growable heap string. See strbuf.h. */
#include "strbuf.h"
#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void strbuf_init(strbuf *sb) { memset(sb, 0, sizeof *sb); }

void strbuf_free(strbuf *sb) {
    hl_free(sb->data);
    strbuf_init(sb);
}

static int reserve(strbuf *sb, size_t extra) {
    if (sb->failed) return 0;
    if (sb->len + extra + 1 <= sb->cap) return 1;
    size_t cap = sb->cap ? sb->cap * 2 : 256;
    while (cap < sb->len + extra + 1) cap *= 2;
    char *p = hl_realloc(sb->data, cap);
    if (!p) {
        sb->failed = 1;
        return 0;
    }
    sb->data = p;
    sb->cap = cap;
    return 1;
}

void strbuf_appendn(strbuf *sb, const char *s, size_t n) {
    if (!reserve(sb, n)) return;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = 0;
}

void strbuf_append(strbuf *sb, const char *s) { strbuf_appendn(sb, s, strlen(s)); }

void strbuf_printf(strbuf *sb, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && reserve(sb, (size_t)n)) {
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap2);
        sb->len += (size_t)n;
    }
    va_end(ap2);
}

char *strbuf_take(strbuf *sb) {
    char *s = NULL;
    if (!sb->failed) s = sb->data ? sb->data : hl_strdup("");
    else hl_free(sb->data);
    strbuf_init(sb);
    return s;
}
