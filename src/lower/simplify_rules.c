/* simplify_rules.c - the rewrite engine: rule text -> patterns, matching, building.
 *
 * What it does: the operator files write their rules as text (simplify_internal.h
 * explains the notation); this file parses every table once per process into a static
 * pool, and simp_rewrite tries a table's rules in order on one node. Matching binds
 * wildcards to subtrees; the condition and the replacement are then built from those
 * bindings through the operator entry points, so they come back simplified, with their
 * constant parts folded.
 *
 * Input invariants: the node's operands are already simplified; the tables are well
 * formed (the root of a pattern is an operator node; a replacement only names wildcards
 * its pattern binds). A bad table is reported as an internal error on first use and by
 * simp_rules_check, which the tests call.
 *
 * Output guarantees: a returned replacement has exactly the node's type; a rule whose
 * replacement would need a signed 32/64-bit fold that overflows, or whose pieces do not
 * fit together by type, is skipped rather than applied. The parsed pool is written only
 * inside pthread_once and read-only afterwards.
 */
#include "lower/simplify_internal.h"
#include "util/check.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- Patterns ----------------------------------------------------------------------------- */

typedef enum pat_kind {
    PAT_WILD,     /* x y z w u v: any expression (slots 0..5) */
    PAT_CONST,    /* c0..c3: a constant (slots 6..9) */
    PAT_LIT,      /* a number, true or false */
    PAT_NODE,     /* an IR node of kind ir_kind with nkids sub-patterns */
    PAT_IS_CONST, /* condition predicate on a bound slot */
    PAT_IS_INT,   /* condition predicate on a bound slot */
} pat_kind;

enum { NUM_WILD = 6, NUM_SLOTS = 10 };

typedef struct simp_pat {
    uint8_t kind;
    uint8_t ir_kind;
    uint8_t slot;
    uint8_t nkids;
    int64_t value;
    const struct simp_pat *kids[3];
} simp_pat;

typedef struct parsed_rule {
    const simp_pat *pattern, *replacement, *condition;
} parsed_rule;

/* ORDER RULE SETS */
static const simp_rule_set *const rule_sets[SIMP_RULES_NUM] = {
    &simp_add_rules,    &simp_sub_rules, &simp_mul_rules,    &simp_div_rules,
    &simp_minmax_rules, &simp_cmp_rules, &simp_select_rules, &simp_vector_rules,
};

enum { POOL_SIZE = 8192, MAX_RULES = 1024 };

/* Written once under `once`, read-only afterwards. */
static simp_pat pool[POOL_SIZE];
static int pool_used;
static parsed_rule parsed_pool[MAX_RULES];
static parsed_rule *parsed[SIMP_RULES_NUM];
static char parse_error[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* ---- Parsing -------------------------------------------------------------------------------- */

typedef struct parser {
    const char *p;
    const char *error; /* NULL while all is well */
    unsigned slots;    /* slots named so far */
    bool predicates;   /* is_const()/is_int() allowed */
} parser;

static void skip_space(parser *ps) {
    while (*ps->p == ' ') ps->p++;
}

/* Consumes tok if the text continues with it (and, for an operator, not with a longer
 * operator that starts with it). */
static bool accept(parser *ps, const char *tok) {
    skip_space(ps);
    size_t n = strlen(tok);
    if (strncmp(ps->p, tok, n) != 0) return false;
    char next = ps->p[n];
    if ((tok[0] == '<' || tok[0] == '>' || tok[0] == '!' || tok[0] == '=') && n == 1 &&
        next == '=')
        return false;
    if ((tok[0] == '&' || tok[0] == '|') && n == 1) return false;
    ps->p += n;
    return true;
}

static simp_pat *new_pat(parser *ps, pat_kind kind) {
    if (pool_used == POOL_SIZE) {
        ps->error = "rule pool exhausted (raise POOL_SIZE)";
        return NULL;
    }
    simp_pat *p = &pool[pool_used++];
    p->kind = (uint8_t)kind;
    return p;
}

static simp_pat *node(parser *ps, ir_kind kind, const simp_pat *a, const simp_pat *b,
                      const simp_pat *c) {
    if (ps->error || !a) return NULL;
    simp_pat *p = new_pat(ps, PAT_NODE);
    if (!p) return NULL;
    p->ir_kind = (uint8_t)kind;
    p->kids[0] = a;
    p->kids[1] = b;
    p->kids[2] = c;
    p->nkids = (uint8_t)(c ? 3 : b ? 2 : 1);
    return p;
}

static const simp_pat *parse_or(parser *ps);

static const simp_pat *literal(parser *ps, int64_t v) {
    simp_pat *p = new_pat(ps, PAT_LIT);
    if (p) p->value = v;
    return p;
}

static int64_t parse_number(parser *ps) {
    int64_t v = 0;
    while (isdigit((unsigned char)*ps->p)) v = v * 10 + (*ps->p++ - '0');
    return v;
}

/* name(args) for the function-style nodes and predicates. */
static const simp_pat *parse_call(parser *ps, const char *name) {
    static const struct {
        const char *name;
        int kind; /* ir_kind, or -1/-2 for the predicates */
        int nargs;
    } calls[] = {
        {"min", IR_Min, 2},          {"max", IR_Max, 2},     {"select", IR_Select, 3},
        {"ramp", IR_Ramp, 2},        {"broadcast", IR_Broadcast, 1},
        {"is_const", -1, 1},         {"is_int", -2, 1},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        if (strcmp(calls[i].name, name) != 0) continue;
        const simp_pat *args[3] = {NULL, NULL, NULL};
        for (int a = 0; a < calls[i].nargs; a++) {
            if (a > 0 && !accept(ps, ",")) {
                ps->error = "expected ','";
                return NULL;
            }
            args[a] = parse_or(ps);
            if (!args[a]) return NULL;
        }
        if (!accept(ps, ")")) {
            ps->error = "expected ')'";
            return NULL;
        }
        if (calls[i].kind < 0) {
            if (!ps->predicates || args[0]->kind != PAT_WILD) {
                ps->error = "predicates take one wildcard and belong in conditions";
                return NULL;
            }
            simp_pat *p = new_pat(ps, calls[i].kind == -1 ? PAT_IS_CONST : PAT_IS_INT);
            if (p) p->slot = args[0]->slot;
            return p;
        }
        return node(ps, (ir_kind)calls[i].kind, args[0], args[1], args[2]);
    }
    ps->error = "unknown function";
    return NULL;
}

static const simp_pat *parse_primary(parser *ps) {
    skip_space(ps);
    if (accept(ps, "(")) {
        const simp_pat *e = parse_or(ps);
        if (e && !accept(ps, ")")) ps->error = "expected ')'";
        return ps->error ? NULL : e;
    }
    if (isdigit((unsigned char)*ps->p)) return literal(ps, parse_number(ps));
    char name[16];
    size_t n = 0;
    while ((isalnum((unsigned char)*ps->p) || *ps->p == '_') && n + 1 < sizeof name)
        name[n++] = *ps->p++;
    name[n] = 0;
    if (n == 0) {
        ps->error = "expected an operand";
        return NULL;
    }
    if (accept(ps, "(")) return parse_call(ps, name);
    if (strcmp(name, "true") == 0) return literal(ps, 1);
    if (strcmp(name, "false") == 0) return literal(ps, 0);
    const char *wild = strchr("xyzwuv", name[0]);
    if (n == 1 && wild) {
        simp_pat *p = new_pat(ps, PAT_WILD);
        if (p) p->slot = (uint8_t)(wild - "xyzwuv");
        if (p) ps->slots |= 1u << p->slot;
        return p;
    }
    if (n == 2 && name[0] == 'c' && name[1] >= '0' && name[1] <= '3') {
        simp_pat *p = new_pat(ps, PAT_CONST);
        if (p) p->slot = (uint8_t)(NUM_WILD + name[1] - '0');
        if (p) ps->slots |= 1u << p->slot;
        return p;
    }
    ps->error = "unknown name";
    return NULL;
}

static const simp_pat *parse_unary(parser *ps) {
    if (accept(ps, "!")) return node(ps, IR_Not, parse_unary(ps), NULL, NULL);
    if (accept(ps, "-")) {
        if (isdigit((unsigned char)*ps->p)) return literal(ps, -parse_number(ps));
        const simp_pat *zero = literal(ps, 0);
        return node(ps, IR_Sub, zero, parse_unary(ps), NULL);
    }
    return parse_primary(ps);
}

static const simp_pat *parse_mul(parser *ps) {
    const simp_pat *a = parse_unary(ps);
    for (;;) {
        ir_kind k;
        if (accept(ps, "*")) k = IR_Mul;
        else if (accept(ps, "/")) k = IR_Div;
        else if (accept(ps, "%")) k = IR_Mod;
        else return a;
        a = node(ps, k, a, parse_unary(ps), NULL);
    }
}

static const simp_pat *parse_add(parser *ps) {
    const simp_pat *a = parse_mul(ps);
    for (;;) {
        ir_kind k;
        if (accept(ps, "+")) k = IR_Add;
        else if (accept(ps, "-")) k = IR_Sub;
        else return a;
        a = node(ps, k, a, parse_mul(ps), NULL);
    }
}

static const simp_pat *parse_cmp(parser *ps) {
    const simp_pat *a = parse_add(ps);
    static const struct {
        const char *tok;
        ir_kind kind;
    } ops[] = {{"==", IR_EQ}, {"!=", IR_NE}, {"<=", IR_LE},
               {">=", IR_GE}, {"<", IR_LT},  {">", IR_GT}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (accept(ps, ops[i].tok)) return node(ps, ops[i].kind, a, parse_add(ps), NULL);
    return a;
}

static const simp_pat *parse_and(parser *ps) {
    const simp_pat *a = parse_cmp(ps);
    while (accept(ps, "&&")) a = node(ps, IR_And, a, parse_cmp(ps), NULL);
    return a;
}

static const simp_pat *parse_or(parser *ps) {
    const simp_pat *a = parse_and(ps);
    while (accept(ps, "||")) a = node(ps, IR_Or, a, parse_and(ps), NULL);
    return a;
}

static const simp_pat *parse_text(parser *ps, const char *text, bool predicates) {
    ps->p = text;
    ps->predicates = predicates;
    const simp_pat *e = parse_or(ps);
    skip_space(ps);
    if (!ps->error && *ps->p) ps->error = "unexpected text after the expression";
    return ps->error ? NULL : e;
}

static bool parse_rule(const simp_rule *r, parsed_rule *out, const char **error) {
    parser ps = {0};
    out->pattern = parse_text(&ps, r->pattern, false);
    unsigned bound = ps.slots;
    if (!ps.error && out->pattern->kind != PAT_NODE) ps.error = "a pattern must be an operator";
    if (!ps.error) {
        ps.slots = 0;
        out->replacement = parse_text(&ps, r->replacement, false);
    }
    if (!ps.error && r->condition) out->condition = parse_text(&ps, r->condition, true);
    if (!ps.error && (ps.slots & ~bound)) ps.error = "names a wildcard its pattern does not bind";
    *error = ps.error;
    return !ps.error;
}

static void parse_all(void) {
    int used = 0;
    for (int set = 0; set < SIMP_RULES_NUM; set++) {
        const simp_rule_set *rs = rule_sets[set];
        if (used + rs->count > MAX_RULES) {
            snprintf(parse_error, sizeof parse_error, "too many rules (raise MAX_RULES)");
            return;
        }
        parsed[set] = &parsed_pool[used];
        used += rs->count;
        for (int i = 0; i < rs->count; i++) {
            const char *error;
            if (!parse_rule(&rs->rules[i], &parsed[set][i], &error)) {
                snprintf(parse_error, sizeof parse_error, "bad %s rule %d {\"%s\", \"%s\"}: %s",
                         rs->name, i, rs->rules[i].pattern, rs->rules[i].replacement, error);
                return;
            }
        }
    }
}

const char *simp_rules_check(void) {
    pthread_once(&once, parse_all);
    return parse_error[0] ? parse_error : NULL;
}

/* ---- Matching -------------------------------------------------------------------------------- */

typedef struct match {
    ir_node *slot[NUM_SLOTS];
    int lanes; /* copies per Ramp/Broadcast in the match; all must agree (0: none yet) */
} match;

static int lanes_factor(const ir_node *n) {
    int inner = n->kids[0]->type.lanes;
    return inner ? n->type.lanes / inner : 0;
}

static bool match_pat(const simp_pat *p, ir_node *n, match *m) {
    switch ((pat_kind)p->kind) {
    case PAT_CONST:
        if (!simp_const_of(n)) return false;
        /* fall through */
    case PAT_WILD:
        if (m->slot[p->slot]) return m->slot[p->slot] == n || ir_equal(m->slot[p->slot], n);
        m->slot[p->slot] = n;
        return true;
    case PAT_LIT: return simp_const_of(n) && ir_is_const_value(n, p->value);
    case PAT_NODE:
        if (n->kind != p->ir_kind || n->nkids != p->nkids) return false;
        if (n->kind == IR_Ramp || n->kind == IR_Broadcast) {
            int f = lanes_factor(n);
            if (m->lanes && m->lanes != f) return false;
            m->lanes = f;
        }
        for (int i = 0; i < p->nkids; i++)
            if (!match_pat(p->kids[i], n->kids[i], m)) return false;
        return true;
    case PAT_IS_CONST:
    case PAT_IS_INT: return false;
    }
    return false;
}

/* ---- Building -------------------------------------------------------------------------------- */

static const hl_type unknown_type = {0, 0, 0};

static bool known(hl_type t) { return t.lanes != 0; }

static ir_node *build(simplifier *s, const match *m, const simp_pat *p, hl_type want);

/* Builds two operands that must share a type; a literal takes the other's type. */
static bool build_pair(simplifier *s, const match *m, const simp_pat *pa, const simp_pat *pb,
                       hl_type want, ir_node **a, ir_node **b) {
    if (pa->kind == PAT_LIT && pb->kind != PAT_LIT) {
        *b = build(s, m, pb, want);
        *a = *b ? build(s, m, pa, (*b)->type) : NULL;
    } else {
        *a = build(s, m, pa, want);
        *b = *a ? build(s, m, pb, known(want) ? want : (*a)->type) : NULL;
    }
    return *a && *b && ir_type_eq((*a)->type, (*b)->type);
}

static ir_node *build_literal(simplifier *s, const simp_pat *p, hl_type want) {
    if (!known(want)) return NULL;
    if (ir_is_bool(want)) return ir_make_bool(s->ctx, p->value != 0, want.lanes);
    if (ir_is_uint(want) && p->value < 0) return NULL;
    if (!ir_is_int(want) && !ir_is_uint(want) && !ir_is_float(want)) return NULL;
    return ir_make_const(s->ctx, want, p->value);
}

static ir_node *build_vector(simplifier *s, const match *m, const simp_pat *p, hl_type want) {
    int lanes = m->lanes;
    hl_type kid_want = unknown_type;
    if (known(want) && lanes > 0 && want.lanes % lanes == 0)
        kid_want = ir_with_lanes(want, want.lanes / lanes);
    ir_node *a, *b = NULL;
    if (p->ir_kind == IR_Ramp) {
        if (!build_pair(s, m, p->kids[0], p->kids[1], kid_want, &a, &b)) return NULL;
    } else if (!(a = build(s, m, p->kids[0], kid_want))) {
        return NULL;
    }
    if (!lanes) {
        if (!known(want) || want.lanes % a->type.lanes) return NULL;
        lanes = want.lanes / a->type.lanes;
    }
    if (lanes < 2) return NULL;
    return p->ir_kind == IR_Ramp ? simp_ramp(s, a, b, lanes, NULL)
                                 : simp_broadcast(s, a, lanes, NULL);
}

static ir_node *build_node(simplifier *s, const match *m, const simp_pat *p, hl_type want) {
    ir_kind k = (ir_kind)p->ir_kind;
    ir_node *a, *b;
    switch (p->ir_kind) {
    case IR_Not:
        a = build(s, m, p->kids[0], want);
        return a && ir_is_bool(a->type) ? simp_not(s, a, NULL) : NULL;
    case IR_Select: {
        ir_node *c = build(s, m, p->kids[0], unknown_type);
        if (!c || !build_pair(s, m, p->kids[1], p->kids[2], want, &a, &b)) return NULL;
        if (!ir_is_bool(c->type) || (c->type.lanes != 1 && c->type.lanes != a->type.lanes))
            return NULL;
        return simp_select(s, c, a, b, NULL);
    }
    case IR_Ramp:
    case IR_Broadcast: return build_vector(s, m, p, want);
    default: break;
    }
    bool compare = k >= IR_EQ && k <= IR_GE;
    if (!build_pair(s, m, p->kids[0], p->kids[1], compare ? unknown_type : want, &a, &b))
        return NULL;
    if ((k == IR_And || k == IR_Or) && !ir_is_bool(a->type)) return NULL;
    ir_node *out;
    switch (simp_fold_binary(s, k, a, b, &out)) {
    case SIMP_FOLD_DONE: return out;
    case SIMP_FOLD_OVERFLOW: return NULL;
    case SIMP_FOLD_NONE: break;
    }
    return simp_binary(s, k, a, b, NULL);
}

static ir_node *build(simplifier *s, const match *m, const simp_pat *p, hl_type want) {
    switch ((pat_kind)p->kind) {
    case PAT_WILD:
    case PAT_CONST: return m->slot[p->slot];
    case PAT_LIT: return build_literal(s, p, want);
    case PAT_IS_CONST: return ir_make_bool(s->ctx, simp_const_of(m->slot[p->slot]) != NULL, 1);
    case PAT_IS_INT: {
        hl_type t = m->slot[p->slot]->type;
        return ir_make_bool(s->ctx, ir_is_int(t) || ir_is_uint(t), 1);
    }
    case PAT_NODE: return build_node(s, m, p, want);
    }
    return NULL;
}

/* ---- Applying a table -------------------------------------------------------------------------- */

static void trace_rule(simplifier *s, const simp_rule_set *rs, const simp_rule *r,
                       ir_node *result) {
    fprintf(stderr, "simplify: %s rule {\"%s\", \"%s\"} gives ", rs->name, r->pattern,
            r->replacement);
    hl_debug_print(result);
    (void)s;
}

ir_node *simp_rewrite(simplifier *s, simp_rule_set_id set, ir_kind kind, int nkids,
                      ir_node *const *kids, hl_type type, hl_type class_type) {
    const char *error = simp_rules_check();
    if (error) internal_error(s->ctx, "%s", error);
    unsigned cls = simp_type_class(class_type);
    const simp_rule_set *rs = rule_sets[set];
    int root_lanes = kind == IR_Ramp || kind == IR_Broadcast ? type.lanes / kids[0]->type.lanes : 0;
    ir_node *result = NULL;
    ctx_enter(s->ctx);
    for (int i = 0; i < rs->count && !result; i++) {
        const parsed_rule *pr = &parsed[set][i];
        const simp_pat *p = pr->pattern;
        if (!(rs->rules[i].types & cls) || p->ir_kind != kind || p->nkids != nkids) continue;
        match m;
        memset(&m, 0, sizeof m);
        m.lanes = root_lanes;
        bool matched = true;
        for (int k = 0; k < nkids && matched; k++) matched = match_pat(p->kids[k], kids[k], &m);
        if (!matched) continue;
        if (pr->condition && !simp_is_true(build(s, &m, pr->condition, unknown_type))) continue;
        ir_node *r = build(s, &m, pr->replacement, type);
        if (!r || !ir_type_eq(r->type, type)) continue;
        if (s->trace) trace_rule(s, rs, &rs->rules[i], r);
        result = r;
    }
    ctx_leave(s->ctx);
    return result;
}
