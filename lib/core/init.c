/* The one place where libvigie touches process-wide library state. */
#include "vigie/core/init.h"

#include <curl/curl.h>
#include <gnutls/gnutls.h>
#include <libxml/parser.h>

#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		init_rc = -1;
	if (gnutls_global_init() < 0)
		init_rc = -1;
	xmlInitParser();
}

int vigie_global_init(void)
{
	pthread_once(&once, init);
	return init_rc;
}
