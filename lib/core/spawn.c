/* External programs without a shell (see spawn.h). The input goes through a
 * socket pair rather than a pipe: send(MSG_NOSIGNAL) reports a reader that
 * went away as EPIPE without raising SIGPIPE, so no process-wide signal
 * disposition has to change. */
#define _GNU_SOURCE
#include "vigie/core/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int is_shell_char(char c)
{
	return c && strchr("|&;<>()$`", c) != NULL;
}

int vigie_spawn_split(struct vigie_strv *out, const char *cmdline, const char *file,
		      unsigned long line, struct vigie_error *err)
{
	struct vigie_buf w = VIGIE_BUF_INIT;
	const char *p = cmdline;
	int rc = 0;

	vigie_strv_init(out);
	for (;;) {
		int in_word = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		vigie_buf_reset(&w);
		while (*p && *p != ' ' && *p != '\t') {
			char c = *p++;
			in_word = 1;
			if ((unsigned char)c < 0x20 || c == 0x7f) {
				rc = vigie_error_set(err, VIGIE_EPARSE, file, line,
						     "command: control character");
				goto out;
			}
			if (c == '\'') {
				const char *e = strchr(p, '\'');
				if (!e) {
					rc = vigie_error_set(err, VIGIE_EPARSE, file, line,
							     "command: unterminated '");
					goto out;
				}
				if (vigie_buf_add(&w, p, (size_t)(e - p)))
					goto oom;
				p = e + 1;
			} else if (c == '"') {
				while (*p && *p != '"') {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					if (vigie_buf_add(&w, p, 1))
						goto oom;
					p++;
				}
				if (!*p) {
					rc = vigie_error_set(err, VIGIE_EPARSE, file, line,
							     "command: unterminated \"");
					goto out;
				}
				p++;
			} else if (c == '\\') {
				if (!*p) {
					rc = vigie_error_set(err, VIGIE_EPARSE, file, line,
							     "command: \\ at the end");
					goto out;
				}
				if (vigie_buf_add(&w, p++, 1))
					goto oom;
			} else if (is_shell_char(c)) {
				rc = vigie_error_set(err, VIGIE_EPARSE, file, line,
						     "command: '%c' is shell syntax, and the "
						     "command is run without a shell (quote it "
						     "to pass it as is)", c);
				goto out;
			} else if (vigie_buf_add(&w, &c, 1)) {
				goto oom;
			}
		}
		if (in_word) {
			if (out->n == VIGIE_SPAWN_MAX_WORDS) {
				rc = vigie_error_set(err, VIGIE_ELIMIT, file, line,
						     "command: more than %d words",
						     VIGIE_SPAWN_MAX_WORDS);
				goto out;
			}
			if (vigie_strv_pushn(out, w.data ? w.data : "", w.len))
				goto oom;
		}
	}
	if (!out->n || !out->v[0][0])
		rc = vigie_error_set(err, VIGIE_EPARSE, file, line, "command: empty");
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, file, line, "out of memory");
out:
	vigie_buf_release(&w);
	if (rc)
		vigie_strv_release(out);
	return rc;
}

/* Reap pid, waiting at most until deadline (CLOCK_MONOTONIC seconds);
 * past it the child is killed. Returns 0 with *st, 1 on timeout, -1 on a
 * waitpid error (errno). */
static int reap(pid_t pid, int *st, double deadline)
{
	long pause_ns = 1000000; /* 1 ms, doubling up to 100 ms */
	for (;;) {
		struct timespec ts;
		pid_t r = waitpid(pid, st, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec + ts.tv_nsec / 1e9 >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, st, 0) < 0 && errno == EINTR)
				;
			return 1;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = pause_ns;
		nanosleep(&ts, NULL);
		if (pause_ns < 100000000)
			pause_ns *= 2;
	}
}

/* The checks and set-up both runners share: a command to run, its
 * deadline on the monotonic clock (*timeout <= 0 becomes VIGIE_SPAWN_TIMEOUT) and
 * its NULL-terminated argument vector (*av, freed by the caller). */
static int spawn_start(const char *const *argv, size_t argc, int *timeout, char ***av,
		       double *deadline, struct vigie_error *err)
{
	struct timespec now;
	if (!argc || !argv[0] || !argv[0][0])
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "no command to run");
	if (*timeout <= 0)
		*timeout = VIGIE_SPAWN_TIMEOUT;
	clock_gettime(CLOCK_MONOTONIC, &now);
	*deadline = now.tv_sec + now.tv_nsec / 1e9 + *timeout;
	if (!(*av = calloc(argc + 1, sizeof(**av))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < argc; i++)
		(*av)[i] = (char *)argv[i];
	return 0;
}

int vigie_spawn_with_input(const char *const *argv, size_t argc, const void *input,
			   size_t len, int timeout, struct vigie_error *err)
{
	struct timeval tv;
	double deadline;
	posix_spawn_file_actions_t fa;
	char **av = NULL;
	int sv[2] = { -1, -1 }, rc = 0, st = 0, e, fa_ok = 0;
	pid_t pid = -1;
	const char *name = argc ? argv[0] : "";
	const char *p = input;
	size_t left = len;

	if ((rc = spawn_start(argv, argc, &timeout, &av, &deadline, err)))
		return rc;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "cannot run '%s': %s", name,
				     strerror(errno));
		goto out;
	}
	if ((e = posix_spawn_file_actions_init(&fa))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "cannot run '%s': %s", name,
				     strerror(e));
		goto out;
	}
	fa_ok = 1;
	/* the child's stdin is its end of the pair; dup2 clears CLOEXEC on
	 * fd 0 only, so neither end otherwise leaks into the child */
	shutdown(sv[1], SHUT_WR);
	if ((e = posix_spawn_file_actions_adddup2(&fa, sv[1], 0)) ||
	    (e = posix_spawnp(&pid, av[0], &fa, NULL, av, environ))) {
		pid = -1;
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "cannot run '%s': %s", name,
				     strerror(e));
		goto out;
	}
	close(sv[1]);
	sv[1] = -1;
	shutdown(sv[0], SHUT_RD);
	/* a program that stops reading does not hold vigie past the timeout */
	tv.tv_sec = timeout;
	tv.tv_usec = 0;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (left) {
		ssize_t n = send(sv[0], p, left, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int se = n < 0 ? errno : EIO;
			rc = vigie_error_set(err, VIGIE_EIO, NULL, 0,
					     "'%s' did not read its input: %s", name,
					     se == EAGAIN || se == EWOULDBLOCK ? "timed out"
									: strerror(se));
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	close(sv[0]); /* end of input */
	sv[0] = -1;
	switch (reap(pid, &st, deadline)) {
	case -1:
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "cannot wait for '%s': %s",
				     name, strerror(errno));
		goto out;
	case 1:
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0,
				     "'%s' did not finish within %d s, killed", name, timeout);
		goto out;
	}
	if (WIFSIGNALED(st))
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "'%s' was killed by signal %d",
				     name, WTERMSIG(st));
	else if (!WIFEXITED(st))
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "'%s' stopped abnormally", name);
	else if (WEXITSTATUS(st))
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "'%s' exited with status %d",
				     name, WEXITSTATUS(st));
out:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	free(av);
	return rc;
}

/* Exit status st of name as an error (0 for status 0). */
static int status_error(int st, const char *name, struct vigie_error *err)
{
	if (WIFSIGNALED(st))
		return vigie_error_set(err, VIGIE_EIO, NULL, 0, "'%s' was killed by signal %d",
				       name, WTERMSIG(st));
	if (!WIFEXITED(st))
		return vigie_error_set(err, VIGIE_EIO, NULL, 0, "'%s' stopped abnormally", name);
	if (WEXITSTATUS(st))
		return vigie_error_set(err, VIGIE_EIO, NULL, 0, "'%s' exited with status %d",
				       name, WEXITSTATUS(st));
	return 0;
}

int vigie_spawn_capture(const char *const *argv, size_t argc, struct vigie_buf *out,
			size_t max, int timeout, int *status, struct vigie_error *err)
{
	struct timespec now;
	double deadline;
	posix_spawn_file_actions_t fa;
	char **av = NULL;
	char chunk[65536];
	int pfd[2] = { -1, -1 }, rc = 0, st = 0, e, fa_ok = 0, too_big = 0, timed_out = 0;
	pid_t pid = -1;
	const char *name = argc ? argv[0] : "";

	if (status)
		*status = -1;
	if ((rc = spawn_start(argv, argc, &timeout, &av, &deadline, err)))
		return rc;
	if (pipe2(pfd, O_CLOEXEC)) {
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "cannot run '%s': %s", name,
				     strerror(errno));
		goto out;
	}
	if ((e = posix_spawn_file_actions_init(&fa))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "cannot run '%s': %s", name,
				     strerror(e));
		goto out;
	}
	fa_ok = 1;
	if ((e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) ||
	    (e = posix_spawn_file_actions_adddup2(&fa, pfd[1], 1)) ||
	    (e = posix_spawnp(&pid, av[0], &fa, NULL, av, environ))) {
		pid = -1;
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "cannot run '%s': %s", name,
				     strerror(e));
		goto out;
	}
	close(pfd[1]);
	pfd[1] = -1;
	for (;;) {
		struct pollfd p = { pfd[0], POLLIN, 0 };
		double left;
		ssize_t n;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = deadline - (now.tv_sec + now.tv_nsec / 1e9);
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		n = poll(&p, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "cannot read from '%s': %s",
					     name, strerror(errno));
			break;
		}
		if (n == 0)
			continue;
		n = read(pfd[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "cannot read from '%s': %s",
					     name, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			too_big = 1;
			break;
		}
		if (vigie_buf_add(out, chunk, (size_t)n)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			break;
		}
	}
	if (rc || too_big || timed_out)
		kill(pid, SIGKILL);
	close(pfd[0]);
	pfd[0] = -1;
	switch (reap(pid, &st, deadline + 5)) {
	case -1:
		if (!rc)
			rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "cannot wait for '%s': %s",
					     name, strerror(errno));
		goto out;
	case 1:
		timed_out = 1;
		break;
	}
	if (rc)
		goto out;
	if (too_big) {
		rc = vigie_error_set(err, VIGIE_ELIMIT, NULL, 0,
				     "'%s' wrote more than %zu bytes, killed", name, max);
		goto out;
	}
	if (timed_out) {
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0,
				     "'%s' did not finish within %d s, killed", name, timeout);
		goto out;
	}
	if (status && WIFEXITED(st))
		*status = WEXITSTATUS(st);
	rc = status_error(st, name, err);
out:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	free(av);
	return rc;
}
