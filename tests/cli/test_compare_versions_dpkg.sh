#!/usr/bin/env bash
# vigie compare-versions --batch against the real `dpkg --compare-versions`
# on ~3,000 pairs: real versions from this machine's dpkg status, mutations
# of them and seeded random strings (many invalid). The result (-1/0/1) and,
# for invalid versions, dpkg's reason must agree.
. "$(dirname "$0")/lib.sh"
if ! command -v dpkg >/dev/null || ! command -v python3 >/dev/null; then
	echo "SKIP: dpkg or python3 not available"
	exit 77
fi
NPAIRS=${VIGIE_DPKG_PAIRS:-3000}

python3 - "$NPAIRS" >"$T/pairs" <<'PY'
import random, re, sys
n = int(sys.argv[1])
rng = random.Random(20261127)
real = []
try:
    with open("/var/lib/dpkg/status", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("Version: "):
                real.append(line.split()[1])
except OSError:
    pass
real = sorted(set(real)) or ["1.0-1", "2:1.2~rc1-3+deb12u1", "0.9a-1"]
alpha = "0123456789" * 3 + "abzAZ.+~~-::" + "_!@,"
def gen():
    s = ""
    r = rng.random()
    if r < 0.15: s = str(rng.randrange(4)) + ":"
    elif r < 0.18: s = rng.choice([":", "a:", "-1:", "-0:", "99999999999:", "+1:"])
    if rng.random() < 0.9: s += str(rng.randrange(30))
    s += "".join(rng.choice(alpha) for _ in range(rng.randrange(8)))
    r = rng.random()
    if r < 0.4: s += "-" + str(rng.randrange(5)) + rng.choice(["", "+deb12u1", "~bpo1", "_x"])
    elif r < 0.45: s += "-"
    return s or "0"
def mutate(v):
    p = rng.randrange(len(v) + 1)
    return rng.choice([
        v[:p] + "~" + v[p:], v + "+b1", v + "-1", v + "~", "1:" + v,
        v[:p] + "0" + v[p:], v[:p] + v[p + 1:], re.sub(r"\d", lambda m: str(rng.randrange(10)), v, count=1),
    ]) or "0"
pool = []
for _ in range(n * 2):
    r = rng.random()
    if r < 0.45: pool.append(rng.choice(real))
    elif r < 0.75: pool.append(mutate(rng.choice(real)))
    else: pool.append(gen())
for i in range(n):
    a = pool[2 * i]
    b = rng.choice([pool[2 * i + 1], mutate(a), a])
    if a.startswith("-") or b.startswith("-"):  # dpkg would take it as an option
        a, b = a.lstrip("-") or "0", b.lstrip("-") or "0"
    print(a, b)
PY
expect_eq "$(wc -l <"$T/pairs")" "$NPAIRS" "pairs generated"

"$VIGIE" compare-versions --batch <"$T/pairs" >"$T/vigie"; RC=$?
expect_rc 0 "batch exit status"
expect_eq "$(wc -l <"$T/vigie")" "$NPAIRS" "one result per pair"

# One dpkg call per pair confirms (or refutes) vigie's answer: "lt" for -1,
# "eq" for 0, "gt" for 1; for an invalid version dpkg must fail (exit 2) with
# the same reason. dpkg's verdict is written in vigie's format: the claim
# when dpkg agrees, "not CLAIM" when it does not.
while read -r a b && read -r claim <&3; do
	case $claim in
	-1) op=lt ;; 0) op=eq ;; 1) op=gt ;; *) op=eq ;;
	esac
	dpkg --compare-versions "$a" $op "$b" 2>"$T/derr"
	case $? in
	0)	case $claim in -1|0|1) echo "$claim" ;; *) echo "dpkg: $a $op $b is true" ;; esac ;;
	1)	echo "not $claim" ;;
	*)	sed -n 's/^dpkg: error: /error: /p' "$T/derr" | head -1 | grep . || echo "dpkg failed" ;;
	esac
done <"$T/pairs" 3<"$T/vigie" >"$T/dpkg"

paste -d '|' "$T/pairs" "$T/vigie" "$T/dpkg" | awk -F'|' '$2 != $3' >"$T/diff"
ndiff=$(wc -l <"$T/diff")
if [ "$ndiff" != 0 ]; then
	echo "first differences (pair|vigie|dpkg):" >&2
	head -20 "$T/diff" >&2
fi
expect_eq "$ndiff" 0 "pairs where vigie and dpkg disagree"
echo "$(grep -c '^error' "$T/dpkg") of $NPAIRS pairs hold an invalid version"
finish
