/*
 * The report's plots as inline SVG, written by hand: text stays text (a
 * screen reader reads it, a search finds it), every plot has a <title> and
 * a <desc>, colours are Okabe & Ito's (2008) and never the only cue (the
 * chosen method is also a larger diamond; hidden counts are also dashed
 * and labelled).  Coordinates are written without printf's locale.
 */
#include "report/report_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT 12.0
#define SMALL 10.5

/* ---- scales and ticks --------------------------------------------------------------- */

double rpt_scale_map(const struct rpt_scale *s, double x)
{
	if (s->d1 == s->d0)
		return (s->r0 + s->r1) / 2;
	return s->r0 + (x - s->d0) / (s->d1 - s->d0) * (s->r1 - s->r0);
}

/* Heckbert's nice number: 1, 2, 5 or 10 times a power of ten near x. */
double rpt_nice(double x, int round_it)
{
	double e = floor(log10(x)), f = x / pow(10, e), nf;
	if (round_it)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nf * pow(10, e);
}

int rpt_ticks(double lo, double hi, int target, int extend, double *ticks, double *step,
	      double *nlo, double *nhi)
{
	double d, k0, k1;
	int n = 0;

	if (!isfinite(lo) || !isfinite(hi))
		return 0;
	if (hi < lo) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	if (hi == lo) {
		double w = lo == 0 ? 1 : fabs(lo) * 0.1;
		lo -= w;
		hi += w;
	}
	if (target < 2)
		target = 2;
	d = rpt_nice(rpt_nice(hi - lo, 0) / (target - 1), 1);
	/* a little slack, so that 0.3 / 0.1 is 3 and not 2.9999999999999996 */
	k0 = extend ? floor(lo / d + 1e-9) : ceil(lo / d - 1e-9);
	k1 = extend ? ceil(hi / d - 1e-9) : floor(hi / d + 1e-9);
	if (extend) {
		lo = k0 * d;
		hi = k1 * d;
	}
	for (double k = k0; k <= k1 && n < RPT_MAX_TICKS; k++) {
		double t = k * d;
		ticks[n++] = t == 0 ? 0 : t;   /* no -0 */
	}
	if (step)
		*step = d;
	if (nlo)
		*nlo = lo;
	if (nhi)
		*nhi = hi;
	return n;
}

int rpt_tick_decimals(double step)
{
	int d = 0;
	if (!(step > 0) || !isfinite(step))
		return 0;
	while (d < 6 && fabs(step * pow(10, d) - floor(step * pow(10, d) + 0.5)) > 1e-6)
		d++;
	return d;
}

double rpt_text_width(const char *s, double px)
{
	size_t n = 0;
	for (; s && *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return (double)n * 0.58 * px;
}

/* ---- writing -------------------------------------------------------------------------- */

/* x with one decimal, never with a locale's comma; -0.0 as 0. */
static void put_coord(struct dur_buf *b, double x)
{
	long long v;
	if (!isfinite(x))
		x = 0;
	/* far beyond any drawing, and within what llround can return */
	if (fabs(x) > 1e12)
		x = x < 0 ? -1e12 : 1e12;
	v = llround(x * 10);
	if (v < 0)
		dur_buf_printf(b, "-%lld.%lld", -v / 10, -v % 10);
	else
		dur_buf_printf(b, "%lld.%lld", v / 10, v % 10);
}

/* A printf-like writer for SVG: %c a coordinate (double), %s escaped text,
 * %r raw text (fixed strings only), %d an int. */
static void svgf(struct dur_buf *b, const char *fmt, ...)
{
	va_list ap;
	const char *p = fmt, *run = fmt;

	va_start(ap, fmt);
	for (; *p; p++) {
		if (*p != '%' || !p[1])
			continue;
		if (p > run)
			dur_buf_printf(b, "%.*s", (int)(p - run), run);
		switch (*++p) {
		case 'c': put_coord(b, va_arg(ap, double)); break;
		case 's': rpt_esc(b, va_arg(ap, const char *)); break;
		case 'r': dur_buf_puts(b, va_arg(ap, const char *)); break;
		case 'd': dur_buf_printf(b, "%d", va_arg(ap, int)); break;
		default: dur_buf_printf(b, "%%%c", *p);
		}
		run = p + 1;
	}
	if (*run)
		dur_buf_puts(b, run);
	va_end(ap);
}

static void svg_open(const struct rpt *r, struct dur_buf *b, double w, double h,
		     const char *title, const char *desc)
{
	svgf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %c %c\" "
	     "width=\"%c\" height=\"%c\" role=\"img\" aria-labelledby=\"f%d-t f%d-d\">\n",
	     w, h, w, h, r->nfig, r->nfig, r->nfig);
	svgf(b, "<title id=\"f%d-t\">%s</title>\n<desc id=\"f%d-d\">%s</desc>\n", r->nfig,
	     title ? title : "", r->nfig, desc ? desc : "");
}

static void text_at(struct dur_buf *b, double x, double y, const char *anchor, double size,
		    const char *fill, const char *s)
{
	svgf(b, "<text x=\"%c\" y=\"%c\" text-anchor=\"%r\" font-size=\"%c\" fill=\"%r\">%s</text>\n",
	     x, y, anchor, size, fill, s);
}

/* A label cut to fit `maxw` pixels, with an ellipsis; the whole text in a
 * <title> child so that it can still be read. */
static void label_fit(struct dur_buf *b, double x, double y, const char *anchor, double size,
		      const char *fill, const char *s, double maxw)
{
	size_t keep, n = 0, bytes = 0;
	if (rpt_text_width(s, size) <= maxw) {
		text_at(b, x, y, anchor, size, fill, s);
		return;
	}
	keep = (size_t)(maxw / (0.58 * size));
	keep = keep > 1 ? keep - 1 : 1;
	for (const char *q = s; *q; q++) {
		if (((unsigned char)*q & 0xC0) != 0x80) {
			if (n == keep)
				break;
			n++;
		}
		bytes = (size_t)(q - s) + 1;
	}
	svgf(b, "<text x=\"%c\" y=\"%c\" text-anchor=\"%r\" font-size=\"%c\" fill=\"%r\"><title>%s"
	     "</title>", x, y, anchor, size, fill, s);
	rpt_escn(b, s, bytes);
	dur_buf_puts(b, "\xe2\x80\xa6</text>\n");
}

static void line(struct dur_buf *b, double x1, double y1, double x2, double y2,
		 const char *stroke, double width, const char *dash)
{
	svgf(b, "<line x1=\"%c\" y1=\"%c\" x2=\"%c\" y2=\"%c\" stroke=\"%r\" stroke-width=\"%c\"",
	     x1, y1, x2, y2, stroke, width);
	if (dash)
		svgf(b, " stroke-dasharray=\"%r\"", dash);
	dur_buf_puts(b, "/>\n");
}

static void rect(struct dur_buf *b, double x, double y, double w, double h, const char *fill,
		 const char *extra)
{
	svgf(b, "<rect x=\"%c\" y=\"%c\" width=\"%c\" height=\"%c\" fill=\"%r\"%r/>\n", x, y,
	     w > 0 ? w : 0, h > 0 ? h : 0, fill, extra ? extra : "");
}

/* An x axis at y with ticks and labels in the report's language. */
static void x_axis(const struct rpt *r, struct dur_buf *b, const struct rpt_scale *s,
		   const double *ticks, int nt, int decimals, double y, double top,
		   const char *label)
{
	char t[64];
	for (int i = 0; i < nt; i++) {
		double x = rpt_scale_map(s, ticks[i]);
		line(b, x, top, x, y, "#E5E5E5", 1, NULL);
		line(b, x, y, x, y + 5, "#555555", 1, NULL);
		rpt_num(r, ticks[i], decimals, t, sizeof(t));
		text_at(b, x, y + 17, "middle", SMALL, "#333333", t);
	}
	line(b, s->r0, y, s->r1, y, "#555555", 1, NULL);
	if (label)
		text_at(b, (s->r0 + s->r1) / 2, y + 34, "middle", FONT, "#222222", label);
}

/* ---- interval plot -------------------------------------------------------------------- */

void rpt_svg_intervals(const struct rpt *r, struct dur_buf *b, const struct rpt_ivplot *p,
		       const struct rpt_ivrow *rows, size_t n)
{
	double w = 720, left = 8, labw = 0, lo = INFINITY, hi = -INFINITY, step, ticks[RPT_MAX_TICKS];
	double rowh = 38, top = 30, h, plotl, plotr = w - 28;
	struct rpt_scale s;
	int nt, dec;

	for (size_t i = 0; i < n; i++) {
		double lw = rpt_text_width(rows[i].label, FONT);
		if (rows[i].note && rpt_text_width(rows[i].note, SMALL) > lw)
			lw = rpt_text_width(rows[i].note, SMALL);
		labw = lw > labw ? lw : labw;
		if (!rows[i].have)
			continue;
		lo = fmin(lo, rows[i].have_interval ? fmin(rows[i].lower, rows[i].estimate)
						    : rows[i].estimate);
		hi = fmax(hi, rows[i].have_interval ? fmax(rows[i].upper, rows[i].estimate)
						    : rows[i].estimate);
	}
	if (isfinite(p->reference)) {
		lo = fmin(lo, p->reference);
		hi = fmax(hi, p->reference);
	}
	if (isfinite(p->band_lo) && isfinite(p->band_hi)) {
		lo = fmin(lo, p->band_lo);
		hi = fmax(hi, p->band_hi);
	}
	if (!isfinite(lo)) {
		lo = 0;
		hi = 1;
	}
	if (p->zero)
		lo = 0;
	labw = labw > 280 ? 280 : labw;
	plotl = left + labw + 16;
	nt = rpt_ticks(lo, hi, 6, 1, ticks, &step, &lo, &hi);
	dec = rpt_tick_decimals(step);
	s.d0 = lo;
	s.d1 = hi;
	s.r0 = plotl;
	s.r1 = plotr;
	h = top + rowh * (double)n + 48;
	svg_open(r, b, w, h, p->title, p->desc);
	for (size_t i = 0; i < n; i++)
		if (i % 2 == 0)
			rect(b, 0, top + rowh * (double)i, w, rowh, "#F6F6F6", NULL);
	if (isfinite(p->band_lo) && isfinite(p->band_hi)) {
		double x0 = rpt_scale_map(&s, p->band_lo), x1 = rpt_scale_map(&s, p->band_hi);
		rect(b, x0, top, x1 - x0, rowh * (double)n, RPT_SKY, " fill-opacity=\"0.25\"");
		if (p->band_label)
			text_at(b, (x0 + x1) / 2, top - 10, "middle", SMALL, "#00527F", p->band_label);
	}
	x_axis(r, b, &s, ticks, nt, dec, top + rowh * (double)n + 4, 4, p->axis);
	if (isfinite(p->reference)) {
		double x = rpt_scale_map(&s, p->reference);
		line(b, x, top - 6, x, top + rowh * (double)n + 4, RPT_VERMILLION, 1.5, "5 4");
		if (p->reference_label)
			text_at(b, x + (x > (plotl + plotr) / 2 ? -4 : 4), top - 10,
				x > (plotl + plotr) / 2 ? "end" : "start", SMALL, "#A33F00",
				p->reference_label);
	}
	for (size_t i = 0; i < n; i++) {
		const struct rpt_ivrow *q = &rows[i];
		double y = top + rowh * (double)i + rowh / 2;
		const char *col = q->main ? RPT_BLUE : "#333333";
		label_fit(b, left, q->note ? y - 2 : y + 4, "start", FONT, q->main ? RPT_BLUE : "#111111",
			  q->label, 280);
		if (q->note)
			label_fit(b, left, y + 12, "start", SMALL, RPT_GREY, q->note, 280);
		if (!q->have) {
			text_at(b, plotl + 4, y + 4, "start", SMALL, RPT_GREY,
				rpt_tr(r, DUR_N_("no estimate")));
			continue;
		}
		if (q->have_interval) {
			double x0 = rpt_scale_map(&s, q->lower);
			double x1 = q->upper_open ? plotr : rpt_scale_map(&s, q->upper);
			line(b, x0, y, x1, y, col, q->main ? 3 : 2, NULL);
			line(b, x0, y - 6, x0, y + 6, col, 2, NULL);
			if (q->upper_open)
				svgf(b, "<polygon points=\"%c,%c %c,%c %c,%c\" fill=\"%r\"/>\n", x1, y,
				     x1 - 8, y - 5, x1 - 8, y + 5, col);
			else
				line(b, x1, y - 6, x1, y + 6, col, 2, NULL);
		}
		{
			double x = rpt_scale_map(&s, q->estimate);
			if (q->main)
				svgf(b, "<polygon points=\"%c,%c %c,%c %c,%c %c,%c\" fill=\"%r\" "
				     "stroke=\"#FFFFFF\" stroke-width=\"1\"/>\n", x, y - 8, x + 8, y, x,
				     y + 8, x - 8, y, RPT_BLUE);
			else
				svgf(b, "<circle cx=\"%c\" cy=\"%c\" r=\"5\" fill=\"%r\" stroke=\"#FFFFFF\" "
				     "stroke-width=\"1\"/>\n", x, y, col);
		}
	}
	dur_buf_puts(b, "</svg>\n");
}

/* ---- histogram ------------------------------------------------------------------------ */

static void y_axis(const struct rpt *r, struct dur_buf *b, const struct rpt_scale *s,
		   const double *ticks, int nt, int decimals, double x, double right)
{
	char t[64];
	for (int i = 0; i < nt; i++) {
		double y = rpt_scale_map(s, ticks[i]);
		line(b, x, y, right, y, "#E5E5E5", 1, NULL);
		rpt_num(r, ticks[i], decimals, t, sizeof(t));
		text_at(b, x - 6, y + 4, "end", SMALL, "#333333", t);
	}
}

void rpt_svg_histogram(const struct rpt *r, struct dur_buf *b, const struct rpt_histogram *hg)
{
	double w = 720, h = 310, left = 64, right = w - 20, top = 54, bottom = h - 52;
	double xt[RPT_MAX_TICKS], yt[RPT_MAX_TICKS], xstep, ystep, ymax = 0, lo, hi;
	struct rpt_scale sx, sy;
	int nxt, nyt;

	for (size_t i = 0; i < hg->nbins; i++) {
		double c = hg->counts[i];
		if (hg->hidden && hg->hidden[i])
			c = (double)r->o->min_cell;
		ymax = fmax(ymax, c);
	}
	lo = hg->nbins ? hg->edges[0] : 0;
	hi = hg->nbins ? hg->edges[hg->nbins] : 1;
	nxt = rpt_ticks(lo, hi, 7, 0, xt, &xstep, NULL, NULL);
	nyt = rpt_ticks(0, ymax > 0 ? ymax : 1, 5, 1, yt, &ystep, NULL, &ymax);
	sx.d0 = lo;
	sx.d1 = hi;
	sx.r0 = left;
	sx.r1 = right;
	sy.d0 = 0;
	sy.d1 = ymax;
	sy.r0 = bottom;
	sy.r1 = top;
	svg_open(r, b, w, h, hg->title, hg->desc);
	y_axis(r, b, &sy, yt, nyt, rpt_tick_decimals(ystep), left, right);
	if (hg->yaxis)
		svgf(b, "<text x=\"14\" y=\"%c\" text-anchor=\"middle\" font-size=\"%c\" fill=\"#222222\" "
		     "transform=\"rotate(-90 14 %c)\">%s</text>\n", (top + bottom) / 2, SMALL,
		     (top + bottom) / 2, hg->yaxis);
	for (size_t i = 0; i < hg->nbins; i++) {
		double x0 = rpt_scale_map(&sx, hg->edges[i]), x1 = rpt_scale_map(&sx, hg->edges[i + 1]);
		int hid = hg->hidden && hg->hidden[i];
		double c = hid ? (double)r->o->min_cell : hg->counts[i];
		double y = rpt_scale_map(&sy, c);
		if (hg->counts[i] <= 0)
			continue;
		if (hid) {
			char k[32], t[40];
			rect(b, x0 + 0.5, y, x1 - x0 - 1, bottom - y, "#FFFFFF",
			     " stroke=\"#555555\" stroke-dasharray=\"3 2\"");
			rpt_count(r, (double)r->o->min_cell, k, sizeof(k));
			snprintf(t, sizeof(t), "<%s", k);
			text_at(b, (x0 + x1) / 2, y - 4, "middle", 9, "#333333", t);
		} else {
			rect(b, x0 + 0.5, y, x1 - x0 - 1, bottom - y, RPT_SKY, NULL);
		}
	}
	x_axis(r, b, &sx, xt, nxt, hg->axis_decimals >= 0 ? hg->axis_decimals
							   : rpt_tick_decimals(xstep),
	       bottom, top, hg->axis);
	/* labels in rows above the plot, each in the first row where it neither
	 * overlaps another label nor is crossed by another mark's line (a line
	 * runs from its label's row down to the axis) */
	{
		double px0[8], px1[8], pxl[8];
		int prow[8], np = 0;
		const char *anchors[8] = { 0 };
		for (size_t i = 0; i < hg->nmarks && i < 8; i++) {
			const struct rpt_mark *m = &hg->marks[i];
			double x = rpt_scale_map(&sx, m->x), tw, x0;
			const char *anchor;
			int row = 0;
			if (!isfinite(m->x))
				continue;
			tw = m->label ? rpt_text_width(m->label, SMALL) : 0;
			anchor = m->side < 0 ? "end" : m->side > 0 ? "start" : "middle";
			x0 = m->side < 0 ? x - 4 - tw : m->side > 0 ? x + 4 : x - tw / 2;
			/* no room on its side: the other side, else against the edge */
			if (x0 < 2) {
				x0 = m->side < 0 ? x + 4 : 2;
				anchor = "start";
			}
			if (x0 + tw > w - 2) {
				x0 = m->side > 0 && x - 4 - tw >= 2 ? x - 4 - tw : w - 2 - tw;
				anchor = "end";
			}
			for (; row < 2; row++) {
				int clash = 0;
				for (int k = 0; k < np; k++) {
					if (prow[k] == row)
						clash |= x0 < px1[k] + 6 && x0 + tw + 6 > px0[k];
					if (prow[k] < row)
						clash |= pxl[k] > x0 - 3 && pxl[k] < x0 + tw + 3;
					if (prow[k] > row)
						clash |= x > px0[k] - 3 && x < px1[k] + 3;
				}
				if (!clash)
					break;
			}
			px0[np] = x0;
			px1[np] = x0 + tw;
			pxl[np] = x;
			prow[np++] = row;
			line(b, x, 18 + 14.0 * row, x, bottom, m->dashed ? "#333333" : RPT_VERMILLION,
			     m->dashed ? 1.5 : 2.5, m->dashed ? "5 4" : NULL);
			anchors[i] = anchor;
		}
		/* the labels over the lines, with a white halo where a line still
		 * crosses one */
		for (size_t i = 0, k = 0; i < hg->nmarks && i < 8; i++) {
			const struct rpt_mark *m = &hg->marks[i];
			const char *a = anchors[i];
			if (!isfinite(m->x))
				continue;
			if (m->label)
				svgf(b, "<text x=\"%c\" y=\"%c\" text-anchor=\"%r\" font-size=\"%c\" "
				     "fill=\"%r\" stroke=\"#FFFFFF\" stroke-width=\"3\" "
				     "paint-order=\"stroke\">%s</text>\n",
				     strcmp(a, "start") == 0 ? px0[k] : strcmp(a, "end") == 0 ? px1[k]
				     : (px0[k] + px1[k]) / 2, 14 + 14.0 * prow[k], a, SMALL,
				     m->dashed ? "#222222" : "#A33F00", m->label);
			k++;
		}
	}
	dur_buf_puts(b, "</svg>\n");
}

/* ---- UpSet plot ------------------------------------------------------------------------- */

void rpt_svg_upset(const struct rpt *r, struct dur_buf *b, const struct rpt_upset *u)
{
	double namew = 0, setw = 96, cw, barh = 190, toph = 16, rowh = 20, w, h, mx, left;
	double yt[RPT_MAX_TICKS], ystep, ymax = 0, smax = 0, labw = 0, maty;
	struct rpt_scale sy;
	int nyt, rotate;
	char t[48];

	for (size_t i = 0; i < u->nlists; i++) {
		namew = fmax(namew, rpt_text_width(u->lists[i], FONT));
		smax = fmax(smax, u->list_totals[i]);
	}
	namew = fmin(namew, 160) + 12;
	for (size_t i = 0; i < u->ncells; i++) {
		ymax = fmax(ymax, rpt_hidden(r, u->counts[i]) ? (double)r->o->min_cell : u->counts[i]);
		rpt_cell(r, u->counts[i], t, sizeof(t));
		labw = fmax(labw, rpt_text_width(t, 9.5));
	}
	left = setw + namew + 34;
	cw = u->ncells ? (720 - left - 12) / (double)u->ncells : 24;
	cw = cw < 16 ? 16 : cw > 40 ? 40 : cw;
	rotate = labw > cw - 2;
	if (rotate)
		toph = labw + 8;
	w = left + cw * (double)u->ncells + 12;
	w = w < 480 ? 480 : w;
	maty = toph + barh + 14;
	h = maty + rowh * (double)u->nlists + 30;
	nyt = rpt_ticks(0, ymax > 0 ? ymax : 1, 5, 1, yt, &ystep, NULL, &ymax);
	sy.d0 = 0;
	sy.d1 = ymax;
	sy.r0 = toph + barh;
	sy.r1 = toph;
	svg_open(r, b, w, h, u->title, u->desc);
	y_axis(r, b, &sy, yt, nyt, rpt_tick_decimals(ystep), left - 6, left + cw * (double)u->ncells);
	svgf(b, "<text x=\"%c\" y=\"%c\" text-anchor=\"middle\" font-size=\"%c\" fill=\"#222222\" "
	     "transform=\"rotate(-90 %c %c)\">%s</text>\n", left - 48, toph + barh / 2, SMALL,
	     left - 48, toph + barh / 2, rpt_tr(r, DUR_N_("people seen by exactly these lists")));
	/* the columns: a bar, its count, the dots of its lists */
	for (size_t j = 0; j < u->ncells; j++) {
		double x = left + cw * (double)j, cx = x + cw / 2, ytop, ymin = 1e9, ymaxd = -1;
		int hid = rpt_hidden(r, u->counts[j]);
		double c = hid ? (double)r->o->min_cell : u->counts[j];
		ytop = rpt_scale_map(&sy, c);
		if (j % 2 == 0)
			rect(b, x, maty - 10, cw, rowh * (double)u->nlists + 2, "#F4F4F4", NULL);
		if (hid)
			rect(b, x + 2, ytop, cw - 4, toph + barh - ytop, "#FFFFFF",
			     " stroke=\"#555555\" stroke-dasharray=\"3 2\"");
		else
			rect(b, x + 2, ytop, cw - 4, toph + barh - ytop, "#333333", NULL);
		rpt_cell(r, u->counts[j], t, sizeof(t));
		if (rotate)
			svgf(b, "<text x=\"%c\" y=\"%c\" text-anchor=\"start\" font-size=\"9.5\" "
			     "fill=\"#222222\" transform=\"rotate(-90 %c %c)\">%s</text>\n", cx + 3,
			     ytop - 4, cx + 3, ytop - 4, t);
		else
			text_at(b, cx, ytop - 4, "middle", 9.5, "#222222", t);
		for (size_t i = 0; i < u->nlists; i++) {
			double y = maty + rowh * (double)i;
			int on = (u->patterns[j] >> i) & 1u;
			if (on) {
				ymin = fmin(ymin, y);
				ymaxd = fmax(ymaxd, y);
			}
		}
		if (ymaxd > ymin)
			line(b, cx, ymin, cx, ymaxd, "#333333", 2.5, NULL);
		for (size_t i = 0; i < u->nlists; i++) {
			double y = maty + rowh * (double)i;
			int on = (u->patterns[j] >> i) & 1u;
			svgf(b, "<circle cx=\"%c\" cy=\"%c\" r=\"%c\" fill=\"%r\"/>\n", cx, y,
			     on ? 5.5 : 4.0, on ? "#222222" : "#CFCFCF");
		}
	}
	/* the lists: names, and how many each saw in all (bars to the left) */
	mx = setw + 4;
	for (size_t i = 0; i < u->nlists; i++) {
		double y = maty + rowh * (double)i, bw;
		int hid = rpt_hidden(r, u->list_totals[i]);
		label_fit(b, left - 12, y + 4, "end", FONT, "#111111", u->lists[i], 160);
		bw = smax > 0 ? (hid ? (double)r->o->min_cell : u->list_totals[i]) / smax * (setw - 44)
			      : 0;
		rect(b, mx - bw, y - 6, bw, 12, RPT_BLUE, hid ? " fill-opacity=\"0.35\"" : NULL);
		rpt_cell(r, u->list_totals[i], t, sizeof(t));
		text_at(b, mx - bw - 4, y + 4, "end", 9.5, "#222222", t);
	}
	text_at(b, mx - (setw - 44) / 2, h - 8, "middle", SMALL, "#222222",
		rpt_tr(r, DUR_N_("on the list in all")));
	dur_buf_puts(b, "</svg>\n");
}

/* ---- stacked shares ----------------------------------------------------------------------- */

void rpt_svg_stack(const struct rpt *r, struct dur_buf *b, const struct rpt_stack *s)
{
	double w = 720, labw = 0, barh = 26, gap = 14, top = 40, left, right = w - 16, h, legx = 8;
	char t[48];

	for (size_t i = 0; i < s->nrows; i++)
		labw = fmax(labw, rpt_text_width(s->rows[i], FONT));
	labw = fmin(labw, 200);
	left = 8 + labw + 12;
	h = top + (barh + gap) * (double)s->nrows + 8;
	svg_open(r, b, w, h, s->title, s->desc);
	for (size_t k = 0; k < s->nparts; k++) {
		rect(b, legx, 10, 14, 14, s->colours[k], NULL);
		text_at(b, legx + 19, 21.5, "start", FONT, "#111111", s->parts[k]);
		legx += 19 + rpt_text_width(s->parts[k], FONT) + 22;
	}
	for (size_t i = 0; i < s->nrows; i++) {
		double y = top + (barh + gap) * (double)i, total = 0, x = left;
		for (size_t k = 0; k < s->nparts; k++)
			if (!(s->hidden && s->hidden[i * s->nparts + k]))
				total += s->values[i * s->nparts + k];
		label_fit(b, 8, y + barh / 2 + 4, "start", FONT, "#111111", s->rows[i], 200);
		rect(b, left, y, right - left, barh, "#FFFFFF", " stroke=\"#BBBBBB\"");
		for (size_t k = 0; k < s->nparts; k++) {
			double v = s->values[i * s->nparts + k], bw, denom = 0;
			if (s->hidden && s->hidden[i * s->nparts + k])
				continue;
			for (size_t q = 0; q < s->nparts; q++)
				denom += s->values[i * s->nparts + q];
			if (!(denom > 0) || !(v > 0))
				continue;
			bw = v / denom * (right - left);
			rect(b, x, y, bw, barh, s->colours[k], NULL);
			rpt_percent(r, v / denom, 0, t, sizeof(t));
			if (bw > rpt_text_width(t, SMALL) + 6)
				text_at(b, x + bw / 2, y + barh / 2 + 4, "middle", SMALL,
					strcmp(s->colours[k], RPT_LIGHT) == 0 ||
					strcmp(s->colours[k], RPT_YELLOW) == 0 ? "#111111" : "#FFFFFF", t);
			x += bw;
		}
		(void)total;
	}
	dur_buf_puts(b, "</svg>\n");
}

/* ---- bars ----------------------------------------------------------------------------------- */

void rpt_svg_bars(const struct rpt *r, struct dur_buf *b, const struct rpt_bars *s)
{
	double w = 720, labw = 0, barh = 20, gap = 10, top = 8, left, right = w - 70, h, vmax = 0;
	double xt[RPT_MAX_TICKS], step, hi;
	struct rpt_scale sx;
	int nt;
	char t[48];

	for (size_t i = 0; i < s->n; i++) {
		labw = fmax(labw, rpt_text_width(s->labels[i], FONT));
		vmax = fmax(vmax, s->hidden && s->hidden[i] ? (double)r->o->min_cell : s->values[i]);
	}
	labw = fmin(labw, 200);
	left = 8 + labw + 12;
	nt = rpt_ticks(0, vmax > 0 ? vmax : 1, 5, 1, xt, &step, NULL, &hi);
	sx.d0 = 0;
	sx.d1 = hi;
	sx.r0 = left;
	sx.r1 = right;
	h = top + (barh + gap) * (double)s->n + 44;
	svg_open(r, b, w, h, s->title, s->desc);
	x_axis(r, b, &sx, xt, nt, rpt_tick_decimals(step), top + (barh + gap) * (double)s->n, top,
	       s->axis);
	for (size_t i = 0; i < s->n; i++) {
		double y = top + (barh + gap) * (double)i + gap / 2;
		int hid = s->hidden && s->hidden[i];
		double v = hid ? (double)r->o->min_cell : s->values[i];
		double x1 = rpt_scale_map(&sx, v);
		label_fit(b, 8, y + barh / 2 + 4, "start", FONT, "#111111", s->labels[i], 200);
		if (hid)
			rect(b, left, y, x1 - left, barh, "#FFFFFF",
			     " stroke=\"#555555\" stroke-dasharray=\"3 2\"");
		else
			rect(b, left, y, x1 - left, barh, s->colour, NULL);
		if (s->decimals >= 0)
			rpt_num(r, s->values[i], s->decimals, t, sizeof(t));
		else
			rpt_cell(r, s->values[i], t, sizeof(t));
		text_at(b, x1 + 5, y + barh / 2 + 4, "start", SMALL, "#222222", t);
	}
	dur_buf_puts(b, "</svg>\n");
}

/* ---- models compared ---------------------------------------------------------------------- */

void rpt_svg_models(const struct rpt *r, struct dur_buf *b, const struct rpt_models *m)
{
	double cw = 22, rowh = 24, headh = 0, left = 34, barw = 170, w, h, xb, xe, wmax = 0;
	char t[64];

	for (size_t j = 0; j < m->nterms; j++)
		headh = fmax(headh, rpt_text_width(m->terms[j], SMALL));
	headh = fmin(headh, 120) + 16;
	xb = left + cw * (double)m->nterms + 18;
	xe = xb + barw + 70;
	w = fmax(xe + 70, 480);
	h = headh + rowh * (double)m->nmodels + 10;
	for (size_t i = 0; i < m->nmodels; i++)
		wmax = fmax(wmax, m->weights[i]);
	svg_open(r, b, w, h, m->title, m->desc);
	for (size_t j = 0; j < m->nterms; j++) {
		double cx = left + cw * (double)j + cw / 2;
		if (j % 2 == 0)
			rect(b, left + cw * (double)j, headh - 4, cw, rowh * (double)m->nmodels + 4,
			     "#F4F4F4", NULL);
		svgf(b, "<text x=\"%c\" y=\"%c\" text-anchor=\"start\" font-size=\"%c\" "
		     "fill=\"#222222\" transform=\"rotate(-90 %c %c)\">%s</text>\n", cx + 4,
		     headh - 8, SMALL, cx + 4, headh - 8, m->terms[j]);
	}
	text_at(b, xb, headh - 8, "start", SMALL, "#222222", m->weight_label);
	text_at(b, w - 8, headh - 8, "end", SMALL, "#222222", m->estimate_label);
	for (size_t i = 0; i < m->nmodels; i++) {
		double y = headh + rowh * (double)i + rowh / 2, bw;
		snprintf(t, sizeof(t), "%zu", i + 1);
		text_at(b, left - 10, y + 4, "end", FONT, "#111111", t);
		for (size_t j = 0; j < m->nterms; j++) {
			int on = m->has[i * m->nterms + j];
			svgf(b, "<circle cx=\"%c\" cy=\"%c\" r=\"%c\" fill=\"%r\"/>\n",
			     left + cw * (double)j + cw / 2, y, on ? 5.5 : 3.5, on ? "#222222" : "#CFCFCF");
		}
		bw = wmax > 0 ? m->weights[i] / wmax * barw : 0;
		rect(b, xb, y - 7, bw, 14, RPT_ORANGE, NULL);
		rpt_num(r, m->weights[i], 3, t, sizeof(t));
		text_at(b, xb + bw + 5, y + 4, "start", SMALL, "#222222", t);
		rpt_count(r, m->estimates[i], t, sizeof(t));
		text_at(b, w - 8, y + 4, "end", SMALL, "#222222", t);
	}
	dur_buf_puts(b, "</svg>\n");
}
