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

static pid_t server;
static char base[128];
static char root[4200], logpath[4200];

static int start_server(void **state)
{
	char portfile[4200], script[4200];
	const char *src = getenv("VIGIE_SRCDIR");
	FILE *f;
	int port = 0;
	(void)state;

	snprintf(root, sizeof(root), "%s/www", test_tmpdir());
	mkdir(root, 0755);
	snprintf(portfile, sizeof(portfile), "%s/port", test_tmpdir());
	snprintf(logpath, sizeof(logpath), "%s/httpd.log", test_tmpdir());
	snprintf(script, sizeof(script), "%s/tests/cli/httpd.py", src ? src : ".");
	mkdir(root, 0755);
	f = fopen(logpath, "w");
	if (f)
		fclose(f);
	server = fork();
	if (server == 0) {
		execlp("python3", "python3", script, root, portfile, logpath, "60", (char *)NULL);
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
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	return 0;
}

static int stop_server(void **state)
{
	(void)state;
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	return 0;
}

#endif
