/*
 * Intervals for N: analytic (log-normal), profile likelihood, BCa bootstrap.
 */
#include "mse_internal.h"

#include <math.h>
#include <gsl/gsl_cdf.h>

void dur_mse_interval_analytic(const struct dur_mse_fit *f, double level,
			       double *lower, double *upper)
{
	double z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2);
	*lower = f->observed + exp(f->b0 - z * f->se_b0);
	*upper = f->observed + exp(f->b0 + z * f->se_b0);
}
