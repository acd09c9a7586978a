#!/bin/bash
# greylist.sh -- greylistd end to end, behind a private real Postfix
# (tests/e2e/pflib.sh), in the three ways greylistd(8) can run:
#   A) native master(8) daemon: `greylist unix - - n - 1 greylistd`
#      (greylist, early retry, pass, delivery, bounce, two concurrent smtpd
#      processes, unprivileged uid, reload with state kept)
#   D) greylistd down + check_policy_service { ..., default_action=DUNNO }:
#      mail still flows (250, not 451)
#   B) spawn(8) child as nobody (`greylistd -S`), database in a directory of
#      nobody's; separate copies see each other's records
#   C) stand-alone `greylistd -L inet:127.0.0.1:PORT` started by the test;
#      SIGTERM -> exit 0 and an exit statistics line
# Real time with greylist_delay = 3s (a real SMTP client cannot send
# policy_test_time); the whole run takes about 30 s.
#
# Program under test: $GREYLISTD_BIN, else $GREYLIST_TOPDIR/libexec/greylistd
# (GREYLIST_TOPDIR is exported by tests/run-tests; default: this script's
# ../..). Needs root (else exit 77 = SKIP), postfix and swaks.
set -u
# shellcheck source-path=SCRIPTDIR source=pflib.sh
. "$(dirname "$0")/pflib.sh"

pf_require_root

GREYLIST_TOPDIR=${GREYLIST_TOPDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${GREYLISTD_BIN:-$GREYLIST_TOPDIR/libexec/greylistd}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
if [ ! -x "$BIN" ]; then
    echo "ERROR: $PF_TEST_NAME: program under test $BIN is missing (run make, or set GREYLISTD_BIN)" >&2
    exit 1
fi

DELAY=3                         # greylist_delay, seconds
WAIT_PASS=$((DELAY + 1))        # a retry after more than DELAY seconds passes
F=sender@client.example         # envelope sender of all tests
T_START=$(date +%s)
INET_PID=

pf_setup
# Our own cleanup first (the stand-alone greylistd is ours, not master's),
# then pflib's, with the original exit status.
# shellcheck disable=SC2317  # called from the EXIT trap
gl_cleanup() {
    local rc=$?
    raw_close 2>/dev/null
    if [ -n "$INET_PID" ] && kill -0 "$INET_PID" 2>/dev/null; then
        kill -TERM "$INET_PID" 2>/dev/null
        sleep 0.5
        kill -0 "$INET_PID" 2>/dev/null && kill -KILL "$INET_PID" 2>/dev/null
    fi
    INET_PID=
    (exit "$rc")
    pf_cleanup
}
trap gl_cleanup EXIT

echo "# program under test: $BIN"
echo "# instance: $PF_DIR"

# ---------------------------------------------------------------- helpers

# Assert that the RCPT reply line $2 matches the shell pattern $3; print it.
expect_rcpt() {
    local desc=$1 got=$2 want=$3
    echo "RCPT: $got"
    # shellcheck disable=SC2254
    case $got in
        $want) t_ok "$desc" ;;
        *) t_fail "$desc" "expected: $want"$'\n'"got: $got" ;;
    esac
}

# RCPT from $1 to $2 via swaks; assert the reply matches $3.
rcpt() { expect_rcpt "$4" "$(pf_rcpt_code "$1" "$2")" "$3"; }

GREY="450 4.7.1 <*>: Recipient address rejected: Greylisted*"
PASS="250 2.1.5 Ok"

# A raw SMTP session on fd 7 that stays open while other sessions run (swaks
# cannot pause in the middle of a session). Every read is bounded.
raw_reply() {
    local line
    while IFS= read -r -t 15 line <&7; do
        line=${line%$'\r'}
        case $line in [0-9][0-9][0-9]-*) continue ;; esac
        printf '%s\n' "$line"
        return 0
    done
    echo "000 no reply (timeout or EOF)"
    return 1
}
raw_cmd() { printf '%s\r\n' "$1" >&7 && raw_reply; }
raw_open() {
    exec 7<>"/dev/tcp/127.0.0.1/$PF_SMTP_PORT" || return 1
    raw_reply >/dev/null && raw_cmd "EHLO raw.e2e.test" >/dev/null &&
        raw_cmd "MAIL FROM:<$F>" >/dev/null
}
raw_close() {
    { printf 'QUIT\r\n' >&7; } 2>/dev/null && timeout 5 cat <&7 >/dev/null 2>&1
    exec 7>&- 2>/dev/null
    return 0
}

# pids of this instance's greylistd processes (comm = symlink name)
gl_pids() {
    local p
    for p in $(pf_pids); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = greylistd ] && echo "$p"
    done
}

# pid of the greylistd that logged the last line matching ERE $1
gl_log_pid() {
    grep -E "postfix/greylistd\[[0-9]+\]: $1" "$PF_LOG" 2>/dev/null | tail -n 1 |
        sed -E 's/.*postfix\/greylistd\[([0-9]+)\].*/\1/'
}

# print the last maillog line matching ERE $1 (for the record)
show_log() { grep -E -- "$1" "$PF_LOG" 2>/dev/null | tail -n 1 | sed 's/^/LOG: /'; }

# wait <= $2 s for pid $1 to end
wait_gone() {
    local _
    for _ in $(seq 1 $(($2 * 5))); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.2
    done
    return 1
}

# ================================================================ A: native
echo "# --- A: native master(8) service"
pf_daemon greylistd "$BIN"
cat >"$PF_CONF/greylistd.cf" <<EOF
# greylistd parameters for the e2e test
greylist_delay = ${DELAY}s
EOF
chmod 644 "$PF_CONF/greylistd.cf"
pf_main_cf "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service unix:private/greylist"
pf_master_cf "greylist   unix  -       -      n      -      1       greylistd"

if pf_start; then t_ok "instance started on 127.0.0.1:$PF_SMTP_PORT"
else t_fail "instance started"; t_done; fi

A1=a1@$PF_DOMAIN A2=a2@$PF_DOMAIN A3=a3@$PF_DOMAIN A4=a4@$PF_DOMAIN
rcpt "$F" "$A1" "$GREY" "A: first RCPT is greylisted (450)"
rcpt "$F" "$A1" "$GREY" "A: immediate retry is still greylisted (450)"
rcpt "<>" "$A3" "$GREY" "A: bounce (null sender) is greylisted (450)"

# Two smtpd processes at once: a raw session stays connected (its smtpd
# process keeps its policy connection) while a swaks session asks about the
# same triplet; the second must see the record the first stored.
if raw_open; then
    r=$(raw_cmd "RCPT TO:<$A4>")
    expect_rcpt "A: session 1 (held open): RCPT greylisted" "$r" "$GREY"
    r=$(pf_rcpt_code "$F" "$A4")
    expect_rcpt "A: session 2 (concurrent) RCPT greylisted" "$r" "$GREY"
    pf_wait_log "greylistd\[[0-9]+\]: action=early-retry client=127\.0\.0\.1 .*recipient=<$A4>" 5
    pids=$(gl_pids)
    raw_close
    s1=$(grep -E "smtpd\[[0-9]+\]: NOQUEUE: reject: RCPT .* to=<$A4>" "$PF_LOG" |
         sed -E 's/.*smtpd\[([0-9]+)\].*/\1/' | sort -u | tr '\n' ' ')
    g1=$(gl_log_pid "action=greylist .*recipient=<$A4>")
    g2=$(gl_log_pid "action=early-retry .*recipient=<$A4>")
    show_log "action=greylist .*recipient=<$A4>"
    show_log "action=early-retry .*recipient=<$A4>"
    if [ "$(wc -w <<<"$s1")" -eq 2 ] && [ -n "$g1" ] && [ "$g1" = "$g2" ] &&
       [ "$(wc -w <<<"$pids")" -eq 1 ] && [ "$pids" = "$g1" ]; then
        t_ok "A: two concurrent smtpd processes ($s1) share one greylistd (pid $g1); the second saw the first one's record (early-retry)"
    else
        t_fail "A: two concurrent smtpd processes share one greylistd" \
            "smtpd pids: $s1; greylistd pids in log: $g1 $g2; running greylistd: $pids"
    fi
else
    t_fail "A: raw SMTP session to 127.0.0.1:$PF_SMTP_PORT"
fi

# The same with two swaks sessions started at once in the background.
A5=a5@$PF_DOMAIN A6=a6@$PF_DOMAIN
pf_rcpt_code "$F" "$A5" >"$PF_DIR/bg.a5" 2>&1 &
bg1=$!
pf_rcpt_code "$F" "$A6" >"$PF_DIR/bg.a6" 2>&1 &
bg2=$!
wait "$bg1" "$bg2"      # bounded: swaks --timeout 10
expect_rcpt "A: background session 1 greylisted" "$(cat "$PF_DIR/bg.a5")" "$GREY"
expect_rcpt "A: background session 2 greylisted" "$(cat "$PF_DIR/bg.a6")" "$GREY"
pf_wait_log "greylistd\[[0-9]+\]: action=greylist .*recipient=<$A6>" 5
pf_wait_log "greylistd\[[0-9]+\]: action=greylist .*recipient=<$A5>" 5
g5=$(gl_log_pid "action=greylist .*recipient=<$A5>")
g6=$(gl_log_pid "action=greylist .*recipient=<$A6>")
pids=$(gl_pids)
if [ -n "$g5" ] && [ "$g5" = "$g6" ] && [ "$pids" = "$g5" ]; then
    t_ok "A: both background sessions were answered by the one greylistd (pid $g5)"
else t_fail "A: both background sessions answered by one greylistd" "log: $g5 $g6; running: $pids"; fi

GPID=$(gl_pids | head -n 1)
uid=$(ps -o uid= -p "${GPID:-0}" 2>/dev/null | tr -d ' ')
if [ -n "$GPID" ] && [ -n "$uid" ] && [ "$uid" != 0 ]; then
    t_ok "A: greylistd pid $GPID serves as uid $uid ($(id -nu "$uid" 2>/dev/null)), not root"
else t_fail "A: greylistd does not run as root" "pid=$GPID uid=$uid"; fi

echo "# waiting ${WAIT_PASS}s (greylist_delay = ${DELAY}s)"
sleep "$WAIT_PASS"
rcpt "$F" "$A1" "$PASS*" "A: retry after the delay passes (250)"
if r=$(pf_send "$F" "$A1"); then t_ok "A: full message accepted: $r"
else t_fail "A: full message accepted" "got: $r"; fi
if pf_wait_delivered "$A1"; then t_ok "A: message delivered (status=sent)"
else t_fail "A: message delivered (status=sent)"; fi
rcpt "$F" "$A2" "$GREY" "A: a different recipient is greylisted separately (450)"
rcpt "<>" "$A3" "$PASS*" "A: bounce passes after the delay (250)"
rcpt "$F" "$A4" "$PASS*" "A: the concurrently greylisted triplet passes after the delay (250)"

for act in greylist early-retry pass known; do
    re="greylistd\[[0-9]+\]: action=$act client=127\.0\.0\.1 network=127\.0\.0\.1 sender=<$F> recipient=<$A1> age=[0-9]+"
    if pf_wait_log "$re" 5; then show_log "$re"; t_ok "A: log has action=$act with client/sender/recipient"
    else t_fail "A: log has action=$act with client/sender/recipient"; fi
done
re="greylistd\[[0-9]+\]: action=pass client=127\.0\.0\.1 network=127\.0\.0\.1 sender=<> recipient=<$A3>"
if pf_wait_log "$re" 5; then show_log "$re"; t_ok "A: log has action=pass for the null sender (sender=<>)"
else t_fail "A: log has action=pass for the null sender"; fi

# reload: master closes the status channel; the old process must leave
# cleanly, a new one must know the passed triplet.
OLD=$(gl_pids | head -n 1)
if [ -n "$OLD" ] && pf_reload; then
    if pf_wait_log "greylistd\[$OLD\]: master disconnect -- exiting" 5 &&
       pf_wait_log "greylistd\[$OLD\]: statistics \(exit\): requests=" 5 &&
       wait_gone "$OLD" 5; then
        show_log "greylistd\[$OLD\]: master disconnect"
        show_log "greylistd\[$OLD\]: statistics \(exit\)"
        t_ok "A: reload: old greylistd $OLD logged 'master disconnect -- exiting' and its exit statistics, and ended"
    else
        t_fail "A: reload: old greylistd $OLD exits cleanly" "$(grep "greylistd\[$OLD\]" "$PF_LOG" | tail -n 5)"
    fi
else t_fail "A: reload with a running greylistd" "greylistd pid: $OLD"; fi
rcpt "$F" "$A1" "$PASS*" "A: after reload the passed triplet is accepted at once (250)"
NEW=$(gl_log_pid "action=known .*recipient=<$A1>")
if [ -n "$NEW" ] && [ -n "$OLD" ] && [ "$NEW" != "$OLD" ]; then
    show_log "greylistd\[$NEW\]: action=known .*recipient=<$A1>"
    t_ok "A: a new greylistd (pid $NEW) took over and knew the triplet (state survived the restart)"
else t_fail "A: a new greylistd knew the triplet after reload" "old=$OLD new=$NEW"; fi
if bad=$(pf_log_check_clean); then t_ok "A: no throttling/fatal/panic in the maillog"
else t_fail "A: no throttling/fatal/panic in the maillog" "$bad"; fi

# ================================================================ D: down
echo "# --- D: greylistd down, default_action=DUNNO"
pf_main_cf "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service { unix:private/greylist, default_action=DUNNO }"
sed -i '/^greylist /d' "$PF_CONF/master.cf"
if pf_reload; then t_ok "D: greylist service removed from master.cf, reloaded"
else t_fail "D: greylist service removed from master.cf, reloaded"; fi
left=$(gl_pids)
for p in $left; do wait_gone "$p" 5; done
# (master closes the status channel before it would SIGTERM the child)
if [ -n "$NEW" ] && pf_wait_log "greylistd\[$NEW\]: statistics \(exit\)" 5; then
    show_log "greylistd\[$NEW\]: (master disconnect|terminated) -- exiting"
    t_ok "D: the removed service's greylistd ($NEW) exited cleanly (exit statistics logged)"
else t_fail "D: the removed service's greylistd exited cleanly" "$(grep "greylistd\[$NEW\]" "$PF_LOG" | tail -n 3)"; fi
if [ -z "$(gl_pids)" ]; then t_ok "D: no greylistd process left"
else t_fail "D: no greylistd process left" "$(gl_pids)"; fi
rcpt "$F" "d1@$PF_DOMAIN" "$PASS*" "D: greylistd down + default_action=DUNNO: mail flows (250, not 451)"
show_log "smtpd\[[0-9]+\]: warning: problem talking to server private/greylist"

# ================================================================ B: spawn
echo "# --- B: spawn(8) child as nobody (greylistd -S)"
NDIR=$PF_DIR/greylist-nobody
install -d -m 700 -o nobody -g nogroup "$NDIR"
echo "greylist_database = btree:$NDIR/greylist.db" >>"$PF_CONF/greylistd.cf"
# nobody must be able to execute the program through every parent directory
if runuser -u nobody -- test -x "$BIN" 2>/dev/null; then
    SPAWN_BIN=$PF_DAEMON_DIR/greylistd
else
    install -d -m 755 "$PF_DIR/bin"
    SPAWN_BIN=$PF_DIR/bin/greylistd         # same name: gl_pids looks for it
    install -m 755 "$BIN" "$SPAWN_BIN"
    echo "# $BIN is not executable by nobody: spawn runs a copy, $SPAWN_BIN"
fi
pf_main_cf "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service unix:private/policy" \
           "policy_time_limit = 3600"
pf_master_cf "policy     unix  -       n      n      -      0       spawn" \
             "    user=nobody argv=$SPAWN_BIN -S"
if pf_reload; then t_ok "B: spawn service configured, reloaded"
else t_fail "B: spawn service configured, reloaded"; fi

B1=b1@$PF_DOMAIN B2=b2@$PF_DOMAIN B3=b3@$PF_DOMAIN
rcpt "$F" "$B1" "$GREY" "B: first RCPT is greylisted (450)"
if raw_open; then
    r=$(raw_cmd "RCPT TO:<$B2>")
    expect_rcpt "B: session X (held open) greylists b2" "$r" "$GREY"
    rcpt "$F" "$B3" "$GREY" "B: session Y greylists b3 (450)"
    # X's smtpd is busy with X, so Y went to another smtpd process, which
    # has its own policy connection and so its own spawn copy.
    sx=$(grep -E "smtpd\[[0-9]+\]: NOQUEUE: reject: RCPT .* to=<$B2>" "$PF_LOG" | tail -n 1 |
         sed -E 's/.*smtpd\[([0-9]+)\].*/\1/')
    sy=$(grep -E "smtpd\[[0-9]+\]: NOQUEUE: reject: RCPT .* to=<$B3>" "$PF_LOG" | tail -n 1 |
         sed -E 's/.*smtpd\[([0-9]+)\].*/\1/')
    copies=$(gl_pids)
    uids=$(for p in $copies; do ps -o uid= -p "$p"; done | tr -d ' ' | sort -u)
    if [ -n "$sx" ] && [ -n "$sy" ] && [ "$sx" != "$sy" ] &&
       [ "$(wc -w <<<"$copies")" -ge 2 ] && [ "$uids" = "$(id -u nobody)" ]; then
        t_ok "B: sessions X and Y in smtpd $sx and $sy; spawn copies $(tr '\n' ' ' <<<"$copies")all run as nobody"
    else t_fail "B: separate spawn copies as nobody" "smtpd: $sx $sy; copies: $copies; uids: $uids"; fi
    echo "# waiting ${WAIT_PASS}s (greylist_delay = ${DELAY}s)"
    sleep "$WAIT_PASS"
    rcpt "$F" "$B1" "$PASS*" "B: retry after the delay passes (250)"
    r=$(raw_cmd "RCPT TO:<$B3>")
    expect_rcpt "B: copy X (still running) sees b3 stored by copy Y: passes (250)" "$r" "$PASS*"
    rcpt "$F" "$B2" "$PASS*" "B: another copy sees b2 stored by copy X (still running): passes (250)"
    raw_close
else
    t_fail "B: raw SMTP session to 127.0.0.1:$PF_SMTP_PORT"
fi
owner=$(stat -c '%U %a' "$NDIR/greylist.db" 2>/dev/null)
case $owner in
    "nobody "*) t_ok "B: database $NDIR/greylist.db belongs to nobody (mode ${owner#* })" ;;
    *) t_fail "B: database created by nobody" "$(ls -la "$NDIR" 2>&1)" ;;
esac
# (spawn copies live as long as their smtpd process keeps the policy
# connection; the final pf_stop check sees that they all end.)

# ================================================================ C: inet
echo "# --- C: stand-alone greylistd -L inet:127.0.0.1:PORT"
PORT=$(pf_free_port) || { t_fail "C: free port"; t_done; }
INET_OUT=$PF_DIR/greylistd-inet.out
MAIL_CONFIG=$PF_CONF "$BIN" -L "inet:127.0.0.1:$PORT" \
    -o "greylist_database=btree:$PF_DATA/inet.db" </dev/null >"$INET_OUT" 2>&1 &
INET_PID=$!
ok=0
for _ in $(seq 1 50); do
    grep -q "listening on inet:127.0.0.1:$PORT" "$INET_OUT" 2>/dev/null && { ok=1; break; }
    kill -0 "$INET_PID" 2>/dev/null || break
    sleep 0.2
done
if [ $ok = 1 ]; then t_ok "C: greylistd -L listening on 127.0.0.1:$PORT (pid $INET_PID)"
else t_fail "C: greylistd -L listening" "$(cat "$INET_OUT")"; fi
uid=$(ps -o uid= -p "$INET_PID" 2>/dev/null | tr -d ' ')
if [ -n "$uid" ] && [ "$uid" = "$(id -u postfix)" ]; then t_ok "C: started as root, serves as postfix (uid $uid)"
else t_fail "C: serves as postfix" "uid: $uid"; fi
pf_main_cf "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service inet:127.0.0.1:$PORT"
if pf_reload; then t_ok "C: smtpd pointed at inet:127.0.0.1:$PORT, reloaded"
else t_fail "C: smtpd pointed at inet:127.0.0.1:$PORT, reloaded"; fi
C1=c1@$PF_DOMAIN
rcpt "$F" "$C1" "$GREY" "C: first RCPT is greylisted (450)"
echo "# waiting ${WAIT_PASS}s (greylist_delay = ${DELAY}s)"
sleep "$WAIT_PASS"
rcpt "$F" "$C1" "$PASS*" "C: retry after the delay passes (250)"
kill -TERM "$INET_PID"
if wait_gone "$INET_PID" 5; then
    wait "$INET_PID"; st=$?
    if [ $st -eq 0 ]; then t_ok "C: SIGTERM -> exit status 0"
    else t_fail "C: SIGTERM -> exit status 0" "status $st"; fi
else t_fail "C: SIGTERM -> exits within 5 s"; fi
INET_PID=
grep -E 'action=(greylist|pass) |terminated|statistics \(exit\)' "$INET_OUT" | sed 's/^/STDERR: /'
if grep -qE "statistics \(exit\): requests=2 greylist=1 early-retry=0 pass=1 " "$INET_OUT"; then
    t_ok "C: exit statistics line logged (requests=2 greylist=1 pass=1)"
else t_fail "C: exit statistics line logged" "$(tail -n 5 "$INET_OUT")"; fi

# ================================================================ end
if bad=$(pf_log_check_clean); then t_ok "maillog has no throttling/fatal/panic"
else t_fail "maillog has no throttling/fatal/panic" "$bad"; fi
if pf_stop; then t_ok "pf_stop: every instance process ended after SIGTERM"
else t_fail "pf_stop: every instance process ended after SIGTERM"; fi
echo "# runtime: $(($(date +%s) - T_START)) s"
t_done
