#define _GNU_SOURCE
#include "vigie/debian/history.h"
#include "vigie/debian/debver.h"
#include "vigie/store/store.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const action_names[] = {
	"install", "upgrade", "remove", "purge", "downgrade", "reinstall"
};

const char *vigie_history_action_name(enum history_action a)
{
	if ((unsigned)a < sizeof(action_names) / sizeof(action_names[0]))
		return action_names[a];
	return "?";
}

int vigie_history_action_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (!strcmp(s, action_names[i]))
			return (int)i;
	return -1;
}

void vigie_history_init(struct history *h)
{
	memset(h, 0, sizeof(*h));
	vigie_arena_init(&h->arena);
	h->max_events = HISTORY_MAX_EVENTS;
}

void vigie_history_release(struct history *h)
{
	if (!h)
		return;
	free(h->events);
	free(h->txns);
	vigie_arena_release(&h->arena);
	memset(h, 0, sizeof(*h));
}

/* dpkg's package name rule (lowercase alnum, + - .), plus an upper bound. */
static int valid_pkgname(const char *s, size_t n)
{
	if (n == 0 || n > 256 || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(islower(c) || isdigit(c) || c == '+' || c == '-' || c == '.' ||
		      isupper(c) || c == '_'))
			return 0;
	}
	return 1;
}

static int valid_arch(const char *s, size_t n)
{
	if (n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(islower(c) || isdigit(c) || c == '-'))
			return 0;
	}
	return 1;
}

/* A version from a log: "<none>" is empty, anything else must parse. */
static int valid_version(const char *s)
{
	struct debver v;
	if (!strcmp(s, "<none>") || !*s)
		return 1;
	if (strlen(s) > 256)
		return 0;
	return vigie_debver_parse(&v, s, NULL) >= 0;
}

/* Split "pkg:arch" (arch optional) into arena strings. */
static int split_pkg(struct vigie_arena *a, const char *tok, const char **pkg,
		     const char **arch)
{
	const char *colon = strchr(tok, ':');
	size_t pn = colon ? (size_t)(colon - tok) : strlen(tok);
	const char *ar = colon ? colon + 1 : "";
	if (!valid_pkgname(tok, pn) || !valid_arch(ar, strlen(ar)))
		return VIGIE_EPARSE;
	*pkg = vigie_arena_strndup(a, tok, pn);
	*arch = vigie_arena_strdup(a, ar);
	if (!*pkg || !*arch)
		return VIGIE_ENOMEM;
	return 0;
}

static const char *ver_dup(struct vigie_arena *a, const char *v)
{
	return vigie_arena_strdup(a, strcmp(v, "<none>") ? v : "");
}

static int push_event(struct history *h, const struct history_event *ev,
		      const char *file, unsigned long line,
		      struct vigie_error *err)
{
	if (h->nevents >= h->max_events)
		return vigie_error_set(err, VIGIE_ELIMIT, file, line,
				       "more than %zu events", h->max_events);
	if (h->nevents == h->cap_events) {
		size_t nc = h->cap_events ? h->cap_events * 2 : 256;
		struct history_event *ne = realloc(h->events, nc * sizeof(*ne));
		if (!ne)
			return vigie_error_set(err, VIGIE_ENOMEM, file, line, "out of memory");
		h->events = ne;
		h->cap_events = nc;
	}
	h->events[h->nevents] = *ev;
	h->events[h->nevents].seq = h->nevents;
	h->nevents++;
	return 0;
}

/* Parse "YYYY-MM-DD HH:MM:SS" at the start of line; returns the rest or
 * NULL. */
static const char *parse_stamp(const char *line, int64_t *t)
{
	char stamp[20];
	if (strlen(line) < 20 || line[10] != ' ' || line[19] != ' ')
		return NULL;
	memcpy(stamp, line, 19);
	stamp[19] = '\0';
	if (stamp[4] != '-' || stamp[7] != '-' || stamp[13] != ':' || stamp[16] != ':')
		return NULL;
	if (vigie_time_parse(t, stamp, 1))
		return NULL;
	return line + 20;
}

/* Known dpkg.log line kinds that are not events. */
static int known_other(const char *kw)
{
	static const char *const kws[] = { "startup", "status", "configure",
					   "trigproc", "disappear", "conffile" };
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (!strcmp(kw, kws[i]))
			return 1;
	return 0;
}

/* Returns 1 for an event, 0 for another valid line, -1 for garbage. */
static int parse_dpkg_line(struct history *h, char *line, struct history_event *ev,
			   int *oom)
{
	char *rest, *save = NULL, *tok[6];
	int ntok = 0, act;
	const char *r = parse_stamp(line, &ev->time);

	if (!r)
		return -1;
	rest = line + (r - line);
	while (ntok < 6 && (tok[ntok] = strtok_r(ntok ? NULL : rest, " ", &save)))
		ntok++;
	if (ntok == 0)
		return -1;
	act = vigie_history_action_parse(tok[0]);
	if (act < 0 || act > HISTORY_PURGE) {
		if (!known_other(tok[0]))
			return -1;
		if (!strcmp(tok[0], "status") && ntok != 4)
			return -1;
		return 0;
	}
	if (ntok != 4 || !valid_version(tok[2]) || !valid_version(tok[3]))
		return -1;
	ev->action = (enum history_action)act;
	switch (split_pkg(&h->arena, tok[1], &ev->package, &ev->arch)) {
	case 0: break;
	case VIGIE_ENOMEM: *oom = 1; return -1;
	default: return -1;
	}
	ev->old_version = ver_dup(&h->arena, tok[2]);
	ev->new_version = ver_dup(&h->arena, tok[3]);
	if (!ev->old_version || !ev->new_version) {
		*oom = 1;
		return -1;
	}
	return 1;
}

int vigie_history_load_dpkg_reader(struct history *h, struct vigie_reader *r,
			     struct vigie_error *err)
{
	const char *name = vigie_reader_name(r);
	const char *origin = vigie_arena_strdup(&h->arena, name);
	char *line;
	size_t len;
	int rc, got;
	unsigned long valid = 0, seen = 0;
	int64_t last = INT64_MIN;

	if (!origin)
		return vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	vigie_reader_set_max_line(r, HISTORY_MAX_LINE);
	while ((got = vigie_reader_getline(r, &line, &len, err)) > 0) {
		unsigned long ln = vigie_reader_lineno(r);
		struct history_event ev;
		int oom = 0;

		if (len == 0)
			continue;
		seen++;
		if (vigie_reader_partial(r)) {
			vigie_warn(err, name, ln, "truncated last line skipped");
			continue;
		}
		memset(&ev, 0, sizeof(ev));
		if (!vigie_utf8_valid(line, len))
			rc = -1;
		else
			rc = parse_dpkg_line(h, line, &ev, &oom);
		if (oom)
			return vigie_error_set(err, VIGIE_ENOMEM, name, ln, "out of memory");
		if (rc < 0) {
			if (!valid && seen >= HISTORY_PROBE_LINES)
				return vigie_error_set(err, VIGIE_EPARSE, name, ln,
						       "not a dpkg log: no valid line in the first %d",
						       HISTORY_PROBE_LINES);
			vigie_warn(err, name, ln, "not a dpkg.log line, skipped");
			continue;
		}
		valid++;
		if (ev.time < last)
			vigie_warn(err, name, ln, "clock went backwards (%lld s earlier than the line before)",
				   (long long)(last - ev.time));
		last = ev.time;
		if (rc == 0)
			continue;
		ev.origin = origin;
		ev.line = ln;
		ev.txn = -1;
		if ((rc = push_event(h, &ev, name, ln, err)))
			return rc;
	}
	if (got < 0)
		return got;
	if (seen && !valid)
		return vigie_error_set(err, VIGIE_EPARSE, name, 1,
				       "not a dpkg log: no valid line");
	return 0;
}

/* Open path and hand it to one of the history_load_*_reader functions. */
static int load_path(struct history *h, const char *path,
		     int (*load)(struct history *, struct vigie_reader *,
				 struct vigie_error *),
		     struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	int rc = vigie_reader_open(&r, path, err);
	if (rc)
		return rc;
	rc = load(h, r, err);
	vigie_reader_free(r);
	return rc;
}

int vigie_history_load_dpkg_log(struct history *h, const char *path,
			  struct vigie_error *err)
{
	return load_path(h, path, vigie_history_load_dpkg_reader, err);
}

/* ---- apt history.log ---- */

static int field_action(const char *f)
{
	if (!strcmp(f, "Install")) return HISTORY_INSTALL;
	if (!strcmp(f, "Upgrade")) return HISTORY_UPGRADE;
	if (!strcmp(f, "Remove")) return HISTORY_REMOVE;
	if (!strcmp(f, "Purge")) return HISTORY_PURGE;
	if (!strcmp(f, "Downgrade")) return HISTORY_DOWNGRADE;
	if (!strcmp(f, "Reinstall")) return HISTORY_REINSTALL;
	return -1;
}

int vigie_history_parse_apt_list(struct history_item **out, size_t *n,
			   struct vigie_arena *arena, const char *field,
			   const char *list, struct vigie_error *err)
{
	int act = field_action(field);
	size_t count = 1, i = 0;
	const char *p = list;
	struct history_item *items;

	*out = NULL;
	*n = 0;
	if (act < 0)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "unknown field %s", field);
	while (*p == ' ')
		p++;
	if (!*p)
		return 0;
	for (const char *q = p; (q = strstr(q, "), ")); q += 3)
		count++;
	items = vigie_arena_alloc(arena, count * sizeof(*items));
	if (!items)
		return VIGIE_ENOMEM;
	while (*p) {
		const char *end = strstr(p, "), "), *open, *close;
		size_t ilen = end ? (size_t)(end - p) + 1 : strlen(p);
		char *item, *inner, *parts[3], *save = NULL, *name;
		int np = 0;
		struct history_item *it = &items[i];

		item = vigie_arena_strndup(arena, p, ilen);
		if (!item)
			return VIGIE_ENOMEM;
		vigie_strip(item);
		open = strchr(item, '(');
		close = strrchr(item, ')');
		if (!open || !close || close < open || close[1] != '\0' || open == item ||
		    open[-1] != ' ')
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "%s: bad package item '%.80s'", field, item);
		item[open - item - 1] = '\0';
		name = item;
		inner = (char *)open + 1;
		*(char *)close = '\0';
		while (np < 3 && (parts[np] = strtok_r(np ? NULL : inner, ",", &save))) {
			vigie_strip(parts[np]);
			np++;
		}
		if (strtok_r(NULL, ",", &save))
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "%s: bad package item for %.80s", field, name);
		memset(it, 0, sizeof(*it));
		it->action = (enum history_action)act;
		if (np > 0 && !strcmp(parts[np - 1], "automatic")) {
			it->automatic = 1;
			np--;
		}
		if (split_pkg(arena, name, &it->package, &it->arch))
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "%s: bad package name '%.80s'", field, name);
		it->old_version = it->new_version = "";
		if (act == HISTORY_UPGRADE || act == HISTORY_DOWNGRADE) {
			if (np != 2)
				return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
						       "%s: %s needs (old, new)", field, name);
			it->old_version = parts[0];
			it->new_version = parts[1];
		} else if (np != 1) {
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "%s: %s needs (version)", field, name);
		} else if (act == HISTORY_REMOVE || act == HISTORY_PURGE) {
			it->old_version = parts[0];
		} else {
			it->new_version = parts[0];
		}
		if (!valid_version(it->old_version) || !valid_version(it->new_version))
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "%s: bad version for %s", field, name);
		i++;
		if (!end)
			break;
		p = end + 3;
	}
	*out = items;
	*n = i;
	return 0;
}

static int push_txn(struct history *h, const char *file, unsigned long line,
		    struct vigie_error *err)
{
	if (h->ntxns >= HISTORY_MAX_TXNS)
		return vigie_error_set(err, VIGIE_ELIMIT, file, line,
				       "more than %d apt transactions", HISTORY_MAX_TXNS);
	if (h->ntxns == h->cap_txns) {
		size_t nc = h->cap_txns ? h->cap_txns * 2 : 64;
		struct history_txn *nt = realloc(h->txns, nc * sizeof(*nt));
		if (!nt)
			return vigie_error_set(err, VIGIE_ENOMEM, file, line, "out of memory");
		h->txns = nt;
		h->cap_txns = nc;
	}
	memset(&h->txns[h->ntxns], 0, sizeof(h->txns[0]));
	h->ntxns++;
	return 0;
}

/* Append items to a transaction (several fields add up). */
static int txn_add_items(struct history *h, struct history_txn *t,
			 const struct history_item *it, size_t n)
{
	struct history_item *all;
	if (!n)
		return 0;
	if (h->nitems_total + n > HISTORY_MAX_ITEMS)
		return VIGIE_ELIMIT;
	all = vigie_arena_alloc(&h->arena, (t->nitems + n) * sizeof(*all));
	if (!all)
		return VIGIE_ENOMEM;
	if (t->nitems)
		memcpy(all, t->items, t->nitems * sizeof(*all));
	memcpy(all + t->nitems, it, n * sizeof(*all));
	t->items = all;
	t->nitems += n;
	h->nitems_total += n;
	return 0;
}

static int apt_time(int64_t *t, const char *v)
{
	/* "YYYY-MM-DD  HH:MM:SS" (two spaces), local time */
	return vigie_time_parse(t, v, 1);
}

int vigie_history_load_apt_reader(struct history *h, struct vigie_reader *r,
			    struct vigie_error *err)
{
	const char *name = vigie_reader_name(r);
	const char *origin = vigie_arena_strdup(&h->arena, name);
	char *line;
	size_t len;
	int got, rc;
	unsigned long valid = 0, seen = 0;
	struct history_txn *cur = NULL;
	size_t cur_idx = 0;
	int64_t last = INT64_MIN;

	if (!origin)
		return vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	vigie_reader_set_max_line(r, HISTORY_MAX_APT_LINE);
	while ((got = vigie_reader_getline(r, &line, &len, err)) > 0) {
		unsigned long ln = vigie_reader_lineno(r);
		char *colon, *key, *val;

		if (len == 0)
			continue;
		seen++;
		if (vigie_reader_partial(r)) {
			vigie_warn(err, name, ln, "truncated last line skipped");
			continue;
		}
		colon = strstr(line, ": ");
		if (!colon && len > 0 && line[len - 1] == ':')
			colon = line + len - 1;
		if (!vigie_utf8_valid(line, len) || !colon || colon == line) {
			if (!valid && seen >= HISTORY_PROBE_LINES)
				return vigie_error_set(err, VIGIE_EPARSE, name, ln,
						       "not an apt history log: no stanza in the first %d lines",
						       HISTORY_PROBE_LINES);
			vigie_warn(err, name, ln, "not an apt history line, skipped");
			continue;
		}
		*colon = '\0';
		key = line;
		if (strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") !=
		    strlen(key)) {
			vigie_warn(err, name, ln, "not an apt history line, skipped");
			continue;
		}
		val = colon[1] ? colon + 2 : colon + 1;
		if (!strcmp(key, "Start-Date")) {
			int64_t t;
			if (apt_time(&t, val)) {
				vigie_warn(err, name, ln, "bad Start-Date '%.40s', stanza skipped", val);
				cur = NULL;
				continue;
			}
			if (cur && !cur->end)
				vigie_warn(err, name, cur->line, "stanza without End-Date");
			if ((rc = push_txn(h, name, ln, err)))
				return rc;
			cur_idx = h->ntxns - 1;
			cur = &h->txns[cur_idx];
			cur->start = t;
			cur->commandline = cur->requested_by = cur->error = "";
			cur->origin = origin;
			cur->line = ln;
			valid++;
			if (t < last)
				vigie_warn(err, name, ln, "clock went backwards (%lld s earlier than the stanza before)",
					   (long long)(last - t));
			last = t;
			continue;
		}
		if (!cur) {
			if (!valid && seen >= HISTORY_PROBE_LINES)
				return vigie_error_set(err, VIGIE_EPARSE, name, ln,
						       "not an apt history log: no stanza in the first %d lines",
						       HISTORY_PROBE_LINES);
			vigie_warn(err, name, ln, "'%.40s' outside a stanza, skipped", key);
			continue;
		}
		cur = &h->txns[cur_idx];
		if (!strcmp(key, "End-Date")) {
			if (apt_time(&cur->end, val)) {
				cur->end = 0;
				vigie_warn(err, name, ln, "bad End-Date '%.40s'", val);
			}
			cur = NULL;
		} else if (!strcmp(key, "Commandline")) {
			if (!(cur->commandline = vigie_arena_strdup(&h->arena, val)))
				return vigie_error_set(err, VIGIE_ENOMEM, name, ln, "out of memory");
		} else if (!strcmp(key, "Requested-By")) {
			if (!(cur->requested_by = vigie_arena_strdup(&h->arena, val)))
				return vigie_error_set(err, VIGIE_ENOMEM, name, ln, "out of memory");
		} else if (!strcmp(key, "Error")) {
			if (!(cur->error = vigie_arena_strdup(&h->arena, val)))
				return vigie_error_set(err, VIGIE_ENOMEM, name, ln, "out of memory");
		} else if (field_action(key) >= 0) {
			struct history_item *items;
			size_t n;
			struct vigie_error e2;
			memset(&e2, 0, sizeof(e2));
			rc = vigie_history_parse_apt_list(&items, &n, &h->arena, key, val, &e2);
			if (rc == VIGIE_ENOMEM)
				return vigie_error_set(err, rc, name, ln, "out of memory");
			if (rc) {
				vigie_warn(err, name, ln, "%s, field skipped", e2.msg);
				continue;
			}
			rc = txn_add_items(h, cur, items, n);
			if (rc == VIGIE_ELIMIT)
				return vigie_error_set(err, rc, name, ln,
						       "more than %d apt packages", HISTORY_MAX_ITEMS);
			if (rc)
				return vigie_error_set(err, rc, name, ln, "out of memory");
		}
		/* other fields (Disappeared, future ones) are ignored */
	}
	if (got < 0)
		return got;
	if (cur && !h->txns[cur_idx].end)
		vigie_warn(err, name, h->txns[cur_idx].line, "stanza without End-Date");
	if (seen && !valid)
		return vigie_error_set(err, VIGIE_EPARSE, name, 1,
				       "not an apt history log: no Start-Date");
	return 0;
}

int vigie_history_load_apt_history(struct history *h, const char *path,
			     struct vigie_error *err)
{
	return load_path(h, path, vigie_history_load_apt_reader, err);
}

/* ---- finishing ---- */

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_event_key(const void *pa, const void *pb)
{
	const struct history_event *a = pa, *b = pb;
	int c;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (a->action != b->action)
		return a->action < b->action ? -1 : 1;
	if ((c = cmp_str(a->package, b->package)) || (c = cmp_str(a->arch, b->arch)) ||
	    (c = cmp_str(a->old_version, b->old_version)) ||
	    (c = cmp_str(a->new_version, b->new_version)))
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_event_time(const void *pa, const void *pb)
{
	const struct history_event *a = pa, *b = pb;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_txn(const void *pa, const void *pb)
{
	const struct history_txn *a = pa, *b = pb;
	int c;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if ((c = cmp_str(a->commandline, b->commandline)))
		return c;
	return a->nitems < b->nitems ? -1 : a->nitems > b->nitems;
}

static int same_event(const struct history_event *a, const struct history_event *b)
{
	return a->time == b->time && a->action == b->action &&
	       !strcmp(a->package, b->package) && !strcmp(a->arch, b->arch) &&
	       !strcmp(a->old_version, b->old_version) &&
	       !strcmp(a->new_version, b->new_version);
}

static int txn_has(const struct history_txn *t, const struct history_event *e)
{
	for (size_t i = 0; i < t->nitems; i++) {
		const struct history_item *it = &t->items[i];
		if (strcmp(it->package, e->package))
			continue;
		/* apt logs Architecture: all packages with the native arch */
		if (*it->arch && *e->arch && strcmp(it->arch, e->arch) &&
		    strcmp(it->arch, "all") && strcmp(e->arch, "all"))
			continue;
		return 1;
	}
	return 0;
}

/* A transaction's events lie within [start, end] (apt writes Start-Date
 * before running dpkg and End-Date after). Without End-Date allow one
 * hour. */
static long find_txn(const struct history *h, const struct history_event *e)
{
	size_t lo = 0, hi = h->ntxns;
	while (lo < hi) { /* first txn with start > time */
		size_t mid = lo + (hi - lo) / 2;
		if (h->txns[mid].start <= e->time)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k > 0 && lo - k < 16; k--) {
		const struct history_txn *t = &h->txns[k - 1];
		int64_t end = t->end ? t->end : t->start + 3600;
		if (e->time <= end && txn_has(t, e))
			return (long)(k - 1);
	}
	return -1;
}

int vigie_history_finish(struct history *h, struct vigie_error *err)
{
	size_t w = 0;
	(void)err;
	if (h->nevents) {
		qsort(h->events, h->nevents, sizeof(h->events[0]), cmp_event_key);
		for (size_t i = 0; i < h->nevents; i++) {
			if (w && same_event(&h->events[w - 1], &h->events[i]))
				continue;
			h->events[w++] = h->events[i];
		}
		h->duplicates += h->nevents - w;
		h->nevents = w;
		qsort(h->events, h->nevents, sizeof(h->events[0]), cmp_event_time);
	}
	if (h->ntxns) {
		qsort(h->txns, h->ntxns, sizeof(h->txns[0]), cmp_txn);
		/* rotations overlap: drop identical stanzas */
		w = 0;
		for (size_t i = 0; i < h->ntxns; i++) {
			if (w && !cmp_txn(&h->txns[w - 1], &h->txns[i]) &&
			    h->txns[w - 1].end == h->txns[i].end)
				continue;
			h->txns[w++] = h->txns[i];
		}
		h->ntxns = w;
	}
	for (size_t i = 0; i < h->nevents; i++)
		h->events[i].txn = h->ntxns ? find_txn(h, &h->events[i]) : -1;
	return 0;
}

/* ---- default log files ---- */

/* Rotation rank: live file 0, ".1" 1, ".N.gz" N; -1 when not a rotation of
 * base. */
static long rotation_rank(const char *name, const char *base)
{
	size_t bl = strlen(base);
	const char *p;
	char *end;
	long n;
	if (strncmp(name, base, bl))
		return -1;
	p = name + bl;
	if (!*p)
		return 0;
	if (*p != '.' || !isdigit((unsigned char)p[1]))
		return -1;
	n = strtol(p + 1, &end, 10);
	if (n <= 0 || n > 100000)
		return -1;
	if (*end && strcmp(end, ".gz") && strcmp(end, ".xz"))
		return -1;
	return n;
}

struct rot { long rank; char *path; };

static int cmp_rot(const void *pa, const void *pb)
{
	const struct rot *a = pa, *b = pb;
	return a->rank > b->rank ? -1 : a->rank < b->rank;
}

static int list_rotations(struct vigie_strv *out, const char *dir,
			  const char *base, struct vigie_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct rot *rots = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d)
		return 0; /* no logs is not an error */
	while ((de = readdir(d))) {
		long rank = rotation_rank(de->d_name, base);
		if (rank < 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct rot *nr;
			if (nc > 4096) {
				rc = vigie_error_set(err, VIGIE_ELIMIT, dir, 0, "too many rotations of %s", base);
				goto out;
			}
			nr = realloc(rots, nc * sizeof(*nr));
			if (!nr) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, dir, 0, "out of memory");
				goto out;
			}
			rots = nr;
			cap = nc;
		}
		if (asprintf(&rots[n].path, "%s/%s", dir, de->d_name) < 0) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, dir, 0, "out of memory");
			goto out;
		}
		rots[n++].rank = rank;
	}
	if (n)
		qsort(rots, n, sizeof(*rots), cmp_rot);
	for (size_t i = 0; i < n && !rc; i++)
		if (vigie_strv_push(out, rots[i].path))
			rc = vigie_error_set(err, VIGIE_ENOMEM, dir, 0, "out of memory");
out:
	for (size_t i = 0; i < n; i++)
		free(rots[i].path);
	free(rots);
	closedir(d);
	return rc;
}

int vigie_history_default_logs(struct vigie_strv *dpkg, struct vigie_strv *apt,
			 const char *root, struct vigie_error *err)
{
	char dir[4096];
	int rc;
	if (!root || !*root || !strcmp(root, "/"))
		root = "";
	if (snprintf(dir, sizeof(dir), "%s/var/log", root) >= (int)sizeof(dir))
		return vigie_error_set(err, VIGIE_EUSAGE, root, 0, "path too long");
	if (dpkg && (rc = list_rotations(dpkg, dir, "dpkg.log", err)))
		return rc;
	snprintf(dir, sizeof(dir), "%s/var/log/apt", root);
	if (apt && (rc = list_rotations(apt, dir, "history.log", err)))
		return rc;
	return 0;
}

int vigie_history_store_in_tx(struct vigie_store *s, const char *host,
			      const struct history *h, size_t *added, struct vigie_error *err)
{
	int64_t host_id, *ids = NULL;
	size_t n = 0;
	int rc;

	if (added)
		*added = 0;
	if ((rc = vigie_store_host_ensure(s, host, &host_id, err)))
		return rc;
	if (h->ntxns && !(ids = calloc(h->ntxns, sizeof(*ids))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < h->ntxns; i++) {
		const struct history_txn *t = &h->txns[i];
		struct store_apt_transaction st = { t->start, t->end, t->commandline,
						    t->requested_by, t->error };
		if ((rc = vigie_store_events_put_transaction(s, host_id, &st, &ids[i], err)))
			goto out;
	}
	for (size_t i = 0; i < h->nevents; i++) {
		const struct history_event *e = &h->events[i];
		struct store_event se = { e->time, vigie_history_action_name(e->action), e->package,
					  e->arch, e->old_version, e->new_version, e->origin,
					  e->txn >= 0 ? ids[e->txn] : 0 };
		int add = 0;
		if ((rc = vigie_store_events_put(s, host_id, &se, &add, err)))
			goto out;
		n += add != 0;
	}
	if (added)
		*added = n;
out:
	free(ids);
	return rc;
}

int vigie_history_store(struct vigie_store *s, const char *host, const struct history *h,
		  size_t *added, struct vigie_error *err)
{
	int rc;

	if ((rc = vigie_store_begin(s, err)))
		return rc;
	if ((rc = vigie_history_store_in_tx(s, host, h, added, err)) ||
	    (rc = vigie_store_commit(s, err))) {
		vigie_store_rollback(s);
		if (added)
			*added = 0;
	}
	return rc;
}

int vigie_history_load_all(struct history *h, const struct vigie_strv *dpkg,
		     const struct vigie_strv *apt, const char *root,
		     struct vigie_error *err)
{
	struct vigie_strv dd, da;
	int rc = 0;

	vigie_strv_init(&dd);
	vigie_strv_init(&da);
	if ((!dpkg || !dpkg->n) && (!apt || !apt->n)) {
		if ((rc = vigie_history_default_logs(&dd, &da, root, err)))
			goto out;
		if (!dd.n)
			vigie_warn(err, NULL, 0, "no dpkg.log under %s/var/log",
				   root && *root && strcmp(root, "/") ? root : "");
		dpkg = &dd;
		apt = &da;
	}
	for (size_t i = 0; dpkg && i < dpkg->n && !rc; i++)
		rc = vigie_history_load_dpkg_log(h, dpkg->v[i], err);
	for (size_t i = 0; apt && i < apt->n && !rc; i++)
		rc = vigie_history_load_apt_history(h, apt->v[i], err);
	if (!rc)
		rc = vigie_history_finish(h, err);
out:
	vigie_strv_release(&dd);
	vigie_strv_release(&da);
	return rc;
}

int vigie_history_parse_bound(int64_t *out, const char *s, int is_until)
{
	int64_t t;
	if (!s || vigie_time_parse(&t, s, 1))
		return VIGIE_EPARSE;
	if (is_until && strlen(s) == 10) {
		int y, m, d;
		vigie_civil_from_days(vigie_days_from_civil(atoi(s), atoi(s + 5), atoi(s + 8)) + 1,
				      &y, &m, &d);
		char next[16];
		snprintf(next, sizeof(next), "%04d-%02d-%02d", y, m, d);
		if (vigie_time_parse(&t, next, 1))
			return VIGIE_EPARSE;
	}
	*out = t;
	return 0;
}

const char *vigie_history_host_name(const char *root, char *buf, size_t size)
{
	char path[4096];
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error e;
	int is_root = !root || !*root || !strcmp(root, "/");

	memset(&e, 0, sizeof(e));
	snprintf(path, sizeof(path), "%s/etc/hostname", is_root ? "" : root);
	buf[0] = '\0';
	if (vigie_read_file(&b, path, 4096, &e) == 0 && b.data) {
		char *w = vigie_strip(b.data);
		w[strcspn(w, " \t\r\n")] = '\0';
		if (*w && vigie_utf8_valid(w, strlen(w)))
			snprintf(buf, size, "%s", w);
	}
	vigie_buf_release(&b);
	if (!buf[0] && is_root && gethostname(buf, size) == 0 && size)
		buf[size - 1] = '\0';
	if (!buf[0])
		snprintf(buf, size, "localhost");
	return buf;
}

struct load_ctx {
	struct history *h;
	struct vigie_error *err;
	const char *origin;
};

static int load_stored(void *ud, const struct store_event *se)
{
	struct load_ctx *c = ud;
	struct history_event ev;
	int act = vigie_history_action_parse(se->action);
	if (act < 0 || act > HISTORY_PURGE)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.time = se->time;
	ev.action = (enum history_action)act;
	ev.package = vigie_arena_strdup(&c->h->arena, se->package);
	ev.arch = vigie_arena_strdup(&c->h->arena, se->arch);
	ev.old_version = vigie_arena_strdup(&c->h->arena, se->old_version);
	ev.new_version = vigie_arena_strdup(&c->h->arena, se->new_version);
	ev.origin = se->origin ? vigie_arena_strdup(&c->h->arena, se->origin) : c->origin;
	ev.txn = -1;
	if (!ev.package || !ev.arch || !ev.old_version || !ev.new_version || !ev.origin)
		return vigie_error_set(c->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	return push_event(c->h, &ev, c->origin, 0, c->err);
}

int vigie_history_load_store(struct history *h, struct vigie_store *s, const char *host,
		       int64_t since, int64_t until, struct vigie_error *err)
{
	struct load_ctx c = { h, err, "database" };
	int64_t id;
	int rc = vigie_store_host_id(s, host, &id, err);
	if (rc)
		return rc;
	if ((rc = vigie_store_events_each(s, id, since, until, load_stored, &c, err)))
		return rc;
	return vigie_history_finish(h, err);
}
