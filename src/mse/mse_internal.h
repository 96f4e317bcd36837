/* Private to src/mse. */
#ifndef DURESS_MSE_INTERNAL_H
#define DURESS_MSE_INTERNAL_H

#include <duress/mse.h>

/* Fit with the unseen cell included holding count n0 (profile likelihood).
 * Returns the deviance in *dev.  Uses w's matrices. */
/* Sums of v (2^k, by pattern) over the cells of each pair: out[pair]. */
void mse_pair_sums(dur_mse_work *w, const double *v, double *out);
/* 1 when the workspace takes its sums by transforms (sums_min_lists). */
int mse_uses_sums(const dur_mse_work *w);
/* The next dur_mse_fit_model starts from these fitted counts. */
void mse_start_from(dur_mse_work *w, const double *fitted);
dur_err mse_fit_with_unseen(dur_mse_work *w, const struct dur_table *t,
			    const struct dur_mse_model *m, double n0, double *dev,
			    struct dur_error *err);

/*
 * The influence of each cell on the estimate of model m: g[c] = dN/dn_c
 * (2^k entries; NaN for cells the fit leaves out), from the MLE's score
 * equations.  Removing one person from cell c changes N by about -g[c]: the
 * infinitesimal jackknife (Efron 1982, ch. 6).
 */
dur_err mse_influence(dur_mse_work *w, const struct dur_table *t, const struct dur_mse_model *m,
		      double *g, struct dur_error *err);

#endif
