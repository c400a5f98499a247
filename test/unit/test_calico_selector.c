/* Calico selector grammar (DESIGN §4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/selector.h"
#include "analyzer_fixtures.h"

static struct np_model model;
static struct np_labels web; /* app=web, tier=frontend, role=db-primary */
static struct np_labels bare;

static int setup(void **state)
{
	(void)state;
	np_model_init(&model);
	fx_labels(&model, &web, "app=web,tier=frontend,role=db-primary");
	fx_labels(&model, &bare, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	np_model_release(&model);
	return 0;
}

static int ev(const char *e, const struct np_labels *l)
{
	return np_calico_selector_eval(e, l);
}

static void test_all_and_empty_match_everything(void **state)
{
	(void)state;
	assert_int_equal(ev("all()", &bare), 1);
	assert_int_equal(ev("", &bare), 1);
	assert_int_equal(ev("   ", &web), 1);
	assert_int_equal(ev(NULL, &web), 1);
}

static void test_global_matches_no_pod(void **state)
{
	(void)state;
	assert_int_equal(ev("global()", &web), 0);
}

static void test_has(void **state)
{
	(void)state;
	assert_int_equal(ev("has(app)", &web), 1);
	assert_int_equal(ev("has(app)", &bare), 0);
	assert_int_equal(ev("!has(app)", &bare), 1);
}

static void test_equal_single_and_double_quotes(void **state)
{
	(void)state;
	assert_int_equal(ev("app == 'web'", &web), 1);
	assert_int_equal(ev("app == \"web\"", &web), 1);
	assert_int_equal(ev("app == 'api'", &web), 0);
	assert_int_equal(ev("app == 'web'", &bare), 0);
}

static void test_not_equal_matches_absent_label(void **state)
{
	(void)state;
	assert_int_equal(ev("app != 'api'", &web), 1);
	assert_int_equal(ev("app != 'web'", &web), 0);
	assert_int_equal(ev("app != 'web'", &bare), 1);
}

static void test_in_and_not_in(void **state)
{
	(void)state;
	assert_int_equal(ev("tier in {'backend', 'frontend'}", &web), 1);
	assert_int_equal(ev("tier in {'backend'}", &web), 0);
	assert_int_equal(ev("tier in {'frontend'}", &bare), 0);
	assert_int_equal(ev("tier not in {'backend'}", &web), 1);
	assert_int_equal(ev("tier not in {'frontend'}", &web), 0);
	assert_int_equal(ev("tier not in {'frontend'}", &bare), 1);
	assert_int_equal(ev("tier in {}", &web), 0);
}

static void test_string_operators(void **state)
{
	(void)state;
	assert_int_equal(ev("role contains 'primary'", &web), 1);
	assert_int_equal(ev("role contains 'replica'", &web), 0);
	assert_int_equal(ev("role starts with 'db-'", &web), 1);
	assert_int_equal(ev("role starts with 'web'", &web), 0);
	assert_int_equal(ev("role ends with 'primary'", &web), 1);
	assert_int_equal(ev("role ends with 'db'", &web), 0);
	assert_int_equal(ev("role contains 'x'", &bare), 0);
}

static void test_boolean_operators_and_precedence(void **state)
{
	(void)state;
	assert_int_equal(ev("app == 'web' && tier == 'frontend'", &web), 1);
	assert_int_equal(ev("app == 'web' && tier == 'backend'", &web), 0);
	assert_int_equal(ev("app == 'api' || tier == 'frontend'", &web), 1);
	/* && binds tighter than ||. */
	assert_int_equal(ev("app == 'api' && has(x) || has(tier)", &web), 1);
	assert_int_equal(ev("app == 'api' && (has(x) || has(tier))", &web), 0);
	assert_int_equal(ev("!(app == 'web')", &web), 0);
	assert_int_equal(ev("!!has(app)", &web), 1);
}

static void test_syntax_errors_are_unevaluable(void **state)
{
	static const char *const bad[] = {
		"app = 'web'", "app == web", "has(app", "(has(app)", "has(app))", "app ==",
		"app in {'a'", "app in {'a' 'b'}", "&& has(a)", "has(a) ||", "all(", "app 'x'",
		"app not {'a'}", "app starts 'a'", "app == 'unterminated",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ev(bad[i], &web), -1);
}

static void test_error_after_deciding_prefix_is_still_an_error(void **state)
{
	(void)state;
	/* The left side decides ||, but the right side does not parse. */
	assert_int_equal(ev("has(app) || app ==", &web), -1);
	assert_int_equal(ev("has(zzz) && (", &web), -1);
}

static void test_deep_nesting_is_bounded(void **state)
{
	char buf[2048];
	size_t i, n = 600;

	(void)state;
	for (i = 0; i < n; i++)
		buf[i] = '(';
	strcpy(buf + n, "all()");
	for (i = 0; i < n; i++)
		buf[n + 5 + i] = ')';
	buf[2 * n + 5] = '\0';
	assert_int_equal(ev(buf, &web), -1);
	memset(buf, '!', 1000);
	strcpy(buf + 1000, "all()");
	assert_int_equal(ev(buf, &web), -1);
}

static void test_keywords_do_not_swallow_keys(void **state)
{
	struct np_labels l;

	(void)state;
	fx_labels(&model, &l, "allow=yes,index=1,hasx=1");
	assert_int_equal(ev("allow == 'yes'", &l), 1);
	assert_int_equal(ev("index == '1'", &l), 1);
	assert_int_equal(ev("has(hasx)", &l), 1);
}

static void test_uses_only(void **state)
{
	(void)state;
	assert_true(np_calico_selector_uses_only("all()", "kubernetes.io/metadata.name"));
	assert_true(np_calico_selector_uses_only(
		"kubernetes.io/metadata.name == 'a' || kubernetes.io/metadata.name in {'b'}",
		"kubernetes.io/metadata.name"));
	assert_false(np_calico_selector_uses_only("team == 'a'", "kubernetes.io/metadata.name"));
	assert_false(np_calico_selector_uses_only("has(team)", "kubernetes.io/metadata.name"));
	assert_false(np_calico_selector_uses_only("team ==", "kubernetes.io/metadata.name"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_and_empty_match_everything),
		cmocka_unit_test(test_global_matches_no_pod),
		cmocka_unit_test(test_has),
		cmocka_unit_test(test_equal_single_and_double_quotes),
		cmocka_unit_test(test_not_equal_matches_absent_label),
		cmocka_unit_test(test_in_and_not_in),
		cmocka_unit_test(test_string_operators),
		cmocka_unit_test(test_boolean_operators_and_precedence),
		cmocka_unit_test(test_syntax_errors_are_unevaluable),
		cmocka_unit_test(test_error_after_deciding_prefix_is_still_an_error),
		cmocka_unit_test(test_deep_nesting_is_bounded),
		cmocka_unit_test(test_keywords_do_not_swallow_keys),
		cmocka_unit_test(test_uses_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
