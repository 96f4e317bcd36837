/*
 * duress/table.h - capture tables: who was seen by which lists.
 *
 * A struct dur_table holds, for k lists (2 <= k <= 15), the number of
 * people seen with each capture pattern.  Pattern c is a bit mask: bit i
 * set means "on list i".  Invariants: count[0] == 0 (the all-zero pattern
 * is what is estimated); every count is a whole number in
 * [0, DUR_TABLE_MAX_COUNT]; names are distinct, non-empty UTF-8.
 *
 * Two CSV forms are read (design.md), told apart by a `count` column:
 *   aggregated   list columns then `count`, one row per observed pattern
 *                (per stratum, with a stratum column: a region, a linkage draw);
 *   individual   optional `id`, list columns, optional stratum columns,
 *                one row per person.
 */
#ifndef DURESS_TABLE_H
#define DURESS_TABLE_H

#include <duress/common.h>
#include <stdio.h>
#include <duress/error.h>
#include <duress/strlist.h>

#define DUR_TABLE_MIN_LISTS 2
#define DUR_TABLE_MAX_LISTS 15
/* No real list of people reaches a billion in one cell: larger is an error. */
#define DUR_TABLE_MAX_COUNT 1e9

struct dur_table {
	int k;               /* number of lists */
	unsigned ncells;     /* 2^k */
	char **names;        /* k owned strings */
	double *count;       /* ncells entries indexed by pattern; count[0] == 0 */
};

/* A new table with k lists, all counts 0 and names "L1".."Lk".  @since 0.1 */
DUR_EXPORT struct dur_table *dur_table_alloc(int k);
/* A deep copy, or NULL when out of memory.  @since 0.1 */
DUR_EXPORT struct dur_table *dur_table_clone(const struct dur_table *t);
/* Free; NULL is allowed.  @since 0.1 */
DUR_EXPORT void dur_table_free(struct dur_table *t);
/* Replace the name of list i (copied).  @since 0.1 */
DUR_EXPORT dur_err dur_table_set_name(struct dur_table *t, int i, const char *name);
/* Number of people observed (sum of all counts).  @since 0.1 */
DUR_EXPORT double dur_table_observed(const struct dur_table *t);
/* Index of the list called `name`, or -1.  @since 0.1 */
DUR_EXPORT int dur_table_list_index(const struct dur_table *t, const char *name);

/*
 * The result of reading a capture CSV: the whole table and, with a stratum
 * column, one table per stratum (labels in order of first appearance).
 */
struct dur_table_set {
	struct dur_table *total;
	size_t nstrata;
	char **label;              /* nstrata owned strings */
	struct dur_table **stratum;
	int individual;            /* 1 if read from individual histories */
	size_t rows;               /* data rows read */
};

struct dur_table_read_params {
	const char *by;            /* stratum column (either form), or NULL */
	const char *lists;         /* comma-separated list columns to use, or NULL for all */
	char delim;                /* between values: ',' (also when 0), ';', '\t', '|' */
};

/*
 * Read either CSV form from a buffer.  `name` names the file in messages:
 * every error names it, the line and the column.  Rejected: fewer than two
 * or more than 15 lists, list values other than 0/1, negative, fractional
 * or absurdly large counts, duplicate patterns, the all-zero pattern, a
 * person on no list, ragged rows, unknown or repeated columns.
 * On success *out is new (free with dur_table_set_free).  @since 0.1
 */
DUR_EXPORT dur_err dur_table_read_csv(const char *buf, size_t len, const char *name,
			   const struct dur_table_read_params *params,
			   struct dur_table_set **out, struct dur_error *err);
DUR_EXPORT void dur_table_set_free(struct dur_table_set *s);

/*
 * Make a table usable for estimation: a list that nobody is on, or that
 * everyone observed is on, carries no information and is dropped (people
 * seen only on it are then among those the other lists did not see);
 * lists with identical columns are merged into one named "A+B".  Each
 * change adds a plain-words warning to `warnings` (may be NULL).  Fails
 * with DUR_EDATA if fewer than two lists remain.  *t may be replaced.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_table_clean(struct dur_table **t, struct dur_strlist *warnings,
			struct dur_error *err);

/* Write the aggregated CSV form (non-zero patterns only).  @since 0.1 */
DUR_EXPORT dur_err dur_table_write_csv(const struct dur_table *t, FILE *f, struct dur_error *err);

#endif
