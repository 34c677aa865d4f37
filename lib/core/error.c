#include "vigie/core/error.h"

#include <stdio.h>
#include <string.h>

void vigie_error_init(struct vigie_error *err)
{
	memset(err, 0, sizeof(*err));
}

void vigie_error_clear(struct vigie_error *err)
{
	vigie_warn_fn *w = err->warn;
	void *ud = err->warn_ud;
	memset(err, 0, sizeof(*err));
	err->warn = w;
	err->warn_ud = ud;
}

static void fill(struct vigie_error *err, int code, int sev, const char *file,
		 unsigned long line, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

static void fill(struct vigie_error *err, int code, int sev, const char *file,
		 unsigned long line, const char *fmt, va_list ap)
{
	err->code = code;
	err->severity = sev;
	err->line = line;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int vigie_error_setv(struct vigie_error *err, int code, const char *file,
		     unsigned long line, const char *fmt, va_list ap)
{
	if (err)
		fill(err, code, VIGIE_SEV_ERROR, file, line, fmt, ap);
	return code;
}

int vigie_error_set(struct vigie_error *err, int code, const char *file,
		    unsigned long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vigie_error_setv(err, code, file, line, fmt, ap);
	va_end(ap);
	return code;
}

void vigie_warn(struct vigie_error *err, const char *file, unsigned long line,
		const char *fmt, ...)
{
	struct vigie_error w;
	va_list ap;

	if (!err)
		return;
	err->warnings++;
	if (!err->warn)
		return;
	memset(&w, 0, sizeof(w));
	va_start(ap, fmt);
	fill(&w, 0, VIGIE_SEV_WARNING, file, line, fmt, ap);
	va_end(ap);
	err->warn(err->warn_ud, &w);
}

const char *vigie_error_format(const struct vigie_error *err, char *buf,
			       size_t size)
{
	if (err->file[0] && err->line)
		snprintf(buf, size, "%s:%lu: %s", err->file, err->line,
			 err->msg);
	else if (err->file[0])
		snprintf(buf, size, "%s: %s", err->file, err->msg);
	else
		snprintf(buf, size, "%s", err->msg[0] ? err->msg
						       : vigie_strerror(err->code));
	return buf;
}

const char *vigie_strerror(int code)
{
	switch (code) {
	case VIGIE_OK: return "success";
	case VIGIE_ENOMEM: return "out of memory";
	case VIGIE_EIO: return "input/output error";
	case VIGIE_EPARSE: return "parse error";
	case VIGIE_ELIMIT: return "limit exceeded";
	case VIGIE_EDB: return "database error";
	case VIGIE_EUSAGE: return "invalid argument";
	case VIGIE_ENET: return "network error";
	case VIGIE_ENOTFOUND: return "not found";
	}
	return "unknown error";
}
