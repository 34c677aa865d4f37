#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/debian/restart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void test_cgroup(void **state)
{
	static const struct {
		const char *text, *unit, *container;
		enum restart_kind kind;
	} cases[] = {
		{ "0::/system.slice/nginx.service\n", "nginx.service", NULL, RESTART_SYSTEM },
		{ "0::/system.slice/system-getty.slice/getty@tty1.service\n", "getty@tty1.service",
		  NULL, RESTART_SYSTEM },
		{ "0::/init.scope\n", "init.scope", NULL, RESTART_INIT },
		{ "0::/user.slice/user-1000.slice/session-3.scope\n", "session-3.scope", NULL,
		  RESTART_SESSION },
		{ "0::/user.slice/user-1000.slice/user@1000.service/app.slice/pipewire.service\n",
		  "pipewire.service", NULL, RESTART_USER },
		{ "0::/user.slice/user-1000.slice/user@1000.service/init.scope\n",
		  "user@1000.service", NULL, RESTART_USER },
		{ "0::/system.slice/docker-0123abcd.scope\n", "docker-0123abcd.scope",
		  "docker-0123abcd.scope", RESTART_CONTAINER },
		{ "0::/machine.slice/libpod-77ee.scope/container\n", "libpod-77ee.scope",
		  "libpod-77ee.scope", RESTART_CONTAINER },
		{ "0::/lxc.payload.web1/system.slice/nginx.service\n", "lxc.payload.web1",
		  "lxc.payload.web1", RESTART_CONTAINER },
		/* cgroup v1: the name=systemd hierarchy */
		{ "12:cpuset:/\n1:name=systemd:/system.slice/ssh.service\n", "ssh.service", NULL,
		  RESTART_SYSTEM },
		{ "0::/\n", NULL, NULL, RESTART_NONE },
		{ "", NULL, NULL, RESTART_NONE },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vigie_arena a;
		const char *unit, *ctr;
		enum restart_kind kind;
		vigie_arena_init(&a);
		assert_int_equal(vigie_restart_cgroup_parse(&unit, &ctr, &kind, cases[i].text, &a), 0);
		if (kind != cases[i].kind)
			fail_msg("case %zu: kind %d, want %d", i, kind, cases[i].kind);
		if (cases[i].unit)
			assert_string_equal(unit, cases[i].unit);
		else
			assert_null(unit);
		if (cases[i].container)
			assert_string_equal(ctr, cases[i].container);
		else
			assert_null(ctr);
		vigie_arena_release(&a);
	}
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* A fake /proc with three processes and a fake root with dpkg's lists. */
static void test_fake_tree(void **state)
{
	char proc[1024], root[1024], p[4096], maps[8192], d[4096];
	const char *tmp = test_tmpdir();
	struct stat lib, bin, loc;
	struct restart_scan s;
	struct restart_opts o;
	struct vigie_error err;
	(void)state;

	snprintf(proc, sizeof(proc), "%s/proc", tmp);
	snprintf(root, sizeof(root), "%s/root", tmp);
	assert_int_equal(test_system("mkdir -p '%s/100' '%s/200' '%s/300' '%s/400' '%s/usr/lib/x86_64-linux-gnu' "
				     "'%s/usr/bin' '%s/usr/local/lib' '%s/var/lib/dpkg/info'",
				     proc, proc, proc, proc, root, root, root, root), 0);
	snprintf(d, sizeof(d), "%s/usr/lib/x86_64-linux-gnu", root);
	put(d, "libssl.so.3", "new ssl");
	put(d, "libz.so.1", "zlib");
	put(d, "libc.so.6", "libc");
	snprintf(d, sizeof(d), "%s/usr/bin", root);
	put(d, "nginx", "nginx");
	snprintf(d, sizeof(d), "%s/usr/local/lib", root);
	put(d, "liblocal.so", "local");
	snprintf(p, sizeof(p), "%s/usr/lib/x86_64-linux-gnu/libssl.so.3", root);
	assert_int_equal(stat(p, &lib), 0);
	snprintf(p, sizeof(p), "%s/usr/bin/nginx", root);
	assert_int_equal(stat(p, &bin), 0);
	snprintf(p, sizeof(p), "%s/usr/local/lib/liblocal.so", root);
	assert_int_equal(stat(p, &loc), 0);
	unsigned maj = major(lib.st_dev), min = minor(lib.st_dev);

	/* 100: nginx maps libssl replaced (other inode, same device), zlib
	 * deleted, its own binary unchanged, libc under /lib in dpkg's list
	 * (usrmerge) deleted, a local unpackaged library replaced */
	snprintf(maps, sizeof(maps),
		 "55d0c3a00000-55d0c3a28000 r-xp 00000000 %02x:%02x %lu    /usr/bin/nginx\n"
		 "7f1c2e000000-7f1c2e022000 r-xp 00000000 %02x:%02x %lu    /usr/lib/x86_64-linux-gnu/libssl.so.3\n"
		 "7f1c2e022000-7f1c2e023000 r--p 00022000 %02x:%02x %lu    /usr/lib/x86_64-linux-gnu/libssl.so.3\n"
		 "7f1c2f000000-7f1c2f022000 r-xp 00000000 %02x:%02x 4242    /usr/lib/x86_64-linux-gnu/libz.so.1.real (deleted)\n"
		 "7f1c30000000-7f1c30022000 r-xp 00000000 %02x:%02x 4343    /usr/lib/x86_64-linux-gnu/libc.so.6 (deleted)\n"
		 "7f1c31000000-7f1c31022000 r-xp 00000000 %02x:%02x %lu    /usr/local/lib/liblocal.so\n"
		 "7f1c32000000-7f1c32022000 rw-s 00000000 00:01 99    /memfd:pool (deleted)\n"
		 "7f1c33000000-7f1c33022000 rw-p 00000000 00:00 0\n"
		 "7ffd1a2b3000-7ffd1a2d4000 rw-p 00000000 00:00 0     [stack]\n",
		 maj, min, (unsigned long)bin.st_ino, maj, min, (unsigned long)lib.st_ino + 1,
		 maj, min, (unsigned long)lib.st_ino + 1, maj, min, maj, min,
		 maj, min, (unsigned long)loc.st_ino + 7);
	snprintf(d, sizeof(d), "%s/100", proc);
	put(d, "maps", maps);
	put(d, "comm", "nginx\n");
	put(d, "cgroup", "0::/system.slice/nginx.service\n");
	put(d, "stat", "100 (ngi) nx) S 1 100 100 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 500 0 0\n");
	/* 200: only an unchanged file, and one on another device (overlayfs):
	 * not stale */
	snprintf(maps, sizeof(maps),
		 "55d0c3a00000-55d0c3a28000 r-xp 00000000 %02x:%02x %lu    /usr/bin/nginx\n"
		 "7f1c2e000000-7f1c2e022000 r-xp 00000000 %02x:%02x %lu    /usr/lib/x86_64-linux-gnu/libssl.so.3\n",
		 maj, min, (unsigned long)bin.st_ino, maj + 1, min, (unsigned long)lib.st_ino + 1);
	snprintf(d, sizeof(d), "%s/200", proc);
	put(d, "maps", maps);
	put(d, "comm", "bash\n");
	/* 300: maps not readable (a directory in place of the file) */
	snprintf(d, sizeof(d), "%s/300/maps", proc);
	assert_int_equal(mkdir(d, 0700), 0);
	/* 400: PID-like but gone between listing and reading: no maps */
	put(proc, "stat", "cpu 1 2 3\nbtime 1700000000\n");

	snprintf(d, sizeof(d), "%s/var/lib/dpkg/info", root);
	put(d, "libssl3:amd64.list", "/.\n/usr\n/usr/lib\n/usr/lib/x86_64-linux-gnu\n"
				     "/usr/lib/x86_64-linux-gnu/libssl.so.3\n");
	put(d, "zlib1g:amd64.list", "/usr/lib/x86_64-linux-gnu/libz.so.1\n");
	put(d, "libc6:amd64.list", "/lib/x86_64-linux-gnu/libc.so.6\n");
	put(d, "nginx-core.list", "/usr/bin/nginx\n");
	/* zlib-wrap diverts zlib's library to libz.so.1.real and ships its own
	 * libz.so.1: the file at the diverted name is zlib1g's */
	put(d, "zlib-wrap.list", "/usr/lib/x86_64-linux-gnu/libz.so.1\n");
	snprintf(d, sizeof(d), "%s/var/lib/dpkg", root);
	put(d, "diversions", "/usr/lib/x86_64-linux-gnu/libz.so.1\n"
			     "/usr/lib/x86_64-linux-gnu/libz.so.1.real\nzlib-wrap\n");

	memset(&o, 0, sizeof(o));
	o.proc = proc;
	o.root = root;
	vigie_error_init(&err);
	assert_int_equal(vigie_restart_scan(&s, &o, &err), 0);
	assert_int_equal(s.scanned, 2);
	/* 300 only: 400 has no maps (vanished) */
	assert_int_equal(s.unreadable, 1);
	assert_int_equal(s.unowned, 1);
	assert_int_equal(s.n, 1);
	const struct restart_proc *r = &s.procs[0];
	assert_int_equal(r->pid, 100);
	assert_string_equal(r->comm, "nginx");
	assert_string_equal(r->unit, "nginx.service");
	assert_int_equal(r->kind, RESTART_SYSTEM);
	assert_int_equal(r->started, 1700000000 + 500 / sysconf(_SC_CLK_TCK));
	assert_int_equal(r->nfiles, 3);
	assert_string_equal(r->files[0].path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	assert_string_equal(r->files[0].package, "libc6");
	assert_string_equal(r->files[0].arch, "amd64");
	assert_int_equal(r->files[0].deleted, 1);
	assert_string_equal(r->files[1].path, "/usr/lib/x86_64-linux-gnu/libssl.so.3");
	assert_string_equal(r->files[1].package, "libssl3");
	assert_int_equal(r->files[1].deleted, 0);
	assert_string_equal(r->files[2].path, "/usr/lib/x86_64-linux-gnu/libz.so.1.real");
	assert_string_equal(r->files[2].package, "zlib1g");
	assert_int_equal(r->files[2].deleted, 1);
	vigie_restart_scan_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup),
		cmocka_unit_test(test_fake_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
