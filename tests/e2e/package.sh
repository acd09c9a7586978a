#!/bin/bash
# package.sh -- make install / uninstall, make deb, and the packaged program
# behind a real Postfix.
#
#   a) "make install install_root=DIR" with explicit directories gives
#      exactly the expected tree (paths, modes; owners when run as root);
#      DESTDIR= is the same thing; without directories the installed
#      Postfix's (postconf) are used, and Postfix's defaults without one.
#      A second install keeps a changed greylistd.cf and writes
#      greylistd.cf.sample next to it; an administrator's greylistd.cf that
#      was there before is never touched. "make uninstall" removes exactly
#      what install created: afterwards the tree is as before, except for
#      a changed greylistd.cf and the database, which stay.
#   b) "make deb" writes greylistd_<version>_<arch>.deb; dpkg-deb -c lists
#      exactly the expected paths, dpkg-deb -f the expected control fields,
#      the conffile is declared, md5sums verify, the program is stripped,
#      the man pages in it lint clean, and lintian (when installed) finds
#      no error or warning. The commands that postinst prints enable
#      greylistd in a scratch Postfix configuration without a postconf
#      warning, and the sample master.cf/main.cf settings are valid.
#   d) tests/e2e/greylist.sh runs once against the program extracted from
#      the .deb (GREYLISTD_BIN=...): it needs root, and its exit status 77
#      (SKIP) skips only this part.
#
# The install-tree part needs no root (owners are then not checked). The
# package part needs dpkg-dev (dpkg-gencontrol, dpkg-shlibdeps); without it
# that part is a loud SKIP. Man page lint is in manpages.sh.
# Ends with "e2e-package: N passed, N failed, N skipped".
set -u
LC_ALL=C; export LC_ALL
umask 022
# shellcheck source-path=SCRIPTDIR source=pflib.sh
. "$(dirname "$0")/pflib.sh"

top=${GREYLIST_TOPDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
work=$(mktemp -d /tmp/greylistd-pkg.XXXXXX) || exit 1
chmod 755 "$work"               # the spawn(8) user must reach the program in d)
trap 'rm -rf "$work"' EXIT

version=$(sed -n 's/^#define[ 	]*DEF_MAIL_VERSION[ 	]*"\(.*\)".*/\1/p' global/mail_version.h)
iam_root=no
[ "$(id -u)" = 0 ] && iam_root=yes
check_owner=no
if [ $iam_root = yes ] && id postfix >/dev/null 2>&1; then
    check_owner=yes
else
    echo "# not root (or no user postfix): owners are not checked, only paths and modes"
fi

MAKE="make -s --no-print-directory"
DIRS="daemon_directory=/usr/lib/postfix/sbin config_directory=/etc/postfix manpage_directory=/usr/share/man data_directory=/var/lib/postfix mail_owner=postfix"

# listing DIR: "mode [owner:group] path" of everything below DIR.
listing() {
    if [ $check_owner = yes ]; then
	(cd "$1" && find . -mindepth 1 -printf '%m %u:%g %P\n' | sort -k3)
    else
	(cd "$1" && find . -mindepth 1 -printf '%m %P\n' | sort -k2)
    fi
}

# expect WHAT WANT GOT
expect() {
    if [ "$2" = "$3" ]; then t_ok "$1"
    else t_fail "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^</want/; s/^>/got /')"; fi
}

# ------------------------------------------------------------ a) install

R=$work/stage
mkdir -m 755 "$R"
if out=$($MAKE install install_root="$R" $DIRS 2>&1); then
    t_ok "make install install_root=... (explicit directories)"
else
    t_fail "make install install_root=..." "$out"
    t_done
fi

r=root:root p=postfix:postfix
if [ $check_owner = yes ]; then
    want="755 $r etc
755 $r etc/postfix
644 $r etc/postfix/greylistd.cf
644 $r etc/postfix/greylistd.files
755 $r usr
755 $r usr/lib
755 $r usr/lib/postfix
755 $r usr/lib/postfix/sbin
755 $r usr/lib/postfix/sbin/greylistd
755 $r usr/share
755 $r usr/share/man
755 $r usr/share/man/man5
644 $r usr/share/man/man5/greylistd.cf.5
755 $r usr/share/man/man8
644 $r usr/share/man/man8/greylistd.8
755 $r var
755 $r var/lib
700 $p var/lib/postfix"
else
    want=$(printf '%s\n' "755 etc" "755 etc/postfix" "644 etc/postfix/greylistd.cf" \
	"644 etc/postfix/greylistd.files" "755 usr" "755 usr/lib" "755 usr/lib/postfix" \
	"755 usr/lib/postfix/sbin" "755 usr/lib/postfix/sbin/greylistd" "755 usr/share" \
	"755 usr/share/man" "755 usr/share/man/man5" "644 usr/share/man/man5/greylistd.cf.5" \
	"755 usr/share/man/man8" "644 usr/share/man/man8/greylistd.8" "755 var" \
	"755 var/lib" "700 var/lib/postfix")
fi
expect "installed tree: paths, modes$([ $check_owner = yes ] && echo ", owners")" "$want" "$(listing "$R")"
echo "# installed tree:"; listing "$R" | sed 's/^/#   /'

if cmp -s libexec/greylistd "$R/usr/lib/postfix/sbin/greylistd" &&
   cmp -s man/man8/greylistd.8 "$R/usr/share/man/man8/greylistd.8" &&
   cmp -s man/man5/greylistd.cf.5 "$R/usr/share/man/man5/greylistd.cf.5" &&
   cmp -s conf/greylistd.cf "$R/etc/postfix/greylistd.cf"; then
    t_ok "installed files are the build products and the sample"
else
    t_fail "installed files are the build products and the sample"
fi

# Second install after the administrator changed greylistd.cf.
echo "greylist_delay = 5m" >> "$R/etc/postfix/greylistd.cf"
changed=$(cksum < "$R/etc/postfix/greylistd.cf")
if out=$($MAKE install install_root="$R" $DIRS 2>&1) &&
   [ "$(cksum < "$R/etc/postfix/greylistd.cf")" = "$changed" ] &&
   cmp -s conf/greylistd.cf "$R/etc/postfix/greylistd.cf.sample"; then
    t_ok "second install keeps the changed greylistd.cf, writes greylistd.cf.sample"
else
    t_fail "second install keeps the changed greylistd.cf" "$out"
fi
# Third install: nothing new.
before3=$(listing "$R")
$MAKE install install_root="$R" $DIRS >/dev/null 2>&1
expect "third install changes nothing" "$before3" "$(listing "$R")"

# Uninstall: the changed greylistd.cf and the database stay, nothing else.
touch "$R/var/lib/postfix/greylist.db"
if out=$($MAKE uninstall install_root="$R" $DIRS 2>&1); then
    t_ok "make uninstall install_root=..."
else
    t_fail "make uninstall install_root=..." "$out"
fi
want=$(printf '%s\n' "755 etc" "755 etc/postfix" "644 etc/postfix/greylistd.cf" "755 var" \
    "755 var/lib" "700 var/lib/postfix" "644 var/lib/postfix/greylist.db")
expect "uninstall leaves only the changed greylistd.cf and the database" "$want" \
    "$(listing "$R" | sed 's/ [^ ]*:[^ ]* / /')"
if out=$($MAKE uninstall install_root="$R" $DIRS 2>&1); then
    t_fail "a second uninstall fails (nothing is installed)" "$out"
else
    t_ok "a second uninstall fails: $(printf '%s\n' "$out" | grep -m1 fatal)"
fi

# A clean cycle on a tree that looks like a real system: the directories
# exist (data_directory owned by postfix), main.cf and an administrator's
# own greylistd.cf are there. Afterwards everything is as before.
S=$work/system
mkdir -p "$S/etc/postfix" "$S/usr/lib/postfix/sbin" "$S/usr/share/man/man8" \
    "$S/usr/share/man/man5" "$S/var/lib"
mkdir -m 700 "$S/var/lib/postfix"
[ $check_owner = yes ] && chown postfix:postfix "$S/var/lib/postfix"
echo "myhostname = mx.example" > "$S/etc/postfix/main.cf"
echo "greylist_delay = 2m" > "$S/etc/postfix/greylistd.cf"
chmod 644 "$S/etc/postfix/main.cf" "$S/etc/postfix/greylistd.cf"
before=$(listing "$S")
admin=$(cksum < "$S/etc/postfix/greylistd.cf")
$MAKE install install_root="$S" $DIRS > "$work/out" 2>&1
if grep -q "kept $S/etc/postfix/greylistd.cf" "$work/out" &&
   [ "$(cksum < "$S/etc/postfix/greylistd.cf")" = "$admin" ]; then
    t_ok "install never overwrites an administrator's greylistd.cf"
else
    t_fail "install never overwrites an administrator's greylistd.cf" "$(cat "$work/out")"
fi
if ! grep -q '^d ' "$S/etc/postfix/greylistd.files"; then
    t_ok "no directory recorded when all existed"
else
    t_fail "no directory recorded when all existed" "$(grep '^d ' "$S/etc/postfix/greylistd.files")"
fi
$MAKE uninstall install_root="$S" $DIRS > "$work/out" 2>&1
expect "install + uninstall on an existing tree: everything as before" "$before" "$(listing "$S")"

# DESTDIR is install_root.
D=$work/destdir
if $MAKE install DESTDIR="$D" $DIRS >/dev/null 2>&1 &&
   [ -x "$D/usr/lib/postfix/sbin/greylistd" ] &&
   $MAKE uninstall DESTDIR="$D" $DIRS >/dev/null 2>&1 && [ -z "$(ls -A "$D")" ]; then
    t_ok "DESTDIR= works as install_root="
else
    t_fail "DESTDIR= works as install_root=" "$(ls -R "$D" 2>&1 | head -20)"
fi

# Default directories: from postconf; Postfix's defaults without it (a
# postconf that fails stands in for a missing one).
pc() { postconf -h "$1" 2>/dev/null || postconf -dh "$1" 2>/dev/null; }
if command -v postconf >/dev/null 2>&1; then
    P=$work/postconf
    if sh mantools/greylistd-install install install_root="$P" >/dev/null 2>&1 &&
       [ -x "$P$(pc daemon_directory)/greylistd" ] &&
       [ -f "$P$(pc manpage_directory)/man8/greylistd.8" ] &&
       [ -f "$P$(pc config_directory)/greylistd.cf" ] &&
       [ -d "$P$(pc data_directory)" ]; then
	t_ok "default directories from postconf ($(pc daemon_directory), $(pc config_directory), $(pc manpage_directory), $(pc data_directory))"
    else
	t_fail "default directories from postconf" "$(cd "$P" 2>/dev/null && find . | sort)"
    fi
else
    t_skip "default directories from postconf (no postconf)"
fi
mkdir "$work/bin"
printf '#!/bin/sh\nexit 1\n' > "$work/bin/postconf"
chmod 755 "$work/bin/postconf"
N=$work/nopostconf
if PATH=$work/bin:$PATH sh mantools/greylistd-install install install_root="$N" mail_owner=postfix >/dev/null 2>&1 &&
   [ -x "$N/usr/libexec/postfix/greylistd" ] && [ -f "$N/usr/local/man/man8/greylistd.8" ] &&
   [ -f "$N/etc/postfix/greylistd.cf" ] && [ -d "$N/var/lib/postfix" ]; then
    t_ok "Postfix's default directories without postconf (/usr/libexec/postfix, /etc/postfix, /usr/local/man, /var/lib/postfix)"
else
    t_fail "Postfix's default directories without postconf" "$(cd "$N" 2>/dev/null && find . | sort)"
fi

# ------------------------------------------------------------ b) make deb

deb_tools=yes
for t in dpkg-deb dpkg-gencontrol dpkg-shlibdeps dpkg-buildflags strip; do
    command -v $t >/dev/null 2>&1 || deb_tools="no ($t is missing: install dpkg-dev and binutils)"
done
if [ "$deb_tools" != yes ]; then
    echo "SKIP: $PF_TEST_NAME: make deb not tested: $deb_tools"
    t_skip "make deb"
    t_skip "greylist.sh against the packaged program"
    t_done
fi

arch=$(dpkg --print-architecture)
deb=$work/deb/greylistd_${version}_$arch.deb
mkdir "$work/deb"
# Through Makefile.out: the driver's "make deb" would first let needpkgs
# install packages with apt-get when run as root.
if out=$($MAKE -f Makefile.out MAKELEVEL= deb DEB_DIR="$work/deb" 2>&1) && [ -f "$deb" ]; then
    t_ok "make deb wrote $(basename "$deb")"
else
    t_fail "make deb" "$out"
    t_done
fi
printf '%s\n' "$out" | sed -n '/lintian/,$p' | sed 's/^/# /'

want="./
./etc/
./etc/postfix/
./etc/postfix/greylistd.cf
./usr/
./usr/lib/
./usr/lib/postfix/
./usr/lib/postfix/sbin/
./usr/lib/postfix/sbin/greylistd
./usr/share/
./usr/share/doc/
./usr/share/doc/greylistd/
./usr/share/doc/greylistd/README.md.gz
./usr/share/doc/greylistd/changelog.gz
./usr/share/doc/greylistd/copyright
./usr/share/doc/greylistd/examples/
./usr/share/doc/greylistd/examples/greylistd.cf
./usr/share/doc/greylistd/examples/main.cf.sample
./usr/share/doc/greylistd/examples/master.cf.sample
./usr/share/lintian/
./usr/share/lintian/overrides/
./usr/share/lintian/overrides/greylistd
./usr/share/man/
./usr/share/man/man5/
./usr/share/man/man5/greylistd.cf.5.gz
./usr/share/man/man8/
./usr/share/man/man8/greylistd.8.gz"
expect "dpkg-deb -c: the expected paths" "$want" "$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sort)"
bad=$(dpkg-deb -c "$deb" | awk '$2 != "root/root" || ($1 !~ /^d/ && $1 != "-rw-r--r--" && $6 !~ /sbin\/greylistd$/) || ($6 ~ /sbin\/greylistd$/ && $1 != "-rwxr-xr-x") { print }')
if [ -z "$bad" ]; then t_ok "dpkg-deb -c: root/root, 0644 files, 0755 program"
else t_fail "dpkg-deb -c: owners and modes" "$bad"; fi

field() { dpkg-deb -f "$deb" "$1"; }
got="Package: $(field Package)
Version: $(field Version)
Architecture: $(field Architecture)
Section: $(field Section)
Priority: $(field Priority)"
expect "dpkg-deb -f: Package, Version $version, Architecture $arch, Section, Priority" \
    "Package: greylistd
Version: $version
Architecture: $arch
Section: mail
Priority: optional" "$got"
depends=$(field Depends)
case $depends in
*libtokyocabinet9*postfix*|*postfix*libtokyocabinet9*)
    case $depends in *libc6*) t_ok "Depends: $depends";; *) t_fail "Depends has libc6" "$depends";; esac;;
*) t_fail "Depends has libtokyocabinet9 and postfix" "$depends";;
esac
if [ -n "$(field Maintainer)" ] && [ -n "$(field Installed-Size)" ] &&
   field Description | head -1 | grep -q 'Postfix'; then
    t_ok "Maintainer, Installed-Size, Description: $(field Description | head -1)"
else
    t_fail "Maintainer, Installed-Size, Description" "$(dpkg-deb -f "$deb")"
fi

ctl=$work/control
dpkg-deb -e "$deb" "$ctl"
expect "DEBIAN/conffiles" "/etc/postfix/greylistd.cf" "$(cat "$ctl/conffiles")"
X=$work/debroot
dpkg-deb -x "$deb" "$X"
chmod 755 "$X"
if (cd "$X" && md5sum --quiet -c "$ctl/md5sums") >/dev/null 2>&1; then
    t_ok "DEBIAN/md5sums verify"
else
    t_fail "DEBIAN/md5sums verify" "$(cd "$X" && md5sum -c "$ctl/md5sums" 2>&1 | grep -v ': OK$')"
fi
prog=$X/usr/lib/postfix/sbin/greylistd
if [ -z "$(readelf -S "$prog" 2>/dev/null | grep -E '\.symtab|\.debug_')" ]; then
    t_ok "the packaged program is stripped"
else
    t_fail "the packaged program is stripped" "$(readelf -S "$prog" | grep -E '\.symtab|\.debug_')"
fi
if grep -aq "greylistd $version (" "$prog" && grep -aq '/usr/lib/postfix/sbin' "$prog"; then
    t_ok "the packaged program is version $version, built for /usr/lib/postfix/sbin"
else
    t_fail "the packaged program's version and directories"
fi
if cmp -s "$X/etc/postfix/greylistd.cf" conf/greylistd.cf &&
   zcat "$X/usr/share/doc/greylistd/changelog.gz" | head -1 | grep -q "^greylistd ($version)"; then
    t_ok "conffile is the sample; changelog starts at $version"
else
    t_fail "conffile and changelog"
fi
if command -v mandoc >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
    lint=
    for p in "$X"/usr/share/man/man*/*.gz; do
	page=$work/$(basename "$p" .gz)		# mandoc checks the section suffix
	zcat "$p" > "$page"
	lint="$lint$(mandoc -Tlint "$page" 2>&1)$(groff -man -ww -z "$page" 2>&1)"
    done
    if [ -z "$lint" ]; then t_ok "packaged man pages: mandoc -Tlint and groff -ww clean"
    else t_fail "packaged man pages lint" "$lint"; fi
else
    echo "SKIP: mandoc or groff missing: packaged man pages not linted"
    t_skip "packaged man pages lint"
fi
if command -v lintian >/dev/null 2>&1; then
    if out=$(lintian --fail-on error,warning "$deb" 2>&1); then
	t_ok "lintian: no error or warning$(printf '%s\n' "$out" | grep -v 'root privileges' | grep -q . && echo " (it said: $(printf '%s' "$out" | grep -v 'root privileges' | tr '\n' ' '))")"
    else
	t_fail "lintian: no error or warning" "$out"
    fi
else
    echo "SKIP: lintian is not installed: the package was not checked with lintian"
    t_skip "lintian"
fi

# postinst's commands, run in a scratch Postfix configuration; the samples.
if command -v postconf >/dev/null 2>&1 && [ -f /etc/postfix/master.cf ] && [ -f /etc/postfix/main.cf.proto ]; then
    C=$work/pfconf
    mkdir "$C"
    cp /etc/postfix/master.cf "$C/master.cf"
    cp /etc/postfix/main.cf.proto "$C/main.cf"
    postconf -c "$C" -e 'smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination, reject_rbl_client zen.example'
    msg=$(MAIL_CONFIG=$C sh "$ctl/postinst" configure 2>&1)
    cmds=$(printf '%s\n' "$msg" | sed -n 's/^    \(postconf -[Me] .*\)$/\1/p')
    if [ "$(printf '%s\n' "$cmds" | grep -c .)" = 2 ] && MAIL_CONFIG=$C sh -ec "$cmds" &&
       [ -n "$(postconf -c "$C" -M greylist/unix 2>/dev/null)" ] &&
       [ "$(postconf -c "$C" -h smtpd_recipient_restrictions)" = "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination, check_policy_service { unix:private/greylist, default_action=DUNNO }, reject_rbl_client zen.example" ] &&
       [ -z "$(postconf -c "$C" 2>&1 >/dev/null)" ]; then
	t_ok "postinst's commands enable greylistd, keep the restrictions, no postconf warning"
    else
	t_fail "postinst's commands enable greylistd" "$msg
--- then: $(postconf -c "$C" -M greylist/unix 2>&1; postconf -c "$C" -n smtpd_recipient_restrictions 2>&1; postconf -c "$C" 2>&1 >/dev/null)"
    fi
    msg=$(MAIL_CONFIG=$C sh "$ctl/postinst" configure 2>&1)
    if [ -z "$msg" ]; then t_ok "postinst is quiet once greylistd is enabled"
    else t_fail "postinst is quiet once greylistd is enabled" "$msg"; fi

    E=$work/samples
    mkdir "$E"
    cp /etc/postfix/master.cf "$E/master.cf"
    cp /etc/postfix/main.cf.proto "$E/main.cf"
    cat "$X/usr/share/doc/greylistd/examples/master.cf.sample" >> "$E/master.cf"
    cat "$X/usr/share/doc/greylistd/examples/main.cf.sample" >> "$E/main.cf"
    warn=$(postconf -c "$E" 2>&1 >/dev/null)
    if [ -z "$warn" ] && postconf -c "$E" -M greylist/unix | grep -q 'greylistd$' &&
       postconf -c "$E" -h smtpd_recipient_restrictions | grep -q 'unix:private/greylist, default_action=DUNNO'; then
	t_ok "master.cf.sample and main.cf.sample are valid Postfix settings"
    else
	t_fail "master.cf.sample and main.cf.sample are valid" "$warn"
    fi
    # The commented-out set-ups 2 and 3, switched on one at a time: in
    # section "# N." a setting is "#name..." (no blank after the "#"),
    # and "#<blanks>..." right after it continues it; the rest is prose.
    uncomment() {
	awk -v n="$1" '
	    /^# [0-9]\./ { s = substr($2, 1, 1); setting = 0; next }
	    s == n && /^#[a-z]/ { sub(/^#/, ""); print; setting = 1; next }
	    s == n && setting && /^#[ \t]+[^ \t]/ { sub(/^#/, ""); print; next }
	    { setting = 0 }' "$2"
    }
    for setup in 2 3; do
	cp /etc/postfix/master.cf "$E/master.cf"
	cp /etc/postfix/main.cf.proto "$E/main.cf"
	uncomment $setup conf/master.cf.sample >> "$E/master.cf"
	uncomment $setup conf/main.cf.sample >> "$E/main.cf"
	warn=$(postconf -c "$E" 2>&1 >/dev/null)
	if [ -z "$warn" ] && postconf -c "$E" -h smtpd_recipient_restrictions | grep -q 'check_policy_service'; then
	    t_ok "set-up $setup of the samples is valid: $(postconf -c "$E" -h smtpd_recipient_restrictions | grep -o 'check_policy_service.*')"
	else
	    t_fail "set-up $setup of the samples is valid" "$warn"
	fi
    done
else
    echo "SKIP: no Postfix (postconf, /etc/postfix/master.cf): postinst commands and samples not checked"
    t_skip "postinst commands and samples"
fi

# ------------------------------------------------------------ d) e2e

if [ ! -f tests/e2e/greylist.sh ]; then
    echo "SKIP: tests/e2e/greylist.sh does not exist: the packaged program was not run behind Postfix"
    t_skip "greylist.sh against the packaged program"
else
    echo "# tests/e2e/greylist.sh with GREYLISTD_BIN=$prog"
    GREYLISTD_BIN=$prog bash tests/e2e/greylist.sh > "$work/e2e.out" 2>&1
    status=$?
    sed 's/^/#   /' "$work/e2e.out"
    case $status in
    0)  t_ok "greylist.sh passes with the program from the .deb";;
    77) echo "SKIP: greylist.sh skipped (it needs root): the packaged program was not run behind Postfix"
	t_skip "greylist.sh against the packaged program";;
    *)  t_fail "greylist.sh with the program from the .deb (exit status $status)";;
    esac
fi

t_done
