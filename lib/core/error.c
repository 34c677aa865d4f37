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
	w.kind = fmt;
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

void vigie_warn_cap_init(struct vigie_warn_cap *cap, vigie_warn_fn *next, void *ud)
{
	memset(cap, 0, sizeof(*cap));
	cap->next = next;
	cap->next_ud = ud;
}

void vigie_warn_cap_fn(void *ud, const struct vigie_error *w)
{
	struct vigie_warn_cap *cap = ud;
	size_t i;
	for (i = 0; i < cap->nk && cap->k[i].kind != w->kind; i++)
		;
	if (i == cap->nk && w->kind && cap->nk < VIGIE_WARN_KINDS) {
		cap->k[i].kind = w->kind;
		cap->k[i].n = 0;
		cap->nk++;
	}
	if (i < cap->nk && ++cap->k[i].n > VIGIE_WARN_REPEAT)
		return;
	if (i < cap->nk)
		snprintf(cap->k[i].file, sizeof(cap->k[i].file), "%.255s", w->file);
	if (cap->next)
		cap->next(cap->next_ud, w);
}

/* 99990 -> "99,990" */
static void thousands(char *buf, size_t size, unsigned long n)
{
	char d[32];
	size_t len = (size_t)snprintf(d, sizeof(d), "%lu", n), o = 0;
	for (size_t i = 0; i < len && o + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o] = '\0';
}

void vigie_warn_cap_flush(struct vigie_warn_cap *cap)
{
	for (size_t i = 0; i < cap->nk; i++) {
		struct vigie_error w;
		char num[40];
		if (cap->k[i].n <= VIGIE_WARN_REPEAT)
			continue;
		memset(&w, 0, sizeof(w));
		w.severity = VIGIE_SEV_WARNING;
		snprintf(w.file, sizeof(w.file), "%s", cap->k[i].file);
		thousands(num, sizeof(num), cap->k[i].n - VIGIE_WARN_REPEAT);
		snprintf(w.msg, sizeof(w.msg), "... and %s more like this", num);
		if (cap->next)
			cap->next(cap->next_ud, &w);
	}
	cap->nk = 0;
}
