#include "vigie/render/openvex.h"
#include "vigie/render/json.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_gen.h>

static const char *const status_names[] = {
	[OPENVEX_NOT_AFFECTED] = "not_affected",
	[OPENVEX_AFFECTED] = "affected",
	[OPENVEX_FIXED] = "fixed",
	[OPENVEX_UNDER_INVESTIGATION] = "under_investigation",
};

static const char *const just_names[] = {
	[OPENVEX_JUST_NONE] = NULL,
	[OPENVEX_COMPONENT_NOT_PRESENT] = "component_not_present",
	[OPENVEX_VULNERABLE_CODE_NOT_PRESENT] = "vulnerable_code_not_present",
	[OPENVEX_VULNERABLE_CODE_NOT_IN_EXECUTE_PATH] = "vulnerable_code_not_in_execute_path",
	[OPENVEX_VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY] =
		"vulnerable_code_cannot_be_controlled_by_adversary",
	[OPENVEX_INLINE_MITIGATIONS_ALREADY_EXIST] = "inline_mitigations_already_exist",
};

const char *vigie_openvex_status_name(enum openvex_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0])
		       ? status_names[s] : NULL;
}

const char *vigie_openvex_justification_name(enum openvex_justification j)
{
	return (unsigned)j < sizeof(just_names) / sizeof(just_names[0]) ? just_names[j]
									 : NULL;
}

int vigie_openvex_purl_encode(struct vigie_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc;
		if (isalnum(*p) || *p == '.' || *p == '-' || *p == '_' || *p == '~')
			rc = vigie_buf_addc(out, (char)*p);
		else
			rc = vigie_buf_addf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
		if (rc)
			return VIGIE_ENOMEM;
	}
	return 0;
}

int vigie_openvex_purl(struct vigie_buf *out, const char *ns, const char *name,
		 const char *version, const char *arch, const char *distro,
		 int epoch_qualifier)
{
	char epoch[16] = "";
	char sep = '?';
	if (version) {
		const char *colon = strchr(version, ':');
		size_t el = colon ? (size_t)(colon - version) : 0;
		int digits = colon && el > 0 && el < sizeof(epoch);
		for (size_t i = 0; digits && i < el; i++)
			if (!isdigit((unsigned char)version[i]))
				digits = 0;
		if (digits && epoch_qualifier) {
			snprintf(epoch, sizeof(epoch), "%.*s", (int)el, version);
			version = colon + 1;
			if (!strcmp(epoch, "0"))
				epoch[0] = '\0';
		}
	}
	if (vigie_buf_adds(out, "pkg:deb/") || vigie_openvex_purl_encode(out, ns ? ns : "debian") ||
	    vigie_buf_addc(out, '/') || vigie_openvex_purl_encode(out, name))
		return VIGIE_ENOMEM;
	if (version && *version &&
	    (vigie_buf_addc(out, '@') || vigie_openvex_purl_encode(out, version)))
		return VIGIE_ENOMEM;
	/* qualifiers in key order: arch, distro, epoch */
	if (arch && *arch) {
		if (vigie_buf_addc(out, sep) || vigie_buf_adds(out, "arch=") ||
		    vigie_openvex_purl_encode(out, arch))
			return VIGIE_ENOMEM;
		sep = '&';
	}
	if (distro && *distro) {
		if (vigie_buf_addc(out, sep) || vigie_buf_adds(out, "distro=") ||
		    vigie_openvex_purl_encode(out, distro))
			return VIGIE_ENOMEM;
		sep = '&';
	}
	if (epoch[0]) {
		if (vigie_buf_addc(out, sep) || vigie_buf_adds(out, "epoch=") ||
		    vigie_buf_adds(out, epoch))
			return VIGIE_ENOMEM;
	}
	return 0;
}

/* FNV-1a, for a stable document id derived from the content. */
static uint64_t fnv(uint64_t h, const char *s)
{
	if (!s)
		s = "\x01";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff;
	h *= 0x100000001b3ULL;
	return h;
}

static int has_epoch(const char *v)
{
	const char *c = v ? strchr(v, ':') : NULL;
	if (!c || c == v)
		return 0;
	for (const char *p = v; p < c; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

#define G(call)                                                              \
	do {                                                                 \
		if ((call) != yajl_gen_status_ok) {                          \
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0,     \
					     "cannot write OpenVEX JSON (invalid UTF-8 in a field, or out of memory)");   \
			goto out;                                            \
		}                                                            \
	} while (0)
#define GS(g, s) G(yajl_gen_string(g, (const unsigned char *)(s), strlen(s)))

static yajl_gen_status gen_purl(yajl_gen g, struct vigie_buf *tmp,
				const struct openvex_doc *doc,
				const struct openvex_product *p, int epoch_q)
{
	vigie_buf_reset(tmp);
	if (vigie_openvex_purl(tmp, doc->namespace_, p->name, p->version, p->arch,
			       p->distro ? p->distro : doc->distro, epoch_q))
		return yajl_gen_in_error_state;
	/* @id and identifiers.purl: consumers read one or the other */
	if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    yajl_gen_string(g, (const unsigned char *)"@id", 3) != yajl_gen_status_ok ||
	    yajl_gen_string(g, (const unsigned char *)tmp->data, tmp->len) != yajl_gen_status_ok ||
	    yajl_gen_string(g, (const unsigned char *)"identifiers", 11) != yajl_gen_status_ok ||
	    yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    yajl_gen_string(g, (const unsigned char *)"purl", 4) != yajl_gen_status_ok ||
	    yajl_gen_string(g, (const unsigned char *)tmp->data, tmp->len) != yajl_gen_status_ok ||
	    yajl_gen_map_close(g) != yajl_gen_status_ok)
		return yajl_gen_in_error_state;
	return yajl_gen_map_close(g);
}

int vigie_openvex_write(struct vigie_buf *out, const struct openvex_doc *doc,
		  const struct openvex_statement *st, size_t n,
		  struct vigie_error *err)
{
	static const struct openvex_doc defaults;
	yajl_gen g = NULL;
	struct vigie_buf tmp = VIGIE_BUF_INIT;
	const unsigned char *buf;
	size_t len;
	char ts[32], id[64];
	int rc = 0;

	if (!doc)
		doc = &defaults;
	if (!n)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "OpenVEX: no statement to write (a document needs one)");
	for (size_t i = 0; i < n; i++) {
		const struct openvex_statement *s = &st[i];
		if (!s->vulnerability || !*s->vulnerability)
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "OpenVEX statement %zu: no vulnerability", i + 1);
		if (!s->nproducts || !s->products)
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "OpenVEX statement %zu (%s): no product", i + 1,
					       s->vulnerability);
		for (size_t k = 0; k < s->nproducts; k++)
			if (!s->products[k].name || !*s->products[k].name)
				return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
						       "OpenVEX statement %zu (%s): product without a name",
						       i + 1, s->vulnerability);
		if (!vigie_openvex_status_name(s->status))
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "OpenVEX statement %zu (%s): invalid status",
					       i + 1, s->vulnerability);
		if (s->status == OPENVEX_NOT_AFFECTED && !vigie_openvex_justification_name(s->justification) &&
		    !(s->impact_statement && *s->impact_statement))
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "OpenVEX statement %zu (%s): not_affected needs a justification or an impact statement",
					       i + 1, s->vulnerability);
		if (s->status != OPENVEX_NOT_AFFECTED && s->justification != OPENVEX_JUST_NONE)
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "OpenVEX statement %zu (%s): a justification is only for not_affected",
					       i + 1, s->vulnerability);
		if (s->status == OPENVEX_AFFECTED && !(s->action_statement && *s->action_statement))
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "OpenVEX statement %zu (%s): affected needs an action statement",
					       i + 1, s->vulnerability);
	}

	int64_t when = doc->timestamp ? doc->timestamp : vigie_now();
	vigie_time_format(when, ts, sizeof(ts));
	if (doc->id) {
		snprintf(id, sizeof(id), "%s", "");
	} else {
		uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
		a = fnv(a, ts);
		b = fnv(b, ts);
		for (size_t i = 0; i < n; i++) {
			a = fnv(a, st[i].vulnerability);
			b = fnv(b, vigie_openvex_status_name(st[i].status));
			for (size_t k = 0; k < st[i].nproducts; k++) {
				a = fnv(a, st[i].products[k].name);
				b = fnv(b, st[i].products[k].version);
				a = fnv(a, st[i].products[k].arch);
			}
			b = fnv(b, vigie_openvex_justification_name(st[i].justification));
		}
		snprintf(id, sizeof(id), "urn:uuid:%08x-%04x-8%03x-%04x-%012llx",
			 (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
			 (unsigned)a & 0xfff, (unsigned)((b >> 48) & 0x3fff) | 0x8000,
			 (unsigned long long)(b & 0xffffffffffffULL));
	}

	g = vigie_json_gen_alloc();
	if (!g)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	G(yajl_gen_map_open(g));
	GS(g, "@context");
	GS(g, OPENVEX_CONTEXT);
	GS(g, "@id");
	GS(g, doc->id ? doc->id : id);
	GS(g, "author");
	GS(g, doc->author && *doc->author ? doc->author : "vigie");
	if (doc->role) {
		GS(g, "role");
		GS(g, doc->role);
	}
	GS(g, "timestamp");
	GS(g, ts);
	GS(g, "version");
	G(yajl_gen_integer(g, doc->version > 0 ? doc->version : 1));
	if (doc->tooling) {
		GS(g, "tooling");
		GS(g, doc->tooling);
	}
	GS(g, "statements");
	G(yajl_gen_array_open(g));
	for (size_t i = 0; i < n; i++) {
		const struct openvex_statement *s = &st[i];
		const char *j = vigie_openvex_justification_name(s->justification);
		G(yajl_gen_map_open(g));
		GS(g, "vulnerability");
		G(yajl_gen_map_open(g));
		GS(g, "name");
		GS(g, s->vulnerability);
		G(yajl_gen_map_close(g));
		GS(g, "products");
		G(yajl_gen_array_open(g));
		if (doc->product_id) {
			G(yajl_gen_map_open(g));
			GS(g, "@id");
			GS(g, doc->product_id);
			GS(g, "subcomponents");
			G(yajl_gen_array_open(g));
		}
		/* one product per package: an epoch as Trivy writes it (a
		 * qualifier), or kept in the version as Syft/Grype do */
		for (size_t k = 0; k < s->nproducts; k++)
			G(gen_purl(g, &tmp, doc, &s->products[k],
				   !doc->epoch_in_version && has_epoch(s->products[k].version)));
		if (doc->product_id) {
			G(yajl_gen_array_close(g));
			G(yajl_gen_map_close(g));
		}
		G(yajl_gen_array_close(g));
		GS(g, "status");
		GS(g, vigie_openvex_status_name(s->status));
		if (j) {
			GS(g, "justification");
			GS(g, j);
		}
		/* the v0.2.0 schema takes a justification or an impact
		 * statement, not both: with a justification, the impact
		 * statement goes into the status notes */
		if (s->impact_statement && *s->impact_statement && !j) {
			GS(g, "impact_statement");
			GS(g, s->impact_statement);
		}
		if (s->action_statement && *s->action_statement) {
			GS(g, "action_statement");
			GS(g, s->action_statement);
		}
		if (j && s->impact_statement && *s->impact_statement) {
			vigie_buf_reset(&tmp);
			if (s->status_notes && *s->status_notes &&
			    strcmp(s->status_notes, s->impact_statement)) {
				vigie_buf_adds(&tmp, s->impact_statement);
				vigie_buf_adds(&tmp, " ");
			}
			vigie_buf_adds(&tmp, s->status_notes && *s->status_notes ? s->status_notes
									     : s->impact_statement);
			GS(g, "status_notes");
			G(yajl_gen_string(g, (const unsigned char *)tmp.data, tmp.len));
		} else if (s->status_notes && *s->status_notes) {
			GS(g, "status_notes");
			GS(g, s->status_notes);
		}
		G(yajl_gen_map_close(g));
	}
	G(yajl_gen_array_close(g));
	G(yajl_gen_map_close(g));
	G(yajl_gen_get_buf(g, &buf, &len));
	if (vigie_buf_add(out, buf, len))
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	if (g)
		yajl_gen_free(g);
	vigie_buf_release(&tmp);
	return rc;
}
