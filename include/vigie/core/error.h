/* vigie: error reporting shared by every module.
 *
 * Functions return 0 on success and a negative VIGIE_E* code on failure, and
 * fill a caller-owned struct vigie_error naming the input file and line. */
#ifndef VIGIE_ERROR_H
#define VIGIE_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum vigie_errcode {
	VIGIE_OK = 0,
	VIGIE_ENOMEM = -1,   /* allocation failed */
	VIGIE_EIO = -2,      /* cannot open/read/write a file */
	VIGIE_EPARSE = -3,   /* malformed input */
	VIGIE_ELIMIT = -4,   /* input exceeds a documented maximum */
	VIGIE_EDB = -5,      /* database error */
	VIGIE_EUSAGE = -6,   /* bad argument from the caller */
	VIGIE_ENET = -7,     /* network error */
	VIGIE_ENOTFOUND = -8 /* requested thing does not exist */
};

enum vigie_severity { VIGIE_SEV_ERROR = 0, VIGIE_SEV_WARNING = 1 };

struct vigie_error;
/* Receives warnings (input accepted but suspicious); may be NULL. */
typedef void vigie_warn_fn(void *ud, const struct vigie_error *warning);

struct vigie_error {
	int code;             /* last error code, 0 if none */
	int severity;         /* enum vigie_severity */
	unsigned long line;   /* 1-based line of the bad input, 0 if none */
	char file[512];       /* input file name, "" if none */
	char msg[1024];       /* human-readable reason */
	vigie_warn_fn *warn;  /* optional warning sink */
	void *warn_ud;
	unsigned long warnings; /* number of warnings emitted */
	const char *kind;     /* warnings: their format string (one per kind) */
};

/* A warning sink that passes on the first VIGIE_WARN_REPEAT warnings of
 * each kind (same format string) to next and counts the rest; flush
 * then says "... and 99,990 more like this" per kind. Set err->warn to
 * vigie_warn_cap_fn and err->warn_ud to the cap. Not thread-safe. */
#define VIGIE_WARN_REPEAT 10
#define VIGIE_WARN_KINDS 64
struct vigie_warn_cap {
	struct {
		const char *kind;
		unsigned long n;
		char file[256];
	} k[VIGIE_WARN_KINDS];
	size_t nk;
	vigie_warn_fn *next;
	void *next_ud;
};
void vigie_warn_cap_init(struct vigie_warn_cap *cap, vigie_warn_fn *next, void *ud);
void vigie_warn_cap_fn(void *ud, const struct vigie_error *warning);
/* Emit the counts of the warnings held back, and forget them. */
void vigie_warn_cap_flush(struct vigie_warn_cap *cap);

/* Initialise an error struct: everything zero, no warning sink. */
void vigie_error_init(struct vigie_error *err);
/* Forget the last error but keep the warning sink. */
void vigie_error_clear(struct vigie_error *err);
/* Record an error; returns code so callers can `return vigie_error_set(...)`.
 * err may be NULL. file may be NULL; line 0 means "no line". */
int vigie_error_set(struct vigie_error *err, int code, const char *file,
		    unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same with a va_list (for wrappers that take "..."). */
int vigie_error_setv(struct vigie_error *err, int code, const char *file,
		     unsigned long line, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* Emit a warning through err->warn (if set); never fails. */
void vigie_warn(struct vigie_error *err, const char *file, unsigned long line,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Format "file:line: msg" (or "file: msg", or "msg") into buf. */
const char *vigie_error_format(const struct vigie_error *err, char *buf,
			       size_t size);
/* Short name of a code ("out of memory", "parse error", ...). */
const char *vigie_strerror(int code);

#endif
