/*
 * Unit tests of src/screen: the rule engine, each framework's rule on
 * hand-made cases (expected verdicts worked out by hand from the rules in
 * frameworks.md and issue 3, not copied from the program's output), the
 * invariants (sector never matters for adults, unknown is never read as
 * no, every indicator in an output exists in its file), the loaders'
 * validation errors, and the case readers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <duress/csv.h>
#include <duress/screen.h>
#include "screen/screen_internal.h"
#include "test_util.h"

#define FW_DIR DUR_SOURCE_DIR "/frameworks"

static dur_framework_set *SET;   /* loaded once by main() */

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

/*
 * A case: `base` 'n' answers every question no, 'u' leaves all unknown;
 * then `spec` is "fact=yes fact=no ..." and `age` as given.
 */
static dur_screen_case *mk(const char *age, char base, const char *spec)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_screen_case *c = dur_screen_case_alloc(SET);
	char buf[4096], *tok, *save = NULL;

	assert_non_null(c);
	for (size_t f = 0; base == 'n' && f < SET->nfacts; f++)
		assert_int_equal(dur_screen_case_set_fact(c, scr_fact_name(SET, (int)f),
							  DUR_SCREEN_NO, &e), DUR_OK);
	if (dur_screen_case_set_age(c, age, &e) != DUR_OK)
		fail_msg("age: %s", e.msg);
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');
		enum dur_screen_answer a;
		assert_non_null(eq);
		*eq = '\0';
		a = strcmp(eq + 1, "yes") == 0 ? DUR_SCREEN_YES
		    : strcmp(eq + 1, "no") == 0 ? DUR_SCREEN_NO : DUR_SCREEN_UNKNOWN;
		if (dur_screen_case_set_fact(c, tok, a, &e) != DUR_OK)
			fail_msg("%s", e.msg);
	}
	return c;
}

static dur_screen_result *run(const dur_screen_case *c, const char *fw)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_screen_result *r = NULL;
	const char *ids[1] = { fw };
	if (dur_screen_evaluate(SET, c, ids, fw ? 1 : 0, &r, &e) != DUR_OK)
		fail_msg("evaluate: %s", e.msg);
	return r;
}

/* Screen with one framework; check the verdict; return the outcome's result. */
static enum dur_screen_verdict verdict_of(const char *fw, const char *age, char base,
					  const char *spec)
{
	dur_screen_case *c = mk(age, base, spec);
	dur_screen_result *r = run(c, fw);
	enum dur_screen_verdict v = dur_screen_result_outcome(r, 0)->verdict;
	dur_screen_result_free(r);
	dur_screen_case_free(c);
	return v;
}

#define assert_verdict(fw, age, base, spec, want) do { \
	enum dur_screen_verdict got_ = verdict_of(fw, age, base, spec); \
	if (got_ != (want)) \
		fail_msg("%s age=%s base=%c {%s}: %s, expected %s", fw, age, base, spec, \
			 dur_screen_verdict_name(got_), dur_screen_verdict_name(want)); \
} while (0)

static int has_change(const struct dur_screen_outcome *o, const char *fact)
{
	for (size_t i = 0; i < o->nchange; i++)
		if (strcmp(o->would_change_if[i], fact) == 0)
			return 1;
	return 0;
}

static int has_finding(const struct dur_screen_outcome *o, const char *id, const char *fact)
{
	for (size_t i = 0; i < o->nfindings; i++)
		if (strcmp(o->findings[i].indicator, id) == 0 &&
		    (!fact || strcmp(o->findings[i].fact, fact) == 0))
			return 1;
	return 0;
}

static enum dur_screen_answer element(const struct dur_screen_outcome *o, const char *id)
{
	for (size_t i = 0; i < o->nelements; i++)
		if (strcmp(o->elements[i].id, id) == 0)
			return o->elements[i].status;
	fail_msg("no element %s", id);
	return DUR_SCREEN_UNKNOWN;
}

static const char *const SEVEN[] = { "threats_to_person", "threats_to_family",
				     "documents_taken", "debt_bondage", "wages_withheld",
				     "physical_violence", "sexual_violence" };

static int fact_of(const char *id)
{
	for (size_t f = 0; f < SET->nfacts; f++)
		if (strcmp(scr_fact_name(SET, (int)f), id) == 0)
			return (int)f;
	fail_msg("no fact %s", id);
	return -1;
}

/*
 * Property tests run fewer cases under valgrind, which checks memory, not
 * the breadth of the property (valgrind preloads its vgpreload library).
 */
static int iterations(int n)
{
	const char *p = getenv("LD_PRELOAD");
	if (p && strstr(p, "vgpreload"))
		return n / 10 > 2 ? n / 10 : 2;
	return n;
}

/* A tiny xorshift RNG, seeded, so that property tests are reproducible. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ------------------------------------------------------------------ */
/* coercion (issue 3, deliver 1)                                       */
/* ------------------------------------------------------------------ */

static void test_screen_coercion_rule(void **state)
{
	(void)state;
	/* any of the seven is yes -> indicated, for any age */
	for (size_t i = 0; i < 7; i++) {
		char spec[64];
		snprintf(spec, sizeof(spec), "%s=yes", SEVEN[i]);
		assert_verdict("coercion", "30", 'u', spec, DUR_SCREEN_INDICATED);
		assert_verdict("coercion", "unknown", 'n', spec, DUR_SCREEN_INDICATED);
		assert_verdict("coercion", "minor", 'n', spec, DUR_SCREEN_INDICATED);
	}
	/* all seven no and the minors rule cannot apply -> not indicated */
	assert_verdict("coercion", "30", 'n', "", DUR_SCREEN_NOT_INDICATED);
	assert_verdict("coercion", "adult", 'n', "commercial_sex=yes", DUR_SCREEN_NOT_INDICATED);
	assert_verdict("coercion", "18", 'n', "commercial_sex=yes", DUR_SCREEN_NOT_INDICATED);
	assert_verdict("coercion", "minor", 'n', "commercial_sex=no", DUR_SCREEN_NOT_INDICATED);
	assert_verdict("coercion", "unknown", 'n', "commercial_sex=no", DUR_SCREEN_NOT_INDICATED);
	/* a child in commercial sex, no coercive measure needed */
	assert_verdict("coercion", "16", 'n', "commercial_sex=yes", DUR_SCREEN_INDICATED);
	assert_verdict("coercion", "17.9", 'n', "commercial_sex=yes", DUR_SCREEN_INDICATED);
	assert_verdict("coercion", "minor", 'u', "commercial_sex=yes", DUR_SCREEN_INDICATED);
	/* otherwise: not enough information */
	assert_verdict("coercion", "30", 'u', "", DUR_SCREEN_INSUFFICIENT);
	assert_verdict("coercion", "30", 'n', "wages_withheld=unknown", DUR_SCREEN_INSUFFICIENT);
	assert_verdict("coercion", "minor", 'n', "commercial_sex=unknown", DUR_SCREEN_INSUFFICIENT);
	assert_verdict("coercion", "unknown", 'n', "commercial_sex=yes", DUR_SCREEN_INSUFFICIENT);
}

static void test_screen_coercion_reasons(void **state)
{
	dur_screen_case *c;
	dur_screen_result *r;
	const struct dur_screen_outcome *o;
	(void)state;

	/* an adult, nothing known: the seven facts could change it, commercial sex cannot */
	c = mk("30", 'u', "");
	r = run(c, "coercion");
	o = dur_screen_result_outcome(r, 0);
	assert_int_equal(o->verdict, DUR_SCREEN_INSUFFICIENT);
	assert_int_equal(o->nchange, 7);
	for (size_t i = 0; i < 7; i++)
		assert_true(has_change(o, SEVEN[i]));
	assert_false(has_change(o, "commercial_sex"));
	assert_false(has_change(o, "age"));
	assert_int_equal(o->nfindings, 0);
	dur_screen_result_free(r);
	dur_screen_case_free(c);

	/* documents taken: indicated, found with the fact that triggered it */
	c = mk("24", 'u', "documents_taken=yes");
	r = run(c, "coercion");
	o = dur_screen_result_outcome(r, 0);
	assert_int_equal(o->verdict, DUR_SCREEN_INDICATED);
	assert_int_equal(o->nfindings, 1);
	assert_string_equal(o->findings[0].indicator, "coercion.documents_taken");
	assert_string_equal(o->findings[0].fact, "documents_taken");
	assert_null(o->findings[0].only_if);
	assert_int_equal(o->nchange, 0);   /* a definite verdict: nothing can change it */
	assert_true(o->nreasons >= 2);
	dur_screen_result_free(r);
	dur_screen_case_free(c);

	/* seven no, age unknown, commercial sex unknown: both could change it */
	c = mk("unknown", 'n', "commercial_sex=unknown");
	r = run(c, "coercion");
	o = dur_screen_result_outcome(r, 0);
	assert_int_equal(o->verdict, DUR_SCREEN_INSUFFICIENT);
	assert_int_equal(o->nchange, 2);
	assert_true(has_change(o, "commercial_sex"));
	assert_true(has_change(o, "age"));
	dur_screen_result_free(r);
	dur_screen_case_free(c);

	/* seven no, a child in commercial sex */
	c = mk("15", 'n', "commercial_sex=yes");
	r = run(c, "coercion");
	o = dur_screen_result_outcome(r, 0);
	assert_true(has_finding(o, "coercion.minor_in_commercial_sex", "commercial_sex"));
	dur_screen_result_free(r);
	dur_screen_case_free(c);
}

/* ------------------------------------------------------------------ */
/* ILO 2009 (frameworks.md 1.2, 1.3)                                   */
/* ------------------------------------------------------------------ */

static enum dur_screen_answer ilo_dim(const char *age, const char *spec, const char *dim)
{
	dur_screen_case *c = mk(age, 'n', spec);
	dur_screen_result *r = run(c, "ilo2009");
	enum dur_screen_answer a = element(dur_screen_result_outcome(r, 0), dim);
	dur_screen_result_free(r);
	dur_screen_case_free(c);
	return a;
}

static void test_screen_ilo_dimension_rule(void **state)
{
	const char *cad = "coercion_at_destination";
	(void)state;
	/* adult list, coercion at destination: documents and debt are strong,
	 * forced_to_lie / threat_worse_conditions / forced_tasks medium,
	 * threat of exposure weak (frameworks.md 1.3) */
	assert_int_equal(ilo_dim("30", "", cad), DUR_SCREEN_NO);
	/* one strong alone is NOT enough */
	assert_int_equal(ilo_dim("30", "happened_at_work=yes documents_taken=yes", cad),
			 DUR_SCREEN_NO);
	/* >= 2 strong */
	assert_int_equal(ilo_dim("30", "happened_at_work=yes documents_taken=yes debt_bondage=yes",
				 cad), DUR_SCREEN_YES);
	/* 1 strong + 1 weak */
	assert_int_equal(ilo_dim("30", "happened_at_work=yes documents_taken=yes "
				 "threatened_with_exposure=yes", cad), DUR_SCREEN_YES);
	/* 1 strong + 1 medium */
	assert_int_equal(ilo_dim("30", "happened_at_work=yes documents_taken=yes forced_to_lie=yes",
				 cad), DUR_SCREEN_YES);
	/* 2 medium alone: no */
	assert_int_equal(ilo_dim("30", "forced_to_lie=yes threat_worse_conditions=yes", cad),
			 DUR_SCREEN_NO);
	/* 2 medium + 1 weak */
	assert_int_equal(ilo_dim("30", "happened_at_work=yes forced_to_lie=yes "
				 "threat_worse_conditions=yes threatened_with_exposure=yes", cad),
			 DUR_SCREEN_YES);
	/* 3 medium */
	assert_int_equal(ilo_dim("30", "forced_to_lie=yes threat_worse_conditions=yes "
				 "forced_tasks_or_clients=yes", cad), DUR_SCREEN_YES);
	/* weak only: no (abuse of vulnerability at destination: past hardship and
	 * personal characteristics are weak for adults) */
	assert_int_equal(ilo_dim("30", "employer_used_past_hardship=yes "
				 "employer_used_personal_characteristics=yes",
				 "abuse_of_vulnerability_at_destination"), DUR_SCREEN_NO);
	/* ... but medium for children: 2 medium, not enough either; 3 medium yes */
	assert_int_equal(ilo_dim("15", "employer_used_past_hardship=yes "
				 "employer_used_personal_characteristics=yes "
				 "dependency_on_exploiters=yes",
				 "abuse_of_vulnerability_at_destination"), DUR_SCREEN_YES);
	/* the child list grades threats and abduction strong; the adult list medium */
	assert_int_equal(ilo_dim("15", "happened_during_recruitment=yes threats_to_person=yes "
				 "abducted_or_sold=yes", "coercive_recruitment"), DUR_SCREEN_YES);
	assert_int_equal(ilo_dim("30", "happened_during_recruitment=yes threats_to_person=yes "
				 "abducted_or_sold=yes", "coercive_recruitment"), DUR_SCREEN_NO);
	/* phase: the same answers, said to have happened at recruitment only */
	assert_int_equal(ilo_dim("30", "happened_during_recruitment=yes documents_taken=yes "
				 "debt_bondage=yes", cad), DUR_SCREEN_NO);
	/* a fact that feeds both phases counts once, in the phase it happened:
	 * wages withheld at work is withholding_wages, not withholding_money */
	{
		dur_screen_case *c = mk("30", 'n', "wages_withheld=yes happened_at_work=yes");
		dur_screen_result *r = run(c, "ilo2009");
		const struct dur_screen_outcome *o = dur_screen_result_outcome(r, 0);
		assert_true(has_finding(o, "ilo2009.adult.labour.coercion_at_destination.medium."
					"withholding_wages", "wages_withheld"));
		assert_false(has_finding(o, "ilo2009.adult.labour.coercive_recruitment.medium."
					 "withholding_money", NULL));
		assert_int_equal(o->nfindings, 1);
		dur_screen_result_free(r);
		dur_screen_case_free(c);
	}
	/* unknown phase: conditional, so the dimension is undetermined */
	assert_int_equal(ilo_dim("30", "happened_at_work=unknown documents_taken=yes "
				 "debt_bondage=yes", cad), DUR_SCREEN_UNKNOWN);
}

/* deceptive (1 strong + 1 medium) + exploitative (1 strong + 1 medium) */
#define ILO_RECRUIT_EXPLOIT "deceived_about_job=yes deceived_about_pay=yes excessive_hours=yes low_or_no_pay=yes "
#define ILO_COERCION_AT_WORK "happened_at_work=yes documents_taken=yes debt_bondage=yes "

static void test_screen_ilo_combination(void **state)
{
	dur_screen_case *c;
	dur_screen_result *r;
	const struct dur_screen_outcome *o;
	(void)state;

	/* adults need all three elements */
	assert_verdict("ilo2009", "30", 'n', ILO_RECRUIT_EXPLOIT ILO_COERCION_AT_WORK,
		       DUR_SCREEN_INDICATED);
	assert_verdict("ilo2009", "30", 'n', ILO_RECRUIT_EXPLOIT, DUR_SCREEN_NOT_INDICATED);
	assert_verdict("ilo2009", "30", 'n', "excessive_hours=yes low_or_no_pay=yes "
		       ILO_COERCION_AT_WORK, DUR_SCREEN_NOT_INDICATED);
	/* children need no coercion element */
	assert_verdict("ilo2009", "15", 'n', ILO_RECRUIT_EXPLOIT, DUR_SCREEN_INDICATED);
	/* an undecided phase makes the adult verdict conditional on it */
	c = mk("30", 'n', ILO_RECRUIT_EXPLOIT "happened_at_work=unknown documents_taken=yes "
	       "debt_bondage=yes");
	r = run(c, "ilo2009");
	o = dur_screen_result_outcome(r, 0);
	assert_int_equal(o->verdict, DUR_SCREEN_INSUFFICIENT);
	assert_true(has_change(o, "happened_at_work"));
	dur_screen_result_free(r);
	dur_screen_case_free(c);

	/* exploitation without coercion: a labour-rights concern, not trafficking */
	c = mk("30", 'n', ILO_RECRUIT_EXPLOIT);
	r = run(c, "ilo2009");
	o = dur_screen_result_outcome(r, 0);
	assert_int_equal(o->nnotes, 1);
	assert_non_null(strstr(o->notes[0], "labour-rights concern, not trafficking"));
	dur_screen_result_free(r);
	dur_screen_case_free(c);

	/* age unknown, but both lists give a victim: decided all the same (exact) */
	c = mk("unknown", 'n', ILO_RECRUIT_EXPLOIT ILO_COERCION_AT_WORK);
	r = run(c, "ilo2009");
	o = dur_screen_result_outcome(r, 0);
	assert_int_equal(o->verdict, DUR_SCREEN_INDICATED);
	assert_true(has_finding(o, "ilo2009.adult.labour.coercion_at_destination.strong.debt_bondage",
				"debt_bondage"));
	for (size_t i = 0; i < o->nfindings; i++) {
		assert_non_null(o->findings[i].only_if);
		if (strncmp(o->findings[i].indicator, "ilo2009.adult.", 14) == 0)
			assert_string_equal(o->findings[i].only_if, "age=adult");
		else
			assert_string_equal(o->findings[i].only_if, "age=minor");
	}
	dur_screen_result_free(r);
	dur_screen_case_free(c);
	/* age unknown with exploitation and recruitment only: child yes, adult no */
	c = mk("unknown", 'n', ILO_RECRUIT_EXPLOIT);
	r = run(c, "ilo2009");
	o = dur_screen_result_outcome(r, 0);
	assert_int_equal(o->verdict, DUR_SCREEN_INSUFFICIENT);
	assert_int_equal(o->nchange, 1);
	assert_string_equal(o->would_change_if[0], "age");
	dur_screen_result_free(r);
	dur_screen_case_free(c);
}

static void test_screen_ilo_options(void **state)
{
	struct dur_error e = DUR_ERROR_INIT;
	(void)state;
	/* child: an act but no positive recruitment dimension */
	assert_verdict("ilo2009", "15", 'n', "recruited=yes excessive_hours=yes low_or_no_pay=yes",
		       DUR_SCREEN_NOT_INDICATED);
	assert_int_equal(dur_framework_set_option(SET, "ilo2009", "child_rule_act", 1, &e), DUR_OK);
	assert_verdict("ilo2009", "15", 'n', "recruited=yes excessive_hours=yes low_or_no_pay=yes",
		       DUR_SCREEN_INDICATED);
	assert_int_equal(dur_framework_set_option(SET, "ilo2009", "child_rule_act", 0, &e), DUR_OK);

	/* adult: low pay + bad living conditions are 2 medium (not positive) by default,
	 * 2 strong under the MRC grading */
	assert_int_equal(ilo_dim("30", "low_or_no_pay=yes bad_living_conditions=yes",
				 "exploitative_conditions"), DUR_SCREEN_NO);
	assert_int_equal(dur_framework_set_option(SET, "ilo2009", "exploitation_grading_mrc", 1, &e),
			 DUR_OK);
	assert_int_equal(ilo_dim("30", "low_or_no_pay=yes bad_living_conditions=yes",
				 "exploitative_conditions"), DUR_SCREEN_YES);
	assert_int_equal(dur_framework_set_option(SET, "ilo2009", "exploitation_grading_mrc", 0, &e),
			 DUR_OK);

	assert_int_equal(dur_framework_set_option(SET, "ilo2009", "nope", 1, &e), DUR_EINVAL);
	assert_non_null(strstr(e.msg, "nope"));
	assert_int_equal(dur_framework_set_option(SET, "nope", "x", 1, &e), DUR_EINVAL);
}

static void test_screen_ilo_lists(void **state)
{
	/* 67 adult and 65 child labour indicators (frameworks.md 1.1), plus the
	 * three alternative MRC grades */
	long f = dur_framework_set_find(SET, "ilo2009");
	size_t adult = 0, child = 0, alt = 0;
	(void)state;
	assert_true(f >= 0);
	for (size_t i = 0; i < SET->fw[f]->nind; i++) {
		const char *id = SET->fw[f]->ind[i].id;
		if (strstr(SET->fw[f]->ind[i].label, "MRC"))
			alt++;
		else if (strncmp(id, "ilo2009.adult.labour.", 21) == 0)
			adult++;
		else if (strncmp(id, "ilo2009.child.labour.", 21) == 0)
			child++;
	}
	assert_int_equal(adult, 67);
	assert_int_equal(child, 65);
	assert_int_equal(alt, 3);
}

/*
 * Never invent indicators: the ILO 2009 labour lists must be exactly the
 * appendix of frameworks.md (ids and grades), read independently here, and
 * the ICLS and TVPA ids it names must be those of the files.
 */
static void test_screen_ids_match_frameworks_md(void **state)
{
	char path[4096];
	char *md, *a, *b;
	struct dur_csv *csv = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	long ilo = dur_framework_set_find(SET, "ilo2009");
	size_t listed = 0;
	static const char *const named[] = {
		"icls2018.involuntary.unfree_recruitment", "icls2018.involuntary.cannot_terminate",
		"icls2018.coercion.threats_or_violence", "icls2018.coercion.abuse_of_vulnerability",
		"icls2018.child.third_party_coercion", "icls2018.child.parent_in_forced_labour",
		"icls2018.child.worst_forms", "tvpa2000.force", "tvpa2000.fraud",
		"tvpa2000.coercion.threat_serious_harm_or_restraint",
		"tvpa2000.coercion.scheme_plan_pattern", "tvpa2000.coercion.abuse_of_legal_process",
		"tvpa2000.minor_in_commercial_sex", NULL };
	(void)state;

	snprintf(path, sizeof(path), "%s/docs/frameworks.md", DUR_SHARED_DIR);
	if (!(md = test_slurp(path, NULL))) {
		fprintf(stderr, "SKIPPED: %s not found\n", path);
		if (getenv("DUR_REQUIRE_SHARED"))
			fail_msg("DUR_REQUIRE_SHARED is set");
		skip();
	}
	a = strstr(md, "## 11. Appendix");
	assert_non_null(a);
	a = strstr(a, "```csv\n");
	assert_non_null(a);
	a += 7;
	b = strstr(a, "```");
	assert_non_null(b);
	assert_int_equal(dur_csv_parse(a, (size_t)(b - a), "frameworks.md", NULL, &csv, &e), DUR_OK);
	assert_string_equal(csv->rec[0].field[0], "id");
	assert_string_equal(csv->rec[0].field[5], "strength");
	for (size_t r = 1; r < csv->nrec; r++) {
		int found = 0;
		for (size_t i = 0; i < SET->fw[ilo]->nind; i++)
			if (strcmp(SET->fw[ilo]->ind[i].id, csv->rec[r].field[0]) == 0) {
				assert_string_equal(SET->fw[ilo]->ind[i].strength, csv->rec[r].field[5]);
				assert_string_equal(SET->fw[ilo]->ind[i].group, csv->rec[r].field[4]);
				found = 1;
			}
		if (!found)
			fail_msg("%s (frameworks.md) is not in ilo2009.json", csv->rec[r].field[0]);
	}
	/* and nothing else, apart from the three alternative (MRC) grades */
	for (size_t i = 0; i < SET->fw[ilo]->nind; i++) {
		int found = 0;
		for (size_t r = 1; r < csv->nrec; r++)
			found |= strcmp(SET->fw[ilo]->ind[i].id, csv->rec[r].field[0]) == 0;
		if (!found && !strstr(SET->fw[ilo]->ind[i].label, "MRC Bangladesh"))
			fail_msg("%s is not in frameworks.md", SET->fw[ilo]->ind[i].id);
		listed += found;
	}
	assert_int_equal(listed, csv->nrec - 1);
	assert_int_equal(csv->nrec - 1, 132);
	for (size_t k = 0; named[k]; k++) {
		long f = dur_framework_set_find(SET, strncmp(named[k], "icls", 4) == 0 ? "icls2018"
										 : "tvpa2000");
		int found = 0;
		assert_non_null(strstr(md, named[k]));
		for (size_t i = 0; i < SET->fw[f]->nind; i++)
			found |= strcmp(SET->fw[f]->ind[i].id, named[k]) == 0;
		if (!found)
			fail_msg("%s (frameworks.md) is not in the framework file", named[k]);
	}
	/* every ICLS indicator id is one frameworks.md names */
	for (size_t i = 0; i < SET->fw[dur_framework_set_find(SET, "icls2018")]->nind; i++)
		assert_non_null(strstr(md, SET->fw[dur_framework_set_find(SET, "icls2018")]->ind[i].id));
	dur_csv_free(csv);
	free(md);
}

/* ------------------------------------------------------------------ */
/* ICLS 2018, Palermo, TVPA                                            */
/* ------------------------------------------------------------------ */

static void test_screen_icls_rule(void **state)
{
	dur_screen_case *c;
	dur_screen_result *r;
	(void)state;
	/* adults: involuntary AND coercion, both needed */
	assert_verdict("icls2018", "30", 'n', "low_or_no_pay=yes wages_withheld=yes",
		       DUR_SCREEN_INDICATED);
	assert_verdict("icls2018", "30", 'n', "low_or_no_pay=yes", DUR_SCREEN_NOT_INDICATED);
	assert_verdict("icls2018", "30", 'n', "wages_withheld=yes", DUR_SCREEN_NOT_INDICATED);
	assert_verdict("icls2018", "30", 'n', "low_or_no_pay=yes wages_withheld=unknown",
		       DUR_SCREEN_INSUFFICIENT);
	/* children: commercial sexual exploitation counts without any test (d) */
	assert_verdict("icls2018", "16", 'n', "commercial_sex=yes", DUR_SCREEN_INDICATED);
	assert_verdict("icls2018", "30", 'n', "commercial_sex=yes", DUR_SCREEN_NOT_INDICATED);
	/* a child under coercion without involuntariness (a), (b) */
	assert_verdict("icls2018", "16", 'n', "threats_to_person=yes", DUR_SCREEN_INDICATED);
	assert_verdict("icls2018", "30", 'n', "threats_to_person=yes", DUR_SCREEN_NOT_INDICATED);
	/* a parent in forced labour (c) */
	assert_verdict("icls2018", "12", 'n', "parent_in_forced_labour=yes", DUR_SCREEN_INDICATED);

	c = mk("30", 'n', "low_or_no_pay=yes");
	r = run(c, "icls2018");
	assert_int_equal(dur_screen_result_outcome(r, 0)->nnotes, 1);
	assert_non_null(strstr(dur_screen_result_outcome(r, 0)->notes[0], "labour-rights concern"));
	dur_screen_result_free(r);
	dur_screen_case_free(c);
}

static void test_screen_palermo_rule(void **state)
{
	(void)state;
	/* adult: act AND means AND purpose */
	assert_verdict("palermo2000", "30", 'n', "recruited=yes threats_to_person=yes "
		       "cannot_leave=yes", DUR_SCREEN_INDICATED);
	assert_verdict("palermo2000", "30", 'n', "recruited=yes cannot_leave=yes",
		       DUR_SCREEN_NOT_INDICATED);
	assert_verdict("palermo2000", "30", 'n', "threats_to_person=yes cannot_leave=yes",
		       DUR_SCREEN_NOT_INDICATED);
	assert_verdict("palermo2000", "30", 'n', "recruited=yes threats_to_person=yes",
		       DUR_SCREEN_NOT_INDICATED);
	/* child: act AND purpose, no means */
	assert_verdict("palermo2000", "16", 'n', "recruited=yes cannot_leave=yes",
		       DUR_SCREEN_INDICATED);
	assert_verdict("palermo2000", "16", 'n', "transported=yes commercial_sex=yes",
		       DUR_SCREEN_INDICATED);
	/* selling sex is not a purpose for an adult, and no means: not trafficking */
	assert_verdict("palermo2000", "30", 'n', "transported=yes commercial_sex=yes",
		       DUR_SCREEN_NOT_INDICATED);
	/* made to sell sex by threats, transported: trafficking for any age */
	assert_verdict("palermo2000", "30", 'n', "transported=yes threats_to_person=yes "
		       "made_to_sell_sex=yes", DUR_SCREEN_INDICATED);
	/* low pay is involuntariness; forced labour as a purpose needs coercion too */
	assert_verdict("palermo2000", "16", 'n', "recruited=yes low_or_no_pay=yes",
		       DUR_SCREEN_NOT_INDICATED);
	assert_verdict("palermo2000", "16", 'n', "recruited=yes low_or_no_pay=yes "
		       "wages_withheld=yes", DUR_SCREEN_INDICATED);
}

static void test_screen_tvpa_rule(void **state)
{
	(void)state;
	/* sex limb: made to perform commercial sex by force, fraud or coercion */
	assert_verdict("tvpa2000", "30", 'n', "made_to_sell_sex=yes physical_violence=yes",
		       DUR_SCREEN_INDICATED);
	assert_verdict("tvpa2000", "30", 'n', "made_to_sell_sex=yes", DUR_SCREEN_NOT_INDICATED);
	/* ... or under 18: age alone suffices */
	assert_verdict("tvpa2000", "16", 'n', "commercial_sex=yes", DUR_SCREEN_INDICATED);
	/* the broader "sex trafficking" term is not implemented: adult sex work is not */
	assert_verdict("tvpa2000", "30", 'n', "commercial_sex=yes recruited=yes transported=yes",
		       DUR_SCREEN_NOT_INDICATED);
	/* labour limb: act AND force/fraud/coercion AND purpose */
	assert_verdict("tvpa2000", "30", 'n', "recruited=yes deceived_about_job=yes "
		       "debt_bondage=yes", DUR_SCREEN_INDICATED);
	assert_verdict("tvpa2000", "30", 'n', "recruited=yes cannot_leave=yes",
		       DUR_SCREEN_NOT_INDICATED);
	/* a child in labour still needs force, fraud or coercion under the TVPA */
	assert_verdict("tvpa2000", "15", 'n', "recruited=yes cannot_leave=yes",
		       DUR_SCREEN_NOT_INDICATED);
	assert_verdict("tvpa2000", "15", 'n', "recruited=yes cannot_leave=yes "
		       "threatened_with_authorities=yes", DUR_SCREEN_INDICATED);
}

/* ------------------------------------------------------------------ */
/* invariants                                                          */
/* ------------------------------------------------------------------ */

/* A random case: each fact yes, no or unknown; an adult age. */
static dur_screen_case *random_adult_case(unsigned unknown_pct)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_screen_case *c = dur_screen_case_alloc(SET);
	char age[16];
	for (size_t f = 0; f < SET->nfacts; f++) {
		unsigned p = (unsigned)(rnd() % 100);
		enum dur_screen_answer a = p < unknown_pct ? DUR_SCREEN_UNKNOWN
					   : (rnd() % 4 == 0 ? DUR_SCREEN_YES : DUR_SCREEN_NO);
		dur_screen_case_set_fact(c, scr_fact_name(SET, (int)f), a, &e);
	}
	if (rnd() % 5 == 0)
		strcpy(age, "adult");
	else
		snprintf(age, sizeof(age), "%u", 18 + (unsigned)(rnd() % 60));
	dur_screen_case_set_age(c, age, &e);
	return c;
}

static char *result_json(const dur_screen_case *c)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_screen_result *r = run(c, NULL);
	char *s = NULL;
	/* without the case: only what the frameworks concluded */
	assert_int_equal(dur_screen_result_to_json(r, NULL, 0, &s, &e), DUR_OK);
	dur_screen_result_free(r);
	return s;
}

static void test_screen_sector_never_matters(void **state)
{
	static const char *const sectors[] = {
		"", "sex work", "brothel", "massage parlour", "escort", "street-based sex work",
		"agriculture", "domestic work", "restaurant kitchen", "construction",
		"drug running", "fishing boat", "nail salon", "Prostitution", "Zoë's café — 厨房",
	};
	const size_t ns = sizeof(sectors) / sizeof(sectors[0]);
	struct dur_error e = DUR_ERROR_INIT;
	(void)state;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (int n = 0; n < iterations(400); n++) {
		dur_screen_case *c = random_adult_case((unsigned)(rnd() % 80));
		char *ref;
		assert_int_equal(dur_screen_case_set_sector(c, sectors[0], &e), DUR_OK);
		ref = result_json(c);
		for (size_t k = 1; k < ns; k++) {
			char *got;
			assert_int_equal(dur_screen_case_set_sector(c, sectors[k], &e), DUR_OK);
			got = result_json(c);
			if (strcmp(ref, got) != 0)
				fail_msg("case %d: sector '%s' changed the result", n, sectors[k]);
			free(got);
		}
		/* for adults the commercial_sex answer is no evidence either */
		for (int a = 0; a < 3; a++) {
			char *got;
			assert_int_equal(dur_screen_case_set_fact(c, "commercial_sex",
								  (enum dur_screen_answer)a, &e), DUR_OK);
			got = result_json(c);
			if (strcmp(ref, got) != 0)
				fail_msg("case %d: commercial_sex changed an adult's result", n);
			free(got);
		}
		free(ref);
		dur_screen_case_free(c);
	}
}

/* The verdict of each framework for the case, in set order. */
static void verdicts(const dur_screen_case *c, enum dur_screen_verdict *v)
{
	dur_screen_result *r = run(c, NULL);
	for (size_t i = 0; i < dur_screen_result_count(r); i++)
		v[i] = dur_screen_result_outcome(r, i)->verdict;
	dur_screen_result_free(r);
}

/*
 * Unknown is never read as no, and never as yes: a definite verdict holds
 * for every way of answering the unknown questions; an undetermined one
 * really can go both ways; and would_change_if lists every unknown whose
 * answer can decide it (found by brute force over all answers), and only
 * those when the list is within the framework's exact-check limit.
 */
static void test_screen_unknown_is_never_no(void **state)
{
	struct dur_error e = DUR_ERROR_INIT;
	size_t nfw = dur_framework_set_count(SET);
	(void)state;

	rng_state = 0x2545f4914f6cdd1dull;
	for (int n = 0; n < iterations(60); n++) {
		dur_screen_case *c = random_adult_case(0);
		enum dur_screen_verdict v0[16], v[16];
		int unk[7], nu = 0;
		dur_screen_result *r;
		uint8_t seen[16][3];

		if (n % 3 == 0)
			dur_screen_case_set_age(c, "unknown", &e);
		/* leave 7 facts unknown, mostly from the ones that decide things */
		while (nu < 7) {
			int f;
			if (nu == 0 && n % 3 == 0) {
				unk[nu++] = (int)SET->nfacts;   /* the age */
				continue;
			}
			int dup = 0;
			f = rnd() % 2 ? (int)(rnd() % SET->nfacts) : fact_of(SEVEN[rnd() % 7]);
			for (int k = 0; k < nu; k++)
				dup |= unk[k] == f;
			if (dup)
				continue;
			c->facts[f] = DUR_SCREEN_UNKNOWN;
			unk[nu++] = f;
		}
		verdicts(c, v0);
		memset(seen, 0, sizeof(seen));
		for (unsigned m = 0; m < (1u << nu); m++) {
			for (int k = 0; k < nu; k++)
				c->facts[unk[k]] = (m >> k) & 1 ? DUR_SCREEN_YES : DUR_SCREEN_NO;
			verdicts(c, v);
			for (size_t i = 0; i < nfw; i++) {
				assert_int_not_equal(v[i], DUR_SCREEN_INSUFFICIENT);
				seen[i][v[i]] = 1;
				if (v0[i] != DUR_SCREEN_INSUFFICIENT && v[i] != v0[i])
					fail_msg("case %d %s: %s, but one completion gives %s", n,
						 SET->fw[i]->id, dur_screen_verdict_name(v0[i]),
						 dur_screen_verdict_name(v[i]));
			}
		}
		for (size_t i = 0; i < nfw; i++)
			if (v0[i] == DUR_SCREEN_INSUFFICIENT)
				assert_true(seen[i][DUR_SCREEN_INDICATED] &&
					    seen[i][DUR_SCREEN_NOT_INDICATED]);
		/* would_change_if is exact here (few unknowns): every decisive unknown is
		 * listed, and every listed one is decisive for some answers to the others */
		for (int k = 0; k < nu; k++)
			c->facts[unk[k]] = DUR_SCREEN_UNKNOWN;
		r = run(c, NULL);
		for (int k = 0; k < nu; k++) {
			for (unsigned m = 0; m < (1u << nu); m++) {
				if ((m >> k) & 1)
					continue;
				for (int j = 0; j < nu; j++)
					c->facts[unk[j]] = (m >> j) & 1 ? DUR_SCREEN_YES : DUR_SCREEN_NO;
				verdicts(c, v0);
				c->facts[unk[k]] = DUR_SCREEN_YES;
				verdicts(c, v);
				for (size_t i = 0; i < nfw; i++)
					if (v[i] != v0[i] &&
					    !has_change(dur_screen_result_outcome(r, i),
							scr_fact_name(SET, unk[k])))
						fail_msg("case %d %s: %s decides it but is not in "
							 "would_change_if", n, SET->fw[i]->id,
							 scr_fact_name(SET, unk[k]));
			}
		}
		for (size_t i = 0; i < nfw; i++) {
			const struct dur_screen_outcome *o = dur_screen_result_outcome(r, i);
			for (size_t w = 0; w < o->nchange; w++) {
				int k = -1, decisive = 0;
				for (int j = 0; j < nu; j++)
					if (strcmp(scr_fact_name(SET, unk[j]), o->would_change_if[w]) == 0)
						k = j;
				if (k < 0)
					fail_msg("case %d %s: %s listed but was answered", n,
						 SET->fw[i]->id, o->would_change_if[w]);
				for (unsigned m = 0; m < (1u << nu) && !decisive; m++) {
					if ((m >> k) & 1)
						continue;
					for (int j = 0; j < nu; j++)
						c->facts[unk[j]] = (m >> j) & 1 ? DUR_SCREEN_YES : DUR_SCREEN_NO;
					verdicts(c, v0);
					c->facts[unk[k]] = DUR_SCREEN_YES;
					verdicts(c, v);
					decisive = v[i] != v0[i];
				}
				for (int j = 0; j < nu; j++)
					c->facts[unk[j]] = DUR_SCREEN_UNKNOWN;
				/* exact up to the framework's limit; above it complete only */
				if (!decisive && o->nchange <= scr_verify_limit(SET->fw[i]))
					fail_msg("case %d %s: %s is listed but never decides it", n,
						 SET->fw[i]->id, o->would_change_if[w]);
			}
		}
		dur_screen_result_free(r);
		dur_screen_case_free(c);
	}
}

/* A missing fact is the same as an explicit "unknown". */
static void test_screen_missing_is_unknown(void **state)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_screen_case *a = dur_screen_case_alloc(SET), *b = dur_screen_case_alloc(SET);
	const char *ja = "{\"age\": 30, \"facts\": {\"documents_taken\": \"no\"}}";
	const char *jb = "{\"age\": 30, \"facts\": {\"documents_taken\": \"no\", "
			 "\"debt_bondage\": \"unknown\"}}";
	char *sa, *sb;
	(void)state;
	assert_int_equal(dur_screen_case_parse_json(a, ja, strlen(ja), "a.json", &e), DUR_OK);
	assert_int_equal(dur_screen_case_parse_json(b, jb, strlen(jb), "b.json", &e), DUR_OK);
	assert_int_equal(dur_screen_case_fact(a, "debt_bondage"), DUR_SCREEN_UNKNOWN);
	sa = result_json(a);
	sb = result_json(b);
	assert_string_equal(sa, sb);
	free(sa);
	free(sb);
	dur_screen_case_free(a);
	dur_screen_case_free(b);
}

/* Every indicator id in an output exists in its framework file (read independently). */
static void test_screen_indicator_ids_exist(void **state)
{
	(void)state;
	rng_state = 0xdeadbeefcafef00dull;
	for (size_t i = 0; i < dur_framework_set_count(SET); i++) {
		char path[4096];
		json_error_t je;
		json_t *doc, *inds, *x;
		size_t k;
		snprintf(path, sizeof(path), "%s/%s.json", FW_DIR, SET->fw[i]->id);
		doc = json_load_file(path, 0, &je);
		assert_non_null(doc);
		inds = json_object_get(doc, "indicators");
		for (int n = 0; n < iterations(150); n++) {
			struct dur_error e = DUR_ERROR_INIT;
			dur_screen_case *c = random_adult_case((unsigned)(rnd() % 60));
			dur_screen_result *r;
			const struct dur_screen_outcome *o;
			if (n % 2)
				dur_screen_case_set_age(c, n % 4 == 1 ? "minor" : "unknown", &e);
			r = run(c, SET->fw[i]->id);
			o = dur_screen_result_outcome(r, 0);
			for (size_t f = 0; f < o->nfindings; f++) {
				int found = 0;
				json_array_foreach(inds, k, x)
					if (strcmp(json_string_value(json_object_get(x, "id")),
						   o->findings[f].indicator) == 0) {
						json_t *fa = json_object_get(x, "facts"), *fv;
						size_t m;
						/* and the fact named feeds it in the file */
						json_array_foreach(fa, m, fv)
							if (strcmp(json_string_value(fv), o->findings[f].fact) == 0)
								found = 1;
					}
				if (!found)
					fail_msg("%s: indicator %s / fact %s not in %s", SET->fw[i]->id,
						 o->findings[f].indicator, o->findings[f].fact, path);
				/* and the fact was answered yes */
				assert_int_equal(dur_screen_case_fact(c, o->findings[f].fact),
						 DUR_SCREEN_YES);
			}
			dur_screen_result_free(r);
			dur_screen_case_free(c);
		}
		json_decref(doc);
	}
}

/* ------------------------------------------------------------------ */
/* the engine on small synthetic frameworks, and loader errors          */
/* ------------------------------------------------------------------ */

static const char *BANK =
	"{\"id\":\"questions\",\"version\":\"t\",\"title\":\"t\",\"intro\":\"t\",\"questions\":["
	"{\"id\":\"age\",\"kind\":\"age\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"sector\",\"kind\":\"text\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"threats_to_person\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"threats_to_family\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"documents_taken\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"debt_bondage\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"wages_withheld\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"physical_violence\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"sexual_violence\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"commercial_sex\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"}]}";

/* A framework whose body (after the common header) is `body`. */
static dur_err add_fw(dur_framework_set *set, const char *body, struct dur_error *e)
{
	char buf[8192];
	snprintf(buf, sizeof(buf),
		 "{\"id\":\"t\",\"version\":\"1\",\"title\":\"t\",\"summary\":\"s\","
		 "\"citations\":[{\"text\":\"c\",\"verification\":\"V\"}],"
		 "\"verification\":[{\"part\":\"rule\",\"status\":\"U\"}],%s}",
		 body);
	return dur_framework_set_add(set, buf, strlen(buf), "t.json", e);
}

static dur_framework_set *bank_only(void)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_framework_set *s = dur_framework_set_alloc();
	assert_non_null(s);
	if (dur_framework_set_load_bank(s, BANK, strlen(BANK), "q.json", &e) != DUR_OK)
		fail_msg("%s", e.msg);
	return s;
}

#define IND(id, facts) "{\"id\":\"t." id "\",\"label\":\"l\",\"verification\":\"V\",\"facts\":" facts "}"
#define VERDICT(rule) "\"verdict\":{\"rule\":" rule ",\"rule_text\":\"r\",\"indicated\":\"i\"," \
	"\"not_indicated\":\"n\",\"insufficient_information\":\"u\"}"

static void test_screen_engine_kleene(void **state)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_framework_set *s = bank_only();
	const char *fw = "\"indicators\":[" IND("a", "[\"threats_to_person\"]") ","
			 IND("b", "[\"documents_taken\"]") "," IND("c", "[\"debt_bondage\"]") "],"
			 "\"elements\":[{\"id\":\"two\",\"label\":\"Two\",\"rule_text\":\"r\","
			 "\"rule\":{\"at_least\":2,\"of\":[{\"indicator\":\"t.a\"},{\"indicator\":\"t.b\"},"
			 "{\"indicator\":\"t.c\"}]}}],"
			 VERDICT("{\"any\":[{\"all\":[{\"age\":\"minor\"},{\"indicator\":\"t.a\"}]},"
				 "{\"all\":[{\"age\":\"adult\"},{\"element\":\"two\"}]}]}");
	/* a, b, c, age -> expected by hand: minor: a; adult: at least 2 of a,b,c */
	static const struct { const char *age, *a, *b, *c; enum dur_screen_verdict v; } t[] = {
		{ "10", "yes", "unknown", "unknown", DUR_SCREEN_INDICATED },
		{ "10", "no", "yes", "yes", DUR_SCREEN_NOT_INDICATED },
		{ "10", "unknown", "yes", "yes", DUR_SCREEN_INSUFFICIENT },
		{ "40", "yes", "yes", "unknown", DUR_SCREEN_INDICATED },
		{ "40", "yes", "no", "unknown", DUR_SCREEN_INSUFFICIENT },
		{ "40", "yes", "no", "no", DUR_SCREEN_NOT_INDICATED },
		{ "40", "unknown", "no", "no", DUR_SCREEN_NOT_INDICATED },
		/* age unknown: yes in both branches -> indicated (Kleene alone: unknown) */
		{ "unknown", "yes", "yes", "no", DUR_SCREEN_INDICATED },
		{ "unknown", "no", "no", "unknown", DUR_SCREEN_NOT_INDICATED },
		{ "unknown", "yes", "no", "no", DUR_SCREEN_INSUFFICIENT },
	};
	(void)state;
	if (add_fw(s, fw, &e) != DUR_OK)
		fail_msg("%s", e.msg);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		dur_screen_case *c = dur_screen_case_alloc(s);
		dur_screen_result *r = NULL;
		const struct dur_screen_outcome *o;
		dur_screen_case_set_age(c, t[i].age, &e);
		dur_screen_case_set_fact(c, "threats_to_person",
					 strcmp(t[i].a, "yes") == 0 ? DUR_SCREEN_YES :
					 strcmp(t[i].a, "no") == 0 ? DUR_SCREEN_NO : DUR_SCREEN_UNKNOWN, &e);
		dur_screen_case_set_fact(c, "documents_taken",
					 strcmp(t[i].b, "yes") == 0 ? DUR_SCREEN_YES :
					 strcmp(t[i].b, "no") == 0 ? DUR_SCREEN_NO : DUR_SCREEN_UNKNOWN, &e);
		dur_screen_case_set_fact(c, "debt_bondage",
					 strcmp(t[i].c, "yes") == 0 ? DUR_SCREEN_YES :
					 strcmp(t[i].c, "no") == 0 ? DUR_SCREEN_NO : DUR_SCREEN_UNKNOWN, &e);
		assert_int_equal(dur_screen_evaluate(s, c, NULL, 0, &r, &e), DUR_OK);
		o = dur_screen_result_outcome(r, 0);
		if (o->verdict != t[i].v)
			fail_msg("row %zu: %s, expected %s", i, dur_screen_verdict_name(o->verdict),
				 dur_screen_verdict_name(t[i].v));
		if (i == 4) {   /* adult, a yes, b no, c unknown: only c can decide */
			assert_int_equal(o->nchange, 1);
			assert_string_equal(o->would_change_if[0], "debt_bondage");
		}
		if (i == 9) {   /* age unknown: the age decides */
			assert_true(has_change(o, "age"));
		}
		dur_screen_result_free(r);
		dur_screen_case_free(c);
	}
	dur_framework_set_free(s);
}

static void expect_fw_error(const char *body, const char *want)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_framework_set *s = bank_only();
	dur_err rc = add_fw(s, body, &e);
	if (rc == DUR_OK)
		fail_msg("accepted a bad framework; expected '%s'", want);
	if (!strstr(e.msg, want))
		fail_msg("message '%s' lacks '%s'", e.msg, want);
	assert_non_null(strstr(e.msg, "'t.json'"));
	assert_int_equal(dur_framework_set_count(s), 0);
	dur_framework_set_free(s);
}

static void test_screen_loader_errors(void **state)
{
	const char *inds = "\"indicators\":[" IND("a", "[\"threats_to_person\"]") "],"
			   "\"elements\":[],";
	char b[4096];
	struct dur_error e = DUR_ERROR_INIT;
	dur_framework_set *s;
	(void)state;

	snprintf(b, sizeof(b), "%s%s,\"colour\":1", inds, VERDICT("{\"indicator\":\"t.a\"}"));
	expect_fw_error(b, "$.colour: unknown key 'colour'");
	expect_fw_error("\"indicators\":[" IND("a", "[\"documets_taken\"]") "],\"elements\":[],"
			VERDICT("{\"indicator\":\"t.a\"}"),
			"$.indicators[0].facts[0]: unknown fact 'documets_taken'");
	expect_fw_error("\"indicators\":[" IND("a", "[]") "],\"elements\":[],"
			VERDICT("{\"indicator\":\"t.a\"}"), "$.indicators[0].facts: must name");
	expect_fw_error("\"indicators\":[{\"id\":\"t.a\",\"label\":\"l\",\"verification\":\"V\","
			"\"strength\":\"huge\",\"facts\":[\"debt_bondage\"]}],\"elements\":[],"
			VERDICT("{\"indicator\":\"t.a\"}"), "$.indicators[0].strength: 'huge'");
	expect_fw_error("\"indicators\":[{\"id\":\"t.a\",\"label\":\"l\",\"verification\":\"maybe\","
			"\"facts\":[\"debt_bondage\"]}],\"elements\":[],"
			VERDICT("{\"indicator\":\"t.a\"}"), "$.indicators[0].verification");
	expect_fw_error("\"indicators\":[" IND("a", "[\"debt_bondage\"]") "," IND("a", "[\"debt_bondage\"]")
			"],\"elements\":[]," VERDICT("{\"indicator\":\"t.a\"}"),
			"$.indicators[1].id: duplicate indicator id 't.a'");
	expect_fw_error("\"indicators\":[{\"id\":\"other.a\",\"label\":\"l\",\"verification\":\"V\","
			"\"facts\":[\"debt_bondage\"]}],\"elements\":[],"
			VERDICT("{\"indicator\":\"other.a\"}"), "must start with 't.'");
	snprintf(b, sizeof(b), "%s", "\"indicators\":[" IND("a", "[\"debt_bondage\"]") "],"
		 "\"elements\":[{\"id\":\"e1\",\"label\":\"l\",\"rule_text\":\"r\","
		 "\"rule\":{\"element\":\"e2\"}},{\"id\":\"e2\",\"label\":\"l\",\"rule_text\":\"r\","
		 "\"rule\":{\"indicator\":\"t.a\"}}]," VERDICT("{\"element\":\"e1\"}"));
	expect_fw_error(b, "$.elements[0].rule.element: unknown element 'e2'");
	snprintf(b, sizeof(b), "%s%s", inds, VERDICT("{\"any\":[{\"indicator\":\"t.zz\"}]}"));
	expect_fw_error(b, "$.verdict.rule.any[0].indicator: unknown indicator 't.zz'");
	snprintf(b, sizeof(b), "%s%s", inds, VERDICT("{\"sometimes\":[]}"));
	expect_fw_error(b, "$.verdict.rule.sometimes: unknown expression");
	snprintf(b, sizeof(b), "%s%s", inds, VERDICT("{\"at_least\":0,\"of\":[{\"indicator\":\"t.a\"}]}"));
	expect_fw_error(b, "$.verdict.rule.at_least: must be a whole number");
	/* the kind of work is never evidence: commercial_sex only under a minors rule */
	expect_fw_error("\"indicators\":[" IND("a", "[\"commercial_sex\"]") "],\"elements\":[],"
			VERDICT("{\"indicator\":\"t.a\"}"), "$.indicators[0].facts: 'commercial_sex'");
	snprintf(b, sizeof(b), "%s%s", inds, VERDICT("{\"fact\":\"commercial_sex\"}"));
	expect_fw_error(b, "$.verdict.rule.fact: 'commercial_sex' may only be read");
	/* the sector is not a fact */
	expect_fw_error("\"indicators\":[" IND("a", "[\"sector\"]") "],\"elements\":[],"
			VERDICT("{\"indicator\":\"t.a\"}"), "'sector' is not a yes/no fact");
	expect_fw_error("\"indicators\":[" IND("a", "[\"debt_bondage\"]") "],\"elements\":[],"
			"\"verdict\":{\"rule\":{\"indicator\":\"t.a\"},\"rule_text\":\"r\"}",
			"$.verdict: missing key 'indicated'");

	/* malformed JSON: line and column */
	s = bank_only();
	assert_int_equal(dur_framework_set_add(s, "{\n  \"id\": ,", 10, "bad.json", &e), DUR_EPARSE);
	assert_non_null(strstr(e.msg, "'bad.json': line 2"));
	dur_framework_set_free(s);

	/* the bank: the fixed ids must be there, and kinds are checked */
	s = dur_framework_set_alloc();
	{
		const char *nb = "{\"id\":\"questions\",\"version\":\"t\",\"title\":\"t\",\"intro\":\"t\","
				 "\"questions\":[{\"id\":\"age\",\"kind\":\"age\",\"section\":\"s\","
				 "\"text\":\"t\"}]}";
		assert_int_equal(dur_framework_set_load_bank(s, nb, strlen(nb), "q.json", &e),
				 DUR_ESCHEMA);
		assert_non_null(strstr(e.msg, "'q.json': $: the bank must have the question"));
		nb = "{\"id\":\"questions\",\"version\":\"t\",\"title\":\"t\",\"intro\":\"t\","
		     "\"questions\":[{\"id\":\"x\",\"kind\":\"maybe\",\"section\":\"s\",\"text\":\"t\"}]}";
		assert_int_equal(dur_framework_set_load_bank(s, nb, strlen(nb), "q.json", &e),
				 DUR_ESCHEMA);
		assert_non_null(strstr(e.msg, "$.questions[0].kind: 'maybe'"));
		/* a framework before the bank */
		assert_int_equal(add_fw(s, inds, &e), DUR_EINVAL);
	}
	dur_framework_set_free(s);

	/* a directory: names the file */
	s = dur_framework_set_alloc();
	assert_int_equal(dur_framework_set_load_dir(s, "/nonexistent-dir", &e), DUR_EIO);
	assert_non_null(strstr(e.msg, "/nonexistent-dir/questions.json"));
	dur_framework_set_free(s);
	dur_framework_set_free(NULL);   /* a no-op */
	dur_screen_case_free(NULL);
	dur_screen_result_free(NULL);
	dur_screen_batch_free(NULL);
	dur_screen_summary_free(NULL);
}

/* ------------------------------------------------------------------ */
/* case readers                                                        */
/* ------------------------------------------------------------------ */

static void expect_case_error(const char *json, const char *want)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_screen_case *c = dur_screen_case_alloc(SET);
	if (dur_screen_case_parse_json(c, json, strlen(json), "case.json", &e) == DUR_OK)
		fail_msg("accepted %s", json);
	if (!strstr(e.msg, want))
		fail_msg("message '%s' lacks '%s'", e.msg, want);
	dur_screen_case_free(c);
}

static void test_screen_case_json(void **state)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_screen_case *c = dur_screen_case_alloc(SET);
	const char *ok = "{\"case_id\":\"k1\",\"age\":17,\"sector\":\"farm\","
			 "\"facts\":{\"debt_bondage\":\"yes\",\"documents_taken\":\"No\"}}";
	(void)state;
	assert_int_equal(dur_screen_case_parse_json(c, ok, strlen(ok), "case.json", &e), DUR_OK);
	assert_string_equal(dur_screen_case_id(c), "k1");
	assert_string_equal(dur_screen_case_age(c), "17");
	assert_string_equal(dur_screen_case_sector(c), "farm");
	assert_int_equal(dur_screen_case_fact(c, "debt_bondage"), DUR_SCREEN_YES);
	assert_int_equal(dur_screen_case_fact(c, "documents_taken"), DUR_SCREEN_NO);
	assert_int_equal(dur_screen_case_fact(c, "wages_withheld"), DUR_SCREEN_UNKNOWN);
	dur_screen_case_free(c);

	expect_case_error("{\"age\":30,\"fcts\":{}}", "'case.json': unknown key 'fcts'");
	expect_case_error("{\"facts\":{\"documets_taken\":\"yes\"}}",
			  "'case.json': facts.documets_taken: unknown fact");
	expect_case_error("{\"facts\":{\"sector\":\"yes\"}}", "facts.sector: unknown fact");
	expect_case_error("{\"facts\":{\"debt_bondage\":\"maybe\"}}",
			  "facts.debt_bondage: the answer must be");
	expect_case_error("{\"facts\":{\"debt_bondage\":true}}", "facts.debt_bondage");
	expect_case_error("{\"age\":\"old\"}", "'case.json': 'age': must be a number");
	expect_case_error("{\"age\":-3}", "'age': the age is not a plausible age");
	expect_case_error("{\"sector\":5}", "'sector' must be a string");
	expect_case_error("[1]", "a case must be a JSON object");
	expect_case_error("{\"age\":1,\"age\":2}", "a key appears twice");
	expect_case_error("{\"age\": ", "'case.json': line 1");
}

static void test_screen_batches(void **state)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_screen_batch *b = NULL;
	const char *csv = "case_id,age,sector,documents_taken,commercial_sex\n"
			  "a,30,farm,yes,\n"
			  "b,minor,,no,yes\n"
			  "c,unknown,\"kitchen, night\",unknown,no\n";
	const char *jl = "{\"case_id\":\"a\",\"age\":30}\n\n{\"case_id\":\"b\",\"facts\":{}}\r\n";
	(void)state;
	assert_int_equal(dur_screen_batch_parse_csv(SET, csv, strlen(csv), "b.csv", &b, &e), DUR_OK);
	assert_int_equal(dur_screen_batch_count(b), 3);
	assert_string_equal(dur_screen_case_sector(dur_screen_batch_case(b, 2)), "kitchen, night");
	assert_int_equal(dur_screen_case_fact(dur_screen_batch_case(b, 0), "commercial_sex"),
			 DUR_SCREEN_UNKNOWN);
	assert_int_equal(dur_screen_case_fact(dur_screen_batch_case(b, 1), "commercial_sex"),
			 DUR_SCREEN_YES);
	assert_string_equal(dur_screen_case_age(dur_screen_batch_case(b, 1)), "minor");
	dur_screen_batch_free(b);

	assert_int_equal(dur_screen_batch_parse_jsonl(SET, jl, strlen(jl), "b.jsonl", &b, &e), DUR_OK);
	assert_int_equal(dur_screen_batch_count(b), 2);
	dur_screen_batch_free(b);

#define BAD_CSV(text, want) do { \
	b = NULL; \
	assert_int_not_equal(dur_screen_batch_parse_csv(SET, text, strlen(text), "b.csv", &b, &e), \
			     DUR_OK); \
	assert_null(b); \
	if (!strstr(e.msg, want)) fail_msg("message '%s' lacks '%s'", e.msg, want); \
} while (0)
	BAD_CSV("case_id,age,documets_taken\na,1,yes\n", "'b.csv': line 1: unknown column 'documets_taken'");
	BAD_CSV("age,debt_bondage\n1,yes\n", "no 'case_id' column");
	BAD_CSV("case_id,debt_bondage\na,yes\nb,maybe\n",
		"'b.csv': line 3: column 'debt_bondage': the answer is not yes, no or unknown");
	BAD_CSV("case_id,age\na,200\n", "'b.csv': line 2: column 'age'");
	BAD_CSV("case_id,age\na,0x10\n", "column 'age': the age is not a number of years");
	BAD_CSV("case_id,age\na,1e1\n", "column 'age': the age is not a number of years");
	BAD_CSV("case_id,age\na,-4\n", "column 'age': the age is not a number of years");
	BAD_CSV("case_id,age\na,teen\n", "column 'age': the age is not a number of years");
	BAD_CSV("case_id,age\na,1,2\n", "'b.csv': line 2: 3 fields");
	BAD_CSV("case_id,age,age\na,1,2\n", "column 'age' appears twice");
	BAD_CSV("case_id,age\n", "no cases");
	b = NULL;
	jl = "{\"case_id\":\"a\"}\n{\"case_id\":\"b\",\"facts\":{\"x\":\"yes\"}}\n";
	assert_int_not_equal(dur_screen_batch_parse_jsonl(SET, jl, strlen(jl), "b.jsonl", &b, &e),
			     DUR_OK);
	assert_non_null(strstr(e.msg, "'b.jsonl': line 2: facts.x: unknown fact"));
	jl = "{\"case_id\":\"a\"}\n{oops\n";
	assert_int_not_equal(dur_screen_batch_parse_jsonl(SET, jl, strlen(jl), "b.jsonl", &b, &e),
			     DUR_OK);
	assert_non_null(strstr(e.msg, "'b.jsonl': line 2"));
	assert_null(b);
}

static void test_screen_summary(void **state)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_screen_batch *b = NULL;
	dur_screen_summary *s = dur_screen_summary_alloc();
	/* coercion by hand: a indicated, b indicated (child, commercial sex),
	 * c not indicated, d insufficient; sectors farm (a, c) and kitchen (b, d) */
	const char *csv = "case_id,age,sector,threats_to_person,threats_to_family,documents_taken,"
			  "debt_bondage,wages_withheld,physical_violence,sexual_violence,commercial_sex\n"
			  "a,30,farm,yes,,,,,,,\n"
			  "b,15,kitchen,no,no,no,no,no,no,no,yes\n"
			  "c,40,farm,no,no,no,no,no,no,no,yes\n"
			  "d,40,kitchen,no,no,no,no,no,no,,no\n";
	const char *ids[1] = { "coercion" };
	char *out = NULL;
	json_t *j, *o;
	json_error_t je;
	(void)state;
	assert_int_equal(dur_screen_batch_parse_csv(SET, csv, strlen(csv), "b.csv", &b, &e), DUR_OK);
	for (size_t i = 0; i < dur_screen_batch_count(b); i++) {
		dur_screen_result *r = NULL;
		assert_int_equal(dur_screen_evaluate(SET, dur_screen_batch_case(b, i), ids, 1, &r, &e),
				 DUR_OK);
		assert_int_equal(dur_screen_summary_add(s, dur_screen_batch_case(b, i), r, &e), DUR_OK);
		dur_screen_result_free(r);
	}
	assert_int_equal(dur_screen_summary_to_json(s, 1, 0, &out, &e), DUR_OK);
	j = json_loads(out, 0, &je);
	assert_non_null(j);
	o = json_object_get(json_object_get(json_object_get(j, "overall"), "counts"), "coercion");
	assert_int_equal(json_integer_value(json_object_get(o, "indicated")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "not_indicated")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "insufficient_information")), 1);
	o = json_array_get(json_object_get(j, "by_sector"), 0);
	assert_string_equal(json_string_value(json_object_get(o, "sector")), "farm");
	o = json_object_get(json_object_get(o, "counts"), "coercion");
	assert_int_equal(json_integer_value(json_object_get(o, "indicated")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "not_indicated")), 1);
	json_decref(j);
	free(out);
	/* rounded down to a multiple of 10: every cell is under 10 */
	assert_int_equal(dur_screen_summary_to_json(s, 10, 0, &out, &e), DUR_OK);
	assert_null(strstr(out, "\"indicated\":2"));
	assert_non_null(strstr(out, "\"resolution\":10"));
	free(out);
	assert_int_equal(dur_screen_summary_to_text(s, 10, &out, &e), DUR_OK);
	assert_non_null(strstr(out, "<10"));
	free(out);
	assert_int_equal(dur_screen_summary_to_text(s, 0, &out, &e), DUR_EINVAL);
	dur_screen_summary_free(s);
	dur_screen_batch_free(b);
}

static void test_screen_describe(void **state)
{
	struct dur_error e = DUR_ERROR_INIT;
	char *out = NULL;
	json_t *j;
	json_error_t je;
	(void)state;
	assert_int_equal(dur_framework_set_questions_json(SET, &out, &e), DUR_OK);
	j = json_loads(out, 0, &je);
	assert_non_null(j);
	/* documents_taken feeds the coercion framework's indicator */
	{
		json_t *qs = json_object_get(j, "questions"), *q;
		size_t i;
		int found = 0;
		json_array_foreach(qs, i, q)
			if (strcmp(json_string_value(json_object_get(q, "id")), "documents_taken") == 0) {
				json_t *f = json_object_get(json_object_get(q, "feeds"), "coercion");
				assert_string_equal(json_string_value(json_array_get(f, 0)),
						    "coercion.documents_taken");
				found = 1;
			}
		assert_true(found);
	}
	json_decref(j);
	free(out);
	assert_int_equal(dur_framework_set_show_text(SET, "nope", &out, &e), DUR_EINVAL);
	assert_int_equal(dur_framework_set_show_text(SET, "ilo2009", &out, &e), DUR_OK);
	assert_non_null(strstr(out, "ilo2009.adult.labour.coercion_at_destination.strong.violence"));
	free(out);
	assert_int_equal(dur_framework_set_list_json(SET, &out, &e), DUR_OK);
	free(out);
	assert_int_equal(dur_framework_set_questions_text(SET, &out, &e), DUR_OK);
	assert_non_null(strstr(out, "[ ] yes   [ ] no   [ ] don't know"));
	free(out);
}

int main(void)
{
	struct dur_error e = DUR_ERROR_INIT;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_screen_engine_kleene),
		cmocka_unit_test(test_screen_coercion_rule),
		cmocka_unit_test(test_screen_coercion_reasons),
		cmocka_unit_test(test_screen_ilo_dimension_rule),
		cmocka_unit_test(test_screen_ilo_combination),
		cmocka_unit_test(test_screen_ilo_options),
		cmocka_unit_test(test_screen_ilo_lists),
		cmocka_unit_test(test_screen_ids_match_frameworks_md),
		cmocka_unit_test(test_screen_icls_rule),
		cmocka_unit_test(test_screen_palermo_rule),
		cmocka_unit_test(test_screen_tvpa_rule),
		cmocka_unit_test(test_screen_sector_never_matters),
		cmocka_unit_test(test_screen_unknown_is_never_no),
		cmocka_unit_test(test_screen_missing_is_unknown),
		cmocka_unit_test(test_screen_indicator_ids_exist),
		cmocka_unit_test(test_screen_loader_errors),
		cmocka_unit_test(test_screen_case_json),
		cmocka_unit_test(test_screen_batches),
		cmocka_unit_test(test_screen_summary),
		cmocka_unit_test(test_screen_describe),
	};
	int rc;

	gsl_set_error_handler_off();
	SET = dur_framework_set_alloc();
	if (!SET || dur_framework_set_load_dir(SET, FW_DIR, &e) != DUR_OK) {
		fprintf(stderr, "cannot load %s: %s\n", FW_DIR, e.msg);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dur_framework_set_free(SET);
	return rc;
}
