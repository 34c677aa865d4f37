/* vigie: civil time in a named time zone (IANA TZ database), read from the
 * zone's TZif file (/usr/share/zoneinfo, or $TZDIR), without touching the
 * process's TZ or locale: safe from several threads, each with its own
 * struct vigie_tz. Times past the file's last transition take the last
 * transition's offset (Debian ships "fat" files reaching 2037). */
#ifndef VIGIE_REPORT_TZ_H
#define VIGIE_REPORT_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"

#define VIGIE_TZ_MAX_TRANSITIONS 4096

struct vigie_tz {
	char name[64];
	size_t n;
	int64_t *at;      /* transition times (UTC), ascending */
	int32_t *off;     /* UTC offset (seconds) from at[i] on */
	int32_t off0;     /* offset before the first transition */
};

/* Load zone name ("Europe/Paris", "UTC"). VIGIE_EUSAGE for a name with
 * "..", a leading '/' or an unknown zone; VIGIE_EPARSE for a bad file.
 * Release with vigie_tz_release(). */
int vigie_tz_load(struct vigie_tz *tz, const char *name, struct vigie_error *err);
/* The same from a TZif image in memory (len bytes); name is only kept. */
int vigie_tz_parse(struct vigie_tz *tz, const char *name, const void *data, size_t len,
		   struct vigie_error *err);
void vigie_tz_release(struct vigie_tz *tz);
/* UTC offset in seconds at Unix time t. */
int32_t vigie_tz_offset(const struct vigie_tz *tz, int64_t t);
/* Unix time of local midnight starting civil day (y, m, d) (m may run
 * past 12 or below 1: it is normalised). */
int64_t vigie_tz_midnight(const struct vigie_tz *tz, int y, int m, int d);
/* Local civil date and time of t. */
void vigie_tz_civil(const struct vigie_tz *tz, int64_t t, int *y, int *m, int *d, int *hh,
		    int *mm);

#endif
