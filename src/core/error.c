#include <duress/error.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

dur_err dur_error_set(struct dur_error *err, dur_err code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void dur_error_prefix(struct dur_error *err, const char *fmt, ...)
{
	char tmp[DUR_ERROR_MSG_MAX];
	va_list ap;
	int n;

	if (!err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp) - 3) {
		memcpy(tmp + n, ": ", 3);
		n += 2;
		/* copy what fits of the old message; the buffer stays terminated */
		size_t room = sizeof(tmp) - (size_t)n - 1;
		size_t old = strlen(err->msg);
		if (old > room)
			old = room;
		memcpy(tmp + n, err->msg, old);
		tmp[(size_t)n + old] = '\0';
	}
	memcpy(err->msg, tmp, sizeof(err->msg));
}

const char *dur_strerror(dur_err code)
{
	switch (code) {
	case DUR_CONTINUE: return "not finished";
	case DUR_OK: return "success";
	case DUR_ENOMEM: return "out of memory";
	case DUR_EINVAL: return "invalid argument";
	case DUR_EPARSE: return "malformed input";
	case DUR_EIO: return "input/output error";
	case DUR_ENUMERIC: return "numerical failure";
	case DUR_ENOMLE: return "no finite estimate";
	case DUR_EDATA: return "unusable data";
	case DUR_ESCHEMA: return "invalid schema";
	case DUR_EKEY: return "bad key";
	case DUR_ELIMIT: return "size limit reached";
	case DUR_EMISMATCH: return "figures differ";
	}
	return "unknown error";
}
