/*
 * duress serve: flags into parameters, passwords from standard input
 * (never the command line), and the library's store and web app started
 * and stopped.  The modes that change users or make backups unlock the
 * store with a coordinator's password and lock it again at once.
 */
#include "cli.h"
#include "commands.h"
#include "screen_common.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <duress/serve.h>
#include <duress/store.h>

#define BACKUP_CAP ((size_t)4 << 30)

struct opts {
	const char *data, *listen, *user, *add_user, *role, *remove_user, *reset_password;
	const char *backup, *restore, *dir, *lang;
	struct cli_strings option, allow_host;
	unsigned long idle, max_connections, argon2_ops, argon2_mib;
	int init, list_users, check, secure_cookies, force;
};

#define O(f) offsetof(struct opts, f)
static const struct cli_opt options[] = {
	{ "data", 'd', OPT_STRING, "DIR", "the folder of the store (required)", O(data), 0, 0, 0,
	  NULL },
	{ "listen", 0, OPT_STRING, "HOST:PORT", "where to listen (default 127.0.0.1:8080, this\n"
	  "computer only; any other address must be spelled\n"
	  "out, and TLS is then your job; port 0: a free one)", O(listen), 0, 0, 0, NULL },
	{ "init", 0, OPT_FLAG, NULL, "make a new store in DIR with its first coordinator\n"
	  "(--user); the password is read from standard input", O(init), 0, 0, 0, NULL },
	{ "user", 'u', OPT_STRING, "NAME", "--init: the first coordinator; the other modes: the\n"
	  "coordinator doing it (their password first on stdin)", O(user), 0, 0, 0, NULL },
	{ "add-user", 0, OPT_STRING, "NAME", "add a user (then their first password on stdin)",
	  O(add_user), 0, 0, 0, NULL },
	{ "role", 0, OPT_CHOICE, "worker|coordinator", "--add-user: the role (default worker)",
	  O(role), 0, 0, 0, "worker|coordinator" },
	{ "remove-user", 0, OPT_STRING, "NAME", "remove a user", O(remove_user), 0, 0, 0, NULL },
	{ "reset-password", 0, OPT_STRING, "NAME", "give a user a new first password (on stdin);\n"
	  "they choose their own at the next login", O(reset_password), 0, 0, 0, NULL },
	{ "list-users", 0, OPT_FLAG, NULL, "list the users and their roles", O(list_users), 0, 0, 0,
	  NULL },
	{ "backup", 0, OPT_STRING, "FILE", "write an encrypted backup of the store to FILE",
	  O(backup), 0, 0, 0, NULL },
	{ "restore", 0, OPT_STRING, "FILE", "make the store DIR (new) from a backup; --user is a\n"
	  "coordinator of the backup", O(restore), 0, 0, 0, NULL },
	{ "check", 0, OPT_FLAG, NULL, "check the store's database (no password needed)", O(check),
	  0, 0, 0, NULL },
	{ "idle-timeout", 0, OPT_ULONG, "MIN", "end a session after MIN minutes without use; when\n"
	  "none is left the key is wiped from memory (15)", O(idle), 1, 1440, 0, NULL },
	{ "lang", 0, OPT_STRING, "LANG", "language of the pages before anyone logs in (en)",
	  O(lang), 0, 0, 0, NULL },
	{ "frameworks-dir", 0, OPT_STRING, "DIR", "framework files (default $DURESS_FRAMEWORKS,\n"
	  "else those installed with duress)", O(dir), 0, 0, 0, NULL },
	{ "option", 0, OPT_STRINGS, "FW.NAME=yes|no", "set a framework option", O(option), 0, 0, 0,
	  NULL },
	{ "allow-host", 0, OPT_STRINGS, "NAME", "a name the browser may use for this server (for\n"
	  "a proxy in front of it); others are refused", O(allow_host), 0, 0, 0, NULL },
	{ "secure-cookies", 0, OPT_FLAG, NULL, "mark cookies Secure even on loopback (behind\n"
	  "a TLS proxy)", O(secure_cookies), 0, 0, 0, NULL },
	{ "max-connections", 0, OPT_ULONG, "N", "connections at once (32)", O(max_connections), 1,
	  1024, 0, NULL },
	{ "argon2-ops", 0, OPT_ULONG, "N", "Argon2id passes for new passwords (3)", O(argon2_ops),
	  1, 10, 0, NULL },
	{ "argon2-mib", 0, OPT_ULONG, "MIB", "Argon2id memory for new passwords (128); less is\n"
	  "faster to log in and faster to guess", O(argon2_mib), 8, 4096, 0, NULL },
	{ "force", 0, OPT_FLAG, NULL, "--backup: write through a symbolic link", O(force), 0, 0, 0,
	  NULL },
	{ NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL }
};
#undef O

const struct cli_spec spec_serve = {
	"serve", "--data DIR [--listen 127.0.0.1:8080]\n"
	"--init --data DIR --user NAME  < password\n"
	"--add-user NAME [--role R] --user COORD --data DIR  < passwords\n"
	"--backup FILE | --restore FILE --user COORD --data DIR  < password",
	"the private web app: screening and an encrypted case list",
	"A private, offline web app for screening and an encrypted case list, on this\n"
	"computer, for outreach workers and coordinators.  Open the address it prints\n"
	"in a browser.  Every case is encrypted in DIR; the key is in memory only while\n"
	"someone is logged in.  Passwords are read from standard input (on a terminal\n"
	"without echo), one a line, never from the command line.",
	options, 0, 0,
	"First:   duress serve --init --data DIR --user NAME   (type the password twice)\n"
	"Then:    duress serve --data DIR                       (stop with Ctrl-C)\n"
	"See docs/serve.md for the threat model, the API, backups and the limits."
};

/* ---- passwords ------------------------------------------------------------ */

/*
 * One line of standard input into locked memory, with read(2) a byte at a
 * time (so that a second password on the next line stays unread, and
 * nothing sits in a stdio buffer).  On a terminal the prompt goes to
 * stderr and echo is off.  The final CR LF or LF is not part of it.
 */
static dur_err read_line(const char *prompt, unsigned char **out, size_t *len,
			 struct dur_error *err)
{
	struct termios old, quiet;
	int tty = isatty(0), echo_off = 0;
	size_t n = 0, cap = DUR_STORE_MAX_PASSWORD + 2;
	unsigned char *b;
	int too_long = 0;

	*out = NULL;
	*len = 0;
	if (!(b = sodium_malloc(cap + 1)))
		return dur_error_set(err, DUR_ENOMEM, "cannot allocate locked memory");
	if (tty) {
		fputs(prompt, stderr);
		fflush(stderr);
		if (tcgetattr(0, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			echo_off = tcsetattr(0, TCSAFLUSH, &quiet) == 0;
		}
	}
	for (;;) {
		unsigned char c;
		ssize_t r = read(0, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n < cap)
			b[n++] = c;
		else
			too_long = 1;
	}
	if (echo_off) {
		tcsetattr(0, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n && b[n - 1] == '\r')
		n--;
	if (too_long || n > DUR_STORE_MAX_PASSWORD) {
		sodium_free(b);
		return dur_error_set(err, DUR_EINVAL, "the password is longer than %d bytes",
				     DUR_STORE_MAX_PASSWORD);
	}
	if (n == 0) {
		sodium_free(b);
		return dur_error_set(err, DUR_EINVAL, "no password on standard input");
	}
	b[n] = '\0';
	*out = b;
	*len = n;
	return DUR_OK;
}

/* A new password: on a terminal typed twice and compared. */
static dur_err read_new_password(const char *who, unsigned char **out, size_t *len,
				 struct dur_error *err)
{
	char prompt[160];
	unsigned char *again = NULL;
	size_t alen = 0;
	dur_err rc;

	snprintf(prompt, sizeof(prompt), "new password for %s: ", who);
	if ((rc = read_line(prompt, out, len, err)))
		return rc;
	if (*len < DUR_STORE_MIN_PASSWORD) {
		sodium_free(*out);
		*out = NULL;
		return dur_error_set(err, DUR_EINVAL, "a password needs at least %d characters "
				     "(a few unrelated words are easy to remember)",
				     DUR_STORE_MIN_PASSWORD);
	}
	if (!isatty(0))
		return DUR_OK;
	if ((rc = read_line("the same again: ", &again, &alen, err)))
		goto fail;
	if (alen != *len || sodium_memcmp(again, *out, alen) != 0) {
		rc = dur_error_set(err, DUR_EINVAL, "the two passwords are not the same");
		goto fail;
	}
	sodium_free(again);
	return DUR_OK;
fail:
	if (again)
		sodium_free(again);
	sodium_free(*out);
	*out = NULL;
	return rc;
}

/* Open the store and log in as coordinator `user` (password from stdin). */
static dur_err open_as_coordinator(const struct opts *o, const struct dur_store_params *sp,
				   dur_store **out, struct dur_error *err)
{
	struct dur_store_user u;
	unsigned char *pw = NULL;
	char prompt[160];
	size_t len = 0;
	dur_err rc;

	*out = NULL;
	if ((rc = dur_store_open(o->data, sp, out, err)))
		return rc;
	snprintf(prompt, sizeof(prompt), "password of %s: ", o->user);
	if ((rc = read_line(prompt, &pw, &len, err)))
		goto fail;
	rc = dur_store_login(*out, o->user, pw, len, &u, err);
	sodium_free(pw);
	if (rc)
		goto fail;
	if (u.role != DUR_STORE_COORDINATOR) {
		rc = dur_error_set(err, DUR_EKEY, "%s is not a coordinator", o->user);
		goto fail;
	}
	return DUR_OK;
fail:
	dur_store_free(*out);
	*out = NULL;
	return rc;
}

static long long now(void)
{
	return (long long)time(NULL);
}

/* ---- the modes ------------------------------------------------------------ */

static int do_init(const struct opts *o, const struct dur_store_params *sp)
{
	struct dur_error err = DUR_ERROR_INIT;
	unsigned char *pw = NULL;
	size_t len = 0;

	if (read_new_password(o->user, &pw, &len, &err) ||
	    dur_store_create(o->data, o->user, pw, len, sp, &err)) {
		if (pw)
			sodium_free(pw);
		cli_error("serve", "%s", err.msg);
		return EXIT_FAIL;
	}
	sodium_free(pw);
	fprintf(stderr, "duress serve: made a store in '%s' with the coordinator %s; start the app "
		"with: duress serve --data %s\n", o->data, o->user, o->data);
	return EXIT_OK;
}

static int do_users(const struct opts *o, const struct dur_store_params *sp)
{
	struct dur_error err = DUR_ERROR_INIT;
	dur_store *s = NULL;
	unsigned char *pw = NULL;
	size_t len = 0;
	int found = 0, rc = EXIT_FAIL;

	if (open_as_coordinator(o, sp, &s, &err))
		goto fail;
	if (o->add_user) {
		int role = dur_store_role_parse(o->role ? o->role : "worker");
		if (read_new_password(o->add_user, &pw, &len, &err) ||
		    dur_store_user_add(s, o->add_user, (enum dur_store_role)role, pw, len, 1, &err))
			goto fail;
		dur_store_audit(s, o->user, "user_add", NULL, now(), NULL);
		fprintf(stderr, "duress serve: added %s (%s); they choose their own password at the "
			"first login\n", o->add_user, dur_store_role_name((enum dur_store_role)role));
	} else if (o->remove_user) {
		if (dur_store_user_remove(s, o->remove_user, &found, &err))
			goto fail;
		if (!found) {
			dur_error_set(&err, DUR_EINVAL, "there is no user '%s'", o->remove_user);
			goto fail;
		}
		dur_store_audit(s, o->user, "user_remove", NULL, now(), NULL);
		fprintf(stderr, "duress serve: removed %s\n", o->remove_user);
	} else {
		if (dur_store_user_get(s, o->reset_password, &(struct dur_store_user){ 0 }, &found,
				       &err))
			goto fail;
		if (!found) {
			dur_error_set(&err, DUR_EINVAL, "there is no user '%s'", o->reset_password);
			goto fail;
		}
		if (read_new_password(o->reset_password, &pw, &len, &err) ||
		    dur_store_user_set_password(s, o->reset_password, pw, len, 1, &err))
			goto fail;
		dur_store_audit(s, o->user, "user_reset", NULL, now(), NULL);
		fprintf(stderr, "duress serve: gave %s a new first password\n", o->reset_password);
	}
	rc = EXIT_OK;
	goto out;
fail:
	cli_error("serve", "%s", err.msg);
out:
	if (pw)
		sodium_free(pw);
	dur_store_free(s);
	return rc;
}

static int do_list_users(const struct opts *o, const struct dur_store_params *sp)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_store_user *u = NULL;
	dur_store *s = NULL;
	size_t n = 0;

	if (dur_store_open(o->data, sp, &s, &err) || dur_store_user_list(s, &u, &n, &err)) {
		cli_error("serve", "%s", err.msg);
		dur_store_free(s);
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s%s\n", u[i].name, dur_store_role_name(u[i].role),
		       u[i].must_change ? "\t(must choose a new password)" : "");
	free(u);
	dur_store_free(s);
	return EXIT_OK;
}

static int do_backup(const struct opts *o, const struct dur_store_params *sp)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_outs outs = { 0 };
	unsigned char *buf = NULL;
	dur_store *s = NULL;
	size_t len = 0;
	FILE *f;
	int rc = EXIT_FAIL;

	outs.force = o->force;
	if (open_as_coordinator(o, sp, &s, &err) || dur_store_backup(s, &buf, &len, &err) ||
	    cli_outs_open(&outs, o->backup, &f, &err))
		goto fail;
	if (fwrite(buf, 1, len, f) != len) {
		dur_error_set(&err, DUR_EIO, "cannot write '%s': %s", o->backup, strerror(errno));
		goto fail;
	}
	if (cli_outs_commit(&outs, &err))
		goto fail;
	dur_store_audit(s, o->user, "backup", NULL, now(), NULL);
	fprintf(stderr, "duress serve: wrote an encrypted backup to '%s' (%zu bytes); a "
		"coordinator's password opens it\n", o->backup, len);
	rc = EXIT_OK;
	goto out;
fail:
	cli_error("serve", "%s", err.msg);
out:
	cli_outs_abort(&outs);
	free(buf);
	dur_store_free(s);
	return rc;
}

static int do_restore(const struct opts *o, const struct dur_store_params *sp)
{
	struct dur_error err = DUR_ERROR_INIT;
	unsigned char *pw = NULL;
	char *buf = NULL, prompt[160];
	size_t len = 0, pwlen = 0;
	int rc = EXIT_FAIL;

	snprintf(prompt, sizeof(prompt), "password of %s: ", o->user);
	if (cli_read_file(o->restore, BACKUP_CAP, &buf, &len, &err) ||
	    read_line(prompt, &pw, &pwlen, &err) ||
	    dur_store_restore((const unsigned char *)buf, len, o->data, o->user, pw, pwlen, sp,
			      &err)) {
		cli_error("serve", "%s", err.msg);
		goto out;
	}
	fprintf(stderr, "duress serve: restored the backup '%s' into '%s'\n", o->restore, o->data);
	rc = EXIT_OK;
out:
	if (pw)
		sodium_free(pw);
	free(buf);
	return rc;
}

static int do_check(const struct opts *o, const struct dur_store_params *sp)
{
	struct dur_error err = DUR_ERROR_INIT;
	dur_store *s = NULL;
	size_t n = 0;

	if (dur_store_open(o->data, sp, &s, &err) || dur_store_check(s, &err) ||
	    dur_store_case_count(s, &n, &err)) {
		cli_error("serve", "%s", err.msg);
		dur_store_free(s);
		return EXIT_FAIL;
	}
	printf("ok: the store in '%s' is sound (%zu cases)\n", o->data, n);
	dur_store_free(s);
	return EXIT_OK;
}

static int do_serve(const struct opts *o, const struct dur_store_params *sp)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_serve_params p;
	dur_framework_set *set = NULL;
	dur_store *store = NULL;
	dur_serve *srv = NULL;
	sigset_t sigs;
	int sig = 0, rc = EXIT_FAIL;

	dur_serve_default_params(&p);
	if (o->listen)
		p.listen = o->listen;
	if (o->idle)
		p.idle_timeout = (unsigned)(o->idle * 60);
	if (o->max_connections)
		p.max_connections = (unsigned)o->max_connections;
	if (o->lang)
		p.default_lang = o->lang;
	if (o->secure_cookies)
		p.secure_cookies = 1;
	for (size_t i = 0; i < o->allow_host.n && i < DUR_SERVE_MAX_HOSTS; i++)
		p.hosts[p.nhosts++] = o->allow_host.v[i];
	if (o->option.n > DUR_SERVE_MAX_OPTIONS)
		return cli_usage_error("serve", "at most %d --option", DUR_SERVE_MAX_OPTIONS);
	if (cli_load_frameworks(o->dir, &set, &err))
		goto fail;
	for (size_t i = 0; i < o->option.n; i++) {
		if (dur_framework_set_option_spec(set, o->option.v[i], &err)) {
			rc = cli_usage_error("serve", "--option: %s", err.msg);
			goto out;
		}
		p.options[p.noptions++] = o->option.v[i];
	}
	if (dur_store_open(o->data, sp, &store, &err) ||
	    dur_serve_alloc(store, set, &p, &srv, &err))
		goto fail;
	/*
	 * The signals that stop the server are taken by sigwait below, in this
	 * thread: block them before any thread exists, so that every thread
	 * inherits the mask and none is interrupted.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (dur_serve_listen(srv, &err))
		goto fail;
	if (!dur_serve_is_loopback(srv))
		cli_warn("serve", "listening on %s, not only on this computer: anyone on the network "
			 "can reach the login page.  Put it behind HTTPS (TLS is your job: a reverse "
			 "proxy, for example); cookies are sent only over HTTPS", p.listen);
	{
		const char *host = p.listen, *colon = strrchr(p.listen, ':');
		printf("duress serve: open http://%.*s:%u/ in a browser; stop with Ctrl-C\n",
		       (int)(colon - host), host, dur_serve_port(srv));
		fflush(stdout);
	}
	sigwait(&sigs, &sig);
	fprintf(stderr, "duress serve: stopping; every session ends and the key is wiped\n");
	rc = EXIT_OK;
	goto out;
fail:
	cli_error("serve", "%s", err.msg);
out:
	dur_serve_free(srv);
	dur_store_free(store);
	dur_framework_set_free(set);
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dur_store_params sp;
	struct rlimit nocore = { 0, 0 };
	const char *args[1];
	int modes, nargs, rc;

	if ((rc = cli_parse(&spec_serve, argc, argv, &o, args, &nargs, NULL)) != 0)
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	if (!o.data)
		return cli_usage_error("serve", "--data DIR is required (the folder of the store)");
	modes = o.init + (o.add_user != NULL) + (o.remove_user != NULL) +
		(o.reset_password != NULL) + o.list_users + (o.backup != NULL) +
		(o.restore != NULL) + o.check;
	if (modes > 1)
		return cli_usage_error("serve", "choose one of --init, --add-user, --remove-user, "
				       "--reset-password, --list-users, --backup, --restore, --check");
	if ((o.init || o.add_user || o.remove_user || o.reset_password || o.backup || o.restore) &&
	    !o.user)
		return cli_usage_error("serve", "--user NAME is required here (%s)",
				       o.init ? "the first coordinator" : "a coordinator");
	if (o.role && !o.add_user)
		return cli_usage_error("serve", "--role goes with --add-user");
	/*
	 * Keys and passwords are in this process's memory: no core dump may
	 * write them to disk, and no other process of this user may read them.
	 */
	setrlimit(RLIMIT_CORE, &nocore);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	umask(077);
	dur_store_default_params(&sp);
	if (o.argon2_ops)
		sp.opslimit = o.argon2_ops;
	if (o.argon2_mib)
		sp.memlimit = (size_t)o.argon2_mib << 20;
	if (o.init)
		return do_init(&o, &sp);
	if (o.add_user || o.remove_user || o.reset_password)
		return do_users(&o, &sp);
	if (o.list_users)
		return do_list_users(&o, &sp);
	if (o.backup)
		return do_backup(&o, &sp);
	if (o.restore)
		return do_restore(&o, &sp);
	if (o.check)
		return do_check(&o, &sp);
	return do_serve(&o, &sp);
}
