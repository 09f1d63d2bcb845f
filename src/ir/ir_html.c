/* ir_html.c - the lowered statement's text as a standalone HTML page (StmtOutputFormat.HTML,
 * OutputFileType.stmt_html).
 *
 * Input is the text ir_print writes: one statement per line, blocks opened by a line ending
 * in "{" and closed by a line starting with "}" ("} else {" does both). Each block becomes a
 * <details open> element whose summary is its opening line, so loops, producers and ifs fold
 * and unfold with a click; buttons fold or unfold everything. Keywords, numbers and strings
 * are coloured; everything else is escaped text. The page has no external resources (the
 * reference's page loads scripts from CDNs; this one works offline).
 *
 * Assumes: text is NUL-terminated; unbalanced braces are tolerated (extra "}" lines print as
 * text, blocks left open are closed at the end). Guarantees: a heap string (hl_free), or
 * NULL when out of memory.
 */
#include "ir.h"
#include "util/alloc.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <string.h>

static const char *const keywords[] = {
    "for", "if", "else", "let", "allocate", "free", "produce", "consume", "assert", "parallel", "vectorized",
    "unrolled", "serial", "in", "realize", "select", "likely", "evaluate", "atomic", NULL,
};

static bool is_keyword(const char *s, size_t n) {
    for (int i = 0; keywords[i]; i++)
        if (strlen(keywords[i]) == n && !strncmp(keywords[i], s, n)) return true;
    return false;
}

static void escaped(strbuf *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': strbuf_append(out, "&amp;"); break;
        case '<': strbuf_append(out, "&lt;"); break;
        case '>': strbuf_append(out, "&gt;"); break;
        case '"': strbuf_append(out, "&quot;"); break;
        default: strbuf_appendn(out, s + i, 1); break;
        }
    }
}

static void span(strbuf *out, const char *cls, const char *s, size_t n) {
    strbuf_printf(out, "<span class=\"%s\">", cls);
    escaped(out, s, n);
    strbuf_append(out, "</span>");
}

/* One line of statement text, highlighted. */
static void line_html(strbuf *out, const char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        if (isalpha((unsigned char)s[i]) || s[i] == '_') {
            while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '.' || s[j] == '$')) j++;
            if (is_keyword(s + i, j - i)) span(out, "kw", s + i, j - i);
            else if (j < n && (s[j] == '(' || s[j] == '[')) span(out, "fn", s + i, j - i);
            else escaped(out, s + i, j - i);
        } else if (isdigit((unsigned char)s[i])) {
            while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '.')) j++;
            span(out, "num", s + i, j - i);
        } else if (s[i] == '"') {
            j++;
            while (j < n && s[j] != '"') j += s[j] == '\\' && j + 1 < n ? 2 : 1;
            if (j < n) j++;
            span(out, "str", s + i, j - i);
        } else {
            j++;
            escaped(out, s + i, 1);
        }
        i = j;
    }
}

static const char *page_head =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n<style>\n"
    "body { font-family: sans-serif; margin: 1em 2em; }\n"
    "pre, summary, .line { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }\n"
    "#stmt { white-space: pre; }\n"
    "details { margin: 0; }\n"
    "details > .blk { border-left: 1px dotted #bbb; margin-left: 0.3em; }\n"
    "summary { cursor: pointer; list-style-position: outside; }\n"
    "summary:hover { background: #eef; }\n"
    ".kw { color: #0033b3; font-weight: bold; }\n"
    ".fn { color: #871094; }\n"
    ".num { color: #1750eb; }\n"
    ".str { color: #067d17; }\n"
    "button { margin-right: 0.5em; }\n"
    "</style>\n</head>\n<body>\n<h1>%s</h1>\n"
    "<p><button onclick=\"fold(true)\">Expand all</button><button onclick=\"fold(false)\">Collapse all</button></p>\n"
    "<div id=\"stmt\">";

static const char *page_tail =
    "</div>\n<script>\n"
    "function fold(open) { document.querySelectorAll('#stmt details').forEach(function (d) { d.open = open; }); }\n"
    "</script>\n</body>\n</html>\n";

char *ir_text_to_html(const char *text, const char *title) {
    strbuf out;
    strbuf_init(&out);
    strbuf esc;
    strbuf_init(&esc);
    escaped(&esc, title ? title : "", title ? strlen(title) : 0);
    char *t = strbuf_take(&esc);
    if (!t) {
        strbuf_free(&out);
        return NULL;
    }
    strbuf_printf(&out, page_head, t, t);
    hl_free(t);
    int depth = 0;
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        size_t a = 0, b = n;
        while (a < n && p[a] == ' ') a++;
        while (b > a && p[b - 1] == ' ') b--;
        bool closes = b > a && p[a] == '}', opens = b > a && p[b - 1] == '{';
        if (closes && depth > 0) {
            strbuf_append(&out, "</div></details>");
            depth--;
        }
        if (opens) {
            strbuf_append(&out, "<details open><summary>");
            line_html(&out, p, n);
            strbuf_append(&out, "</summary><div class=\"blk\">");
            depth++;
        } else {
            strbuf_append(&out, "<div class=\"line\">");
            line_html(&out, p, n);
            strbuf_append(&out, "</div>");
        }
        p += n + (end ? 1 : 0);
    }
    while (depth-- > 0) strbuf_append(&out, "</div></details>");
    strbuf_append(&out, page_tail);
    return strbuf_take(&out);
}
