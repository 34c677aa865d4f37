/* vigie: process-wide set-up, once. vigie_global_init() initialises the
 * libraries vigie uses that keep global state (libcurl, libxml2, GnuTLS);
 * call it once at the start of a program, before threads start (the CLI's
 * main and the server do). It is safe to call again and from any thread
 * (pthread_once); library entry points that need it call it too. */
#ifndef VIGIE_INIT_H
#define VIGIE_INIT_H

/* 0, or -1 when a library could not initialise. */
int vigie_global_init(void);

#endif
