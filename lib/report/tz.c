/* TZif reader (RFC 8536): the version 2+ 64-bit block when present, else
 * the version 1 block. Only transition times and their types' offsets are
 * needed to turn civil dates into Unix times. */
#include "vigie/report/tz.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_MAX_FILE (512 * 1024)

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzhead {
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int head(struct tzhead *h, const unsigned char *p, size_t len)
{
	if (len < 44 || memcmp(p, "TZif", 4))
		return -1;
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	if (h->timecnt > VIGIE_TZ_MAX_TRANSITIONS || h->typecnt == 0 || h->typecnt > 256 ||
	    h->charcnt > 4096 || h->leapcnt > 1024 || h->isutcnt > 256 || h->isstdcnt > 256)
		return -1;
	return 0;
}

static size_t block_len(const struct tzhead *h, int tsize)
{
	return (size_t)h->timecnt * tsize + h->timecnt + h->typecnt * 6 + h->charcnt +
	       (size_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

static int parse(struct vigie_tz *tz, const unsigned char *p, size_t len)
{
	struct tzhead h;
	int tsize = 4;
	const unsigned char *b, *idx, *types;

	if (head(&h, p, len))
		return -1;
	b = p + 44;
	if (p[4] >= '2') {
		size_t l1 = block_len(&h, 4);
		if (44 + l1 > len || head(&h, p + 44 + l1, len - 44 - l1))
			return -1;
		b = p + 44 + l1 + 44;
		tsize = 8;
	}
	if ((size_t)(b - p) + block_len(&h, tsize) > len)
		return -1;
	idx = b + (size_t)h.timecnt * tsize;
	types = idx + h.timecnt;
	tz->n = h.timecnt;
	tz->at = calloc(h.timecnt + 1, sizeof(*tz->at));
	tz->off = calloc(h.timecnt + 1, sizeof(*tz->off));
	if (!tz->at || !tz->off)
		return -2;
	/* before the first transition: the first non-DST type (RFC 8536 3.2) */
	tz->off0 = (int32_t)be32(types);
	for (uint32_t i = 0; i < h.typecnt; i++)
		if (!types[i * 6 + 4]) {
			tz->off0 = (int32_t)be32(types + i * 6);
			break;
		}
	for (uint32_t i = 0; i < h.timecnt; i++) {
		tz->at[i] = tsize == 8 ? be64(b + (size_t)i * 8) : (int32_t)be32(b + (size_t)i * 4);
		if (idx[i] >= h.typecnt || (i && tz->at[i] <= tz->at[i - 1]))
			return -1;
		tz->off[i] = (int32_t)be32(types + idx[i] * 6);
	}
	return 0;
}

int vigie_tz_parse(struct vigie_tz *tz, const char *name, const void *data, size_t len,
		   struct vigie_error *err)
{
	int rc;
	memset(tz, 0, sizeof(*tz));
	snprintf(tz->name, sizeof(tz->name), "%s", name ? name : "");
	if (len > TZ_MAX_FILE)
		return vigie_error_set(err, VIGIE_ELIMIT, NULL, 0, "time zone file too large");
	rc = parse(tz, data, len);
	if (rc)
		vigie_tz_release(tz);
	return rc == -2 ? vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory")
	       : rc ? vigie_error_set(err, VIGIE_EPARSE, NULL, 0, "%s: not a TZif file", tz->name)
		    : 0;
}

int vigie_tz_load(struct vigie_tz *tz, const char *name, struct vigie_error *err)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	char path[1024];
	const char *dir = getenv("TZDIR");
	int rc;

	memset(tz, 0, sizeof(*tz));
	if (!name || !*name || name[0] == '/' || strstr(name, "..") ||
	    strlen(name) >= sizeof(tz->name))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "bad time zone name '%s'",
				       name ? name : "");
	snprintf(tz->name, sizeof(tz->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	if (vigie_read_file(&b, path, TZ_MAX_FILE, err)) {
		vigie_buf_release(&b);
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "unknown time zone '%s'", name);
	}
	rc = parse(tz, (const unsigned char *)b.data, b.len);
	vigie_buf_release(&b);
	if (rc) {
		vigie_tz_release(tz);
		return rc == -2 ? vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory")
				: vigie_error_set(err, VIGIE_EPARSE, path, 0, "not a TZif file");
	}
	return 0;
}

void vigie_tz_release(struct vigie_tz *tz)
{
	free(tz->at);
	free(tz->off);
	tz->at = NULL;
	tz->off = NULL;
	tz->n = 0;
}

int32_t vigie_tz_offset(const struct vigie_tz *tz, int64_t t)
{
	size_t lo = 0, hi = tz->n;
	if (!tz->n || t < tz->at[0])
		return tz->off0;
	while (hi - lo > 1) { /* last transition <= t */
		size_t mid = lo + (hi - lo) / 2;
		if (tz->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->off[lo];
}

int64_t vigie_tz_midnight(const struct vigie_tz *tz, int y, int m, int d)
{
	int64_t local, t;
	y += (m - 1 >= 0 ? (m - 1) / 12 : -((12 - m) / 12));
	m = ((m - 1) % 12 + 12) % 12 + 1;
	local = vigie_days_from_civil(y, m, d) * 86400;
	/* two rounds settle the offset that applies at the result */
	t = local - vigie_tz_offset(tz, local);
	t = local - vigie_tz_offset(tz, t);
	return t;
}

void vigie_tz_civil(const struct vigie_tz *tz, int64_t t, int *y, int *m, int *d, int *hh,
		    int *mm)
{
	int64_t l = t + vigie_tz_offset(tz, t);
	int64_t day = l >= 0 ? l / 86400 : -((-l + 86399) / 86400);
	int64_t sec = l - day * 86400;
	vigie_civil_from_days(day, y, m, d);
	if (hh)
		*hh = (int)(sec / 3600);
	if (mm)
		*mm = (int)(sec / 60 % 60);
}
