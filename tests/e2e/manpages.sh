#!/bin/bash
# manpages.sh -- the manual pages: generated from source, lint-clean, and in
# step with the code.
#
#   1. "make man" writes man/man8/greylistd.8 (from greylistd/greylistd.c)
#      and man/man5/greylistd.cf.5 (from conf/greylistd.cf.man.src) with
#      mantools/srctoman; the .TH footer names "greylistd <version>" and the
#      release date from global/mail_version.h.
#   2. Both pages, and the pages of the mantools scripts, pass
#      "groff -man -ww -z" and "mandoc -Tlint" without a single message.
#   3. Every parameter of the tables in greylistd/greylistd.c (VAR_/DEF_
#      pairs) appears with its default in greylistd(8) ("name (default)"),
#      in greylistd.cf(5) ("name (default: value)") and, commented out, in
#      the sample conf/greylistd.cf ("#name = value"); and those three name
#      no greylist_* parameter that the code does not have.
#   4. srctoman fails cleanly on a file without a manual header.
#
# Needs no root. groff (groff-base) and mandoc are Debian packages that
# "make test" installs; a missing one is a loud SKIP of its checks.
# Ends with "e2e-manpages: N passed, N failed, N skipped".
set -u
# shellcheck source-path=SCRIPTDIR source=pflib.sh
. "$(dirname "$0")/pflib.sh"

top=${GREYLIST_TOPDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
work=$(mktemp -d /tmp/greylistd-man.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT

version=$(sed -n 's/^#define[ 	]*DEF_MAIL_VERSION[ 	]*"\(.*\)".*/\1/p' global/mail_version.h)
vdate=$(sed -n 's/^#define[ 	]*MAIL_VERSION_DATE[ 	]*"\([0-9]\{4\}\)\([0-9][0-9]\)\([0-9][0-9]\)".*/\1-\2-\3/p' global/mail_version.h)
pages="man/man8/greylistd.8 man/man5/greylistd.cf.5"

# ---------------------------------------------------------------- 1. make man

if out=$(make -s --no-print-directory man 2>&1); then
    t_ok "make man"
else
    t_fail "make man" "$out"
    t_done
fi
for p in $pages; do
    if [ -s "$p" ]; then t_ok "$p written"; else t_fail "$p written"; fi
done
th8=$(grep '^\.TH' man/man8/greylistd.8)
th5=$(grep '^\.TH' man/man5/greylistd.cf.5)
if [ "$th8" = ".TH GREYLISTD 8 $vdate \"greylistd $version\"" ] &&
   [ "$th5" = ".TH GREYLISTD.CF 5 $vdate \"greylistd $version\"" ]; then
    t_ok "footer names greylistd $version ($vdate): $th8"
else
    t_fail "footer names greylistd $version ($vdate)" "$th8
$th5"
fi
if grep -qx 'greylistd \\- Postfix greylisting policy server' man/man8/greylistd.8 &&
   grep -qx 'greylistd.cf \\- greylistd configuration parameters' man/man5/greylistd.cf.5; then
    t_ok "NAME sections from NAME + SUMMARY"
else
    t_fail "NAME sections from NAME + SUMMARY" "$(grep -A1 '^\.SH NAME' $pages)"
fi
# The page is regenerated, not stale: srctoman gives the same text now.
if sh mantools/srctoman greylistd/greylistd.c | cmp -s - man/man8/greylistd.8 &&
   sh mantools/srctoman conf/greylistd.cf.man.src | cmp -s - man/man5/greylistd.cf.5; then
    t_ok "pages are up to date with their sources"
else
    t_fail "pages are up to date with their sources"
fi

# ---------------------------------------------------------------- 2. lint

lint_pages="$pages"
for s in mantools/srctoman mantools/greylistd-install mantools/makedeb; do
    n=$work/$(basename "$s").1
    if sh mantools/srctoman "$s" > "$n" 2>"$work/err"; then
	lint_pages="$lint_pages $n"
    else
	t_fail "srctoman $s" "$(cat "$work/err")"
    fi
done
if command -v groff >/dev/null 2>&1; then
    for p in $lint_pages; do
	if out=$(groff -man -ww -z "$p" 2>&1) && [ -z "$out" ]; then
	    t_ok "groff -man -ww -z $(basename "$p"): no warnings"
	else
	    t_fail "groff -man -ww -z $(basename "$p")" "$out"
	fi
    done
else
    echo "SKIP: groff is not installed (Debian package groff-base): pages not checked with groff"
    t_skip "groff -man -ww -z"
fi
if command -v mandoc >/dev/null 2>&1; then
    for p in $lint_pages; do
	if out=$(mandoc -Tlint "$p" 2>&1) && [ -z "$out" ]; then
	    t_ok "mandoc -Tlint $(basename "$p"): clean"
	else
	    t_fail "mandoc -Tlint $(basename "$p")" "$out"
	fi
    done
else
    echo "SKIP: mandoc is not installed (Debian package mandoc): pages not checked with mandoc -Tlint"
    t_skip "mandoc -Tlint"
fi

# ---------------------------------------------------------------- 3. drift

# name<TAB>default for each parameter of the tables in greylistd.c; booleans
# (CONFIG_BOOL_TABLE rows) as yes/no.
awk '
    /^#define[ \t]+VAR_/ { n = $2; sub(/^VAR_/, "", n); v = $3; gsub(/"/, "", v); name[n] = v; order[++count] = n }
    /^#define[ \t]+DEF_/ { n = $2; sub(/^DEF_/, "", n); v = $0
			   sub(/^#define[ \t]+[A-Z0-9_]+[ \t]+/, "", v); gsub(/^"|"$/, "", v); def[n] = v }
    /CONFIG_BOOL_TABLE/ { inbool = 1 }
    inbool && /\{VAR_/ { b = $0; sub(/.*\{VAR_/, "", b); sub(/,.*/, "", b); isbool[b] = 1 }
    inbool && /\{0\}/ { inbool = 0 }
    END {
	for (i = 1; i <= count; i++) {
	    n = order[i]
	    if (name[n] !~ /^greylist_/) continue
	    d = def[n]
	    if (isbool[n]) d = (d == "0" ? "no" : "yes")
	    print name[n] "\t" d
	}
    }
' greylistd/greylistd.c > "$work/params"
nparams=$(wc -l < "$work/params")
if [ "$nparams" -ge 17 ]; then
    t_ok "greylistd.c defines $nparams greylist_* parameters"
else
    t_fail "greylistd.c parameters found" "$(cat "$work/params")"
fi

missing8="" missing5="" missingcf=""
while IFS=$'\t' read -r name def; do
    grep -qF "\\fB$name ($def)\\fR" greylistd/greylistd.c || missing8="$missing8
$name ($def)"
    grep -qF "\\fB$name\\fR (default: $def)" conf/greylistd.cf.man.src || missing5="$missing5
$name (default: $def)"
    grep -qxF "#$name = $def" conf/greylistd.cf || missingcf="$missingcf
#$name = $def"
done < "$work/params"
if [ -z "$missing8" ]; then t_ok "greylistd(8) lists every parameter with its default"
else t_fail "greylistd(8) lists every parameter with its default" "missing:$missing8"; fi
if [ -z "$missing5" ]; then t_ok "greylistd.cf(5) documents every parameter with its default"
else t_fail "greylistd.cf(5) documents every parameter with its default" "missing:$missing5"; fi
if [ -z "$missingcf" ]; then t_ok "sample greylistd.cf shows every parameter with its default"
else t_fail "sample greylistd.cf shows every parameter with its default" "missing:$missingcf"; fi

# No stale names: what the documents call a parameter must exist.
known=$(cut -f1 "$work/params")
stale=
for n in $( (grep -o '^#greylist_[a-z0-9_]* =' conf/greylistd.cf | sed 's/^#//; s/ =$//'
	     grep -o '^/\* \.IP "\\fBgreylist_[a-z0-9_]*' conf/greylistd.cf.man.src | sed 's/.*fB//'
	     grep -o '\\fBgreylist_[a-z0-9_]* (' greylistd/greylistd.c | sed 's/\\fB//; s/ ($//') | sort -u); do
    printf '%s\n' "$known" | grep -qx "$n" || stale="$stale $n"
done
if [ -z "$stale" ]; then t_ok "no documented parameter that the code does not have"
else t_fail "no documented parameter that the code does not have" "unknown:$stale"; fi

# ---------------------------------------------------------------- 4. errors

printf 'int main(void) { return 0; }\n' > "$work/plain.c"
if out=$(sh mantools/srctoman "$work/plain.c" 2>&1 >/dev/null); then
    t_fail "srctoman refuses a file without a manual header" "exit status 0"
else
    case $out in
    *"no manual page header"*) t_ok "srctoman refuses a file without a manual header: $out";;
    *) t_fail "srctoman refuses a file without a manual header" "$out";;
    esac
fi

t_done
