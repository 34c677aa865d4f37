/* vigie: alerts on new advisory feed items that concern hosts, grouped by
 * host; rendered as text, JSON ("vigie.alerts/1") or an RFC 5322 message,
 * delivered through a sendmail-compatible command or a webhook. Each
 * (item, host) pair is alerted once (alerts_sent in the store). Written
 * decisions that stopped applying (expired, or re-opened by a change of
 * Debian's data) are told once each too (decision_alerts). */
#ifndef VIGIE_ALERTS_H
#define VIGIE_ALERTS_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/feeds/feeds.h"
#include "vigie/store/store.h"
#include "vigie/store/decisions.h"
#include "vigie/core/util.h"

/* A written decision that no longer applies, not told yet. */
struct alerts_decision {
	const struct vigie_decision *d;  /* in dec */
	int state;                       /* VIGIE_DECISION_EXPIRED or _REOPENED */
	const char *was, *now;           /* re-opened: Debian's data then and now */
};
struct alerts_decisions {
	struct vigie_decisions dec;
	struct alerts_decision *v;
	size_t n;
};
void vigie_alerts_decisions_init(struct alerts_decisions *ad);
void vigie_alerts_decisions_release(struct alerts_decisions *ad);
/* The decisions (not revoked) expired or re-opened at vigie_now() and not
 * told yet in that state (a decision re-opened again by a later change is
 * told again). */
int vigie_alerts_decisions_pending(struct vigie_store *s, struct alerts_decisions *ad,
				   struct vigie_error *err);
/* "decision N (CVE STATUS on SCOPE) expired after DAY: REASON" lines, after
 * a heading; nothing when ad is NULL or empty. */
int vigie_alerts_decisions_text(struct vigie_buf *out, const struct alerts_decisions *ad);
/* Record each of ad as told, in one transaction. */
int vigie_alerts_decisions_mark_sent(struct vigie_store *s, const struct alerts_decisions *ad,
				     struct vigie_error *err);

struct alerts_config {
	char sendmail[1024]; /* command line split by vigie_spawn_split and run
				without a shell, message on stdin */
	char to[512];
	char from[512];
	char webhook[1024];
	char origin[512];    /* file read, "" for defaults */
};
/* Read the [alerts] section of the operator's vigie.conf: path, else
 * $VIGIE_CONFIG, else /etc/vigie/vigie.conf (vigie_conf_config_path); defaults
 * (sendmail "/usr/sbin/sendmail -t -i", from "vigie") when there is no
 * file. A missing explicit or $VIGIE_CONFIG file is an error, and so is a
 * file others could have written (vigie_conf_load_private) or a sendmail
 * command vigie_spawn_split refuses (file and line). Keys: sendmail, to,
 * from, webhook; other sections are ignored. */
int vigie_alerts_config_load(struct alerts_config *out, const char *path,
		       struct vigie_error *err);

/* Items with at least one host not yet alerted (the hits of each item are
 * reduced to those hosts); an item repeating the first advisory id of an
 * earlier item for hosts already listed is flagged duplicate. Release with
 * vigie_feeds_items_release(). */
int vigie_alerts_pending(struct vigie_store *s, const struct feeds_match_opts *o,
		   struct feeds_items *out, struct vigie_error *err);
/* Items of l shown in alerts (duplicates of an advisory already listed
 * for the same hosts are recorded as sent but not shown). */
size_t vigie_alerts_count(const struct feeds_items *l);
/* Renderings, grouped by host (appended to out). */
int vigie_alerts_text(struct vigie_buf *out, const struct feeds_items *l);
/* JSON with a "decisions" array (empty when ad is NULL). */
int vigie_alerts_json(struct vigie_buf *out, const struct feeds_items *l,
		      const struct alerts_decisions *ad, struct vigie_error *err);
/* RFC 5322 message (headers from cfg, Date from vigie_now()); ad may be
 * NULL. */
int vigie_alerts_mail(struct vigie_buf *out, const struct feeds_items *l,
		      const struct alerts_decisions *ad, const struct alerts_config *cfg,
		      struct vigie_error *err);
/* Run cfg->sendmail without a shell (core/spawn.h), the message on its
 * stdin; error when it cannot run, is killed or exits != 0. */
int vigie_alerts_sendmail(const struct alerts_config *cfg, const char *msg,
		    size_t len, struct vigie_error *err);
/* POST body (application/json) to url; error on transport or HTTP >= 300. */
int vigie_alerts_webhook(const char *url, const char *body, size_t len,
		   struct vigie_error *err);
/* Record every (item, host) of l as sent, in one transaction. */
int vigie_alerts_mark_sent(struct vigie_store *s, const struct feeds_items *l,
		     struct vigie_error *err);

#endif
