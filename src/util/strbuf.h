/* strbuf.h - a growable heap string for printers and message builders.
 *
 * Never raises: when an allocation fails the buffer remembers it (failed = 1) and keeps
 * dropping further appends; strbuf_take then returns NULL.
 */
#ifndef HL_UTIL_STRBUF_H
#define HL_UTIL_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
    char *data;
    size_t len, cap;
    int failed;
    int indent; /* current indentation for statement printers */
} strbuf;

void strbuf_init(strbuf *sb);
void strbuf_free(strbuf *sb);
void strbuf_append(strbuf *sb, const char *s);
void strbuf_appendn(strbuf *sb, const char *s, size_t n);
void strbuf_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The string (heap, caller frees with hl_free) or NULL if an append failed; resets sb. */
char *strbuf_take(strbuf *sb);

#endif
