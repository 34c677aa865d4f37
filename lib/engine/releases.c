#include "vigie/engine/releases.h"
#include "vigie/core/util.h"

#include <stdlib.h>
#include <string.h>

struct names {
	struct vigie_strv v;
	const char *want;
	int found;
};

static int on_data_release(void *ud, const char *release)
{
	struct names *n = ud;
	if (n->want && !strcmp(n->want, release))
		n->found = 1;
	return vigie_strv_push(&n->v, release) ? VIGIE_ENOMEM : 0;
}

static int on_distro_release(void *ud, const struct store_release *r)
{
	struct names *n = ud;
	if (n->want && !strcmp(n->want, r->codename))
		n->found = 1;
	return vigie_strv_push(&n->v, r->codename) ? VIGIE_ENOMEM : 0;
}

int vigie_release_has_data(struct vigie_store *s, const char *release,
			   struct vigie_error *err)
{
	struct names n;
	int rc;
	memset(&n, 0, sizeof(n));
	n.want = release;
	rc = vigie_store_data_releases_each(s, on_data_release, &n, err);
	vigie_strv_release(&n.v);
	if (rc == VIGIE_ENOMEM)
		return vigie_error_set(err, rc, NULL, 0, "out of memory");
	return rc ? rc : n.found;
}

int vigie_release_check(struct vigie_store *s, const char *release, int *no_data,
			struct vigie_error *err)
{
	struct names data, distro;
	char *list = NULL;
	int rc;

	*no_data = 0;
	memset(&data, 0, sizeof(data));
	memset(&distro, 0, sizeof(distro));
	data.want = distro.want = release;
	if ((rc = vigie_store_data_releases_each(s, on_data_release, &data, err)) ||
	    (rc = vigie_store_releases_each(s, on_distro_release, &distro, err))) {
		if (rc == VIGIE_ENOMEM)
			vigie_error_set(err, rc, NULL, 0, "out of memory");
		goto out;
	}
	/* an empty releases table: distro-info was never imported */
	if (distro.v.n && !distro.found) {
		list = vigie_strv_join(data.v.n ? &data.v : &distro.v, ", ");
		rc = vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				     "unknown release '%s': distro-info does not know it;"
				     " %s: %s", release,
				     data.v.n ? "releases with security data in the database"
					      : "known releases",
				     list ? list : "?");
		goto out;
	}
	if (!data.v.n) {
		*no_data = 1;
		goto out;
	}
	if (!data.found) {
		list = vigie_strv_join(&data.v, ", ");
		rc = vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				     "no security data for release '%s' in the database;"
				     " releases with security data: %s", release,
				     list ? list : "?");
	}
out:
	free(list);
	vigie_strv_release(&data.v);
	vigie_strv_release(&distro.v);
	return rc;
}
