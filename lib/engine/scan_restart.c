/* Processes running replaced code, judged like the running kernel: the
 * installed version has fixes the running one lacks. The version a process
 * runs is not written anywhere; dpkg.log tells which upgrade replaced the
 * files after the process started, and its old side is what was mapped. */
#define _GNU_SOURCE
#include "vigie/engine/scan_restart.h"

#include "vigie/core/hashmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *adup(struct scan_result *r, const char *s)
{
	return s ? vigie_arena_strdup(&r->arena, s) : NULL;
}

/* The old version the process mapped: the first upgrade of the package at
 * or after the process started (the last one when the start is unknown). */
static const char *running_version(const struct history *h, const char *pkg,
				   const char *arch, int64_t started)
{
	const char *found = NULL;
	if (!h)
		return NULL;
	for (size_t i = 0; i < h->nevents; i++) {
		const struct history_event *e = &h->events[i];
		if (e->action != HISTORY_UPGRADE || strcmp(e->package, pkg) ||
		    (*e->arch && *arch && strcmp(e->arch, arch)) || !*e->old_version)
			continue;
		if (started && e->time < started)
			continue;
		found = e->old_version;
		if (started)
			break;
	}
	return found;
}

/* A binNMU's binary version is the source's plus "+bN". */
static const char *source_of_binary_version(struct scan_result *r, const char *v)
{
	const char *b = strrchr(v, '+');
	if (b && b[1] == 'b' && b[2] && strspn(b + 2, "0123456789") == strlen(b + 2))
		return vigie_arena_strndup(&r->arena, v, (size_t)(b - v));
	return v;
}

static int is_dbus(const char *unit)
{
	return unit && (!strcmp(unit, "dbus.service") || !strcmp(unit, "dbus-broker.service"));
}

static const char *action_for(struct scan_result *r, const struct scan_restart_unit *u)
{
	switch (u->kind) {
	case RESTART_INIT:
		return "reboot (PID 1 runs replaced code)";
	case RESTART_SYSTEM:
		if (is_dbus(u->unit))
			return "reboot (the D-Bus daemon cannot be restarted safely)";
		return vigie_scan_result_printf(r, "systemctl restart %s", u->unit);
	case RESTART_USER:
		if (u->uid < 0) /* not carried by an inventory document */
			return vigie_scan_result_printf(r, "systemctl --user restart %s", u->unit);
		return vigie_scan_result_printf(r, "systemctl --user restart %s (user %d)", u->unit,
						u->uid);
	case RESTART_SESSION:
		if (u->uid < 0)
			return vigie_scan_result_printf(r, "log out and back in (%s)", u->unit);
		return vigie_scan_result_printf(r, "log out and back in (%s, user %d)", u->unit,
						u->uid);
	case RESTART_CONTAINER:
		return vigie_scan_result_printf(r, "restart container %s", u->container);
	case RESTART_NONE:
		break;
	}
	return vigie_scan_result_printf(r, "restart process %d (%s)", u->pids[0], u->comms[0]);
}

/* Grow an arena array of n elements of size to n + 1 (a copy; the old one
 * stays in the arena, these arrays are short). */
static void *grow(struct scan_result *r, void *v, size_t n, size_t size)
{
	void *nv = vigie_arena_alloc(&r->arena, (n + 1) * size);
	if (nv && n)
		memcpy(nv, v, n * size);
	if (nv)
		memset((char *)nv + n * size, 0, size);
	return nv;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct scan_restart_pkg *x = a, *y = b;
	int c = strcmp(x->package, y->package);
	return c ? c : strcmp(x->arch, y->arch);
}

static int cmp_unit(const void *a, const void *b)
{
	const struct scan_restart_unit *x = a, *y = b;
	if (x->reboot != y->reboot)
		return y->reboot - x->reboot;
	if ((x->kind == RESTART_INIT) != (y->kind == RESTART_INIT))
		return x->kind == RESTART_INIT ? -1 : 1;
	if (!x->unit != !y->unit)
		return x->unit ? -1 : 1;
	if (x->unit) {
		int c = strcmp(x->unit, y->unit);
		if (c)
			return c;
	}
	return (x->pids[0] > y->pids[0]) - (x->pids[0] < y->pids[0]);
}

/* The CVEs fixed in (running, installed] of pkg's source. */
static int pkg_cves(struct scan_result *r, struct scan_restart_pkg *p,
		    const struct vulnindex *idx)
{
	const struct vuln_source *src;
	struct debver inst, run;

	if (!p->running_version || !p->source_version || !idx ||
	    !(src = vigie_vulnindex_source(idx, vigie_kernel_source(p->source))))
		return 0;
	if (vigie_debver_parse(&inst, p->source_version, NULL) ||
	    vigie_debver_parse(&run, p->running_version, NULL))
		return 0;
	for (size_t i = 0; i < src->n; i++) {
		const struct vuln_entry *e = &src->entries[i];
		if (e->status != VULN_RESOLVED || !e->fixed_version ||
		    !strcmp(e->fixed_version, "0"))
			continue;
		if (!vigie_version_has_fix(&inst, e) || vigie_version_has_fix(&run, e))
			continue;
		const char **nc = grow(r, p->cves, p->ncves, sizeof(*nc));
		if (!nc)
			return VIGIE_ENOMEM;
		p->cves = nc;
		p->cves[p->ncves++] = e->vuln;
	}
	return 0;
}

static const char *data_source_of(const struct vuln_entry *e)
{
	if (e->origin == VULN_FROM_TRACKER)
		return "debian-security-tracker";
	if (e->advisory && !strncmp(e->advisory, "DLA-", 4))
		return "dla-list";
	if (e->advisory && !strncmp(e->advisory, "DTSA-", 5))
		return "dtsa-list";
	return "dsa-list";
}

static const struct vuln_entry *entry_of(const struct vulnindex *idx, const char *source,
					 const char *cve)
{
	const struct vuln_source *src = vigie_vulnindex_source(idx, vigie_kernel_source(source));
	for (size_t i = 0; src && i < src->n; i++)
		if (!strcmp(src->entries[i].vuln, cve))
			return &src->entries[i];
	return NULL;
}

/* One finding per (CVE, source), naming every unit that still runs it. */
static int add_findings(struct scan_result *r, const struct scan_restart *rs,
			const struct scan_restart_opts *o)
{
	struct vigie_hashmap seen;
	struct vigie_buf key = VIGIE_BUF_INIT, who = VIGIE_BUF_INIT;
	struct policy *defpol = NULL;
	const struct policy *pol = o->policy;
	int rc = VIGIE_ENOMEM;

	vigie_hashmap_init(&seen);
	if (!pol) { /* the built-in default, as vigie_scan_run */
		if (!(defpol = malloc(sizeof(*defpol))))
			goto out;
		vigie_policy_default(defpol);
		pol = defpol;
	}
	for (size_t u = 0; u < rs->n; u++)
		for (size_t k = 0; k < rs->units[u].npkgs; k++) {
			const struct scan_restart_pkg *p = &rs->units[u].pkgs[k];
			for (size_t c = 0; c < p->ncves; c++) {
				const struct vuln_entry *e = entry_of(o->idx, p->source, p->cves[c]);
				struct store_vuln_facts fa;
				struct vigie_arena read; /* fa's strings, copied into r */
				struct finding *f;
				void **slot;
				char *kk;

				vigie_buf_reset(&key);
				if (!e || vigie_buf_addf(&key, "%s\x1f%s", p->cves[c], p->source))
					goto out;
				if (vigie_hashmap_get(&seen, key.data, key.len))
					continue;
				if (!(kk = vigie_arena_strndup(&r->arena, key.data, key.len)) ||
				    !(slot = vigie_hashmap_slot(&seen, kk, key.len)))
					goto out;
				*slot = kk;
				/* every unit running this source's old code */
				vigie_buf_reset(&who);
				for (size_t v = 0; v < rs->n; v++)
					for (size_t q = 0; q < rs->units[v].npkgs; q++)
						if (!strcmp(rs->units[v].pkgs[q].source, p->source)) {
							const struct scan_restart_unit *w = &rs->units[v];
							if (w->unit)
								vigie_buf_addf(&who, "%s%s", who.len ? ", " : "",
									       w->unit);
							else
								vigie_buf_addf(&who, "%sprocess %d (%s)",
									       who.len ? ", " : "", w->pids[0],
									       w->comms[0]);
							break;
						}
				if (!who.data)
					goto out;
				if (!(f = vigie_scan_result_slot(r)))
					goto out;
				f->cve = e->vuln;
				f->source = p->source;
				f->source_version = p->running_version;
				f->state = FINDING_FIXED_AVAILABLE;
				f->fixed_version = e->fixed_version;
				f->advisory = e->advisory;
				f->advisory_date = e->advisory_date;
				f->urgency = e->urgency;
				f->data_source = data_source_of(e);
				f->restart_required = 1;
				if (!(f->bins = vigie_arena_alloc(&r->arena, sizeof(*f->bins))))
					goto out;
				f->bins[0].name = p->package;
				f->bins[0].version = p->version ? p->version : "";
				f->bins[0].arch = p->arch;
				f->nbins = 1;
				memset(&fa, 0, sizeof(fa));
				fa.cvss = -1;
				vigie_arena_init(&read);
				if (o->store) /* on error fa stays empty: no facts */
					vigie_store_vuln_facts_get(o->store, e->vuln, &read, &fa, NULL);
				vigie_scan_finding_set_facts(r, f, &fa, e->urgency, pol);
				vigie_arena_release(&read);
				f->evidence = vigie_scan_result_printf(
					r, "%s: %s is fixed in %s %s; installed source version %s has"
					" the fix, but %s still run%s the replaced %s %s: restart needed.",
					r->release ? r->release : "?", e->vuln, p->source,
					e->fixed_version, p->source_version, who.data,
					strchr(who.data, ',') ? "" : "s", p->package, p->running_version);
				if (!f->evidence)
					goto out;
				r->n++;
			}
		}
	rc = 0;
out:
	vigie_buf_release(&key);
	vigie_buf_release(&who);
	vigie_hashmap_release(&seen);
	free(defpol);
	return rc;
}

int vigie_scan_add_restart(struct scan_result *r, const struct scan_restart_opts *o,
			   struct vigie_error *err)
{
	struct scan_restart *rs;
	const struct restart_scan *w = o->procs;
	struct vigie_hashmap units, cves;
	int rc = VIGIE_ENOMEM;

	vigie_hashmap_init(&units);
	vigie_hashmap_init(&cves);
	if (!(rs = vigie_arena_alloc(&r->arena, sizeof(*rs))))
		goto out;
	memset(rs, 0, sizeof(*rs));
	rs->scanned = w->scanned;
	rs->unreadable = w->unreadable;
	rs->unowned = w->unowned;
	if (w->n && !(rs->units = vigie_arena_alloc(&r->arena, w->n * sizeof(*rs->units))))
		goto out;
	for (size_t i = 0; i < w->n; i++) {
		const struct restart_proc *p = &w->procs[i];
		struct scan_restart_unit *u;
		char kb[64];
		const char *key = p->unit;
		void **slot;

		if (p->kind == RESTART_NONE || !p->unit || p->pid == 1) {
			snprintf(kb, sizeof(kb), "pid:%d", p->pid);
			key = kb;
		}
		if (!(key = vigie_arena_strdup(&r->arena, key)) ||
		    !(slot = vigie_hashmap_slot(&units, key, strlen(key))))
			goto out;
		if (!*slot) {
			u = &rs->units[rs->n++];
			memset(u, 0, sizeof(*u));
			u->kind = p->kind;
			u->unit = adup(r, p->unit);
			u->container = adup(r, p->container);
			u->uid = p->uid;
			if ((p->unit && !u->unit) || (p->container && !u->container))
				goto out;
			*slot = u;
		}
		u = *slot;
		int *np = grow(r, u->pids, u->npids, sizeof(*np));
		const char **nc = grow(r, u->comms, u->npids, sizeof(*nc));
		if (!np || !nc)
			goto out;
		u->pids = np;
		u->comms = nc;
		u->pids[u->npids] = p->pid;
		if (!(u->comms[u->npids++] = adup(r, p->comm)))
			goto out;
		for (size_t j = 0; j < p->nfiles; j++) {
			const struct restart_file *f = &p->files[j];
			struct scan_restart_pkg *pk = NULL;
			for (size_t k = 0; k < u->npkgs; k++)
				if (!strcmp(u->pkgs[k].package, f->package) &&
				    !strcmp(u->pkgs[k].arch, f->arch))
					pk = &u->pkgs[k];
			if (!pk) {
				const struct inventory_pkg *ip =
					vigie_inventory_find(o->inv, f->package, *f->arch ? f->arch : NULL);
				struct scan_restart_pkg *nv = grow(r, u->pkgs, u->npkgs, sizeof(*nv));
				const char *rv;
				if (!nv)
					goto out;
				u->pkgs = nv;
				pk = &u->pkgs[u->npkgs++];
				if (!(pk->package = adup(r, f->package)) || !(pk->arch = adup(r, f->arch)))
					goto out;
				if (ip) {
					if (!(pk->version = adup(r, ip->version)) ||
					    !(pk->source = adup(r, ip->source)) ||
					    !(pk->source_version = adup(r, ip->source_version)))
						goto out;
				} else {
					pk->source = pk->package;
				}
				rv = f->running_version ? f->running_version
							: running_version(o->history, f->package,
									  f->arch, p->started);
				if (rv && !(pk->running_version = source_of_binary_version(r, rv)))
					goto out;
				/* the old side of an upgrade is this package's binary version; in
				 * the source's terms only when they agree (no binNMU rename) */
				if (pk->running_version && ip && strcmp(ip->version, ip->source_version) &&
				    strcmp(source_of_binary_version(r, ip->version), ip->source_version))
					pk->running_version = NULL;
				if (pk->running_version && !(pk->running_version = adup(r, pk->running_version)))
					goto out;
			}
			/* each path once per package and unit */
			int have = 0;
			for (size_t k = 0; k < pk->nfiles; k++)
				have |= !strcmp(pk->files[k], f->path);
			if (!have) {
				const char **nf = grow(r, pk->files, pk->nfiles, sizeof(*nf));
				if (!nf)
					goto out;
				pk->files = nf;
				if (!(pk->files[pk->nfiles++] = adup(r, f->path)))
					goto out;
			}
		}
	}
	for (size_t i = 0; i < rs->n; i++) {
		struct scan_restart_unit *u = &rs->units[i];
		for (size_t k = 0; k < u->npkgs; k++) {
			struct scan_restart_pkg *pk = &u->pkgs[k];
			if (pkg_cves(r, pk, o->idx))
				goto out;
			if (pk->ncves > 1)
				qsort(pk->cves, pk->ncves, sizeof(*pk->cves), cmp_str);
			if (pk->nfiles > 1)
				qsort(pk->files, pk->nfiles, sizeof(*pk->files), cmp_str);
			for (size_t c = 0; c < pk->ncves; c++) {
				void **slot = vigie_hashmap_slot(&cves, pk->cves[c], strlen(pk->cves[c]));
				if (!slot)
					goto out;
				if (!*slot) {
					*slot = (void *)pk->cves[c];
					rs->ncves++;
				}
			}
		}
		if (u->npkgs > 1)
			qsort(u->pkgs, u->npkgs, sizeof(*u->pkgs), cmp_pkg);
		u->reboot = u->kind == RESTART_INIT || u->pids[0] == 1 ||
			    (u->kind == RESTART_SYSTEM && is_dbus(u->unit));
		if (u->pids[0] == 1)
			u->kind = RESTART_INIT;
		if (!(u->action = action_for(r, u)))
			goto out;
	}
	if (rs->n > 1)
		qsort(rs->units, rs->n, sizeof(*rs->units), cmp_unit);
	r->restart = rs;
	if (add_findings(r, rs, o))
		goto out;
	vigie_scan_result_recount(r);
	rc = 0;
out:
	vigie_hashmap_release(&units);
	vigie_hashmap_release(&cves);
	if (rc)
		vigie_error_set(err, rc, NULL, 0, "out of memory");
	return rc;
}

int vigie_scan_restart_invdoc(struct store_restart *out, const struct scan_restart *rs,
			      struct vigie_arena *arena)
{
	size_t n = 0;
	memset(out, 0, sizeof(*out));
	out->scanned = rs->scanned;
	out->unreadable = rs->unreadable;
	for (size_t i = 0; i < rs->n; i++)
		for (size_t k = 0; k < rs->units[i].npkgs; k++)
			n += rs->units[i].npids * rs->units[i].pkgs[k].nfiles;
	if (!n)
		return 0;
	if (!(out->v = vigie_arena_alloc(arena, n * sizeof(*out->v))))
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < rs->n; i++) {
		const struct scan_restart_unit *u = &rs->units[i];
		for (size_t q = 0; q < u->npids; q++)
			for (size_t k = 0; k < u->npkgs; k++)
				for (size_t f = 0; f < u->pkgs[k].nfiles; f++) {
					struct store_restart_entry *e = &out->v[out->n++];
					e->pid = u->pids[q];
					e->comm = u->comms[q];
					e->unit = u->unit;
					e->kind = vigie_restart_kind_name(u->kind);
					e->container = u->container;
					e->package = u->pkgs[k].package;
					e->arch = u->pkgs[k].arch;
					e->running_version = u->pkgs[k].running_version;
					e->path = u->pkgs[k].files[f];
				}
	}
	return 0;
}

static enum restart_kind kind_of(const char *name)
{
	static const enum restart_kind all[] = { RESTART_SYSTEM, RESTART_USER, RESTART_SESSION,
						 RESTART_CONTAINER, RESTART_INIT };
	for (size_t i = 0; name && i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(name, vigie_restart_kind_name(all[i])))
			return all[i];
	return RESTART_NONE;
}

/* The walk an inventory document reported, rebuilt: its entries are
 * (process, package, file) rows sorted by pid. */
static int walk_of(struct restart_scan *w, const struct store_restart *r)
{
	memset(w, 0, sizeof(*w));
	vigie_arena_init(&w->arena);
	w->scanned = r->scanned;
	w->unreadable = r->unreadable;
	if (r->n && !(w->procs = calloc(r->n, sizeof(*w->procs))))
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < r->n;) {
		const struct store_restart_entry *e = &r->v[i];
		struct restart_proc *p = &w->procs[w->n++];
		size_t j = i;
		while (j < r->n && r->v[j].pid == e->pid)
			j++;
		p->pid = e->pid;
		p->uid = -1;
		p->comm = e->comm ? e->comm : "";
		p->exe = "";
		p->unit = e->unit;
		p->container = e->container;
		p->kind = kind_of(e->kind);
		if (!(p->files = vigie_arena_alloc(&w->arena, (j - i) * sizeof(*p->files))))
			return VIGIE_ENOMEM;
		memset(p->files, 0, (j - i) * sizeof(*p->files));
		for (size_t k = i; k < j; k++) {
			struct restart_file *f = &p->files[p->nfiles++];
			f->path = r->v[k].path;
			f->package = r->v[k].package;
			f->arch = r->v[k].arch ? r->v[k].arch : "";
			f->running_version = r->v[k].running_version;
		}
		i = j;
	}
	return 0;
}

int vigie_scan_add_stored_restart(struct scan_result *res, struct vigie_store *s,
				  int64_t host_id, const struct inventory *inv,
				  const struct vulnindex *idx, const struct policy *pol,
				  struct vigie_error *err)
{
	struct vigie_arena A;
	struct store_restart r;
	struct restart_scan w;
	struct scan_restart_opts o;
	int known = 0, rc;

	vigie_arena_init(&A);
	memset(&w, 0, sizeof(w));
	vigie_arena_init(&w.arena);
	if ((rc = vigie_store_host_restart_get(s, host_id, &r, &known, &A, err)) || !known)
		goto out;
	if ((rc = walk_of(&w, &r))) {
		rc = vigie_error_set(err, rc, NULL, 0, "out of memory");
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.procs = &w;
	o.inv = inv;
	o.idx = idx;
	o.policy = pol;
	o.store = s;
	rc = vigie_scan_add_restart(res, &o, err);
out:
	vigie_restart_scan_release(&w);
	vigie_arena_release(&A);
	return rc;
}
