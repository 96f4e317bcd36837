/*
 * duress/simulate.h - capture histories from a known population.
 *
 * dur_sim_run() makes N people and puts each of them on k lists at
 * random, so that estimators can be tested against a true N and so that
 * examples are reproducible.  The model (docs/simulate.md), for each person
 * in turn:
 *
 *   1. a latent class c is drawn with probabilities class_weight (when
 *      there are two classes or more; otherwise everyone is in one class);
 *   2. independently for each list j, the person is on list j with
 *      probability p[c][j];
 *   3. the referrals are applied in the order given: a person on list
 *      `from` who is not on list `to` is put on `to` with probability
 *      `prob`.  Referrals make lists dependent (a positive interaction in
 *      the log-linear model); latent classes make capture heterogeneous.
 *
 * With one class and no referrals the truth is the main-effects model.
 *
 * Random numbers: GSL's MT19937.  dur_sim_run() seeds a generator of its
 * own from the 64-bit seed (MT19937 is seeded with the low 32 bits of
 * splitmix64(seed), as the bootstrap does), so the same seed and
 * parameters give the same people on every platform; dur_sim_run_rng()
 * draws from a generator the caller owns.  The draws per person are, in
 * order: one uniform for the class (only with two classes or more), one
 * per list, then one per referral whose `from` list the person is on and
 * whose `to` list they are not on.
 */
#ifndef DURESS_SIMULATE_H
#define DURESS_SIMULATE_H

#include <duress/common.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <duress/error.h>
#include <duress/table.h>

#define DUR_SIM_MAX_N 1e8          /* population size cap */
#define DUR_SIM_MAX_CLASSES 64     /* latent classes */
#define DUR_SIM_MAX_REFERRALS 1024
#define DUR_SIM_MAX_NAME 255       /* bytes in a list name */

/* Dependence: someone on list `from` is also put on list `to` with
 * probability `prob`.  Names are borrowed. */
struct dur_sim_referral {
	const char *from;
	const char *to;
	double prob;
};

/*
 * What to simulate.  Everything is borrowed for the length of the call.
 * Start from dur_sim_default_params() (or all zeros) and fill in N, k and
 * either p (one class) or nclasses/class_weight/class_p (latent classes).
 */
struct dur_sim_params {
	double N;                   /* population size: a whole number, 1..1e8 */
	int k;                      /* lists, 2..15 */
	const char **names;         /* k list names, or NULL for L1..Lk */
	const double *p;            /* k capture probabilities in [0,1] (one class);
				       NULL when classes are given */
	int nclasses;               /* latent classes; 0 or 1 means none */
	const double *class_weight; /* nclasses shares in [0,1] summing to 1 (1e-9) */
	const double *class_p;      /* nclasses*k probabilities in [0,1], a row per class */
	int nref;                   /* referrals, applied in this order */
	const struct dur_sim_referral *ref;
	uint64_t seed;              /* dur_sim_run() only */
	int table_only;             /* 1: do not keep each observed person's
				       pattern (2 bytes a person); only the
				       aggregated table can then be written */
};

/* All zeros: no classes, no referrals, seed 0, histories kept.  @since 0.1 */
DUR_EXPORT struct dur_sim_params dur_sim_default_params(void);

/*
 * The people observed.  Invariants: table->count[0] == 0 and the counts
 * sum to `observed`; unless the run was table_only, npeople == observed
 * and person i + 1 (the id written) has capture pattern pattern[i] (bit j
 * = on list j, never 0), in the order the people were made.
 */
struct dur_sim_result {
	double N;                  /* the true population size */
	double observed;           /* people on at least one list */
	uint64_t seed;             /* the seed used (dur_sim_run) or 0 */
	struct dur_table *table;   /* owned: aggregated counts and list names */
	size_t npeople;            /* entries of pattern (0 when table_only) */
	uint16_t *pattern;         /* owned */
};

/*
 * Check the parameters without simulating: DUR_EINVAL with a plain message
 * naming the bad value (a probability outside [0,1], weights not summing
 * to 1, an unknown list in a referral, N not a whole number or too large,
 * bad or repeated list names, ...).  List names must be non-empty UTF-8
 * of at most 255 bytes, without commas, quotes, colons, control
 * characters or surrounding spaces, and not "id" or "count" (so that the
 * CSV written reads back as the same lists).  @since 0.1
 */
DUR_EXPORT dur_err dur_sim_check(const struct dur_sim_params *p, struct dur_error *err);

/*
 * Simulate with a new MT19937 generator seeded from p->seed.  On success
 * *out is new (free with dur_sim_result_free).  Fails with DUR_EINVAL
 * (see dur_sim_check) or DUR_ENOMEM.  @since 0.1
 */
DUR_EXPORT dur_err dur_sim_run(const struct dur_sim_params *p, struct dur_sim_result **out,
		    struct dur_error *err);

/* The same, drawing from the caller's generator (p->seed is not used and
 * result->seed is 0).  @since 0.1 */
DUR_EXPORT dur_err dur_sim_run_rng(const struct dur_sim_params *p, gsl_rng *rng,
			struct dur_sim_result **out, struct dur_error *err);

/* Free; NULL is allowed.  @since 0.1 */
DUR_EXPORT void dur_sim_result_free(struct dur_sim_result *r);

/*
 * Write the individual form: header `id,<names>`, then one row per
 * observed person, ids 1..n in order, list columns 0/1.  People on no list
 * are not written.  DUR_EINVAL if the run was table_only, DUR_EIO on a
 * write error.  (The aggregated form: dur_table_write_csv(r->table, ...).)
 * @since 0.1
 */
DUR_EXPORT dur_err dur_sim_write_histories(const struct dur_sim_result *r, FILE *f,
				struct dur_error *err);

/*
 * List `list`'s records of its people, as an organisation's own list would
 * hold them: CSV with the header record_id,given_name,surname,
 * date_of_birth, one row per person on the list (ids "<list>-0001", ...).
 * Each person has the same made-up name and birth date on every list
 * (drawn from `seed` and their number); each list's record has its own
 * variants - a typing error, capitals, accents left out, a stray space, the
 * date written DD/MM/YYYY or left empty - as spreadsheets do.  For trying
 * linkage where the truth (the histories) is known.  DUR_EINVAL if the run
 * was table_only.  @since 0.2
 */
DUR_EXPORT dur_err dur_sim_write_people(const struct dur_sim_result *r, int list, uint64_t seed,
				 FILE *f, struct dur_error *err);

/*
 * Storage for settings parsed from their written forms (the command line,
 * a web form).  The struct dur_sim_params filled by dur_sim_spec_parse()
 * points into it: keep it until the simulation is done.
 */
struct dur_sim_spec {
	double p[DUR_TABLE_MAX_LISTS];
	double weight[DUR_SIM_MAX_CLASSES];
	double class_p[DUR_SIM_MAX_CLASSES * DUR_TABLE_MAX_LISTS];
	const char *names[DUR_TABLE_MAX_LISTS];
	struct dur_sim_referral ref[DUR_SIM_MAX_REFERRALS];
	char *text;
	size_t used, cap;
};
DUR_EXPORT void dur_sim_spec_init(struct dur_sim_spec *s);
DUR_EXPORT void dur_sim_spec_release(struct dur_sim_spec *s);
/*
 * Parse the written settings into *out (whose N and seed the caller sets):
 * either `p`, capture probabilities "0.15,0.2,0.1", or `classes`, latent
 * classes "W:P1,P2,...;W:P1,P2,..." (each class's share of the population,
 * then its probability for each list); optional `names` "A,B,C"; and
 * `nref` referrals "FROM:TO:PROB".  Then checks everything as
 * dur_sim_check() does (N included, so set it first).  Errors name the
 * setting in words and its position, never a command-line flag.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_sim_spec_parse(struct dur_sim_spec *s, const char *p, const char *classes,
			       const char *names, const char *const *referrals, size_t nref,
			       struct dur_sim_params *out, struct dur_error *err);

#endif
