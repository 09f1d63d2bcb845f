/* ir_print.c - the readable text form of IR, in Halide's style.
 *
 * Expressions print infix with full parentheses ("(x + 1)"), calls and casts as
 * "f(x, y)" and "uint8(x)"; statements one per line with two-space indentation and
 * braces. This text is what users see in compile_to_lowered_stmt and what tests compare,
 * so its format stays stable. Printing never raises: the strbuf records out-of-memory.
 * Recursion depth follows the tree; the front end caps tree depth.
 */
#include "ir.h"
#include "util/alloc.h"
#include "util/strbuf.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

char *hl_type_name(hl_type t, char *buf, size_t size) {
    const char *base = "?";
    switch (t.code) {
    case halide_type_int: base = "int"; break;
    case halide_type_uint: base = "uint"; break;
    case halide_type_float: base = "float"; break;
    case halide_type_bfloat: base = "bfloat"; break;
    case halide_type_handle: base = "handle"; break;
    }
    if (t.code == halide_type_handle) snprintf(buf, size, "handle");
    else if (t.code == halide_type_uint && t.bits == 1) snprintf(buf, size, "bool");
    else snprintf(buf, size, "%s%d", base, t.bits);
    if (t.lanes > 1) {
        size_t len = strlen(buf);
        snprintf(buf + len, size > len ? size - len : 0, "x%d", t.lanes);
    }
    return buf;
}

static void print_type(strbuf *out, hl_type t) {
    char buf[32];
    strbuf_append(out, hl_type_name(t, buf, sizeof buf));
}

static void print_kids(strbuf *out, const ir_node *n, int from, int to) {
    for (int i = from; i < to; i++) {
        if (i > from) strbuf_append(out, ", ");
        ir_print(out, n->kids[i]);
    }
}

static void print_float(strbuf *out, hl_type t, double v) {
    if (t.bits == 64) strbuf_append(out, "(float64)");
    else if (t.bits == 16) strbuf_append(out, "(float16)");
    if (isinf(v)) strbuf_append(out, v > 0 ? "inf" : "-inf");
    else if (isnan(v)) strbuf_append(out, "nan");
    else strbuf_printf(out, "%f", v);
    if (t.bits == 32) strbuf_append(out, "f");
}

static const char *infix_op(ir_kind k) {
    switch (k) {
    case IR_Add: return " + ";
    case IR_Sub: return " - ";
    case IR_Mul: return "*";
    case IR_Div: return "/";
    case IR_Mod: return " % ";
    case IR_EQ: return " == ";
    case IR_NE: return " != ";
    case IR_LT: return " < ";
    case IR_LE: return " <= ";
    case IR_GT: return " > ";
    case IR_GE: return " >= ";
    case IR_And: return " && ";
    case IR_Or: return " || ";
    default: return NULL;
    }
}

static void indent(strbuf *out) {
    for (int i = 0; i < out->indent; i++) strbuf_append(out, " ");
}

static void print_body(strbuf *out, const ir_node *body) {
    out->indent += 2;
    ir_print(out, body);
    out->indent -= 2;
}

static void print_expr(strbuf *out, const ir_node *n) {
    const char *op = infix_op((ir_kind)n->kind);
    if (op) {
        strbuf_append(out, "(");
        ir_print(out, n->kids[0]);
        strbuf_append(out, op);
        ir_print(out, n->kids[1]);
        strbuf_append(out, ")");
        return;
    }
    switch ((ir_kind)n->kind) {
    case IR_IntImm:
        if (n->type.bits == 32) strbuf_printf(out, "%" PRId64, n->imm.i);
        else {
            strbuf_append(out, "(");
            print_type(out, n->type);
            strbuf_printf(out, ")%" PRId64, n->imm.i);
        }
        break;
    case IR_UIntImm:
        strbuf_append(out, "(");
        print_type(out, n->type);
        strbuf_printf(out, ")%" PRIu64, n->imm.u);
        break;
    case IR_FloatImm: print_float(out, n->type, n->imm.f); break;
    case IR_StringImm: strbuf_printf(out, "\"%s\"", n->name); break;
    case IR_Cast:
        print_type(out, n->type);
        strbuf_append(out, "(");
        ir_print(out, n->kids[0]);
        strbuf_append(out, ")");
        break;
    case IR_Reinterpret:
        strbuf_append(out, "reinterpret<");
        print_type(out, n->type);
        strbuf_append(out, ">(");
        ir_print(out, n->kids[0]);
        strbuf_append(out, ")");
        break;
    case IR_Variable: strbuf_append(out, n->name); break;
    case IR_Min:
    case IR_Max:
        strbuf_append(out, n->kind == IR_Min ? "min(" : "max(");
        print_kids(out, n, 0, 2);
        strbuf_append(out, ")");
        break;
    case IR_Not:
        strbuf_append(out, "!");
        ir_print(out, n->kids[0]);
        break;
    case IR_Select:
        strbuf_append(out, "select(");
        print_kids(out, n, 0, 3);
        strbuf_append(out, ")");
        break;
    case IR_Load:
        strbuf_append(out, n->name);
        strbuf_append(out, "[");
        ir_print(out, n->kids[0]);
        if (n->kids[1]) {
            strbuf_append(out, " if ");
            ir_print(out, n->kids[1]);
        }
        strbuf_append(out, "]");
        break;
    case IR_Ramp:
        strbuf_append(out, "ramp(");
        print_kids(out, n, 0, 2);
        strbuf_printf(out, ", %d)", n->type.lanes / (n->kids[0]->type.lanes ? n->kids[0]->type.lanes : 1));
        break;
    case IR_Broadcast:
        strbuf_printf(out, "x%d(", n->type.lanes / (n->kids[0]->type.lanes ? n->kids[0]->type.lanes : 1));
        ir_print(out, n->kids[0]);
        strbuf_append(out, ")");
        break;
    case IR_Let:
        strbuf_printf(out, "(let %s = ", n->name);
        ir_print(out, n->kids[0]);
        strbuf_append(out, " in ");
        ir_print(out, n->kids[1]);
        strbuf_append(out, ")");
        break;
    case IR_Call:
        strbuf_append(out, n->name);
        if (n->op == IR_CALL_HALIDE && n->ref && hl_func_num_values(n->ref) > 1)
            strbuf_printf(out, ".%d", n->op2);
        strbuf_append(out, "(");
        print_kids(out, n, 0, n->nkids);
        strbuf_append(out, ")");
        break;
    case IR_Shuffle:
        strbuf_append(out, "shuffle(");
        print_kids(out, n, 0, n->nkids);
        strbuf_append(out, ", indices");
        for (int i = 0; i < n->type.lanes; i++) strbuf_printf(out, " %d", n->indices[i]);
        strbuf_append(out, ")");
        break;
    default: strbuf_printf(out, "<%s>", ir_kind_name((ir_kind)n->kind)); break;
    }
}

static const char *for_type_name(int t) {
    switch (t) {
    case IR_FOR_PARALLEL: return "parallel";
    case IR_FOR_VECTORIZED: return "vectorized";
    case IR_FOR_UNROLLED: return "unrolled";
    default: return "for";
    }
}

static void print_stmt(strbuf *out, const ir_node *n) {
    switch ((ir_kind)n->kind) {
    case IR_LetStmt:
        indent(out);
        strbuf_printf(out, "let %s = ", n->name);
        ir_print(out, n->kids[0]);
        strbuf_append(out, "\n");
        ir_print(out, n->kids[1]);
        break;
    case IR_AssertStmt:
        indent(out);
        strbuf_append(out, "assert(");
        print_kids(out, n, 0, 2);
        strbuf_append(out, ")\n");
        break;
    case IR_ProducerConsumer:
        indent(out);
        strbuf_printf(out, "%s %s {\n", n->op ? "produce" : "consume", n->name);
        print_body(out, n->kids[0]);
        indent(out);
        strbuf_append(out, "}\n");
        break;
    case IR_For:
        indent(out);
        strbuf_printf(out, "%s (%s, ", for_type_name(n->op), n->name);
        print_kids(out, n, 0, 2);
        strbuf_append(out, ") {\n");
        print_body(out, n->kids[2]);
        indent(out);
        strbuf_append(out, "}\n");
        break;
    case IR_Store:
        indent(out);
        strbuf_printf(out, "%s[", n->name);
        ir_print(out, n->kids[1]);
        strbuf_append(out, "] = ");
        ir_print(out, n->kids[0]);
        if (n->kids[2]) {
            strbuf_append(out, " if ");
            ir_print(out, n->kids[2]);
        }
        strbuf_append(out, n->op ? " (atomic)\n" : "\n");
        break;
    case IR_Provide:
        indent(out);
        strbuf_printf(out, "%s(", n->name);
        print_kids(out, n, n->op, n->nkids);
        strbuf_append(out, ") = ");
        if (n->op > 1) strbuf_append(out, "{");
        print_kids(out, n, 0, n->op);
        if (n->op > 1) strbuf_append(out, "}");
        strbuf_append(out, "\n");
        break;
    case IR_Allocate:
        indent(out);
        strbuf_printf(out, "allocate %s[", n->name);
        print_type(out, n->type);
        for (int i = 2; i < n->nkids; i++) {
            strbuf_append(out, " * ");
            ir_print(out, n->kids[i]);
        }
        strbuf_append(out, "]");
        if (n->kids[1]) {
            strbuf_append(out, " if ");
            ir_print(out, n->kids[1]);
        }
        strbuf_append(out, "\n");
        ir_print(out, n->kids[0]);
        break;
    case IR_Free:
        indent(out);
        strbuf_printf(out, "free %s\n", n->name);
        break;
    case IR_Realize:
        indent(out);
        strbuf_printf(out, "realize %s(", n->name);
        for (int i = 2; i + 1 < n->nkids; i += 2) {
            if (i > 2) strbuf_append(out, ", ");
            strbuf_append(out, "[");
            print_kids(out, n, i, i + 2);
            strbuf_append(out, "]");
        }
        strbuf_append(out, ")");
        if (n->kids[1]) {
            strbuf_append(out, " if ");
            ir_print(out, n->kids[1]);
        }
        strbuf_append(out, " {\n");
        print_body(out, n->kids[0]);
        indent(out);
        strbuf_append(out, "}\n");
        break;
    case IR_Block:
        ir_print(out, n->kids[0]);
        ir_print(out, n->kids[1]);
        break;
    case IR_IfThenElse:
        indent(out);
        strbuf_append(out, "if (");
        ir_print(out, n->kids[0]);
        strbuf_append(out, ") {\n");
        print_body(out, n->kids[1]);
        indent(out);
        if (n->kids[2]) {
            strbuf_append(out, "} else {\n");
            print_body(out, n->kids[2]);
            indent(out);
        }
        strbuf_append(out, "}\n");
        break;
    case IR_Evaluate:
        indent(out);
        ir_print(out, n->kids[0]);
        strbuf_append(out, "\n");
        break;
    default: print_expr(out, n); break;
    }
}

void ir_print(strbuf *out, const ir_node *n) {
    if (!n) {
        strbuf_append(out, "<null>");
        return;
    }
    if (ir_is_stmt(n)) print_stmt(out, n);
    else print_expr(out, n);
}

char *ir_to_string(const ir_node *n) {
    strbuf sb;
    strbuf_init(&sb);
    ir_print(&sb, n);
    return strbuf_take(&sb);
}

const char *ir_ctx_string(hl_ctx *ctx, const ir_node *n) {
    char *s = ir_to_string(n);
    if (!s) ctx_raise(ctx, HL_ERROR_NOMEM, "Out of memory");
    const char *copy = ctx->arena ? ctx_strdup(ctx, s) : NULL;
    if (!ctx->arena) {
        hl_free(s);
        ctx_raise(ctx, HL_ERROR_INTERNAL, "internal error: ir_ctx_string needs an arena");
    }
    hl_free(s);
    return copy;
}

char *hl_expr_to_string(const hl_expr *e) { return ir_to_string(e); }

void hl_string_free(char *s) { hl_free(s); }

void hl_debug_print(const ir_node *n) {
    char *s = ir_to_string(n);
    fprintf(stderr, "%s\n", s ? s : "<out of memory>");
    hl_free(s);
}
