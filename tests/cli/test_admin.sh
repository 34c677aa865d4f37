#!/usr/bin/env bash
# The fleet service's administration: vigie clients add/list/show/remove,
# vigie users add/list/remove, vigie tokens create/list/revoke. Listings
# show what was added and nothing removed; removing a client that still
# has hosts is refused and keeps its users and tokens; removing one
# without hosts takes its users and tokens with it; a removed user's
# tokens are gone; an agent token for a host of another client, or for a
# host another client's active token enrols, is refused.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
printf 'alice pass phrase 1\n' > "$T/pw.a"
# ntokens WHAT: the lines of `vigie tokens list` matching the regex WHAT
ntokens() { "$VIGIE" tokens list | grep -Ec -- "$1" || true; }

# ---- clients ----
run clients add acme --contact ops@acme.example --contact sec@acme.example
expect_rc 0 "add acme"; expect_out '^added client acme$' "added"
run clients add globex --lang en --timezone UTC; expect_rc 0 "add globex"
run clients add initech; expect_rc 0 "add initech"
run clients add acme --contact abuse@acme.example; expect_rc 0 "add acme again"
expect_out '^updated client acme$' "an existing client is updated"
run clients add bad --contact not-an-address; expect_rc 2 "a contact that is no address"
expect_err "not an e-mail address: 'not-an-address'" "names the contact"
run clients add bad --lang de; expect_rc 2 "a language other than fr and en"
run clients list; expect_rc 0 "list"
expect_eq "$(printf '%s\n' "$OUT" | awk '{ print $1 }' | tr '\n' ' ')" "acme globex initech " \
	"every client listed once, in order, nothing refused"
expect_out '^acme +fr +Europe/Paris +0 host\(s\)$' "acme: defaults, no host"
expect_out '^globex +en +UTC +0 host\(s\)$' "globex: its language and time zone"
run clients show acme; expect_rc 0 "show acme"
expect_out '^acme +fr +Europe/Paris +0 host\(s\)$' "show: the client's line"
expect_eq "$(printf '%s\n' "$OUT" | sed -n 's/^  contact: //p' | tr '\n' ' ')" \
	"abuse@acme.example ops@acme.example sec@acme.example " "show: every contact, the update's too"
run clients show globex; expect_rc 0 "show globex"
expect_no_out 'contact:' "a client without contacts shows none"
run clients show nosuch; expect_rc 2 "show an unknown client"
expect_err '^vigie: no client named nosuch$' "show: the message names it"
run clients remove nosuch; expect_rc 2 "remove an unknown client"
expect_err '^vigie: no client named nosuch$' "remove: the message names it"

# ---- users ----
run users add alice --client acme --password-file "$T/pw.a"; expect_rc 0 "add alice"
expect_out '^added user alice for client acme$' "alice added for acme"
run users add bob --client globex; expect_rc 0 "add bob"
run users add ops --operator; expect_rc 0 "add an operator"
expect_out '^added operator ops$' "operator added"
run users add carl --client nosuch; expect_rc 2 "a user of an unknown client"
expect_err 'no client named nosuch' "names the client"
run users add alice --client globex; expect_rc 2 "a name taken"
expect_err 'a user named alice exists already' "says so"
run users add dave; expect_rc 2 "neither --client nor --operator"
run users list; expect_rc 0 "users list"
expect_eq "$(printf '%s\n' "$OUT" | awk '{ print $1 }' | tr '\n' ' ')" "alice bob ops " \
	"the users added, none refused"
expect_out '^alice +client +acme +password$' "alice: a client user of acme, with a password"
expect_out '^bob +client +globex +tokens only$' "bob: globex, tokens only"
expect_out '^ops +operator +- +tokens only$' "ops: an operator of no client"

# ---- tokens ----
run tokens create --user alice; expect_rc 0 "alice's token"
expect_out '^vg_[A-Za-z0-9_-]{20,}$' "the token alone on stdout"
run tokens create --user alice; expect_rc 0 "alice's second token"
run tokens create --user bob; expect_rc 0 "bob's token"
run tokens create --user nosuch; expect_rc 2 "a token of an unknown user"
expect_err 'no user named nosuch' "names the user"
run tokens create --host web1 --client acme; expect_rc 0 "an agent token for web1 (acme)"
run tokens create --host web9 --client globex; expect_rc 0 "an agent token for web9 (globex)"
run tokens create --host web8 --client nosuch; expect_rc 2 "an agent token of an unknown client"
expect_err 'no client named nosuch' "names the client"
expect_eq "$(ntokens '^[0-9]+ +user +alice ')" 2 "alice's two tokens listed"
expect_eq "$(ntokens '^[0-9]+ +user +bob ')" 1 "bob's token listed"
expect_eq "$(ntokens '^[0-9]+ +agent +web1 +acme ')" 1 "web1's agent token, acme's"
expect_eq "$(ntokens '^[0-9]+ +agent +web9 +globex ')" 1 "web9's agent token, globex's"
expect_eq "$(ntokens .)" 5 "nothing refused listed"
run tokens revoke 999; expect_rc 2 "revoke an unknown token"
expect_err 'no active token 999' "names it"

# ---- a client with a host cannot be removed ----
run hosts add web1 --status "$D/old.status" --release bullseye --client acme
expect_rc 0 "acme's host"
run clients list; expect_out '^acme +fr +Europe/Paris +1 host\(s\)$' "acme counts its host"
run clients remove acme; expect_rc 2 "remove a client with a host"
expect_err 'client acme still has 1 host\(s\)' "refused, saying why"
run clients list; expect_out '^acme ' "acme kept"
run users list; expect_out '^alice +client +acme ' "its user kept"
expect_eq "$(ntokens '^[0-9]+ +(user +alice|agent +web1 +acme) ')" 3 "its tokens kept"
run hosts show web1 --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client"])')" \
	acme "its host still acme's"

# ---- a client without hosts goes with its users and tokens ----
# its decisions stay written, revoked: a new globex does not inherit them
run decide CVE-2022-28615 --client globex --status not_affected --reason "globex apache off" --by bob
expect_rc 0 "a decision for globex"
run clients remove globex; expect_rc 0 "remove globex"
expect_out '^removed client globex$' "removed"
run clients list
expect_eq "$(printf '%s\n' "$OUT" | awk '{ print $1 }' | tr '\n' ' ')" "acme initech " "globex no longer listed"
run clients show globex; expect_rc 2 "a removed client is unknown"
run users list
expect_no_out '^bob ' "its user removed (vigie-clients(1))"
expect_out '^alice ' "the other client's user kept"
expect_eq "$(ntokens '^[0-9]+ +user +bob ')" 0 "its user's token removed"
expect_eq "$(ntokens '^[0-9]+ +agent +web9 ')" 0 "its agent token removed"
expect_eq "$(ntokens .)" 3 "the other tokens kept"
run clients remove globex; expect_rc 2 "remove it twice"
expect_err 'no client named globex' "the second time: unknown"
run decisions --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([d["client"] for d in json.load(sys.stdin)["decisions"]])')" \
	"[]" "the removed client's decision no longer applies"
run decisions --all --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([(d["client"], d["reason"], d["revoked_by"]) for d in json.load(sys.stdin)["decisions"]])')" \
	"[('globex', 'globex apache off', 'vigie clients remove')]" "kept in writing, revoked by the removal"
run clients add globex; expect_rc 0 "a new client globex"
run decisions --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["decisions"]))')" \
	0 "the new globex inherits no decision"
run clients remove globex; expect_rc 0 "and goes again"

# ---- users remove ----
run users remove alice; expect_rc 0 "remove alice"
expect_out '^removed user alice$' "removed"
run users list
expect_eq "$(printf '%s\n' "$OUT" | awk '{ print $1 }' | tr '\n' ' ')" "ops " "alice no longer listed"
expect_eq "$(ntokens '^[0-9]+ +user +alice ')" 0 "alice's tokens removed with her"
expect_eq "$(ntokens '^[0-9]+ +user +- ')" 0 "and not left without a user"
run users remove alice; expect_rc 2 "remove her twice"
expect_err '^vigie: no user named alice$' "the message names her"
run tokens create --user alice; expect_rc 2 "no new token for a removed user"
run clients list; expect_out '^acme ' "removing a user keeps its client"

# ---- an agent token for another client's host ----
before=$(ntokens .)
run tokens create --host web1 --client initech; expect_rc 2 "web1 is acme's, not initech's"
expect_err 'host web1 belongs to client acme, not initech' "names the host and its client"
expect_eq "$OUT" "" "no token printed"
expect_eq "$(ntokens .)" "$before" "no token stored"
expect_eq "$(ntokens '^[0-9]+ +agent +web1 +initech ')" 0 "none for initech"
run tokens create --host web1 --client acme; expect_rc 0 "another token of the owner"
before=$(ntokens .)
# a host enrolled (not pushed yet) by another client's active token
run tokens create --host web5 --client acme; expect_rc 0 "web5 enrolled for acme"
web5=$("$VIGIE" tokens list | awk '$2 == "agent" && $3 == "web5" { print $1 }')
run tokens create --host web5 --client initech; expect_rc 2 "web5 enrolled for acme already"
expect_err "host web5 is enrolled for client acme \\(active agent token $web5\\)" \
	"names the host, the client and the token"
run tokens revoke "$web5"; expect_rc 0 "revoke acme's token"
run tokens create --host web5 --client initech; expect_rc 0 "then initech may enrol it"
expect_eq "$(ntokens '^[0-9]+ +agent +web5 +initech ')" 1 "initech's token stored"
# a stored host of no client: any client may enrol it
run hosts add web6 --status "$D/old.status" --release bullseye; expect_rc 0 "a host of no client"
run tokens create --host web6 --client initech; expect_rc 0 "enrolled for initech"

# once its host is removed, acme can be removed
run hosts remove web1; expect_rc 0 "remove acme's host"
run clients remove acme; expect_rc 0 "then acme"
expect_eq "$(ntokens '^[0-9]+ +agent +web1 ')" 0 "its agent tokens with it"
finish
