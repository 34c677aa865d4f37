/* The route table: one row per route, {method, path, role, api, handler}.
 * '*' matches one path segment, passed to the handler as a parameter. The
 * role is checked before the handler runs; what a principal may see is
 * decided by the store from its scope. */
#include "server.h"

const struct route srv_routes[] = {
	{ "GET", "/healthz", R_PUBLIC, 0, h_healthz },
	{ "GET", "/login", R_PUBLIC, 0, h_login_form },
	{ "POST", "/login", R_PUBLIC, 0, h_login },
	{ "POST", "/logout", R_USER, 0, h_logout },
	{ "POST", "/lang", R_USER, 0, h_set_lang },
	{ "POST", "/api/v1/push", R_AGENT, 1, h_push },
	{ "GET", "/api/v1/hosts", R_USER, 1, h_api_hosts },
	{ "GET", "/api/v1/hosts/*", R_USER, 1, h_api_host },
	{ "GET", "/api/v1/hosts/*/findings", R_USER, 1, h_api_findings },
	{ "GET", "/api/v1/hosts/*/history", R_USER, 1, h_api_history },
	{ "GET", "/api/v1/hosts/*/timeline", R_USER, 1, h_api_timeline },
	{ "GET", "/api/v1/cves/*", R_USER, 1, h_api_cve },
	{ "GET", "/api/v1/clients", R_USER, 1, h_api_clients },
	{ "GET", "/api/v1/clients/*/sla", R_USER, 1, h_api_sla },
	{ "GET", "/metrics", R_OPERATOR, 1, h_metrics },
	{ "GET", "/", R_USER, 0, h_page_fleet },
	{ "GET", "/hosts/*", R_USER, 0, h_page_host },
	{ "GET", "/hosts/*/timeline", R_USER, 0, h_page_timeline },
	{ "GET", "/hosts/*/history", R_USER, 0, h_page_history },
	{ "GET", "/clients/*/sla", R_USER, 0, h_page_sla },
	{ "GET", "/cves/*", R_USER, 0, h_page_cve },
	{ "GET", "/clients/*/reports/*", R_USER, 0, h_report },
};

const size_t srv_nroutes = sizeof(srv_routes) / sizeof(srv_routes[0]);
