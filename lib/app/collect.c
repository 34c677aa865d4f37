/* Agentless collection through the system's ssh (see collect.h). */
#define _GNU_SOURCE
#include "vigie/app/collect.h"
#include "vigie/core/file.h"
#include "vigie/core/spawn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The one remote command. It reads, it never writes: each readable file
 * as "==vigie-file SIZE PATH\n" and exactly SIZE bytes, then each
 * command's line after "==vigie-cmd NAME\n". Paths are relative to / so
 * that a test's fake ssh can run it against a fixture root. */
static const char remote_cmd[] =
	"LC_ALL=C; export LC_ALL; cd / || exit 1; "
	"for f in etc/os-release etc/debian_version etc/hostname var/lib/dpkg/status "
	"var/log/dpkg.log* var/log/apt/history.log*; do "
	"if [ -f \"$f\" ] && [ -r \"$f\" ]; then "
	"n=$(wc -c < \"$f\") && printf '==vigie-file %s %s\\n' $n \"$f\" && head -c $n \"$f\"; "
	"fi; done; "
	"printf '==vigie-cmd uname\\n'; uname -r; "
	"printf '==vigie-cmd proc\\n'; cat proc/version 2>/dev/null; "
	"printf '==vigie-cmd hostname\\n'; hostname -f 2>/dev/null || hostname; "
	"printf '==vigie-end\\n'";

/* The files the remote side may send, and nothing else. */
static int allowed_path(const char *p)
{
	static const char *const exact[] = { "etc/os-release", "etc/debian_version",
					     "etc/hostname", "var/lib/dpkg/status", NULL };
	static const char *const logs[] = { "var/log/dpkg.log", "var/log/apt/history.log",
					    NULL };
	for (int i = 0; exact[i]; i++)
		if (!strcmp(p, exact[i]))
			return 1;
	for (int i = 0; logs[i]; i++) {
		size_t n = strlen(logs[i]);
		const char *s = p + n;
		if (strncmp(p, logs[i], n))
			continue;
		if (!*s)
			return 1;
		if (*s++ != '.' || !(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
		return !*s || !strcmp(s, ".gz");
	}
	return 0;
}

struct unpacked {
	char root[4096];
	struct vigie_strv files; /* written, to remove */
	char uname[256], proc[1024], hostname[256];
};

static void take_line(char *dst, size_t size, const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	if (n >= 9 && !memcmp(*p, "==vigie-", 8)) {
		dst[0] = '\0'; /* the command printed nothing */
		return;
	}
	snprintf(dst, size, "%.*s", (int)n, *p);
	*p += n + (nl ? 1 : 0);
}

static int unpack(struct unpacked *u, const char *out, size_t len, const char *target,
		  struct vigie_error *err)
{
	const char *p = out, *end = out + len;
	int rc, ended = 0;
	while (p < end && !ended) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char head[4200];
		if (!nl || (size_t)(nl - p) >= sizeof(head))
			break;
		memcpy(head, p, (size_t)(nl - p));
		head[nl - p] = '\0';
		p = nl + 1;
		if (!strncmp(head, "==vigie-file ", 13)) {
			char *sp, *name, path[4200];
			unsigned long long size = strtoull(head + 13, &sp, 10);
			if (*sp != ' ' || size > (unsigned long long)(end - p))
				return vigie_error_set(err, VIGIE_EPARSE, target, 0,
						       "unexpected remote output (a file changed "
						       "while it was read? try again)");
			name = sp + 1;
			if (!allowed_path(name))
				return vigie_error_set(err, VIGIE_EPARSE, target, 0,
						       "the remote side sent a file vigie did "
						       "not ask for");
			snprintf(path, sizeof(path), "%s/%s", u->root, name);
			if ((rc = vigie_mkdirs_for(path, 0700, err)) ||
			    (rc = vigie_file_write_atomic(path, p, (size_t)size, 0600, err)))
				return rc;
			if (vigie_strv_push(&u->files, path))
				return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			p += size;
		} else if (!strcmp(head, "==vigie-cmd uname")) {
			take_line(u->uname, sizeof(u->uname), &p, end);
		} else if (!strcmp(head, "==vigie-cmd proc")) {
			take_line(u->proc, sizeof(u->proc), &p, end);
		} else if (!strcmp(head, "==vigie-cmd hostname")) {
			take_line(u->hostname, sizeof(u->hostname), &p, end);
		} else if (!strcmp(head, "==vigie-end")) {
			ended = 1;
		} else {
			return vigie_error_set(err, VIGIE_EPARSE, target, 0,
					       "unexpected remote output (a file changed while "
					       "it was read? try again)");
		}
	}
	if (!ended)
		return vigie_error_set(err, VIGIE_EPARSE, target, 0,
				       "the remote output ended early");
	return 0;
}

static void cleanup(struct unpacked *u)
{
	static const char *const dirs[] = { "var/log/apt", "var/log", "var/lib/dpkg", "var/lib",
					    "var", "etc", NULL };
	char path[4200];
	for (size_t i = 0; i < u->files.n; i++)
		unlink(u->files.v[i]);
	if (!u->root[0])
		return;
	for (int i = 0; dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", u->root, dirs[i]);
		rmdir(path);
	}
	rmdir(u->root);
}

/* Events and transactions name the remote file, not the temporary copy. */
static int rename_origins(struct history *h, const char *root)
{
	size_t n = strlen(root);
	const char *last_in = NULL, *last_out = NULL;
	for (size_t i = 0; i < h->nevents + h->ntxns; i++) {
		const char **o = i < h->nevents ? &h->events[i].origin
						 : &h->txns[i - h->nevents].origin;
		if (!*o || strncmp(*o, root, n))
			continue;
		if (*o != last_in) {
			last_in = *o;
			if (!(last_out = vigie_arena_strdup(&h->arena, *o + n)))
				return VIGIE_ENOMEM;
		}
		*o = last_out;
	}
	return 0;
}

int vigie_collect_ssh(struct inventory *inv, struct history *h,
		      const struct vigie_collect_opts *o, struct vigie_error *err)
{
	struct unpacked u;
	struct vigie_strv argv;
	struct vigie_buf out = VIGIE_BUF_INIT;
	struct inventory_opts io;
	const char *ssh = o->ssh ? o->ssh : getenv("VIGIE_SSH");
	const char *tmp = getenv("TMPDIR");
	char kver[256];
	int rc;

	memset(&u, 0, sizeof(u));
	vigie_strv_init(&u.files);
	vigie_strv_init(&argv);
	if (!o->target || !*o->target || o->target[0] == '-' ||
	    strpbrk(o->target, " \t\r\n"))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "--ssh: a [USER@]HOST, not an option");
	if ((rc = vigie_spawn_split(&argv, ssh && *ssh ? ssh : "ssh", "VIGIE_SSH", 0, err)))
		goto out;
	if (vigie_strv_push(&argv, "-o") || vigie_strv_push(&argv, "BatchMode=yes") ||
	    vigie_strv_push(&argv, "--") || vigie_strv_push(&argv, o->target) ||
	    vigie_strv_push(&argv, remote_cmd)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if ((rc = vigie_spawn_capture((const char *const *)argv.v, argv.n, &out,
				      VIGIE_COLLECT_MAX_OUTPUT,
				      o->timeout > 0 ? o->timeout : VIGIE_COLLECT_TIMEOUT, NULL,
				      err)))
		goto out;
	snprintf(u.root, sizeof(u.root), "%s/vigie-collect-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(u.root)) {
		rc = vigie_error_set(err, VIGIE_EIO, u.root, 0, "cannot create: %s",
				     strerror(errno));
		u.root[0] = '\0';
		goto out;
	}
	if ((rc = unpack(&u, out.data ? out.data : "", out.len, o->target, err)))
		goto out;
	memset(&io, 0, sizeof(io));
	io.root = u.root;
	io.host = o->name ? o->name : u.hostname[0] ? u.hostname : NULL;
	io.kernel = u.uname[0] ? u.uname : NULL;
	if (!io.host) {
		rc = vigie_error_set(err, VIGIE_EPARSE, o->target, 0,
				     "the remote host gave no name (use --name)");
		goto out;
	}
	if ((rc = vigie_inventory_load(inv, &io, err)))
		goto out;
	/* the remote file's name in messages and in the stored inventory */
	inv->status_path = "/var/lib/dpkg/status";
	if (u.proc[0] && !vigie_inventory_kernel_version_from_proc(u.proc, kver, sizeof(kver)) &&
	    !(inv->kernel_version = vigie_arena_strdup(&inv->arena, kver))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if ((rc = vigie_history_load_all(h, NULL, NULL, u.root, err)))
		goto out;
	if (rename_origins(h, u.root))
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	cleanup(&u);
	vigie_strv_release(&u.files);
	vigie_strv_release(&argv);
	vigie_buf_release(&out);
	return rc;
}
