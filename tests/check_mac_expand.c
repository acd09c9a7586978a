/*++
/* NAME
/*	check_mac_expand 1
/* SUMMARY
/*	mac_expand(3) unit tests
/* SYNOPSIS
/*	./check_mac_expand
/* DESCRIPTION
/*	Table-driven tests of $name expansion as in main.cf: $name,
/*	${name} and $(name) with a name that is set, empty or undefined;
/*	the conditionals ${name?text}, ${name:text}, their braced forms
/*	with white space, ${name?{a}:{b}}; $$; nested and recursive
/*	expansion; the syntax errors (a missing brace or parenthesis, a
/*	"$" at the end, a "$" before an invalid character, an empty name,
/*	an unexpected character after a name) with their explanation;
/*	and self references, which end in MAC_EXPAND_LOOP instead of
/*	endless recursion.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <stdio.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <mac_expand.h>

/* Test library. */

#include "testlib.h"

 /*
  * Variables of one case: name, value pairs, ended by a null name. A name
  * that is not listed is undefined.
  */
#define MAX_VARS	8

typedef struct VARS {
    const char *pairs[2 * MAX_VARS + 1];
} VARS;

#define NO_VARS		{{0}}
#define A_SET		{{"a", "x", 0}}
#define A_EMPTY		{{"a", "", 0}}
#define A_UNDEF		{{"other", "x", 0}}

/* vars_lookup - mac_expand() callback over a VARS list */

static const char *vars_lookup(const char *name, void *context)
{
    const VARS *vars = (const VARS *) context;
    int     i;

    for (i = 0; vars->pairs[i] != 0; i += 2)
	if (strcmp(vars->pairs[i], name) == 0)
	    return (vars->pairs[i + 1]);
    return (0);
}

/* status_name - printable mac_expand() result */

static const char *status_name(int status)
{
    switch (status) {
    case MAC_EXPAND_OK:
	return ("OK");
    case MAC_EXPAND_SYNTAX:
	return ("SYNTAX");
    case MAC_EXPAND_LOOP:
	return ("LOOP");
    default:
	return ("unknown");
    }
}

 /*
  * Successful expansions.
  */
typedef struct EXPAND_CASE {
    const char *label;
    VARS    vars;
    const char *pattern;
    const char *want;
} EXPAND_CASE;

static EXPAND_CASE expand_cases[] = {
    /* Plain references. */
    {"$a set", A_SET, "$a", "x"},
    {"$a empty", A_EMPTY, "$a", ""},
    {"$a undefined", A_UNDEF, "$a", ""},
    {"${a} set", A_SET, "${a}", "x"},
    {"${a} empty", A_EMPTY, "${a}", ""},
    {"${a} undefined", A_UNDEF, "${a}", ""},
    {"$(a) set", A_SET, "$(a)", "x"},
    {"$(a) empty", A_EMPTY, "$(a)", ""},
    {"$(a) undefined", A_UNDEF, "$(a)", ""},
    {"text around", A_SET, "pre-$a-post", "pre-x-post"},
    {"braces join", A_SET, "${a}y", "xy"},
    {"name ends at dot", A_SET, "$a.b", "x.b"},
    {"underscore in name", {{"a_b", "u", "a", "x", 0}}, "$a_b", "u"},
    {"digits in name", {{"a1", "one", 0}}, "$a1/${a1}", "one/one"},
    {"undefined in the middle", NO_VARS, "x${nope}y", "xy"},
    {"no references", NO_VARS, "plain text, {braces} (parens)", "plain text, {braces} (parens)"},
    {"empty pattern", NO_VARS, "", ""},
    /* ${a?x} */
    {"${a?x} set", A_SET, "${a?x}", "x"},
    {"${a?x} empty", A_EMPTY, "${a?yes}", ""},
    {"${a?x} undefined", A_UNDEF, "${a?yes}", ""},
    /* ${a:x} */
    {"${a:x} set", A_SET, "${a:no}", ""},
    {"${a:x} empty", A_EMPTY, "${a:no}", "no"},
    {"${a:x} undefined", A_UNDEF, "${a:no}", "no"},
    /* Braced text with white space. */
    {"${a?{x y}} set", A_SET, "${a?{x y}}", "x y"},
    {"${a?{x y}} empty", A_EMPTY, "${a?{x y}}", ""},
    {"${a?{x y}} undefined", A_UNDEF, "${a?{x y}}", ""},
    {"${a:{x y}} set", A_SET, "${a:{x y}}", ""},
    {"${a:{x y}} empty", A_EMPTY, "${a:{x y}}", "x y"},
    {"${a:{x y}} undefined", A_UNDEF, "${a:{x y}}", "x y"},
    {"blanks around braces", A_SET, "${a? {x y} }", "x y"},
    {"inner braces kept", A_SET, "${a?{{x}}}", "{x}"},
    /* ${a?{yes}:{no}} */
    {"?{yes}:{no} set", A_SET, "${a?{yes}:{no}}", "yes"},
    {"?{yes}:{no} empty", A_EMPTY, "${a?{yes}:{no}}", "no"},
    {"?{yes}:{no} undefined", A_UNDEF, "${a?{yes}:{no}}", "no"},
    {"?{..}:{..} with spaces", A_EMPTY, "${a?{y e s}:{n o}}", "n o"},
    {"syslog_name default set", {{"multi_instance_name", "pf-out", 0}},
    "${multi_instance_name?{$multi_instance_name}:{postfix}}", "pf-out"},
    {"syslog_name default unset", NO_VARS,
    "${multi_instance_name?{$multi_instance_name}:{postfix}}", "postfix"},
    /* $$ */
    {"$$", NO_VARS, "$$", "$"},
    {"$$a is literal", A_SET, "$$a", "$a"},
    {"a$$b", NO_VARS, "a$$b", "a$b"},
    {"$$$a", A_SET, "$$$a", "$x"},
    {"$$ in a value", {{"a", "p$$q", 0}}, "$a", "p$q"},
    /* Nested. */
    {"${a?$b} set", {{"a", "1", "b", "y", 0}}, "${a?$b}", "y"},
    {"${a?$b} empty", {{"a", "", "b", "y", 0}}, "${a?$b}", ""},
    {"${a:$b} undefined", {{"b", "y", 0}}, "${a:$b}", "y"},
    {"${a?{$b}:{$c}}", {{"b", "B", "c", "C", 0}}, "${a?{$b}:{$c}}", "C"},
    {"conditional inside conditional", {{"a", "1", "b", "2", 0}},
    "${a?{${b?{both}}}}", "both"},
    {"bad text not evaluated", A_EMPTY, "${a?$%}", ""},
    {"bad else text not evaluated", A_SET, "${a?{x}:{$%}}", "x"},
    {"bad then text not evaluated", A_EMPTY, "${a?{$%}:{y}}", "y"},
    /* Recursive values. */
    {"a = $b, b = c", {{"a", "$b", "b", "c", 0}}, "$a", "c"},
    {"a = $b, b = c braced", {{"a", "$b", "b", "c", 0}}, "[${a}]", "[c]"},
    {"three levels", {{"a", "$b", "b", "${c}", "c", "$(d)", "d", "end", 0}},
    "$a", "end"},
    {"recursion in text", {{"a", "1", "b", "$c", "c", "deep", 0}},
    "${a?{<$b>}}", "<deep>"},
    {"same name twice", A_SET, "$a$a${a}", "xxx"},
};

#define NEXPAND	(sizeof(expand_cases) / sizeof(expand_cases[0]))

/* test_expand - successful expansions */

START_TEST(test_expand)
{
    EXPAND_CASE *tp = expand_cases + _i;
    VSTRING *result = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);
    int     status;

    status = mac_expand(result, tp->pattern, vars_lookup,
			(void *) &tp->vars, why);
    ck_assert_msg(status == MAC_EXPAND_OK,
		  "%s: \"%s\": got %s (%s), want OK", tp->label,
		  tp->pattern, status_name(status), vstring_str(why));
    ck_assert_msg(strcmp(vstring_str(result), tp->want) == 0,
		  "%s: \"%s\": got \"%s\", want \"%s\"", tp->label,
		  tp->pattern, vstring_str(result), tp->want);
    vstring_free(result);
    vstring_free(why);
}

END_TEST

 /*
  * Errors: the status and a text that the explanation must contain.
  */
typedef struct ERROR_CASE {
    const char *label;
    VARS    vars;
    const char *pattern;
    int     want_status;
    const char *want_why;
} ERROR_CASE;

static ERROR_CASE error_cases[] = {
    {"${a missing brace", A_SET, "${a", MAC_EXPAND_SYNTAX, "missing '}'"},
    {"${a?{x} missing outer brace", A_SET, "${a?{x}", MAC_EXPAND_SYNTAX,
    "missing '}'"},
    {"$(a missing paren", A_SET, "$(a", MAC_EXPAND_SYNTAX, "missing ')'"},
    {"$ at end", NO_VARS, "$", MAC_EXPAND_SYNTAX, "\"$\" at end of text"},
    {"$ at end after text", A_SET, "x$a$", MAC_EXPAND_SYNTAX,
    "\"$\" at end of text"},
    {"$%", NO_VARS, "$%", MAC_EXPAND_SYNTAX,
    "invalid character '%' after \"$\""},
    {"$ space", NO_VARS, "a $ b", MAC_EXPAND_SYNTAX,
    "invalid character ' ' after \"$\""},
    {"${}", NO_VARS, "${}", MAC_EXPAND_SYNTAX,
    "empty or invalid parameter name in \"${}\""},
    {"$()", NO_VARS, "$()", MAC_EXPAND_SYNTAX,
    "empty or invalid parameter name"},
    {"${?x}", A_SET, "${?x}", MAC_EXPAND_SYNTAX,
    "empty or invalid parameter name"},
    {"${a b}", A_SET, "${a b}", MAC_EXPAND_SYNTAX,
    "unexpected ' ' after parameter name \"a\""},
    {"$(a?x)", A_SET, "$(a?x)", MAC_EXPAND_SYNTAX,
    "unexpected '?' after parameter name \"a\""},
    {"error in a value", {{"a", "v$", 0}}, "$a", MAC_EXPAND_SYNTAX,
    "\"$\" at end of text"},
    {"error in conditional text", A_SET, "${a?$%}", MAC_EXPAND_SYNTAX,
    "invalid character '%'"},
    {"error in else text", A_EMPTY, "${a?{x}:{$%}}", MAC_EXPAND_SYNTAX,
    "invalid character '%'"},
    {"a = $a", {{"a", "$a", 0}}, "$a", MAC_EXPAND_LOOP,
    "unreasonable macro call nesting"},
    {"a = ${a}", {{"a", "<${a}>", 0}}, "${a}", MAC_EXPAND_LOOP,
    "refers to itself"},
    {"a = $b, b = $a", {{"a", "$b", "b", "$a", 0}}, "x$a", MAC_EXPAND_LOOP,
    "unreasonable macro call nesting"},
    {"loop in conditional", {{"a", "${a?$a}", 0}}, "$a", MAC_EXPAND_LOOP,
    "unreasonable macro call nesting"},
};

#define NERROR	(sizeof(error_cases) / sizeof(error_cases[0]))

/* test_error - syntax errors and loops */

START_TEST(test_error)
{
    ERROR_CASE *tp = error_cases + _i;
    VSTRING *result = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);
    int     status;

    status = mac_expand(result, tp->pattern, vars_lookup,
			(void *) &tp->vars, why);
    ck_assert_msg(status == tp->want_status,
		  "%s: \"%s\": got %s, want %s", tp->label, tp->pattern,
		  status_name(status), status_name(tp->want_status));
    ck_assert_msg(strstr(vstring_str(why), tp->want_why) != 0,
		  "%s: \"%s\": got why \"%s\", want text with \"%s\"",
		  tp->label, tp->pattern, vstring_str(why), tp->want_why);
    vstring_free(result);
    vstring_free(why);
}

END_TEST

/* test_append - the result is appended to, not replaced */

START_TEST(test_append)
{
    VARS    vars = A_SET;
    VSTRING *result = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);

    vstring_strcpy(result, "keep:");
    ck_assert_int_eq(mac_expand(result, "$a", vars_lookup, (void *) &vars,
				why), MAC_EXPAND_OK);
    ck_assert_str_eq(vstring_str(result), "keep:x");
    ck_assert_int_eq(mac_expand(result, "${a?{+}}", vars_lookup,
				(void *) &vars, why), MAC_EXPAND_OK);
    ck_assert_str_eq(vstring_str(result), "keep:x+");
    ck_assert_uint_eq(VSTRING_LEN(result), strlen("keep:x+"));
    vstring_free(result);
    vstring_free(why);
}

END_TEST

 /*
  * A chain of names n0 ... nN, where nK = $n(K-1) and n0 = "end", to
  * check that deep but finite nesting works and that too deep nesting
  * is a loop.
  */
#define CHAIN_MAX	200

typedef struct CHAIN {
    char   *values[CHAIN_MAX + 1];
} CHAIN;

/* chain_lookup - mac_expand() callback over a CHAIN */

static const char *chain_lookup(const char *name, void *context)
{
    CHAIN  *chain = (CHAIN *) context;
    int     n;

    if (sscanf(name, "n%d", &n) != 1 || n < 0 || n > CHAIN_MAX)
	return (0);
    return (chain->values[n]);
}

/* chain_create - fill the chain */

static CHAIN *chain_create(void)
{
    CHAIN  *chain = (CHAIN *) mymalloc(sizeof(*chain));
    VSTRING *buf = vstring_alloc(10);
    int     n;

    chain->values[0] = mystrdup("end");
    for (n = 1; n <= CHAIN_MAX; n++) {
	vstring_sprintf(buf, "$n%d", n - 1);
	chain->values[n] = mystrdup(vstring_str(buf));
    }
    vstring_free(buf);
    return (chain);
}

/* chain_free - destroy the chain */

static void chain_free(CHAIN *chain)
{
    int     n;

    for (n = 0; n <= CHAIN_MAX; n++)
	myfree(chain->values[n]);
    myfree((void *) chain);
}

static const struct {
    int     length;
    int     want_status;
} chain_cases[] = {
    {1, MAC_EXPAND_OK},
    {50, MAC_EXPAND_OK},
    {90, MAC_EXPAND_OK},
    {150, MAC_EXPAND_LOOP},
    {CHAIN_MAX, MAC_EXPAND_LOOP},
};

#define NCHAIN	(sizeof(chain_cases) / sizeof(chain_cases[0]))

/* test_chain - nesting depth */

START_TEST(test_chain)
{
    CHAIN  *chain = chain_create();
    VSTRING *result = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);
    char    pattern[32];
    int     status;

    snprintf(pattern, sizeof(pattern), "$n%d", chain_cases[_i].length);
    status = mac_expand(result, pattern, chain_lookup, (void *) chain, why);
    ck_assert_msg(status == chain_cases[_i].want_status,
		  "chain of %d: got %s (%s), want %s",
		  chain_cases[_i].length, status_name(status),
		  vstring_str(why), status_name(chain_cases[_i].want_status));
    if (status == MAC_EXPAND_OK)
	ck_assert_str_eq(vstring_str(result), "end");
    else
	ck_assert_msg(strstr(vstring_str(why), "nesting") != 0,
		      "chain of %d: why \"%s\"", chain_cases[_i].length,
		      vstring_str(why));
    vstring_free(result);
    vstring_free(why);
    chain_free(chain);
}

END_TEST

/* test_loop_then_ok - the depth counter recovers after a loop */

START_TEST(test_loop_then_ok)
{
    VARS    loop = {{"a", "$a", 0}};
    VARS    fine = {{"a", "$b", "b", "ok", 0}};
    VSTRING *result = vstring_alloc(10);
    VSTRING *why = vstring_alloc(10);

    ck_assert_int_eq(mac_expand(result, "$a", vars_lookup, (void *) &loop,
				why), MAC_EXPAND_LOOP);
    VSTRING_RESET(result);
    VSTRING_TERMINATE(result);
    ck_assert_int_eq(mac_expand(result, "$a", vars_lookup, (void *) &fine,
				why), MAC_EXPAND_OK);
    ck_assert_str_eq(vstring_str(result), "ok");
    vstring_free(result);
    vstring_free(why);
}

END_TEST

/* mac_expand_suite - build the suite */

static Suite *mac_expand_suite(void)
{
    Suite  *s = suite_create("mac_expand");
    TCase  *tc;

    tc = tcase_create("expand");
    tcase_add_loop_test(tc, test_expand, 0, NEXPAND);
    tcase_add_test(tc, test_append);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_error, 0, NERROR);
    tcase_add_loop_test(tc, test_chain, 0, NCHAIN);
    tcase_add_test(tc, test_loop_then_ok);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite */

int     main(void)
{
    return (test_run_suite(mac_expand_suite()));
}
