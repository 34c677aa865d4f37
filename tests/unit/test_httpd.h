/* Loopback HTTP server for unit tests (tests/cli/httpd.py). Include once
 * in a test file after testutil.h. */
#ifndef VIGIE_TEST_HTTPD_H
#define VIGIE_TEST_HTTPD_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t server, tls_server;
static char base[128], tls_base[128];
static char root[4200], logpath[4200];

/* Start tests/cli/httpd.py serving root; cert (a PEM with certificate and
 * key) makes it HTTPS. Fills *pid and the base URL. */
static int launch_server(const char *cert, const char *tag, pid_t *pid, char *b, size_t bsz)
{
	char portfile[4200], script[4200];
	const char *src = getenv("VIGIE_SRCDIR");
	FILE *f;
	int port = 0;

	snprintf(root, sizeof(root), "%s/www", test_tmpdir());
	mkdir(root, 0755);
	snprintf(portfile, sizeof(portfile), "%s/port%s", test_tmpdir(), tag);
	snprintf(logpath, sizeof(logpath), "%s/httpd.log", test_tmpdir());
	snprintf(script, sizeof(script), "%s/tests/cli/httpd.py", src ? src : ".");
	if (access(logpath, F_OK) && (f = fopen(logpath, "w")))
		fclose(f);
	*pid = fork();
	if (*pid == 0) {
		execlp("python3", "python3", script, root, portfile, logpath, "60", cert,
		       (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && !port; i++) {
		struct timespec ts = { 0, 100000000 };
		f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (!port)
			nanosleep(&ts, NULL);
	}
	if (!port)
		return -1;
	snprintf(b, bsz, "%s://127.0.0.1:%d", cert ? "https" : "http", port);
	return 0;
}

static int start_server(void **state)
{
	(void)state;
	return launch_server(NULL, "", &server, base, sizeof(base));
}

/* An HTTPS server beside the HTTP one, with a self-signed certificate
 * made here for 127.0.0.1 (its path written to ca, to trust). -1 without
 * openssl. */
static __attribute__((unused)) int start_tls_server(char *ca, size_t casz)
{
	char pem[4200];
	snprintf(pem, sizeof(pem), "%s/tls.pem", test_tmpdir());
	snprintf(ca, casz, "%s/tls.crt", test_tmpdir());
	if (access(pem, R_OK) &&
	    test_system("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
			"-addext subjectAltName=IP:127.0.0.1 -keyout '%s.key' -out '%s' "
			">/dev/null 2>&1 && cat '%s' '%s.key' >'%s'",
			pem, ca, ca, pem, pem) != 0)
		return -1;
	return launch_server(pem, "-tls", &tls_server, tls_base, sizeof(tls_base));
}

/* "B/to?u=TARGET" into out, TARGET percent-encoded: a redirect to
 * TARGET (nested for chains). */
static __attribute__((unused)) const char *redirect_url(char *out, size_t size, const char *b,
							const char *target)
{
	size_t n = (size_t)snprintf(out, size, "%s/to?u=", b);
	for (const char *p = target; *p && n + 4 < size; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			out[n++] = *p;
		else
			n += (size_t)snprintf(out + n, size - n, "%%%02X", (unsigned char)*p);
	}
	out[n] = '\0';
	return out;
}

static int stop_server(void **state)
{
	(void)state;
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	if (tls_server > 0) {
		kill(tls_server, SIGTERM);
		waitpid(tls_server, NULL, 0);
		tls_server = 0;
	}
	return 0;
}

#endif
