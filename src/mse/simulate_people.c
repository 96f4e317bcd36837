/*
 * Made-up people for the lists of a simulation, so that linkage can be
 * tried end to end on data where the truth is known: every person seen
 * gets a name and a date of birth, and each list writes its own record of
 * them, with the variants real spreadsheets have (typing errors, capitals,
 * accents left out, stray spaces, another date format, a missing date).
 * Nobody real is in it: the names are drawn from short lists of common
 * given names and surnames of many languages.
 */
#include <duress/simulate.h>
#include <duress/rng.h>

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

static const char *const given[] = {
	"Amina", "Ana", "Andrea", "Aziz", "Bich", "Carlos", "Chen", "Chloé", "Daniel", "Dilnoza",
	"Efua", "Elena", "Emre", "Fatima", "Fernando", "Grace", "Hassan", "Hoa", "Ibrahim",
	"Ioana", "Irina", "Jamal", "José", "Juan", "Kateryna", "Kwame", "Laila", "Li", "Lucía",
	"Mai", "Malik", "María", "Mariam", "Mateo", "Mehmet", "Mihai", "Min", "Nadia", "Nguyen",
	"Nkechi", "Oksana", "Olena", "Omar", "Pablo", "Priya", "Rahul", "Rosa", "Sabina",
	"Samuel", "Sara", "Seo-yeon", "Sofía", "Svetlana", "Thi", "Tomás", "Valentina", "Wei",
	"Yasmin", "Yusuf", "Zainab",
};
static const char *const surname[] = {
	"Abebe", "Ahmed", "Alves", "Andrade", "Balogun", "Bondarenko", "Castillo", "Chen", "Cruz",
	"da Silva", "Díaz", "Dumitru", "Esposito", "Fernández", "García", "Gómez", "González",
	"Haddad", "Hernández", "Hoang", "Ivanova", "Jiménez", "Kaya", "Khan", "Kim", "Koval",
	"Kowalski", "Le", "López", "Martínez", "Mensah", "Moreno", "Müller", "Nguyen", "Novak",
	"Okafor", "Ortiz", "Park", "Pereira", "Petrov", "Popescu", "Ramírez", "Reyes", "Rodríguez",
	"Rossi", "Sánchez", "Santos", "Shevchenko", "Singh", "Sokolova", "Torres", "Tran",
	"Vargas", "Wang", "Yılmaz", "Zhang",
};
#define NGIVEN (sizeof(given) / sizeof(given[0]))
#define NSURNAME (sizeof(surname) / sizeof(surname[0]))

/* Drop the accents of the Latin letters above (what a keyboard without
 * them types): only 2-byte UTF-8 sequences of Latin-1 and Latin Ext-A. */
static void fold(const char *in, char *out, size_t size)
{
	static const char *const from[] = { "á", "é", "í", "ó", "ú", "ü", "ñ", "ç", "ı", "ă" };
	static const char to[] = "aeiouuncia";
	size_t o = 0;
	while (*in && o + 1 < size) {
		size_t i;
		for (i = 0; i < sizeof(to) - 1; i++)
			if (strncmp(in, from[i], strlen(from[i])) == 0)
				break;
		if (i < sizeof(to) - 1) {
			out[o++] = to[i];
			in += strlen(from[i]);
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
}

/* One typing error on an ASCII letter: a letter left out, doubled, or two
 * swapped (multi-byte characters are left alone). */
static void typo(char *s, gsl_rng *rng)
{
	size_t n = strlen(s), i;
	if (n < 3)
		return;
	i = 1 + (size_t)gsl_rng_uniform_int(rng, (unsigned long)(n - 2));
	if ((unsigned char)s[i] >= 0x80 || (unsigned char)s[i + 1] >= 0x80 ||
	    (unsigned char)s[i - 1] >= 0x80)
		return;
	switch (gsl_rng_uniform_int(rng, 3)) {
	case 0:
		memmove(s + i, s + i + 1, n - i);
		break;
	case 1:
		if (n + 2 < 128) {
			memmove(s + i + 1, s + i, n - i + 1);
		}
		break;
	default: {
		char c = s[i];
		s[i] = s[i + 1];
		s[i + 1] = c;
	}
	}
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* A CSV field: quoted when it holds a comma, a quote or a space at an end. */
static int put_field(FILE *f, const char *s)
{
	size_t n = strlen(s);
	if (!strpbrk(s, ",\"") && !(n && (s[0] == ' ' || s[n - 1] == ' ')))
		return fputs(s, f) < 0 ? -1 : 0;
	if (fputc('"', f) == EOF)
		return -1;
	for (; *s; s++)
		if ((*s == '"' && fputc('"', f) == EOF) || fputc(*s, f) == EOF)
			return -1;
	return fputc('"', f) == EOF ? -1 : 0;
}

dur_err dur_sim_write_people(const struct dur_sim_result *r, int list, uint64_t seed, FILE *f,
			     struct dur_error *err)
{
	gsl_rng *who = NULL, *noise = NULL;
	const char *name;
	size_t n = 0;

	if (r->npeople != (size_t)r->observed)
		return dur_error_set(err, DUR_EINVAL,
				     "the simulation kept only the table, not each person");
	if (list < 0 || list >= r->table->k)
		return dur_error_set(err, DUR_EINVAL, "there is no list %d", list);
	who = gsl_rng_alloc(gsl_rng_mt19937);
	noise = gsl_rng_alloc(gsl_rng_mt19937);
	if (!who || !noise) {
		if (who)
			gsl_rng_free(who);
		if (noise)
			gsl_rng_free(noise);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	name = r->table->names[list];
	fputs("record_id,given_name,surname,date_of_birth\n", f);
	for (size_t i = 0; i < r->npeople; i++) {
		char g[128], s[128], dob[40], id[64], tmp[160];
		int y, m, d;
		if (!((r->pattern[i] >> list) & 1u))
			continue;
		/* the person: the same on every list (a stream per person) */
		gsl_rng_set(who, dur_rng_stream_seed(seed, (uint64_t)i));
		snprintf(g, sizeof(g), "%s", given[gsl_rng_uniform_int(who, NGIVEN)]);
		snprintf(s, sizeof(s), "%s", surname[gsl_rng_uniform_int(who, NSURNAME)]);
		y = 1960 + (int)gsl_rng_uniform_int(who, 46);
		m = 1 + (int)gsl_rng_uniform_int(who, 12);
		d = 1 + (int)gsl_rng_uniform_int(who, 28);
		/* this list's record of them (a stream per person and list) */
		gsl_rng_set(noise, dur_rng_stream_seed(seed ^ 0x5bd1e995u,
						       (uint64_t)i * 16 + (uint64_t)list));
		if (gsl_rng_uniform(noise) < 0.06)
			typo(g, noise);
		if (gsl_rng_uniform(noise) < 0.06)
			typo(s, noise);
		if (gsl_rng_uniform(noise) < 0.08) {
			fold(s, tmp, sizeof(s));
			memcpy(s, tmp, strlen(tmp) + 1);
			fold(g, tmp, sizeof(g));
			memcpy(g, tmp, strlen(tmp) + 1);
		}
		if (gsl_rng_uniform(noise) < 0.05)
			upper(s);
		if (gsl_rng_uniform(noise) < 0.04) {
			memmove(g + 1, g, strnlen(g, sizeof(g) - 2) + 1);
			g[0] = ' ';
		}
		{
			double u = gsl_rng_uniform(noise);
			if (u < 0.03)
				dob[0] = '\0';
			else if (u < 0.15)
				snprintf(dob, sizeof(dob), "%02d/%02d/%04d", d, m, y);
			else
				snprintf(dob, sizeof(dob), "%04d-%02d-%02d", y, m, d);
		}
		snprintf(id, sizeof(id), "%s-%04zu", name, ++n);
		if (put_field(f, id) || fputc(',', f) == EOF || put_field(f, g) ||
		    fputc(',', f) == EOF || put_field(f, s) || fputc(',', f) == EOF ||
		    fputs(dob, f) < 0 || fputc('\n', f) == EOF)
			break;
	}
	gsl_rng_free(who);
	gsl_rng_free(noise);
	if (ferror(f))
		return dur_error_set(err, DUR_EIO, "cannot write: %s", strerror(errno));
	return DUR_OK;
}
