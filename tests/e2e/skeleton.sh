#!/bin/bash
# skeleton.sh -- the multi_server skeleton under the REAL Postfix master(8),
# spawn(8) and stand-alone, with the echo_policy test daemon (it answers
# every policy request with $echo_policy_action; echo_policy_show_ids = yes
# appends " uid=N pid=N"). One private instance (pflib.sh) runs:
#
#   port PF_SMTP_PORT  smtpd -> unix:private/policy   native, maxproc 1 (a)
#   port P_BUSY        smtpd -> unix:private/policy2  native, maxproc 2,
#                                                     echo_policy_delay (a)
#   port P_SPAWN       smtpd -> unix:private/spolicy  spawn(8) user=nobody,
#                                                     echo_policy -S (b)
#   port P_INET        smtpd -> inet:127.0.0.1:P_POL  echo_policy -L started
#                                                     by this script (c)
#
# and checks: replies and the uid/pid that answered; one process serves
# several (also concurrent) smtpd sessions; master forks a second process
# while the first reports TAKEN; reload ends the old process (fd 5 EOF) and
# a new one answers; a DUNNO action lets mail through (d); the maillog has
# no throttling, fatal, panic, or complaint about status records; nothing
# is left running after pf_stop. Needs root (exit 77 otherwise).
set -u
# shellcheck source=SCRIPTDIR/pflib.sh
. "$(dirname "$0")/pflib.sh"

pf_require_root

TOP=${GREYLIST_TOPDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
ECHO=$TOP/tests/echo_policy
if [ ! -x "$ECHO" ]; then
    echo "ERROR: $PF_TEST_NAME: $ECHO is not built (make -f Makefile.out tests-build)" >&2
    exit 1
fi

FROM=sender@client.example
TO=rcpt@$PF_DOMAIN
ACTION_TEXT="echo says hi"
INET_PID=
BG_PIDS=

# ---------------------------------------------------------------- helpers

# shellcheck disable=SC2317  # called from the EXIT trap
ep_cleanup() {
    local p
    for p in $BG_PIDS $INET_PID; do
        kill -KILL "$p" 2>/dev/null
    done
    [ -n "$BG_PIDS$INET_PID" ] && wait 2>/dev/null
    INET_PID='' BG_PIDS=''
    return 0
}

# Run a pflib function that validates the config, without postconf's
# "unused parameter" warnings for echo_policy_* (master.cf -o and main.cf
# settings that postconf does not know).
ep_quiet() {
    local rc err=$PF_DIR/quiet.err
    "$@" 2>"$err"; rc=$?
    grep -v 'unused parameter: echo_policy_' "$err" >&2
    rm -f "$err"
    return $rc
}

# "... uid=N pid=P" -> "N P"
ep_ids() { sed -n 's/.* uid=\([0-9][0-9]*\) pid=\([0-9][0-9]*\).*/\1 \2/p' <<<"$1"; }

# pids of the instance's echo_policy processes for master.cf service $1
# (master adds "-n SERVICE" because the command name differs). Cheaper
# than pf_pids: only echo_policy processes are looked at.
ep_service_pids() {
    local p
    for p in $(pgrep -x echo_policy); do
        grep -qzxF "MAIL_CONFIG=$PF_CONF" "/proc/$p/environ" 2>/dev/null || continue
        tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- "-n $1 -t " && echo "$p"
    done
}

# RCPT on port $1 in the background, reply line to file $2
ep_rcpt_bg() {
    ( PF_SMTP_PORT=$1 pf_rcpt_code "$FROM" "$TO" >"$2" 2>&1 ) &
    BG_PIDS="$BG_PIDS $!"
}

# wait at most $1 seconds for the background sessions; kill stragglers
ep_wait_bg() {
    local secs=$1 p _ left
    for _ in $(seq 1 $((secs * 10))); do
        left=
        for p in $BG_PIDS; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
        [ -z "$left" ] && break
        sleep 0.1
    done
    for p in $left; do kill -KILL "$p" 2>/dev/null; done
    # shellcheck disable=SC2086
    wait $BG_PIDS 2>/dev/null
    BG_PIDS=
    [ -z "$left" ]
}

# wait at most $2 seconds until process $1 is gone
ep_wait_gone() {
    local _
    for _ in $(seq 1 $(($2 * 10))); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# master's complaints about our status records, or worse
ep_log_master_clean() {
    local bad
    bad=$(grep -E 'partial status update|ignoring status update|ignoring unknown status|echo_policy pid [0-9]+ exit status|echo_policy.*(warning|error):' "$PF_LOG")
    [ -z "$bad" ] && return 0
    printf '%s\n' "$bad"
    return 1
}

# ---------------------------------------------------------------- setup

pf_setup
trap 'rc=$?; ep_cleanup; (exit $rc); pf_cleanup' EXIT

if ! { P_BUSY=$(pf_free_port) && P_SPAWN=$(pf_free_port) &&
        P_INET=$(pf_free_port) && P_POL=$(pf_free_port); }; then
    echo "no free ports" >&2; exit 1
fi
for p in "$P_SPAWN" "$P_INET" "$P_POL"; do
    case " $PF_SMTP_PORT $P_BUSY " in *" $p "*) echo "port clash, rerun" >&2; exit 1;; esac
done

pf_daemon echo_policy "$ECHO"
ep_quiet pf_main_cf \
    "echo_policy_action = DEFER_IF_PERMIT $ACTION_TEXT" \
    "echo_policy_show_ids = yes" \
    "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service unix:private/policy" \
    "spolicy_time_limit = 3600"
rr=smtpd_recipient_restrictions=reject_unauth_destination,check_policy_service
pf_master_cf \
    "policy     unix  -       -      n      -      1       echo_policy" \
    "policy2    unix  -       -      n      -      2       echo_policy -o echo_policy_delay=3000" \
    "spolicy    unix  -       n      n      -      0       spawn user=nobody argv=$PF_DAEMON_DIR/echo_policy -S" \
    "127.0.0.1:$P_BUSY inet n - n - - smtpd -o $rr,unix:private/policy2" \
    "127.0.0.1:$P_SPAWN inet n - n - - smtpd -o $rr,unix:private/spolicy" \
    "127.0.0.1:$P_INET inet n - n - - smtpd -o $rr,inet:127.0.0.1:$P_POL"

if ep_quiet pf_start; then t_ok "instance started (smtpd on $PF_SMTP_PORT, $P_BUSY, $P_SPAWN, $P_INET)"
else t_fail "instance started"; t_done; fi

POSTFIX_UID=$(id -u postfix)
NOBODY_UID=$(id -u nobody)

# ---------------------------------------------------------------- a) native

r=$(pf_rcpt_code "$FROM" "$TO")
read -r uid pid <<<"$(ep_ids "$r")"
case $r in
    "450 "*"$ACTION_TEXT uid="*) t_ok "native: RCPT -> $r" ;;
    *) t_fail "native: RCPT gets 450 with the action" "got: $r" ;;
esac
if [ -n "${uid:-}" ] && [ "$uid" != 0 ] && [ "$uid" = "$POSTFIX_UID" ]; then
    t_ok "native: answered as mail_owner (uid $uid), not root"
else t_fail "native: answered as mail_owner (uid $POSTFIX_UID)" "reply: $r"; fi
P=${pid:-none}
if [ -n "${pid:-}" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = echo_policy ]; then
    t_ok "native: pid $P is a running echo_policy"
else t_fail "native: pid in the reply is a running echo_policy" "pid: $P"; fi

r=$(pf_rcpt_code "$FROM" "$TO")
case $r in
    "450 "*"pid=$P") t_ok "native: second session answered by the same pid $P" ;;
    *) t_fail "native: second session answered by pid $P" "got: $r" ;;
esac

ep_rcpt_bg "$PF_SMTP_PORT" "$PF_DIR/c1"
ep_rcpt_bg "$PF_SMTP_PORT" "$PF_DIR/c2"
ep_rcpt_bg "$PF_SMTP_PORT" "$PF_DIR/c3"
if ep_wait_bg 30; then
    c=$(cat "$PF_DIR/c1" "$PF_DIR/c2" "$PF_DIR/c3")
    if [ "$(grep -c "^450 .*$ACTION_TEXT uid=$POSTFIX_UID pid=$P\$" <<<"$c")" = 3 ]; then
        t_ok "native: three concurrent sessions answered by pid $P"
    else t_fail "native: three concurrent sessions answered by pid $P" "$c"; fi
else t_fail "native: concurrent sessions finished within 30s"; fi
n=$(pf_log_count 'postfix/smtpd\[[0-9]+\]: connect from')
p=$(ep_service_pids policy | tr '\n' ' ')
if [ "$p" = "$P " ]; then
    t_ok "native: one echo_policy process for service policy after $n smtpd sessions"
else t_fail "native: one echo_policy process for service policy" "processes: $p"; fi

# Master must see TAKEN: with maxproc 2 and a request that takes 3 s, a
# session started meanwhile is served by a second process, before the first.
ep_rcpt_bg "$P_BUSY" "$PF_DIR/b1"
# master forks the first process when smtpd connects, with the request
# right behind; once it runs, it is soon TAKEN (sleeping in the request).
for _ in $(seq 1 50); do
    [ -n "$(ep_service_pids policy2)" ] && break
    sleep 0.1
done
sleep 0.5
t0=$(date +%s%N)
r2=$(PF_SMTP_PORT=$P_BUSY pf_rcpt_code "$FROM" "$TO")
t2=$(( ($(date +%s%N) - t0) / 1000000 ))
ep_wait_bg 30
r1=$(cat "$PF_DIR/b1")
read -r _ pid1 <<<"$(ep_ids "$r1")"
read -r _ pid2 <<<"$(ep_ids "$r2")"
if [ -n "${pid1:-}" ] && [ -n "${pid2:-}" ] && [ "$pid1" != "$pid2" ]; then
    t_ok "master forked a 2nd process while the 1st was TAKEN (pids $pid1, $pid2; 2nd reply after ${t2} ms)"
else t_fail "master forked a 2nd process while the 1st was TAKEN" "first: $r1"$'\n'"second: $r2"; fi
# Served in turn, the second reply would come after ~2.4 s (the rest of
# the first request) + 3 s (its own); in parallel after its own 3 s plus
# session set-up (3.2-3.6 s measured).
if [ "$t2" -lt 4600 ]; then
    t_ok "busy service: the second session did not wait for the first"
else t_fail "busy service: the second session did not wait for the first" "took $t2 ms"; fi

# ---------------------------------------------------------------- b) spawn

r=$(PF_SMTP_PORT=$P_SPAWN pf_rcpt_code "$FROM" "$TO")
read -r uid spid <<<"$(ep_ids "$r")"
case $r in
    "450 "*"$ACTION_TEXT uid=$NOBODY_UID pid="*) t_ok "spawn: RCPT -> $r" ;;
    *) t_fail "spawn: RCPT gets the action from uid $NOBODY_UID (nobody)" "got: $r" ;;
esac
if [ -n "${spid:-}" ] && [ "$spid" != "$P" ]; then
    t_ok "spawn: a process of its own (pid $spid)"
else t_fail "spawn: a process of its own" "reply: $r"; fi

# ---------------------------------------------------------------- c) inet

INETCONF=$PF_DIR/inetconf
INETLOG=$PF_DIR/inet-echo.log
install -d -m 755 "$INETCONF"
cat >"$INETCONF/main.cf" <<EOF
mail_owner = postfix
echo_policy_action = DEFER_IF_PERMIT inet $ACTION_TEXT
echo_policy_show_ids = yes
EOF
MAIL_CONFIG=$INETCONF "$ECHO" -L "inet:127.0.0.1:$P_POL" </dev/null >"$INETLOG" 2>&1 &
INET_PID=$!
for _ in $(seq 1 50); do
    grep -q 'listening on' "$INETLOG" && break
    kill -0 "$INET_PID" 2>/dev/null || break
    sleep 0.1
done
if grep -q "listening on inet:127.0.0.1:$P_POL" "$INETLOG"; then
    t_ok "inet: echo_policy -L listening on 127.0.0.1:$P_POL (pid $INET_PID)"
else t_fail "inet: echo_policy -L listening" "$(cat "$INETLOG")"; fi
r=$(PF_SMTP_PORT=$P_INET pf_rcpt_code "$FROM" "$TO")
read -r uid _ <<<"$(ep_ids "$r")"
case $r in
    "450 "*"inet $ACTION_TEXT uid="*" pid=$INET_PID") t_ok "inet: RCPT -> $r" ;;
    *) t_fail "inet: RCPT gets the action from pid $INET_PID" "got: $r" ;;
esac
if [ -n "${uid:-}" ] && [ "$uid" != 0 ] && [ "$uid" = "$POSTFIX_UID" ]; then
    t_ok "inet: started as root, answered as mail_owner (uid $uid)"
else t_fail "inet: answered as mail_owner, not root" "reply: $r"; fi
kill -TERM "$INET_PID"
if ep_wait_gone "$INET_PID" 5; then
    wait "$INET_PID"; st=$?
    if [ "$st" = 0 ]; then t_ok "inet: SIGTERM -> exit status 0"
    else t_fail "inet: SIGTERM -> exit status 0" "status $st"; fi
else t_fail "inet: exits within 5s of SIGTERM"; fi
INET_PID=
if grep -q 'echo_policy exit hook ran' "$INETLOG" && grep -q 'terminated -- exiting' "$INETLOG"; then
    t_ok "inet: logged 'terminated -- exiting' and 'exit hook ran'"
else t_fail "inet: logged 'terminated -- exiting' and 'exit hook ran'" "$(cat "$INETLOG")"; fi

# ---------------------------------------------------------------- log so far

if bad=$(pf_log_check_clean); then t_ok "maillog: no throttling, fatal or panic"
else t_fail "maillog: no throttling, fatal or panic" "$bad"; fi
if bad=$(ep_log_master_clean); then t_ok "maillog: master took every status record, no echo_policy warnings"
else t_fail "maillog: master took every status record, no echo_policy warnings" "$bad"; fi
if pf_wait_log "postfix/echo_policy\[$P\]: echo: DEFER_IF_PERMIT $ACTION_TEXT" 2; then
    t_ok "maillog: echo_policy[$P] logs through postlogd"
else t_fail "maillog: echo_policy[$P] logs through postlogd"; fi

# ---------------------------------------------------------------- reload

if ep_quiet pf_reload; then t_ok "reload"; else t_fail "reload"; fi
if ep_wait_gone "$P" 5; then t_ok "reload: old echo_policy pid $P exited"
else t_fail "reload: old echo_policy pid $P exited"; fi
if pf_wait_log "postfix/echo_policy\[$P\]: master disconnect -- exiting" 3 &&
   pf_wait_log "postfix/echo_policy\[$P\]: echo_policy exit hook ran" 3; then
    t_ok "reload: pid $P logged 'master disconnect -- exiting' and ran its exit hook"
else t_fail "reload: pid $P logged 'master disconnect -- exiting'" \
    "$(grep "echo_policy\[$P\]" "$PF_LOG")"; fi
r=$(pf_rcpt_code "$FROM" "$TO")
read -r _ P2 <<<"$(ep_ids "$r")"
if [ -n "${P2:-}" ] && [ "$P2" != "$P" ] && [ "${r%% *}" = 450 ]; then
    t_ok "reload: a new process (pid $P2) answers: $r"
else t_fail "reload: a new process answers" "got: $r"; fi

# ---------------------------------------------------------------- d) DUNNO

ep_quiet pf_main_cf "echo_policy_action = DUNNO"
if ep_quiet pf_reload; then t_ok "reload with echo_policy_action = DUNNO"
else t_fail "reload with echo_policy_action = DUNNO"; fi
if r=$(pf_send "$FROM" "$TO"); then t_ok "DUNNO: message accepted: $r"
else t_fail "DUNNO: message accepted" "got: $r"; fi
if pf_wait_delivered "$TO"; then t_ok "DUNNO: message delivered (status=sent)"
else t_fail "DUNNO: message delivered (status=sent)"; fi
if pf_wait_log "postfix/echo_policy\[[0-9]+\]: echo: DUNNO uid=$POSTFIX_UID pid=" 3; then
    t_ok "DUNNO: the new echo_policy answered the message's RCPT"
else t_fail "DUNNO: the new echo_policy answered the message's RCPT"; fi
if ep_wait_gone "$P2" 5; then t_ok "reload: pid $P2 exited too"
else t_fail "reload: pid $P2 exited too"; fi

# ---------------------------------------------------------------- the end

if bad=$(pf_log_check_clean); then t_ok "maillog: still no throttling, fatal or panic"
else t_fail "maillog: still no throttling, fatal or panic" "$bad"; fi
if bad=$(ep_log_master_clean); then t_ok "maillog: still no status or echo_policy complaints"
else t_fail "maillog: still no status or echo_policy complaints" "$bad"; fi
left=$(ep_service_pids policy; ep_service_pids policy2)
left=$(echo "${left:-none}" | tr '\n' ' ')
if pf_stop; then t_ok "pf_stop: everything ended after SIGTERM (echo_policy before: ${left% })"
else t_fail "pf_stop: everything ended after SIGTERM"; fi
left=$(for p in $(pgrep -x echo_policy); do
          grep -qzE "^MAIL_CONFIG=($PF_CONF|$INETCONF)\$" "/proc/$p/environ" 2>/dev/null && echo "$p"
      done)
if [ -z "$left" ]; then t_ok "no echo_policy of this instance left"
else t_fail "no echo_policy of this instance left" "$(ps -o pid,args -p "$(echo "$left" | tr '\n' ,)")"; fi

t_done
