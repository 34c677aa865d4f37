#include "vigie/engine/policy.h"
#include "vigie/core/conf.h"
#include "vigie/core/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_KEV, C_NETWORK, C_ADJACENT, C_LOCAL, C_GE, C_GT, C_LE, C_LT,
       C_URGENCY, C_SCOPE, C_DEFAULT };

static const char *const class_names[] = { "standard", "critical", "highly-critical" };

const char *vigie_policy_class_name(enum vigie_class c)
{
	return (unsigned)c < 3 ? class_names[c] : "standard";
}

int vigie_policy_class_parse(enum vigie_class *out, const char *name)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, class_names[i])) {
			*out = (enum vigie_class)i;
			return 0;
		}
	return VIGIE_EUSAGE;
}

static int parse_rule(struct policy_rule *r, enum vigie_class cls, const char *text,
		      const char *file, unsigned long line, struct vigie_error *err)
{
	char buf[160], *save = NULL, *tok;
	snprintf(buf, sizeof(buf), "%s", text);
	snprintf(r->text, sizeof(r->text), "%s: %s", vigie_policy_class_name(cls), text);
	r->cls = cls;
	r->line = line;
	r->ncond = 0;
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		int k = -1;
		double num = 0;
		const char *str = "";
		char *end;
		if (r->ncond == POLICY_MAX_CONDS)
			return vigie_error_set(err, VIGIE_ELIMIT, file, line,
					       "more than %d conditions in a rule", POLICY_MAX_CONDS);
		if (!strcmp(tok, "kev")) k = C_KEV;
		else if (!strcmp(tok, "network")) k = C_NETWORK;
		else if (!strcmp(tok, "adjacent")) k = C_ADJACENT;
		else if (!strcmp(tok, "local")) k = C_LOCAL;
		else if (!strcmp(tok, "default")) k = C_DEFAULT;
		else if (!strncmp(tok, "urgency=", 8)) { k = C_URGENCY; str = tok + 8; }
		else if (!strncmp(tok, "scope=", 6)) { k = C_SCOPE; str = tok + 6; }
		else if (!strncmp(tok, "cvss", 4)) {
			const char *p = tok + 4;
			if (!strncmp(p, ">=", 2)) { k = C_GE; p += 2; }
			else if (!strncmp(p, "<=", 2)) { k = C_LE; p += 2; }
			else if (*p == '>') { k = C_GT; p++; }
			else if (*p == '<') { k = C_LT; p++; }
			num = strtod(p, &end);
			if (k < 0 || end == p || *end || num < 0 || num > 10)
				return vigie_error_set(err, VIGIE_EPARSE, file, line,
						       "bad CVSS condition '%s' (e.g. cvss>=7.0)", tok);
		}
		if (k < 0)
			return vigie_error_set(err, VIGIE_EPARSE, file, line,
					       "unknown condition '%s' (kev, network, adjacent, local,"
					       " cvss>=N, urgency=V, scope=V, default)", tok);
		if (strlen(str) >= sizeof(r->cond[0].str))
			return vigie_error_set(err, VIGIE_ELIMIT, file, line, "value too long: %s", str);
		r->cond[r->ncond].kind = k;
		r->cond[r->ncond].num = num;
		snprintf(r->cond[r->ncond].str, sizeof(r->cond[0].str), "%s", str);
		r->ncond++;
	}
	if (!r->ncond)
		return vigie_error_set(err, VIGIE_EPARSE, file, line, "empty rule");
	return 0;
}

void vigie_policy_default(struct policy *p)
{
	static const struct { enum vigie_class c; const char *t; } def[] = {
		{ VIGIE_CLASS_HIGHLY_CRITICAL, "kev" },
		{ VIGIE_CLASS_HIGHLY_CRITICAL, "network cvss>=9.0" },
		{ VIGIE_CLASS_CRITICAL, "cvss>=7.0" },
		{ VIGIE_CLASS_CRITICAL, "urgency=high" },
		{ VIGIE_CLASS_STANDARD, "default" },
	};
	memset(p, 0, sizeof(*p));
	snprintf(p->path, sizeof(p->path), "(built-in)");
	for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
		parse_rule(&p->rules[p->n++], def[i].c, def[i].t, p->path, 0, NULL);
}

int vigie_policy_load(struct policy *p, const char *path, struct vigie_error *err)
{
	struct vigie_conf conf;
	int rc;
	memset(p, 0, sizeof(*p));
	snprintf(p->path, sizeof(p->path), "%s", path);
	if ((rc = vigie_conf_load(&conf, path, err)))
		return rc;
	for (size_t i = 0; i < conf.n; i++) {
		const struct conf_entry *e = &conf.entries[i];
		enum vigie_class c;
		if (strcmp(e->section, "policy"))
			continue;
		if (vigie_policy_class_parse(&c, e->key)) {
			rc = vigie_error_set(err, VIGIE_EPARSE, path, e->line,
					     "unknown class '%s' (highly-critical, critical, standard)",
					     e->key);
			goto out;
		}
		if (p->n == POLICY_MAX_RULES) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, path, e->line,
					     "more than %d rules", POLICY_MAX_RULES);
			goto out;
		}
		if ((rc = parse_rule(&p->rules[p->n], c, e->value, path, e->line, err)))
			goto out;
		p->n++;
	}
	if (!p->n)
		rc = vigie_error_set(err, VIGIE_EPARSE, path, 0, "no rule in a [policy] section");
out:
	vigie_conf_release(&conf);
	return rc;
}

static const char *vector_av(const char *v)
{
	const char *p = v ? strstr(v, "AV:") : NULL;
	return p ? p + 3 : NULL;
}

static int urgency_is(const char *u, const char *want)
{
	size_t n = strlen(want);
	/* "high" also matches the NVD-derived "high**" */
	return u && !strncmp(u, want, n) && (!u[n] || !strcmp(u + n, "**"));
}

static int holds(const struct policy_rule *r, const struct policy_facts *f)
{
	const char *av = vector_av(f->cvss_vector);
	for (int i = 0; i < r->ncond; i++) {
		int ok = 0;
		switch (r->cond[i].kind) {
		case C_KEV: ok = f->kev; break;
		case C_NETWORK:
			ok = av ? *av == 'N' : (f->scope && !strcmp(f->scope, "remote"));
			break;
		case C_ADJACENT: ok = av && *av == 'A'; break;
		case C_LOCAL:
			ok = av ? (*av == 'L' || *av == 'P') : (f->scope && !strcmp(f->scope, "local"));
			break;
		case C_GE: ok = f->cvss >= 0 && f->cvss >= r->cond[i].num; break;
		case C_GT: ok = f->cvss >= 0 && f->cvss > r->cond[i].num; break;
		case C_LE: ok = f->cvss >= 0 && f->cvss <= r->cond[i].num; break;
		case C_LT: ok = f->cvss >= 0 && f->cvss < r->cond[i].num; break;
		case C_URGENCY: ok = urgency_is(f->urgency, r->cond[i].str); break;
		case C_SCOPE: ok = f->scope && !strcmp(f->scope, r->cond[i].str); break;
		case C_DEFAULT: ok = 1; break;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

enum vigie_class vigie_policy_classify(const struct policy *p, const struct policy_facts *f,
				 const char **rule)
{
	for (int i = 0; i < p->n; i++)
		if (holds(&p->rules[i], f)) {
			if (rule)
				*rule = p->rules[i].text;
			return p->rules[i].cls;
		}
	if (rule)
		*rule = "standard: no rule matched";
	return VIGIE_CLASS_STANDARD;
}

void vigie_policy_fingerprint(const struct policy *p, char out[VIGIE_POLICY_FINGERPRINT_LEN + 1])
{
	/* what classify reads, field by field (never the padding) */
	struct sha256 h;
	uint8_t d[SHA256_DIGEST_LEN];
	char buf[64];
	vigie_sha256_init(&h);
	for (int i = 0; i < p->n; i++) {
		const struct policy_rule *r = &p->rules[i];
		int n = snprintf(buf, sizeof(buf), "rule %d %d\n", (int)r->cls, r->ncond);
		vigie_sha256_update(&h, buf, (size_t)n);
		for (int k = 0; k < r->ncond; k++) {
			n = snprintf(buf, sizeof(buf), "%d %.17g ", r->cond[k].kind, r->cond[k].num);
			vigie_sha256_update(&h, buf, (size_t)n);
			vigie_sha256_update(&h, r->cond[k].str,
					    strnlen(r->cond[k].str, sizeof(r->cond[k].str)));
			vigie_sha256_update(&h, "\n", 1);
		}
	}
	vigie_sha256_final(&h, d);
	for (int i = 0; i < VIGIE_POLICY_FINGERPRINT_LEN / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	out[VIGIE_POLICY_FINGERPRINT_LEN] = '\0';
}
