/* simplify_internal.h - how the simplifier is split, and the pieces its files share.
 *
 * THE SPLIT. One file per concern, as Halide's Simplify_*.cpp:
 *   simplify.c          driver: the public entry points, the mutator that walks the tree
 *                       bottom-up and dispatches each node by kind, the scope of known
 *                       let values, Let and Variable.
 *   simplify_stmt.c     statement rules (LetStmt, For, IfThenElse, Block, AssertStmt, ...).
 *   simplify_rules.c    the rewrite engine: parses rule text, matches it, builds results.
 *   simplify_const.c    constants: reading them, type classes, the overflow error.
 *   simplify_add.c, simplify_sub.c, simplify_mul.c, simplify_div.c (Div and Mod),
 *   simplify_minmax.c, simplify_cmp.c (EQ..GE, And, Or, Not), simplify_select.c,
 *   simplify_vector.c (Ramp, Broadcast), simplify_cast.c (Cast, Reinterpret),
 *   simplify_call.c (intrinsic folding): each holds its operator's constant folding and
 *   its table of rewrite rules.
 *
 * OPERATOR ENTRY POINTS. simp_binary, simp_not, simp_select, simp_ramp, simp_broadcast
 * and simp_cast take operands that are already simplified and return the simplified node.
 * `orig` is the node being simplified (or NULL when a rule builds a fresh one): when no
 * rule fires and the operands are orig's own kids, orig itself is returned.
 * Each entry point first folds constants, then tries its rule table in order, and the
 * first rule whose pattern matches, whose type class fits and whose condition folds to
 * true wins; its replacement is built through the same entry points, so it comes back
 * simplified. Rules must make progress (fold a constant, shrink the tree, or move it
 * towards the canonical form of simplify.h) so that this terminates.
 *
 * RULE TEXT. A rule is three strings and a type class, read like Halide's rewrite(...):
 *     {"(x + c0) + c1", "x + (c0 + c1)", NULL, SIMP_T_INTS}
 *   x y z w u v   match any expression; a name used twice must match equal trees;
 *   c0 c1 c2 c3   match constants (IntImm, UIntImm, FloatImm, or a Broadcast of one);
 *   0, 1, -1, true, false  match a constant of that value (in a replacement: of the
 *                 type the context gives);
 *   + - * / % == != < <= > >= && || ! min() max() select() ramp() broadcast(): nodes;
 *                 in a replacement, constant operands fold (and a fold that overflows
 *                 int32/int64 makes the rule not apply, instead of raising);
 *   is_const(x), is_int(x) (integer or unsigned element type): only in conditions.
 * The condition is built like a replacement and must fold to true. The type class says
 * for which operand types (the result's, or the compared operands' for comparisons) the
 * rule is sound: SIMP_T_I32P for signed int32/int64, whose overflow is undefined, so rules
 * that assume "no overflow" hold; SIMP_T_INTS for every integer type, for identities that
 * hold modulo 2^n; SIMP_T_FLOAT only where IEEE arithmetic keeps the identity exactly.
 * The text is parsed once per process (under pthread_once) into a static pool that is
 * read-only afterwards: no state is shared between compiles.
 */
#ifndef HL_LOWER_SIMPLIFY_INTERNAL_H
#define HL_LOWER_SIMPLIFY_INTERNAL_H

#include "ir/ir.h"
#include "lower/simplify.h"

#include <stdbool.h>

/* ---- The simplifier's state ------------------------------------------------------------ */

/* A name bound around the code being simplified: a let whose value is substituted for
 * the variable, or (value NULL) a let, loop or other binding whose value is unknown and
 * which hides outer bindings of the same name. Entries live in the C frames of the
 * binding nodes' handlers. */
typedef struct simp_binding {
    struct simp_binding *prev;
    const char *name;
    ir_node *value;
} simp_binding;

typedef struct simplifier {
    hl_ctx *ctx;
    ir_mutator m; /* m.state points back here */
    simp_binding *scope;
    int trace; /* HL_DEBUG_SIMPLIFY: print each rule that fires to stderr */
} simplifier;

/* Simplifies a subtree (depth-guarded recursion through ir_mutate). */
ir_node *simp_mutate(simplifier *s, ir_node *n);
/* Statement handler of simplify_stmt.c; n is a statement, its kids not yet simplified. */
ir_node *simp_stmt(simplifier *s, ir_node *n);
/* Simplifies body with `name` bound to value (substituted when value is simple enough),
 * and returns what the Let or LetStmt `orig` becomes. value is already simplified. */
ir_node *simp_let_like(simplifier *s, ir_node *orig, ir_kind kind, const char *name,
                       ir_node *value, ir_node *body);

/* ---- Constants (simplify_const.c) -------------------------------------------------------- */

/* The IntImm/UIntImm/FloatImm of n, looking through a Broadcast; NULL if not constant. */
const ir_node *simp_const_of(const ir_node *n);
bool simp_is_true(const ir_node *n);
bool simp_is_false(const ir_node *n);

typedef enum simp_fold_status {
    SIMP_FOLD_NONE,     /* the operands are not all constants */
    SIMP_FOLD_DONE,     /* *out holds the folded constant */
    SIMP_FOLD_OVERFLOW, /* a signed 32/64-bit fold overflowed */
} simp_fold_status;

/* The int-typed result r of an exact or wrapped fold: int32/int64 report overflow (ovf,
 * or r outside the type), narrower signed types wrap. t carries the lanes. */
simp_fold_status simp_int_result(simplifier *s, hl_type t, int64_t r, bool ovf, ir_node **out);
/* Raises the user error for a constant fold of kind(a, b) that overflowed. */
_Noreturn void simp_overflow_error(simplifier *s, ir_kind kind, ir_node *a, ir_node *b);

/* Type classes of rules (see the header comment). */
enum {
    SIMP_T_I32P = 1,    /* signed int of 32 or 64 bits: overflow is undefined */
    SIMP_T_INARROW = 2, /* signed int of 8 or 16 bits: wraps */
    SIMP_T_UINT = 4,    /* unsigned, bool included: wraps */
    SIMP_T_FLOAT = 8,
    SIMP_T_SINT = SIMP_T_I32P | SIMP_T_INARROW,
    SIMP_T_INTS = SIMP_T_SINT | SIMP_T_UINT,
    SIMP_T_ALL = SIMP_T_INTS | SIMP_T_FLOAT,
};
unsigned simp_type_class(hl_type t);

/* ---- Rewrite rules (simplify_rules.c) ---------------------------------------------------- */

typedef struct simp_rule {
    const char *pattern;
    const char *replacement;
    const char *condition; /* NULL: always */
    unsigned types;        /* SIMP_T_* */
} simp_rule;

/* One table per file; ORDER RULE SETS: keep simp_rule_sets in simplify_rules.c in the order
 * of this enum. */
typedef enum simp_rule_set_id {
    SIMP_RULES_ADD,
    SIMP_RULES_SUB,
    SIMP_RULES_MUL,
    SIMP_RULES_DIV,
    SIMP_RULES_MINMAX,
    SIMP_RULES_CMP,
    SIMP_RULES_SELECT,
    SIMP_RULES_VECTOR,
    SIMP_RULES_NUM
} simp_rule_set_id;

typedef struct simp_rule_set {
    const char *name;
    const simp_rule *rules;
    int count;
} simp_rule_set;

extern const simp_rule_set simp_add_rules, simp_sub_rules, simp_mul_rules, simp_div_rules,
    simp_minmax_rules, simp_cmp_rules, simp_select_rules, simp_vector_rules;

/* Tries the rules of set on the node kind(kids...) of type `type`; class_type selects the
 * rules by type class. Returns the simplified replacement of the first rule that applies,
 * or NULL. */
ir_node *simp_rewrite(simplifier *s, simp_rule_set_id set, ir_kind kind, int nkids,
                      ir_node *const *kids, hl_type type, hl_type class_type);
/* Checks that every rule table parses; returns NULL or a static message naming the
 * first bad rule (the tests call it; simp_rewrite raises an internal error instead). */
const char *simp_rules_check(void);

/* ---- Operator entry points ---------------------------------------------------------------- */

/* Constant folding of the binary operators, one per file. */
simp_fold_status simp_fold_add(simplifier *s, ir_node *a, ir_node *b, ir_node **out);
simp_fold_status simp_fold_sub(simplifier *s, ir_node *a, ir_node *b, ir_node **out);
simp_fold_status simp_fold_mul(simplifier *s, ir_node *a, ir_node *b, ir_node **out);
simp_fold_status simp_fold_div(simplifier *s, ir_node *a, ir_node *b, ir_node **out);
simp_fold_status simp_fold_mod(simplifier *s, ir_node *a, ir_node *b, ir_node **out);
simp_fold_status simp_fold_minmax(simplifier *s, ir_kind kind, ir_node *a, ir_node *b,
                                  ir_node **out);
simp_fold_status simp_fold_cmp(simplifier *s, ir_kind kind, ir_node *a, ir_node *b,
                               ir_node **out);
/* Any binary kind (Add..Or). */
simp_fold_status simp_fold_binary(simplifier *s, ir_kind kind, ir_node *a, ir_node *b,
                                  ir_node **out);

ir_node *simp_binary(simplifier *s, ir_kind kind, ir_node *a, ir_node *b, ir_node *orig);
ir_node *simp_not(simplifier *s, ir_node *a, ir_node *orig);
ir_node *simp_select(simplifier *s, ir_node *c, ir_node *t, ir_node *f, ir_node *orig);
/* lanes: the number of copies of base (the node's lanes / base's lanes). */
ir_node *simp_ramp(simplifier *s, ir_node *base, ir_node *stride, int lanes, ir_node *orig);
ir_node *simp_broadcast(simplifier *s, ir_node *v, int lanes, ir_node *orig);
ir_node *simp_cast(simplifier *s, hl_type t, ir_node *a, ir_node *orig);
ir_node *simp_reinterpret(simplifier *s, hl_type t, ir_node *a, ir_node *orig);
/* A Call whose arguments are already simplified (kids of `call`, or `args` if changed). */
ir_node *simp_call(simplifier *s, ir_node *call, ir_node *const *args, bool changed);

#endif
