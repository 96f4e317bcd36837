/*
 * The link-match job as a document: what a manifest records of a linkage
 * of encodings (records per list, pairs scored and linked, people, the
 * capture table, the spread of the linked pairs' scores) - counts only,
 * never an id - and how it is run again from a manifest.
 */
#include "link/link_internal.h"
#include "core/jsonx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCORE_BINS 20

json_t *dur_link_match_params_to_json(const struct dur_link_match_params *p,
				      const char *const *names, size_t n)
{
	json_t *j = json_object(), *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(names[i]));
	jx_set(j, "names", a);
	/* 0: chosen from the scores (which gives the same again) */
	jx_set(j, "threshold", json_real(p->threshold));
	jx_set(j, "bridge_threshold", json_real(p->bridge_threshold));
	jx_set(j, "blocking", json_boolean(p->blocking));
	/* what the threshold falls back on when the scores cannot choose one
	   (the schema's): needed to run the match again */
	jx_set(j, "fallback", json_real(p->fallback));
	jx_set(j, "fallback_bridge", json_real(p->fallback_bridge));
	return j;
}

dur_err dur_link_match_params_from_json(const json_t *j, struct dur_link_match_params *p,
					const char **names, size_t max, size_t *n,
					struct dur_error *err)
{
	static const char *const keys[] = { "names", "threshold", "bridge_threshold", "blocking",
		"fallback", "fallback_bridge", NULL };
	struct jx c = { NULL, err };
	json_t *a, *v;
	size_t i;
	dur_err rc;

	*p = dur_link_match_default_params(NULL);
	if (!json_is_object(j))
		return dur_error_set(err, DUR_EPARSE, "parameters: must be an object");
	if ((rc = jx_only(&c, j, "parameters", keys)) ||
	    (rc = jx_array(&c, j, "parameters", "names", &a)) ||
	    (rc = jx_number(&c, j, "parameters", "threshold", &p->threshold)) ||
	    (rc = jx_number(&c, j, "parameters", "bridge_threshold", &p->bridge_threshold)))
		return rc;
	if (json_array_size(a) < 2 || json_array_size(a) > max)
		return dur_error_set(err, DUR_EPARSE, "parameters.names: must name 2 to %zu lists",
				     max);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return dur_error_set(err, DUR_EPARSE, "parameters.names[%zu]: must be a string",
					     i);
		names[i] = json_string_value(v);
	}
	*n = json_array_size(a);
	if ((json_object_get(j, "blocking") &&
	     (rc = jx_bool(&c, j, "parameters", "blocking", &p->blocking))) ||
	    (json_object_get(j, "fallback") &&
	     (rc = jx_number(&c, j, "parameters", "fallback", &p->fallback))) ||
	    (json_object_get(j, "fallback_bridge") &&
	     (rc = jx_number(&c, j, "parameters", "fallback_bridge", &p->fallback_bridge))))
		return rc;
	if (!(p->fallback > 0 && p->fallback <= 1) ||
	    !(p->fallback_bridge >= 0 && p->fallback_bridge <= 1))
		return dur_error_set(err, DUR_EPARSE, "parameters.fallback: must be within 0 to 1");
	if (!(p->threshold >= 0 && p->threshold <= 1))
		return dur_error_set(err, DUR_EPARSE, "parameters.threshold: must be from 0 (chosen "
				     "from the scores) to 1");
	if (!(p->bridge_threshold >= 0 && p->bridge_threshold <= 1))
		return dur_error_set(err, DUR_EPARSE, "parameters.bridge_threshold: must be from 0 "
				     "to 1");
	return DUR_OK;
}

dur_err dur_link_result_table(const struct dur_link_result *r, struct dur_table **out,
			      struct dur_error *err)
{
	struct dur_table *t;
	uint32_t *m;

	*out = NULL;
	if (r->nlists < DUR_TABLE_MIN_LISTS || r->nlists > DUR_TABLE_MAX_LISTS)
		return dur_error_set(err, DUR_EINVAL, "a capture table holds 2 to %d lists, not %zu",
				     DUR_TABLE_MAX_LISTS, r->nlists);
	if (!(t = dur_table_alloc((int)r->nlists)) ||
	    !(m = calloc(r->nclusters ? r->nclusters : 1, sizeof(*m)))) {
		dur_table_free(t);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	for (size_t l = 0; l < r->nlists; l++) {
		if (dur_table_set_name(t, (int)l, r->names[l]) != DUR_OK) {
			free(m);
			dur_table_free(t);
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		}
		for (size_t i = 0; i < r->nrec[l]; i++)
			m[r->cluster[l][i]] |= (uint32_t)1 << l;
	}
	for (size_t k = 0; k < r->nclusters; k++)
		if (m[k])
			t->count[m[k]] += 1;
	free(m);
	*out = t;
	return DUR_OK;
}

json_t *dur_link_result_json(const struct dur_link_result *r,
			     const struct dur_link_match_params *p)
{
	json_t *j = json_object(), *lists = json_array(), *cells = json_array(), *tl = json_array();
	json_t *counts = json_array(), *scores = json_object();
	struct dur_table *t = NULL;
	size_t bins[SCORE_BINS] = { 0 };
	/* the threshold used (chosen from the scores unless given) */
	double lo = r->fit.threshold > 0 ? r->fit.threshold : p->threshold;

	jx_set(j, "format", json_string(DUR_LINK_MATCH_FORMAT));
	jx_set(j, "format_version", json_integer(DUR_LINK_MATCH_FORMAT_VERSION));
	for (size_t l = 0; l < r->nlists; l++) {
		json_array_append_new(lists, json_pack("{s:s,s:I}", "name", r->names[l], "records",
						       (json_int_t)r->nrec[l]));
	}
	jx_set(j, "lists", lists);
	jx_set(j, "threshold", json_real(lo));
	jx_set(j, "bridge_threshold", json_real(r->fit.bridge > 0 ? r->fit.bridge
						: p->bridge_threshold));
	jx_set(j, "comparisons", json_integer((json_int_t)r->comparisons));
	jx_set(j, "linked_pairs", json_integer((json_int_t)r->npairs));
	jx_set(j, "people", json_integer((json_int_t)r->nclusters));
	jx_set(j, "bridges_refused", json_integer((json_int_t)r->bridges_refused));
	if (dur_link_result_table(r, &t, NULL) == DUR_OK) {
		for (int i = 0; i < t->k; i++)
			json_array_append_new(tl, json_string(t->names[i]));
		for (unsigned c = 1; c < t->ncells; c++) {
			char pat[DUR_TABLE_MAX_LISTS + 1];
			if (t->count[c] == 0)
				continue;
			for (int i = 0; i < t->k; i++)
				pat[i] = (c >> i) & 1u ? '1' : '0';
			pat[t->k] = '\0';
			json_array_append_new(cells, json_pack("{s:s,s:f}", "pattern", pat, "count",
							       t->count[c]));
		}
		dur_table_free(t);
	}
	jx_set(j, "table", json_pack("{s:o,s:o}", "lists", tl, "cells", cells));
	/* the linked pairs' scores, from the threshold to 1 */
	for (size_t i = 0; i < r->npairs; i++) {
		double s = r->pairs[i].score;
		int b = lo < 1 ? (int)floor((s - lo) / (1 - lo) * SCORE_BINS) : SCORE_BINS - 1;
		if (b < 0)
			b = 0;
		if (b >= SCORE_BINS)
			b = SCORE_BINS - 1;
		bins[b]++;
	}
	for (int b = 0; b < SCORE_BINS; b++)
		json_array_append_new(counts, json_integer((json_int_t)bins[b]));
	jx_set(scores, "from", json_real(lo));
	jx_set(scores, "to", json_real(1));
	jx_set(scores, "counts", counts);
	jx_set(j, "linked_scores", scores);
	return j;
}
