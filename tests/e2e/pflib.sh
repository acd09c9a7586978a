# shellcheck shell=bash
# pflib.sh -- run a PRIVATE Postfix instance (master + smtpd + postlogd,
# loopback only) for end-to-end tests, and talk SMTP to it with swaks.
# Nothing outside a fresh mktemp directory is written; /etc/postfix and any
# system Postfix are never touched (see docs/postfix-interfaces.md 1, 2, 7, 8).
#
# Usage (bash, `set -u` friendly; do not rely on `set -e`):
#   . "$(dirname "$0")/pflib.sh"
#   pf_require_root            # SKIP (exit 77) unless root
#   pf_setup                   # temp instance + EXIT trap
#   pf_main_cf "greylist_delay = 2"; pf_master_cf "policy unix - n n - 0 spawn ..."
#   pf_start
#   r=$(pf_rcpt_code from@client.example to@test.example); case $r in 450*) ...
#   t_ok "desc" / t_fail "desc" "details"; ...; t_done
#
# Functions
#   pf_require_root          exit 77 (SKIP line) when not root; when root but
#                            postfix/swaks are missing: exit 1 naming the package
#   pf_free_port [HOST]      print a random TCP port (20000-60000) free on HOST
#                            (default 127.0.0.1; also checked on ::1 if PF_IPV6=1)
#   pf_setup                 create the instance (dirs, main.cf, master.cf,
#                            daemon dir of symlinks), pick PF_SMTP_PORT, install
#                            `trap pf_cleanup EXIT` (INT/TERM exit through it)
#   pf_main_cf "n = v" ...   set main.cf parameters (postconf -e)
#   pf_master_cf "line" ...  append raw master.cf lines (continuation lines ok)
#   pf_daemon NAME TARGET    symlink $PF_DAEMON_DIR/NAME -> TARGET (a test daemon)
#   pf_start                 validate config (postconf), start master -w, wait
#                            <= PF_WAIT s for the SMTP banner; retries on a new
#                            port if the chosen one was taken meanwhile
#   pf_reload                validate config, SIGHUP master, wait for "reload"
#   pf_postfix CMD...        postfix -c $PF_CONF CMD (e.g. reload), minus the
#                            harmless "symlink leaves directory" warnings
#   pf_stop                  SIGTERM master, wait <= PF_WAIT s for all instance
#                            processes to end; SIGKILL survivors and return 1
#                            if there were any; idempotent
#   pf_pids                  print pids of all processes of this instance
#                            (MAIL_CONFIG=$PF_CONF in environ, or $PF_DIR in argv,
#                            outside the test's own session: processes a test
#                            starts itself are its own business)
#   pf_cleanup               pf_stop + rm -rf $PF_DIR (kept if PF_KEEP=1); on a
#                            failed test prints the tail of the maillog
#   pf_smtp SWAKS-ARGS...    swaks against the instance (server, port, timeout,
#                            helo preset); prints the transcript
#   pf_rcpt_code FROM TO [SWAKS-ARGS]  print the final RCPT reply line,
#                            e.g. "450 4.7.1 <to@test.example>: Recipient ...";
#                            "000 <reason>" and status 1 if there was none
#   pf_send FROM TO [SWAKS-ARGS]  full transaction; print the reply to the end
#                            of DATA (or the failing reply); status 0 iff 250
#   pf_wait_log REGEX [SECS] [N]  wait (default PF_WAIT s) until $PF_LOG has
#                            at least N (default 1) lines matching the ERE
#   pf_log_count REGEX       print the number of maillog lines matching the ERE
#   pf_wait_delivered RCPT [SECS]  wait for "to=<RCPT>...status=sent"
#   pf_log_check_clean       status 1 (and print them) if the maillog has
#                            throttling / fatal: / panic: lines
#   t_ok DESC | t_fail DESC [DETAILS] | t_skip DESC | t_done
#                            result counting; t_done prints
#                            "e2e-NAME: N passed, N failed, N skipped", exits 1
#                            if anything failed, else 0
#
# Variables for the caller: PF_DIR PF_CONF PF_QUEUE PF_DATA PF_DAEMON_DIR
#   PF_SMTP_PORT PF_LOG PF_DOMAIN (local test domain, test.example).
# Knobs: PF_TEST_NAME (default: script name without .sh), PF_KEEP=1,
#   PF_WAIT (default 10 s), PF_IPV6=1 (also listen on [::1]:PF_SMTP_PORT).
#
# Delivery: mail for $PF_DOMAIN goes to the discard(8) transport, which logs
#   "to=<rcpt>, relay=none, ..., status=sent (e2e-delivered)"; anything else
#   goes to error(8), so the instance never sends mail anywhere.

PF_SBIN=/usr/lib/postfix/sbin
PF_TEST_NAME=${PF_TEST_NAME:-$(basename "$0" .sh)}
PF_WAIT=${PF_WAIT:-10}
PF_DOMAIN=${PF_DOMAIN:-test.example}
PF_DIR=${PF_DIR:-}
T_PASS=0 T_FAIL=0 T_SKIP=0

# ---------------------------------------------------------------- results

t_ok()   { T_PASS=$((T_PASS + 1)); echo "ok: $1"; }
t_skip() { T_SKIP=$((T_SKIP + 1)); echo "skip: $1"; }
t_fail() {
    T_FAIL=$((T_FAIL + 1)); echo "FAIL: $1"
    [ $# -ge 2 ] && printf '%s\n' "$2" | sed 's/^/    /'
    return 0
}
t_done() {
    echo "e2e-$PF_TEST_NAME: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
    [ "$T_FAIL" -eq 0 ] && exit 0
    exit 1
}

# ---------------------------------------------------------------- checks

pf_require_root() {
    local missing=""
    [ -x "$PF_SBIN/master" ] || missing=" postfix"
    command -v swaks >/dev/null 2>&1 || missing="$missing swaks"
    if [ "$(id -u)" -ne 0 ]; then
        echo "SKIP: $PF_TEST_NAME: needs root to run a private Postfix master (run as root or in CI)"
        [ -n "$missing" ] && echo "SKIP: $PF_TEST_NAME: also missing Debian package(s):$missing"
        exit 77
    fi
    if [ -n "$missing" ]; then
        echo "ERROR: $PF_TEST_NAME: missing Debian package(s):$missing (apt-get install$missing)" >&2
        exit 1
    fi
}

# ---------------------------------------------------------------- setup

# Is something listening on HOST:PORT (tcp)?  ss if present, else /dev/tcp.
pf_port_busy() {
    if command -v ss >/dev/null 2>&1; then
        ss -Hltn "sport = :$2" 2>/dev/null | grep -q .
    else
        timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
    fi
}

pf_free_port() {
    local host=${1:-127.0.0.1} port _
    for _ in $(seq 1 100); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
        pf_port_busy "$host" "$port" && continue
        [ "${PF_IPV6:-0}" = 1 ] && pf_port_busy ::1 "$port" && continue
        echo "$port"; return 0
    done
    echo "pf_free_port: no free port found" >&2; return 1
}

pf_setup() {
    PF_DIR=$(mktemp -d /tmp/pf-e2e.XXXXXX) || { echo "pf_setup: mktemp failed" >&2; exit 1; }
    trap pf_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    # mktemp makes a 0700 dir; master creates sockets as mail_owner, which
    # must be able to traverse every parent directory.
    chmod 755 "$PF_DIR"
    PF_CONF=$PF_DIR/conf PF_QUEUE=$PF_DIR/queue PF_DATA=$PF_DIR/data
    PF_DAEMON_DIR=$PF_DIR/libexec PF_LOG=$PF_DIR/maillog
    PF_SMTP_PORT=$(pf_free_port 127.0.0.1) || exit 1

    install -d -m 755 "$PF_CONF" "$PF_DAEMON_DIR" "$PF_QUEUE" "$PF_QUEUE/pid"
    install -d -m 700 -o postfix "$PF_DATA"
    ( cd "$PF_QUEUE" &&
      install -d -m 700 -o postfix private incoming active bounce defer \
          deferred flush hold saved trace corrupt &&
      install -d -m 710 -o postfix -g postdrop public &&
      install -d -m 1730 -o postfix -g postdrop maildrop ) || exit 1
    # master runs $daemon_directory/<command>: mirror the real daemons with
    # symlinks so tests can add their own (pf_daemon).
    ln -s "$PF_SBIN"/* "$PF_DAEMON_DIR"/ || exit 1

    local protos=ipv4
    [ "${PF_IPV6:-0}" = 1 ] && protos="ipv4, ipv6"
    cat >"$PF_CONF/main.cf" <<EOF
# private e2e instance, generated by tests/e2e/pflib.sh
compatibility_level = 3.6
queue_directory = $PF_QUEUE
data_directory = $PF_DATA
daemon_directory = $PF_DAEMON_DIR
command_directory = /usr/sbin
# meta_directory stays /etc/postfix: only read (dynamicmaps.cf), never written
mail_owner = postfix
setgid_group = postdrop
myhostname = e2e.test.local
mydomain = test.local
myorigin = \$myhostname
mydestination = \$myhostname, localhost, $PF_DOMAIN
mynetworks = 127.0.0.0/8
inet_interfaces = loopback-only
inet_protocols = $protos
# local recipients: any localpart, swallowed by discard(8)
local_recipient_maps =
local_transport = discard:e2e-delivered
alias_maps =
alias_database =
# nothing ever leaves this instance
default_transport = error:e2e instance sends no mail
relay_transport = error:e2e instance sends no mail
relayhost =
biff = no
delay_warning_time = 0
smtpd_banner = \$myhostname ESMTP e2e
maillog_file = $PF_LOG
maillog_file_prefixes = /tmp
EOF
    # chroot column n everywhere: the daemons need no jail here.
    cat >"$PF_CONF/master.cf" <<EOF
# service  type  private unpriv chroot wakeup maxproc command + args
127.0.0.1:$PF_SMTP_PORT inet n - n - - smtpd
pickup     unix  n       -      n      60     1       pickup
cleanup    unix  n       -      n      -      0       cleanup
qmgr       unix  n       -      n      300    1       qmgr
rewrite    unix  -       -      n      -      -       trivial-rewrite
bounce     unix  -       -      n      -      0       bounce
defer      unix  -       -      n      -      0       bounce
trace      unix  -       -      n      -      0       bounce
verify     unix  -       -      n      -      1       verify
flush      unix  n       -      n      1000?  0       flush
proxymap   unix  -       -      n      -      -       proxymap
proxywrite unix  -       -      n      -      1       proxymap
smtp       unix  -       -      n      -      -       smtp
relay      unix  -       -      n      -      -       smtp
showq      unix  n       -      n      -      -       showq
error      unix  -       -      n      -      -       error
retry      unix  -       -      n      -      -       error
discard    unix  -       -      n      -      -       discard
local      unix  -       n      n      -      -       local
virtual    unix  -       n      n      -      -       virtual
lmtp       unix  -       -      n      -      -       lmtp
anvil      unix  -       -      n      -      1       anvil
scache     unix  -       -      n      -      1       scache
postlog    unix-dgram n  -      n      -      1       postlogd
EOF
    [ "${PF_IPV6:-0}" = 1 ] && pf_master_cf "[::1]:$PF_SMTP_PORT inet n - n - - smtpd"
    return 0
}

pf_main_cf() { postconf -c "$PF_CONF" -e "$@"; }
pf_master_cf() { printf '%s\n' "$@" >>"$PF_CONF/master.cf"; }
pf_daemon() { ln -sfn "$2" "$PF_DAEMON_DIR/$1"; }

# ---------------------------------------------------------------- control

pf_master_pid() { sed -n '1s/ //gp' "$PF_QUEUE/pid/master.pid" 2>/dev/null; }

# postconf parses main.cf + master.cf: print its warnings, fail on errors.
pf_check_config() {
    local out
    if ! out=$(postconf -c "$PF_CONF" 2>&1 >/dev/null); then
        printf 'pf: configuration error:\n%s\n' "$out" >&2; return 1
    fi
    [ -z "$out" ] || printf '%s\n' "$out" >&2
    return 0
}

# Does the SMTP service answer with a 220 banner?
pf_smtp_ready() {
    timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        IFS= read -r l <&3; printf "QUIT\r\n" >&3; case $l in 220*) exit 0;; esac; exit 1' \
        _ "$PF_SMTP_PORT" 2>/dev/null
}

pf_start() {
    local _ old
    pf_check_config || return 1
    for _ in 1 2 3; do
        if MAIL_CONFIG=$PF_CONF "$PF_DAEMON_DIR/master" -w; then
            for _ in $(seq 1 $((PF_WAIT * 5))); do
                pf_smtp_ready && return 0
                sleep 0.2
            done
            echo "pf_start: no SMTP banner on 127.0.0.1:$PF_SMTP_PORT after ${PF_WAIT}s" >&2
            break
        fi
        # master's own start-up errors are lost (postlogd is not up yet and
        # there is no syslog). The one we can fix: our port was taken since
        # pf_free_port chose it.
        pf_port_busy 127.0.0.1 "$PF_SMTP_PORT" || {
            echo "pf_start: master -w failed; it logs no reason. Usual causes:" \
                 "a parent of $PF_DIR not searchable by postfix, a bad master.cf" \
                 "line, an unusable port. Try: postfix -c $PF_CONF check;" \
                 "strace -f -e trace=bind,openat,execve master -d" >&2
            break
        }
        old=$PF_SMTP_PORT
        PF_SMTP_PORT=$(pf_free_port 127.0.0.1) || break
        sed -i "s/^\(127\.0\.0\.1\|\[::1\]\):$old /\1:$PF_SMTP_PORT /" "$PF_CONF/master.cf"
        echo "pf_start: port $old was taken, retrying on $PF_SMTP_PORT" >&2
    done
    pf_stop
    [ -f "$PF_LOG" ] && tail -n 30 "$PF_LOG" >&2
    return 1
}

# postfix(1) on this instance (start/stop/reload/check also work this way).
# Its check-warn step prints "symlink leaves directory" for every symlink in
# our daemon_directory; those lines are dropped, the rest goes to stderr.
pf_postfix() {
    local out rc
    out=$(postfix -c "$PF_CONF" "$@" 2>&1); rc=$?
    [ -n "$out" ] && printf '%s\n' "$out" | grep -v 'symlink leaves directory' >&2
    return $rc
}

pf_reload() {
    local pid n
    pf_check_config || return 1
    pid=$(pf_master_pid)
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "pf_reload: master not running" >&2; return 1
    fi
    n=$(pf_log_count 'reload -- version')
    kill -HUP "$pid"
    pf_wait_log 'reload -- version' "$PF_WAIT" $((n + 1)) && return 0
    echo "pf_reload: master did not log a reload within ${PF_WAIT}s" >&2
    return 1
}

# Session id of pid $1 (field 6 of /proc/PID/stat; comm may contain blanks).
pf_sid() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    # shellcheck disable=SC2086
    set -- ${s##*) }
    echo "$4"
}

# All processes of this instance: master's children carry MAIL_CONFIG in the
# environment (spawn(8) passes it on too); master itself and helper scripts
# have $PF_DIR in argv.  Processes in the test's own session (the test shell,
# its subshells, master -w's foreground half) are not counted: the instance
# runs in master's session (setsid) and in spawn(8)'s per-command sessions.
pf_pids() {
    [ -n "$PF_DIR" ] || return 0
    local me p sid
    me=$(pf_sid $$)
    for p in $({ grep -lzxF "MAIL_CONFIG=$PF_CONF" /proc/[0-9]*/environ
                 grep -lzF "$PF_DIR/" /proc/[0-9]*/cmdline; } 2>/dev/null |
               awk -F/ '!seen[$3]++ { print $3 }'); do
        sid=$(pf_sid "$p") && [ "$sid" != "$me" ] && echo "$p"
    done
}

pf_stop() {
    [ -n "$PF_DIR" ] && [ -d "$PF_DIR" ] || return 0
    local pid _ left
    pid=$(pf_master_pid)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"          # master SIGTERMs its process group and exits
        for _ in $(seq 1 $((PF_WAIT * 5))); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        # like postfix-script: SIGKILL the group (master did setsid) only if
        # master itself did not go away
        kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
    fi
    # Children finish their SIGTERM handling; spawn(8) commands live in
    # their own sessions and end on EOF from smtpd.
    for _ in $(seq 1 $((PF_WAIT * 5))); do
        left=$(pf_pids)
        [ -z "$left" ] && return 0
        sleep 0.2
    done
    echo "pf_stop: SIGKILL to leftover processes:" >&2
    # shellcheck disable=SC2086
    ps -o pid,args -p "$(echo $left | tr ' ' ,)" >&2
    # spawn(8) commands lead their own process group: take it along
    for pid in $left; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; done
    return 1
}

pf_cleanup() {
    local rc=$?
    [ -n "$PF_DIR" ] && [ -d "$PF_DIR" ] || return 0
    pf_stop
    if [ "$rc" -ne 0 ] || [ "$T_FAIL" -gt 0 ]; then
        echo "---- $PF_LOG (last 100 lines) ----" >&2
        tail -n 100 "$PF_LOG" >&2 2>/dev/null
        echo "---- end of maillog ----" >&2
    fi
    if [ "${PF_KEEP:-0}" = 1 ]; then
        echo "pf: PF_KEEP=1, instance kept in $PF_DIR" >&2
    else
        rm -rf "$PF_DIR"
    fi
    PF_DIR=
}

# ---------------------------------------------------------------- SMTP

pf_smtp() {
    swaks --server 127.0.0.1 --port "$PF_SMTP_PORT" --timeout 10 \
        --helo client.e2e.test "$@" 2>&1
}

# From a swaks transcript on stdin, print the last line of the server's
# reply to the client line matching ERE $1 (swaks: " -> " client,
# "<- " / "<** " server).
pf_reply_after() {
    awk -v re="$1" '
        /^ *(->|\*\*>) / { sub(/^ *(->|\*\*>) +/, ""); want = ($0 ~ re); next }
        want && /^ *<(-|\*\*) / { sub(/^ *<(-|\*\*) +/, ""); r = $0 }
        END { if (r == "") exit 1; print r }'
}

pf_rcpt_code() {
    local from=$1 to=$2 out
    shift 2
    out=$(pf_smtp --from "$from" --to "$to" --quit-after RCPT "$@")
    printf '%s\n' "$out" | pf_reply_after '^RCPT TO:' && return 0
    echo "000 no RCPT reply: $(printf '%s\n' "$out" | grep -m1 -E '\*\*\*|<\*\*' || echo "${out##*$'\n'}")"
    return 1
}

pf_send() {
    local from=$1 to=$2 out r
    shift 2
    out=$(pf_smtp --from "$from" --to "$to" "$@")
    if r=$(printf '%s\n' "$out" | pf_reply_after '^\.$'); then
        echo "$r"
        case $r in 250*) return 0;; esac
        return 1
    fi
    # no DATA reply: report the first failure swaks saw
    printf '%s\n' "$out" | grep -m1 -E '^ *<\*\*|\*\*\*' || echo "000 no reply after DATA"
    return 1
}

# ---------------------------------------------------------------- log

pf_log_count() { local n; n=$(grep -cE -- "$1" "$PF_LOG" 2>/dev/null); echo "${n:-0}"; }

pf_wait_log() {
    local re=$1 secs=${2:-$PF_WAIT} min=${3:-1} _ n
    for _ in $(seq 1 $((secs * 5))); do
        n=$(pf_log_count "$re")
        [ "${n:-0}" -ge "$min" ] && return 0
        sleep 0.2
    done
    return 1
}

pf_wait_delivered() {
    pf_wait_log "to=<$1>.*status=sent" "${2:-$PF_WAIT}"
}

pf_log_check_clean() {
    local bad
    bad=$(grep -E 'bad command startup -- throttling|fatal:|panic:' "$PF_LOG" 2>/dev/null)
    [ -z "$bad" ] && return 0
    printf '%s\n' "$bad"
    return 1
}
