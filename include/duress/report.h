/*
 * duress/report.h - results put into words for people: numbers written as
 * a reader reads them, the one sentence that opens every estimate, and the
 * text tables of the command line.  The HTML report builds on the same
 * functions, so a figure reads the same wherever it is shown.
 */
#ifndef DURESS_REPORT_H
#define DURESS_REPORT_H

#include <duress/common.h>
#include <stddef.h>
#include <duress/error.h>
#include <duress/estimate.h>

/*
 * A count of people with thousands grouped: 2673.4 -> "2,673".  Non-finite
 * values give "-".  Always terminated.  @since 0.2
 */
DUR_EXPORT void dur_words_count(double x, char *buf, size_t size);
/*
 * An estimated number as one says it: rounded to three significant figures
 * (to a whole number below 100), thousands grouped: 2673.4 -> "2,670",
 * 11417.99 -> "11,400", 57.4 -> "57".  @since 0.2
 */
DUR_EXPORT void dur_words_about(double x, char *buf, size_t size);

/*
 * The sentence a data officer can read aloud, e.g. "About 2,670 people in
 * all (95% interval 2,370 to 3,000): 1,441 were on at least one list,
 * about 1,230 on none."  For a result without an estimate, the reason.
 * *out is yours (free()).  @since 0.2
 */
DUR_EXPORT dur_err dur_estimate_headline(const struct dur_estimate_result *r, char **out,
				  struct dur_error *err);

/*
 * The whole document as text for a terminal: the headline, then the
 * figures, the model, the cells, the comparison and diagnostics, the
 * warnings; every stratum likewise.  *out is yours.  @since 0.2
 */
DUR_EXPORT dur_err dur_estimate_doc_to_text(const struct dur_estimate_doc *d, char **out,
				     struct dur_error *err);

#endif
