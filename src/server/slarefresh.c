/* Each host's SLA of the month for the fleet page. Building a host's
 * timeline takes tens of milliseconds, far too long for a page of 200
 * hosts rendered after every push; so a thread of the server, with its
 * own database connection, computes it in the background as `vigie sla
 * --from-store` does (vigie_app_host_sla, the client SLA page's numbers)
 * for the hosts whose stored figure is stale (host_sla: none, another
 * month, other security data, or events added since), a bounded time per
 * round, and stores it with the time it was computed; the page shows that
 * time. */
#define _GNU_SOURCE
#include "server.h"
#include "vigie/app/sla.h"
#include "vigie/engine/calendar.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SLA_ROUND_HOSTS 256
#define SLA_ROUND_BUDGET_US 2000000 /* per round: at most ~2 s of one CPU */

struct stale {
	int64_t id, events;
	char *name;
	long met, total;
	int computed;
};

struct stale_list {
	struct stale v[SLA_ROUND_HOSTS];
	size_t n;
};

struct srv_slarefresh {
	struct srv *srv;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, started;
	int interval; /* seconds between rounds */
};

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int stale_cb(void *ud, int64_t id, const char *name, int64_t events)
{
	struct stale_list *l = ud;
	if (l->n == SLA_ROUND_HOSTS || !name || !(l->v[l->n].name = strdup(name)))
		return 0;
	l->v[l->n].id = id;
	l->v[l->n].events = events;
	l->n++;
	return 0;
}

/* Write the figures computed this round, in one transaction: how many,
 * or -1. */
static int put_computed(struct vigie_store *s, struct stale_list *l, const char *month,
			const char *basis, int64_t now, struct vigie_error *err)
{
	int n = 0, rc = 0, any = 0;
	for (size_t i = 0; !rc && i < l->n; i++) {
		if (!l->v[i].computed)
			continue;
		if (!any && (rc = vigie_store_begin(s, err)))
			return -1;
		any = 1;
		rc = vigie_store_host_sla_put(s, l->v[i].id, month, l->v[i].met, l->v[i].total,
					      l->v[i].events, basis, now, err);
		n += !rc;
	}
	if (any && !rc)
		rc = vigie_store_commit(s, err);
	else if (any)
		vigie_store_rollback(s);
	return rc ? -1 : n;
}

/* One round: returns the number of hosts brought up to date, -1 on a
 * database error (logged; the next round opens the store again); *full
 * when there may be more. */
static long round_once(struct srv_slarefresh *f, struct vigie_store *s, int *full)
{
	struct stale_list *l = calloc(1, sizeof(*l));
	struct sla_policy pol;
	struct vigie_error err;
	int64_t now = vigie_now(), t0 = mono_us(), ver = 0;
	int64_t day = vigie_calendar_local_day(now), since, until;
	int y, m, d, required;
	char month[8], basis[32];
	const char *path;
	long done = 0;
	int rc;

	if (!l)
		return 0;
	vigie_error_init(&err);
	vigie_civil_from_days(day, &y, &m, &d);
	snprintf(month, sizeof(month), "%04d-%02d", y, m);
	vigie_calendar_local_month(y, m, &since, &until);
	if (vigie_store_data_version(s, &ver, &err)) {
		fprintf(stderr, "vigie serve: SLA refresh: %s\n", err.msg);
		free(l);
		return -1;
	}
	/* the security data the figures rest on */
	snprintf(basis, sizeof(basis), "data %lld", (long long)ver);
	if (vigie_store_host_sla_stale_each(s, month, basis, SLA_ROUND_HOSTS, stale_cb, l, &err)) {
		*full = 0;
		fprintf(stderr, "vigie serve: SLA refresh: %s\n", err.msg);
		done = -1;
		goto out;
	}
	*full = l->n == SLA_ROUND_HOSTS;
	/* a host without events has no fix to measure: 0 of 0 */
	for (size_t i = 0; i < l->n; i++)
		l->v[i].computed = !l->v[i].events;
	if (!l->n || vigie_sla_policy_init(&pol, &err))
		goto write;
	path = vigie_sla_policy_path(NULL, &required);
	if (path && vigie_sla_policy_load(&pol, path, &err) && required) {
		fprintf(stderr, "vigie serve: SLA refresh: %s\n", err.msg);
		vigie_sla_policy_release(&pol);
		goto write;
	}
	for (size_t i = 0; i < l->n; i++) {
		struct vigie_host_sla hs;
		long met = 0, total = 0;
		if (!l->v[i].events)
			continue;
		pthread_mutex_lock(&f->mu);
		rc = f->stop;
		pthread_mutex_unlock(&f->mu);
		if (rc)
			break;
		if (mono_us() - t0 > SLA_ROUND_BUDGET_US) {
			*full = 1; /* the rest next round */
			break;
		}
		vigie_error_init(&err);
		rc = vigie_app_host_sla(&hs, s, f->srv->cache, l->v[i].name, NULL,
					f->srv->policy, &pol, since, until, &err);
		for (int c = 0; !rc && c < SLA_NCLASSES; c++) {
			met += (long)hs.sum[c].met;
			total += (long)hs.sum[c].count;
		}
		vigie_host_sla_release(&hs);
		if (rc == VIGIE_ENOTFOUND)
			continue; /* removed meanwhile */
		if (rc) {
			fprintf(stderr, "vigie serve: SLA refresh of %s: %s\n", l->v[i].name,
				err.msg);
			if (rc == VIGIE_EDB) {
				done = -1;
				break;
			}
			continue;
		}
		l->v[i].met = met;
		l->v[i].total = total;
		l->v[i].computed = 1;
	}
	vigie_sla_policy_release(&pol);
write:
	/* the round's figures in one transaction: the fleet views are
	 * rendered again once per round, not once per host */
	if (done >= 0 && (rc = put_computed(s, l, month, basis, now, &err)) < 0) {
		fprintf(stderr, "vigie serve: SLA refresh: %s\n", err.msg);
		done = -1;
	} else if (done >= 0) {
		done += rc;
	}
out:
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l);
	return done;
}

static void *refresher(void *arg)
{
	struct srv_slarefresh *f = arg;
	struct vigie_store *s = NULL;
	struct vigie_error err;
	pthread_mutex_lock(&f->mu);
	while (!f->stop) {
		struct timespec ts;
		int full = 0;
		int64_t t0 = mono_us(), wait_us;
		pthread_mutex_unlock(&f->mu);
		vigie_error_init(&err);
		if (!s && vigie_store_open(&s, f->srv->db_url, 0, &err)) {
			fprintf(stderr, "vigie serve: SLA refresh: %s\n", err.msg);
			s = NULL;
		}
		if (s && round_once(f, s, &full) < 0) {
			vigie_store_close(s);
			s = NULL;
			full = 0;
		}
		pthread_mutex_lock(&f->mu);
		if (f->stop)
			break;
		/* more to do: go on after four times the round's time (a fifth
		 * of one CPU at most, the requests first); else the interval */
		wait_us = full ? 4 * (mono_us() - t0) : (int64_t)f->interval * 1000000;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)(wait_us / 1000000);
		ts.tv_nsec += (long)(wait_us % 1000000) * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&f->cv, &f->mu, &ts);
	}
	pthread_mutex_unlock(&f->mu);
	vigie_store_close(s);
	return NULL;
}

struct srv_slarefresh *srv_slarefresh_start(struct srv *srv)
{
	struct srv_slarefresh *f = calloc(1, sizeof(*f));
	const char *e = getenv("VIGIE_SLA_REFRESH");
	pthread_condattr_t ca;
	if (!f)
		return NULL;
	f->srv = srv;
	f->interval = e && atoi(e) > 0 ? atoi(e) : 60;
	pthread_mutex_init(&f->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&f->th, NULL, refresher, f)) {
		pthread_cond_destroy(&f->cv);
		pthread_mutex_destroy(&f->mu);
		free(f);
		return NULL;
	}
	f->started = 1;
	return f;
}

void srv_slarefresh_stop(struct srv_slarefresh *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	if (f->started)
		pthread_join(f->th, NULL);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f);
}
