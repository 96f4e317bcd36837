/* Private to src/mse. */
#ifndef DURESS_MSE_INTERNAL_H
#define DURESS_MSE_INTERNAL_H

#include <duress/mse.h>

/* Fit with the unseen cell included holding count n0 (profile likelihood).
 * Returns the deviance in *dev.  Uses w's matrices. */
dur_err mse_fit_with_unseen(dur_mse_work *w, const struct dur_table *t,
			    const struct dur_mse_model *m, double n0, double *dev,
			    struct dur_error *err);

#endif
