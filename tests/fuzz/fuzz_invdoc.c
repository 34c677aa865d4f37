/* libFuzzer target: the document an agent pushes (vigie_invdoc_parse),
 * then its log lines as events (vigie_invdoc_history), as the server
 * does with every push. */
#include "vigie/debian/history.h"
#include "vigie/debian/invdoc.h"

#include <stdint.h>
#include <string.h>

#define FUZZ_MAX (1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct invdoc d;
	struct history h;
	struct vigie_error err;

	if (size > FUZZ_MAX)
		return 0;
	memset(&err, 0, sizeof(err));
	vigie_invdoc_init(&d);
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
	}
	vigie_history_release(&h);
	vigie_invdoc_release(&d);
	return 0;
}
