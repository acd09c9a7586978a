#!/bin/bash
# selftest.sh -- proves that pflib.sh can run a private Postfix and that a
# check_policy_service round trip works, WITHOUT any project code: the policy
# service is a tiny perl script run by spawn(8) as nobody, which answers
# every request with "action=<contents of $PF_DIR/policy.action>".
set -u
. "$(dirname "$0")/pflib.sh"

pf_require_root
pf_setup

FROM=sender@client.example
TO=rcpt@$PF_DOMAIN
GREY="DEFER_IF_PERMIT Greylisted by selftest"

cat >"$PF_DIR/policy.pl" <<'PERL'
# Postfix policy protocol: name=value lines, an empty line ends a request.
$| = 1;
my $file = shift;
while (my $line = <STDIN>) {
    next unless $line =~ /^\s*$/;
    open(my $fh, '<', $file) or die "open $file: $!";
    chomp(my $action = <$fh> // 'DUNNO');
    print "action=$action\n\n";
}
PERL
echo "$GREY" >"$PF_DIR/policy.action"
chmod 644 "$PF_DIR/policy.pl" "$PF_DIR/policy.action"    # readable for nobody

pf_main_cf "smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service unix:private/policy" \
           "policy_time_limit = 3600"
pf_master_cf "policy unix - n n - 0 spawn user=nobody argv=/usr/bin/perl $PF_DIR/policy.pl $PF_DIR/policy.action"

if pf_start; then t_ok "instance started on 127.0.0.1:$PF_SMTP_PORT"
else t_fail "instance started"; t_done; fi

if pf_wait_log 'postfix/master\[[0-9]+\]: daemon started' 5; then
    t_ok "master logs to maillog_file ($PF_LOG)"
else t_fail "master logs to maillog_file"; fi

r=$(pf_rcpt_code "$FROM" "$TO")
case $r in
    "450 "*"Greylisted by selftest"*) t_ok "policy DEFER_IF_PERMIT -> RCPT $r" ;;
    *) t_fail "policy DEFER_IF_PERMIT gives 450" "got: $r" ;;
esac
if pf_wait_log 'postfix/smtpd\[[0-9]+\]: NOQUEUE: reject: RCPT .*Greylisted by selftest' 5; then
    t_ok "smtpd logs via postlogd"
else t_fail "smtpd logs via postlogd"; fi

r=$(pf_rcpt_code "$FROM" "rcpt@elsewhere.example")
case $r in
    5*"Relay access denied"*) t_ok "relay denied before policy: $r" ;;
    *) t_fail "relay denied before policy" "got: $r" ;;
esac

echo DUNNO >"$PF_DIR/policy.action"
if r=$(pf_send "$FROM" "$TO"); then t_ok "policy DUNNO -> message accepted: $r"
else t_fail "policy DUNNO -> message accepted" "got: $r"; fi
if pf_wait_delivered "$TO"; then t_ok "message delivered (status=sent)"
else t_fail "message delivered (status=sent)"; fi

if pf_reload; then t_ok "reload (SIGHUP)"; else t_fail "reload (SIGHUP)"; fi
n=$(pf_log_count 'reload -- version')
if out=$(pf_postfix reload 2>&1) && pf_wait_log 'reload -- version' 5 $((n + 1)); then
    t_ok "postfix -c \$PF_CONF reload"
else t_fail "postfix -c \$PF_CONF reload" "$out"; fi
echo "$GREY" >"$PF_DIR/policy.action"
r=$(pf_rcpt_code "$FROM" "$TO")
case $r in
    "450 "*) t_ok "RCPT after reload: $r" ;;
    *) t_fail "RCPT after reload gives 450" "got: $r" ;;
esac

if bad=$(pf_log_check_clean); then t_ok "maillog has no fatal/panic/throttling"
else t_fail "maillog has no fatal/panic/throttling" "$bad"; fi

pids=$(pf_pids)
policy=$(pgrep -f "perl $PF_DIR/policy.pl")
if [ -n "$policy" ] && printf '%s\n' "$pids" | grep -qxF "$policy"; then
    t_ok "pf_pids sees $(echo "$pids" | wc -l) processes incl. the spawn(8) policy child"
else t_fail "pf_pids sees the spawn(8) policy child" "pids: $pids; policy: $policy"; fi
if pf_stop; then t_ok "pf_stop: everything ended after SIGTERM"
else t_fail "pf_stop: everything ended after SIGTERM"; fi
left=$(pf_pids)
if [ -z "$left" ] && ! pgrep -f "$PF_DIR" >/dev/null; then
    t_ok "no process of the instance left (pf_pids, pgrep -f \$PF_DIR)"
else t_fail "no process of the instance left" "$(pgrep -af "$PF_DIR"; echo "pf_pids: $left")"; fi

t_done
