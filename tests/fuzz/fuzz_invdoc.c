/* libFuzzer target: the document an agent pushes (vigie_invdoc_parse),
 * then its log lines as events (vigie_invdoc_history), as the server does
 * with every push; a document that parses is written again
 * (vigie_invdoc_write) and must parse to the same host and packages. */
#include "vigie/debian/history.h"
#include "vigie/debian/invdoc.h"

#include <stdint.h>
#include <string.h>

#define FUZZ_MAX (1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct invdoc d, again;
	struct history h;
	struct vigie_error err;
	struct vigie_buf out = VIGIE_BUF_INIT;

	if (size > FUZZ_MAX)
		return 0;
	memset(&err, 0, sizeof(err));
	vigie_invdoc_init(&d);
	vigie_invdoc_init(&again);
	vigie_history_init(&h);
	if (vigie_invdoc_parse(&d, data, size, "fuzz", &err) == 0) {
		/* a parsed document names its host and has packages, sorted */
		if (!d.inv.host || !*d.inv.host || !d.inv.npkgs)
			__builtin_trap();
		for (size_t i = 1; i < d.inv.npkgs; i++)
			if (strcmp(d.inv.pkgs[i - 1].name, d.inv.pkgs[i].name) > 0)
				__builtin_trap();
		memset(&err, 0, sizeof(err));
		vigie_invdoc_history(&d, &h, &err);
		if (vigie_invdoc_write(&out, &d.inv, d.candidates, d.ncandidates,
				       d.have_candidates, d.dpkg_log.data, d.dpkg_log.len,
				       d.apt_log.data, d.apt_log.len, d.collected_at) ||
		    vigie_invdoc_parse(&again, out.data, out.len, "again", &err) ||
		    strcmp(again.inv.host, d.inv.host) || again.inv.npkgs != d.inv.npkgs)
			__builtin_trap();
		for (size_t i = 0; i < d.inv.npkgs; i++)
			if (strcmp(d.inv.pkgs[i].name, again.inv.pkgs[i].name) ||
			    strcmp(d.inv.pkgs[i].version, again.inv.pkgs[i].version))
				__builtin_trap();
	}
	vigie_buf_release(&out);
	vigie_history_release(&h);
	vigie_invdoc_release(&again);
	vigie_invdoc_release(&d);
	return 0;
}
