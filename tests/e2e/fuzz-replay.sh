#!/bin/bash
# fuzz-replay.sh -- the libFuzzer targets of tests/fuzz, as part of the suite.
#
#   1. tests/fuzz/run-fuzz builds fuzz_request and fuzz_config with clang
#      (-fsanitize=fuzzer,address,undefined).
#   2. Each target runs for GREYLIST_FUZZ_SECONDS seconds (default 20; the
#      targets run in parallel), starting from the committed seed corpus
#      and the regression inputs tests/fuzz/regress-*/, so that every input
#      that ever crashed is tried again (FUZZ_KEEP_CORPUS=0: the working
#      corpus of "make fuzz" is neither read nor added to).
#      GREYLIST_FUZZ_SECONDS=0 only replays those inputs once.
#   3. A crash, leak, timeout, sanitizer report or broken invariant fails
#      the target; the input is kept in tests/fuzz/build/crashes-<target>/.
#
# Needs no root. clang with libFuzzer comes from the Debian packages clang
# and libclang-rt-14-dev (or the libclang-rt-dev of the installed clang);
# without them this is a loud SKIP (exit 77).
# Ends with "e2e-fuzz-replay: N passed, N failed, N skipped".
set -u
# shellcheck source-path=SCRIPTDIR source=pflib.sh
. "$(dirname "$0")/pflib.sh"

top=${GREYLIST_TOPDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
seconds=${GREYLIST_FUZZ_SECONDS:-20}

# ---------------------------------------------------------------- clang?

cc=${FUZZ_CC:-clang}
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "SKIP: $PF_TEST_NAME: $cc not found: install the Debian packages clang and libclang-rt-14-dev"
    exit 77
fi
probe=$(mktemp -d /tmp/greylistd-fuzzprobe.XXXXXX) || exit 1
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' > "$probe/p.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined -o "$probe/p" "$probe/p.c" >"$probe/err" 2>&1; then
    echo "SKIP: $PF_TEST_NAME: $cc cannot build a libFuzzer target (install the Debian package libclang-rt-14-dev, or the libclang-rt-dev of this clang):"
    sed 's/^/    /' "$probe/err" | head -5
    exit 77
fi

# ---------------------------------------------------------------- run

# A throwaway working corpus: every run takes the same time.
out=$(FUZZ_SECONDS=$seconds FUZZ_CC=$cc FUZZ_KEEP_CORPUS=0 sh tests/fuzz/run-fuzz 2>&1)
status=$?
printf '%s\n' "$out" | grep -v '^fuzz_[a-z]*: ' | sed 's/^/    /'

for t in request config; do
    line=$(printf '%s\n' "$out" | grep "^fuzz_$t: " | head -1)
    case $line in
    "fuzz_$t: ok:"*)
	t_ok "fuzz_$t: ${line#"fuzz_$t: ok: "}";;
    "")
	t_fail "fuzz_$t ($seconds s)" "no result from run-fuzz (exit status $status)";;
    *)
	t_fail "fuzz_$t ($seconds s)" "$(printf '%s\n' "$out" | grep "^fuzz_$t: ")";;
    esac
done
if [ $status -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^fuzz_[a-z]*: FAILED'; then
    t_fail "run-fuzz exit status" "$status"
fi
t_done
