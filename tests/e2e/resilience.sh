#!/bin/bash
# resilience.sh -- greylistd behind a private real Postfix (tests/e2e/pflib.sh)
# when master(8) goes away under load:
#   R) `postfix reload` twice while two clients drive RCPTs through smtpd to
#      the native greylistd (`greylist unix - - n - 1 greylistd`). Every
#      recipient is a new triplet. Afterwards: each RCPT got the greylisting
#      450 (nothing else: no 451 "server configuration problem" while the
#      old process leaves), every old greylistd logged "master disconnect --
#      exiting" and its exit statistics, every triplet greylisted before,
#      during and after the reloads is still known (a retry after the delay
#      gets 250), the maillog has no fatal/panic/throttling, and the
#      database file passes tests/dbcheck after `postfix stop`.
#   U) the greylistd that master started serves as a non-root uid (the Uid
#      line of /proc/PID/status has no 0).
# (SIGKILL, SIGTERM, master EOF, damaged files, full disk, locks and
# permissions of the daemon itself are in tests/check_crash.c.)
#
# Program under test: $GREYLISTD_BIN, else $GREYLIST_TOPDIR/libexec/greylistd.
# Needs root (else exit 77 = SKIP), postfix and swaks. About 20 s.
set -u
# shellcheck source-path=SCRIPTDIR source=pflib.sh
. "$(dirname "$0")/pflib.sh"

pf_require_root

GREYLIST_TOPDIR=${GREYLIST_TOPDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${GREYLISTD_BIN:-$GREYLIST_TOPDIR/libexec/greylistd}
DBCHECK=$GREYLIST_TOPDIR/tests/dbcheck
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
for f in "$BIN" "$DBCHECK"; do
    if [ ! -x "$f" ]; then
        echo "ERROR: $PF_TEST_NAME: $f is missing (run make && make -f Makefile.out tests-build)" >&2
        exit 1
    fi
done

DELAY=2                         # greylist_delay, seconds
LOADERS=2                       # concurrent SMTP clients
PER_SESSION=20                  # RCPTs per SMTP session
LOAD_PIDS=
T_START=$(date +%s)

pf_setup
# Our loaders first, then pflib's cleanup, with the original exit status.
# shellcheck disable=SC2317  # called from the EXIT trap
rs_cleanup() {
    local rc=$? p
    [ -n "${PF_DIR:-}" ] && touch "$PF_DIR/stop-load" 2>/dev/null
    for p in $LOAD_PIDS; do kill "$p" 2>/dev/null; done
    for p in $LOAD_PIDS; do wait "$p" 2>/dev/null; done
    LOAD_PIDS=
    (exit "$rc")
    pf_cleanup
}
trap rs_cleanup EXIT

echo "# program under test: $BIN"
echo "# instance: $PF_DIR"

# ---------------------------------------------------------------- SMTP

# Read one (possibly multi-line) SMTP reply from fd 3; print its last line.
smtp_reply() {
    local line
    while IFS= read -r -t 10 line <&3; do
        line=${line%$'\r'}
        case $line in [0-9][0-9][0-9]-*) continue ;; esac
        printf '%s\n' "$line"
        return 0
    done
    echo "000 no reply (timeout or EOF)"
    return 1
}

# smtp_batch OUT RCPT... : one session, one line "RCPT REPLY" per recipient
# appended to OUT. Every read is bounded (10 s).
smtp_batch() {
    local out=$1 r reply
    shift
    exec 3<>"/dev/tcp/127.0.0.1/$PF_SMTP_PORT" || { echo "connect failed" >>"$out.err"; return 1; }
    smtp_reply >/dev/null &&
        printf 'EHLO load.e2e.test\r\n' >&3 && smtp_reply >/dev/null &&
        printf 'MAIL FROM:<sender@client.example>\r\n' >&3 && smtp_reply >/dev/null || {
        exec 3>&-; echo "session setup failed" >>"$out.err"; return 1; }
    for r in "$@"; do
        printf 'RCPT TO:<%s>\r\n' "$r" >&3 || break
        reply=$(smtp_reply)
        printf '%s %s\n' "$r" "$reply" >>"$out"
    done
    printf 'QUIT\r\n' >&3 2>/dev/null
    timeout 5 cat <&3 >/dev/null 2>&1
    exec 3>&-
    return 0
}

# loader N: sessions of new recipients until $PF_DIR/stop-load exists
# (at most 60 s).
loader() {
    local n=$1 s=0 j list end=$((SECONDS + 60))
    while [ ! -e "$PF_DIR/stop-load" ] && [ $SECONDS -lt $end ]; do
        s=$((s + 1))
        list=
        for j in $(seq 1 $PER_SESSION); do list="$list l${n}s${s}r${j}@$PF_DOMAIN"; done
        # shellcheck disable=SC2086
        smtp_batch "$PF_DIR/load.$n" $list
    done
}

# pids of this instance's greylistd processes (comm = symlink name)
gl_pids() {
    local p
    for p in $(pf_pids); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = greylistd ] && echo "$p"
    done
}

# ================================================================ setup
pf_daemon greylistd "$BIN"
cat >"$PF_CONF/greylistd.cf" <<EOF
# greylistd parameters for the e2e resilience test
greylist_delay = ${DELAY}s
greylist_auto_whitelist_threshold = 0
EOF
chmod 644 "$PF_CONF/greylistd.cf"
pf_main_cf "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service unix:private/greylist" \
           "smtpd_soft_error_limit = 100000" "smtpd_hard_error_limit = 100000" \
           "smtpd_error_sleep_time = 0" "smtpd_junk_command_limit = 100000"
pf_master_cf "greylist   unix  -       -      n      -      1       greylistd"
if pf_start; then t_ok "instance started on 127.0.0.1:$PF_SMTP_PORT"
else t_fail "instance started"; t_done; fi

# ================================================================ R: reload
echo "# --- R: postfix reload under load"
rm -f "$PF_DIR/stop-load" "$PF_DIR"/load.*
for n in $(seq 1 $LOADERS); do
    loader "$n" &
    LOAD_PIDS="$LOAD_PIDS $!"
done
sleep 1.5
OLD1=$(gl_pids | head -n 1)
pf_reload && r1=ok || r1=failed
sleep 1.5
OLD2=$(gl_pids | head -n 1)
pf_reload && r2=ok || r2=failed
sleep 1.5
touch "$PF_DIR/stop-load"
for p in $LOAD_PIDS; do wait "$p"; done
LOAD_PIDS=
NEW=$(gl_pids | head -n 1)
if [ "$r1" = ok ] && [ "$r2" = ok ]; then t_ok "two reloads under load (greylistd pids: $OLD1, $OLD2, now $NEW)"
else t_fail "two reloads under load" "reload 1: $r1, reload 2: $r2"; fi

cat "$PF_DIR"/load.* >"$PF_DIR/all" 2>/dev/null
total=$(wc -l <"$PF_DIR/all")
grey=$(grep -c ' 450 4\.7\.1 .*Greylisted' "$PF_DIR/all")
other=$(grep -vc ' 450 4\.7\.1 .*Greylisted' "$PF_DIR/all")
echo "# $total RCPTs during the reloads: $grey greylisted (450), $other other"
if [ "$total" -ge 100 ] && [ "$other" -eq 0 ]; then
    t_ok "R: all $total RCPTs during the reloads were answered by greylistd (450 greylisted; no 451, no time-out)"
else
    t_fail "R: every RCPT during the reloads greylisted" \
        "$total RCPTs, $other not 450-greylisted:"$'\n'"$(grep -v ' 450 4\.7\.1 .*Greylisted' "$PF_DIR/all" | sort | uniq -c | sort -rn | head -n 5)"$'\n'"$(cat "$PF_DIR"/load.*.err 2>/dev/null | head -n 3)"
fi

for old in $OLD1 $OLD2; do
    if pf_wait_log "greylistd\[$old\]: master disconnect -- exiting" 5 &&
       pf_wait_log "greylistd\[$old\]: statistics \(exit\)" 5; then
        t_ok "R: old greylistd $old logged 'master disconnect -- exiting' and its exit statistics"
    else
        t_fail "R: old greylistd $old left cleanly" "$(grep "greylistd\[$old\]" "$PF_LOG" | grep -v action= | tail -n 5)"
    fi
done
if [ -n "$OLD1" ] && [ -n "$OLD2" ] && [ -n "$NEW" ] && [ "$OLD1" != "$OLD2" ] && [ "$OLD2" != "$NEW" ]; then
    t_ok "R: each reload brought a new greylistd process"
else t_fail "R: a new greylistd after each reload" "pids: $OLD1 $OLD2 $NEW"; fi

# Everything greylisted is known: after the delay, each retry passes.
echo "# waiting $((DELAY + 1))s (greylist_delay = ${DELAY}s)"
sleep $((DELAY + 1))
grep ' 450 4\.7\.1 .*Greylisted' "$PF_DIR/all" | cut -d' ' -f1 >"$PF_DIR/rcpts"
rm -f "$PF_DIR/retry"
split -l 200 "$PF_DIR/rcpts" "$PF_DIR/chunk."
for c in "$PF_DIR"/chunk.*; do
    # shellcheck disable=SC2046
    smtp_batch "$PF_DIR/retry" $(cat "$c")
done
retried=$(wc -l <"$PF_DIR/retry" 2>/dev/null || echo 0)
passed=$(grep -c ' 250 ' "$PF_DIR/retry" 2>/dev/null)
if [ "$grey" -gt 0 ] && [ "$retried" -eq "$grey" ] && [ "$passed" -eq "$grey" ]; then
    t_ok "R: all $grey triplets greylisted before, during and after the reloads are known: each retry after the delay got 250"
else
    t_fail "R: every triplet greylisted around the reloads is known" \
        "$grey greylisted, $retried retried, $passed passed; first failures:"$'\n'"$(grep -v ' 250 ' "$PF_DIR/retry" | head -n 5)"
fi

# ================================================================ U: uid
echo "# --- U: the serving process is not root"
GPID=$(gl_pids | head -n 1)
uids=$(sed -n 's/^Uid:[[:space:]]*//p' "/proc/${GPID:-0}/status" 2>/dev/null)
gids=$(sed -n 's/^Gid:[[:space:]]*//p' "/proc/${GPID:-0}/status" 2>/dev/null)
if [ -n "$GPID" ] && [ -n "$uids" ] && ! printf ' %s ' $uids | grep -q ' 0 ' &&
   ! printf ' %s ' $gids | grep -q ' 0 '; then
    t_ok "U: greylistd pid $GPID (started by master as root) has Uid: $uids, Gid: $gids"
else t_fail "U: greylistd is not root" "pid=$GPID Uid: $uids Gid: $gids"; fi

# ================================================================ end
if bad=$(pf_log_check_clean); then t_ok "maillog has no throttling/fatal/panic"
else t_fail "maillog has no throttling/fatal/panic" "$bad"; fi
if pf_stop; then t_ok "pf_stop: every instance process ended after SIGTERM"
else t_fail "pf_stop: every instance process ended after SIGTERM"; fi
if out=$("$DBCHECK" "$PF_DATA/greylist.db" 2>&1); then t_ok "database well-formed after the reloads: $out"
else t_fail "database well-formed after the reloads" "$out"; fi
echo "# runtime: $(($(date +%s) - T_START)) s"
t_done
