/* print_loop_nest.c - the loop nest as Func.print_loop_nest shows it.
 *
 * Input: the statement of schedule_functions (For, ProducerConsumer, Realize, LetStmt,
 * IfThenElse, Provide). Output text, two spaces per level, in Halide's style:
 *     produce f:
 *       for y:
 *         vectorized x.xi in [0, 7]:
 *           f(...) = ...
 *     consume f:
 *       ...
 * Loop names drop the "f.s0." prefix; loops of constant extent show their range.
 */
#include "lower.h"
#include "util/strbuf.h"

#include <inttypes.h>
#include <string.h>

static void indent(strbuf *out, int depth) {
    for (int i = 0; i < depth; i++) strbuf_append(out, "  ");
}

static const char *short_name(const char *full) {
    const char *p = strstr(full, ".s0.");
    return p ? p + 4 : full;
}

static void print(strbuf *out, const ir_node *n, int depth) {
    if (!n) return;
    switch ((ir_kind)n->kind) {
    case IR_ProducerConsumer:
        indent(out, depth);
        strbuf_printf(out, "%s %s:\n", n->op ? "produce" : "consume", n->name);
        print(out, n->kids[0], depth + 1);
        return;
    case IR_For: {
        static const char *kinds[] = {"for", "parallel", "vectorized", "unrolled"};
        indent(out, depth);
        strbuf_printf(out, "%s %s", kinds[n->op & 3], short_name(n->name));
        int64_t lo, extent;
        if (ir_const_int(n->kids[0], &lo) && ir_const_int(n->kids[1], &extent))
            strbuf_printf(out, " in [%" PRId64 ", %" PRId64 "]", lo, lo + extent - 1);
        strbuf_append(out, ":\n");
        print(out, n->kids[2], depth + 1);
        return;
    }
    case IR_Provide:
        indent(out, depth);
        strbuf_printf(out, "%s(...) = ...\n", n->name);
        return;
    case IR_Block:
        print(out, n->kids[0], depth);
        print(out, n->kids[1], depth);
        return;
    case IR_Realize: print(out, n->kids[0], depth); return;
    case IR_LetStmt: print(out, n->kids[1], depth); return;
    case IR_IfThenElse:
        print(out, n->kids[1], depth);
        print(out, n->kids[2], depth);
        return;
    default: return;
    }
}

char *lower_loop_nest_text(const ir_node *s) {
    strbuf sb;
    strbuf_init(&sb);
    print(&sb, s, 0);
    return strbuf_take(&sb);
}
