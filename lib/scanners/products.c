#include "vigie/scanners/products.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct rule {
	char *key;  /* normalised name, or "cpe:vendor:product" */
	int is_cpe;
	size_t npat;
	char *pat[VIGIE_PRODUCTS_MAX_PATTERNS];
};

struct products {
	struct vigie_arena arena;
	struct rule *rules;
	size_t n;
};

/* Lower case; letters, digits and '+' kept; any other run becomes one
 * space ("Node.js" -> "node js", "OpenSSH_8.4" -> "openssh 8 4"). */
static void normalise(char *dst, size_t size, const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n < size - 1; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (isalnum(ch) || ch == '+') {
			dst[n++] = (char)tolower(ch);
		} else if (n && dst[n - 1] != ' ') {
			dst[n++] = ' ';
		}
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static int valid_pattern(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!(islower(ch) || isdigit(ch) || strchr("+-.*{}", ch)))
			return 0;
	}
	return n > 0;
}

void vigie_products_free(struct products *p)
{
	if (!p)
		return;
	vigie_arena_release(&p->arena);
	free(p->rules);
	free(p);
}

size_t vigie_products_count(const struct products *p)
{
	return p ? p->n : 0;
}

int vigie_products_load_mem(struct products **out, const char *text, size_t len,
		      const char *name, struct vigie_error *err)
{
	struct products *p = calloc(1, sizeof(*p));
	size_t cap = 0, pos = 0;
	unsigned long line = 0;
	int rc = 0;

	*out = NULL;
	if (!name)
		name = "<products>";
	if (!p)
		return vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	vigie_arena_init(&p->arena);
	if (len > VIGIE_PRODUCTS_MAX_SIZE) {
		rc = vigie_error_set(err, VIGIE_ELIMIT, name, 0, "table larger than %d bytes",
				     VIGIE_PRODUCTS_MAX_SIZE);
		goto out;
	}
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos), *eq, *hash;
		size_t l = nl ? (size_t)(nl - s) : len - pos;
		struct rule r;
		char key[256];
		const char *q, *end;

		pos += l + 1;
		line++;
		hash = memchr(s, '#', l);
		if (hash)
			l = (size_t)(hash - s);
		while (l && isspace((unsigned char)s[l - 1]))
			l--;
		while (l && isspace((unsigned char)*s)) {
			s++;
			l--;
		}
		if (!l)
			continue;
		if (memchr(s, '\0', l) || !vigie_utf8_valid(s, l)) {
			rc = vigie_error_set(err, VIGIE_EPARSE, name, line, "invalid text");
			goto out;
		}
		eq = memchr(s, '=', l);
		if (!eq) {
			rc = vigie_error_set(err, VIGIE_EPARSE, name, line,
					     "expected \"product = source [source...]\"");
			goto out;
		}
		memset(&r, 0, sizeof(r));
		if ((size_t)(eq - s) > 4 && !strncasecmp(s, "cpe:", 4)) {
			size_t kl = (size_t)(eq - s);
			while (kl && isspace((unsigned char)s[kl - 1]))
				kl--;
			if (kl >= sizeof(key) || !memchr(s + 4, ':', kl - 4)) {
				rc = vigie_error_set(err, VIGIE_EPARSE, name, line,
						     "a CPE key is written cpe:VENDOR:PRODUCT");
				goto out;
			}
			for (size_t i = 0; i < kl; i++)
				key[i] = (char)tolower((unsigned char)s[i]);
			key[kl] = '\0';
			r.is_cpe = 1;
		} else {
			normalise(key, sizeof(key), s, (size_t)(eq - s));
		}
		if (!key[0]) {
			rc = vigie_error_set(err, VIGIE_EPARSE, name, line, "empty product name");
			goto out;
		}
		r.key = vigie_arena_strdup(&p->arena, key);
		q = eq + 1;
		end = s + l;
		while (q < end) {
			const char *w;
			while (q < end && isspace((unsigned char)*q))
				q++;
			w = q;
			while (q < end && !isspace((unsigned char)*q))
				q++;
			if (q == w)
				break;
			if (!valid_pattern(w, (size_t)(q - w))) {
				rc = vigie_error_set(err, VIGIE_EPARSE, name, line,
						     "invalid source package pattern \"%.*s\"",
						     (int)(q - w), w);
				goto out;
			}
			if (r.npat >= VIGIE_PRODUCTS_MAX_PATTERNS) {
				rc = vigie_error_set(err, VIGIE_ELIMIT, name, line,
						     "more than %d patterns",
						     VIGIE_PRODUCTS_MAX_PATTERNS);
				goto out;
			}
			r.pat[r.npat++] = vigie_arena_strndup(&p->arena, w, (size_t)(q - w));
		}
		if (!r.npat) {
			rc = vigie_error_set(err, VIGIE_EPARSE, name, line,
					     "no source package after '='");
			goto out;
		}
		if (!r.key) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, name, line, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < r.npat; i++)
			if (!r.pat[i]) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, name, line, "out of memory");
				goto out;
			}
		if (p->n >= VIGIE_PRODUCTS_MAX_RULES) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, name, line, "more than %d rules",
					     VIGIE_PRODUCTS_MAX_RULES);
			goto out;
		}
		if (p->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct rule *nr = realloc(p->rules, ncap * sizeof(*nr));
			if (!nr) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, name, line, "out of memory");
				goto out;
			}
			p->rules = nr;
			cap = ncap;
		}
		p->rules[p->n++] = r;
	}
out:
	if (rc)
		vigie_products_free(p);
	else
		*out = p;
	return rc;
}

const char *vigie_products_default_path(void)
{
	static const char *installed = VIGIE_DATADIR "/products.conf";
	const char *env = getenv("VIGIE_PRODUCTS");
	if (env && *env)
		return env;
	if (access(installed, R_OK) == 0)
		return installed;
	return VIGIE_SRCDATADIR "/products.conf";
}

int vigie_products_load(struct products **out, const char *path, struct vigie_error *err)
{
	struct vigie_buf buf = VIGIE_BUF_INIT;
	int rc;
	if (!path)
		path = vigie_products_default_path();
	rc = vigie_read_file(&buf, path, VIGIE_PRODUCTS_MAX_SIZE, err);
	if (!rc)
		rc = vigie_products_load_mem(out, buf.data, buf.len, path, err);
	vigie_buf_release(&buf);
	return rc;
}

/* Split a CPE into "cpe:vendor:product" and its version (may be empty). */
static int cpe_key(const char *cpe, char *key, size_t size, char *ver, size_t vsize)
{
	const char *p = cpe, *f[4];
	size_t n = 0, kl;
	if (!strncasecmp(p, "cpe:2.3:", 8))
		p += 8;
	else if (!strncasecmp(p, "cpe:/", 5))
		p += 5;
	else
		return -1;
	f[n++] = p; /* part */
	for (; *p && n < 4; p++)
		if (*p == ':')
			f[n++] = p + 1;
	if (n < 3)
		return -1;
	kl = strcspn(f[1], ":") + 1 + strcspn(f[2], ":");
	if (kl + 5 > size)
		return -1;
	snprintf(key, size, "cpe:%.*s", (int)kl, f[1]);
	for (char *k = key; *k; k++)
		*k = (char)tolower((unsigned char)*k);
	ver[0] = '\0';
	if (n == 4) {
		size_t vl = strcspn(f[3], ":");
		if (vl < vsize && !(vl == 1 && (*f[3] == '*' || *f[3] == '-')))
			snprintf(ver, vsize, "%.*s", (int)vl, f[3]);
	}
	return 0;
}

/* Replace {major}/{minor}; '*' when the version does not give them. */
static int expand(struct vigie_buf *out, const char *pat, const char *version)
{
	char major[16] = "*", minor[16] = "*";
	if (version) {
		const char *v = version;
		size_t n = 0;
		if (strchr(v, ':') && isdigit((unsigned char)*v))
			v = strchr(v, ':') + 1; /* Debian epoch */
		while (isdigit((unsigned char)v[n]) && n < sizeof(major) - 1)
			n++;
		if (n) {
			snprintf(major, sizeof(major), "%.*s", (int)n, v);
			v += n;
			if (*v == '.') {
				v++;
				n = 0;
				while (isdigit((unsigned char)v[n]) && n < sizeof(minor) - 1)
					n++;
				if (n)
					snprintf(minor, sizeof(minor), "%.*s", (int)n, v);
			}
		}
	}
	vigie_buf_reset(out);
	for (const char *p = pat; *p; p++) {
		int rc;
		if (!strncmp(p, "{major}", 7)) {
			rc = vigie_buf_adds(out, major);
			p += 6;
		} else if (!strncmp(p, "{minor}", 7)) {
			rc = vigie_buf_adds(out, minor);
			p += 6;
		} else {
			rc = vigie_buf_addc(out, *p);
		}
		if (rc)
			return rc;
	}
	if (vigie_buf_grow(out, 1))
		return VIGIE_ENOMEM;
	return 0;
}

int vigie_products_map(const struct products *p, const char *product,
		 const char *version, const struct vigie_strv *installed,
		 struct vigie_strv *out)
{
	char key[256], cver[64];
	const struct rule *best = NULL;
	size_t bestlen = 0;
	struct vigie_buf b = VIGIE_BUF_INIT;
	int rc = 0;

	if (!p || !product)
		return 0;
	if (!strncasecmp(product, "cpe:", 4)) {
		if (cpe_key(product, key, sizeof(key), cver, sizeof(cver)))
			return 0;
		if (!version && cver[0])
			version = cver;
		for (size_t i = 0; i < p->n; i++)
			if (p->rules[i].is_cpe && !strcmp(p->rules[i].key, key)) {
				best = &p->rules[i];
				break;
			}
	} else {
		normalise(key, sizeof(key), product, strlen(product));
		for (size_t i = 0; i < p->n; i++) {
			const struct rule *r = &p->rules[i];
			size_t kl = strlen(r->key);
			if (r->is_cpe || kl <= bestlen || strncmp(key, r->key, kl) != 0 ||
			    (key[kl] != '\0' && key[kl] != ' '))
				continue;
			best = r;
			bestlen = kl;
		}
	}
	if (!best)
		return 0;
	for (size_t i = 0; i < best->npat && !rc; i++) {
		if ((rc = expand(&b, best->pat[i], version)))
			break;
		if (installed) {
			for (size_t k = 0; k < installed->n && !rc; k++)
				if (fnmatch(b.data, installed->v[k], 0) == 0)
					rc = vigie_strv_push_unique(out, installed->v[k]);
		} else if (!strchr(b.data, '*')) {
			rc = vigie_strv_push_unique(out, b.data);
		}
	}
	vigie_buf_release(&b);
	return rc ? VIGIE_ENOMEM : 0;
}
