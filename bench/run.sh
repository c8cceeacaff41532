#!/bin/sh
# run.sh - make bench: postern and Debian's SqWebMail on the same generated
# Maildirs, measured over HTTP in the same run, with the ratio per row.
#
#   sh bench/run.sh           prepare, then measure (as root)
#   sh bench/run.sh prepare   only install what the bench uses, and check it
#   sh bench/run.sh check     only check that every tool is there (any user)
#
# As root. SIZES (default "1000 10000 100000") picks the mailboxes; 100,000
# takes long, run it in the background. SKIP_SQW=1 measures postern only.
# Results: bench/results/<RUN>.md (and the raw .jsonl of both programs).
# The SqWebMail side is ../shared/bench/sqwebmail/bench.sh, called as is
# (it stands SqWebMail up with setup.sh when it is not answering).
#
# Before it measures anything, the run installs every Debian package that
# either side uses (build/apt-deps.sh), and stops if a tool is still
# missing: a missing wrk once left postern's throughput rows empty while
# the SqWebMail side installed it later in the same run.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
SHARED=${SHARED:-$ROOT/../shared/bench}
# apache2, useradd and the SqWebMail daemon are in the sbin directories.
PATH=$PATH:/usr/sbin:/sbin

# What the postern side (bench.py) uses: the build (Go is checked, not
# installed: Debian's is too old, see INSTALL), a private Apache, users,
# /usr/bin/time, setpriv and wrk.
POSTERN_PKGS="make gcc libpam0g-dev libcrypt-dev apache2 wrk time util-linux passwd python3"
POSTERN_TOOLS="go gcc make python3 apache2 wrk time setpriv useradd userdel chpasswd"
# What ../shared/bench/sqwebmail (setup.sh, bench.sh, bench.py) uses: the
# package list of its setup.sh, installed here before anything is measured.
SQW_PKGS="apache2 sqwebmail courier-authdaemon courier-authlib maildrop ispell iamerican curl python3 wrk hyperfine w3m sysstat procps"
SQW_TOOLS="curl python3 wrk setsid webmaild"

# words prints its arguments once each, in order.
words() {
    w=""
    for a; do case " $w " in *" $a "*) ;; *) w="${w:+$w }$a" ;; esac; done
    echo "$w"
}
# shellcheck disable=SC2086 # one word per name
packages() { if [ "${SKIP_SQW:-0}" = 1 ]; then words $POSTERN_PKGS; else words $POSTERN_PKGS $SQW_PKGS; fi; }
# shellcheck disable=SC2086
tools() { if [ "${SKIP_SQW:-0}" = 1 ]; then words $POSTERN_TOOLS; else words $POSTERN_TOOLS $SQW_TOOLS; fi; }

# check_tools fails, naming them, when tools of the run are missing.
check_tools() {
    missing=""
    for t in $(tools); do
        # A path: a shell's keyword or builtin (bash's time) is not the tool.
        case $(command -v "$t" 2>/dev/null) in /*) ;; *) missing="$missing $t" ;; esac
    done
    if [ -n "$missing" ]; then
        echo "bench: missing tools:$missing; as root, sh bench/run.sh prepare installs them (Go: see INSTALL, section 1)" >&2
        return 1
    fi
}

case ${1:-} in
check) check_tools; echo "bench: every tool is there: $(tools)"; exit 0 ;;
prepare | "") ;;
*) echo "usage: sh bench/run.sh [prepare | check]" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "bench: must run as root" >&2; exit 1; }
log() { printf '[%s] bench: %s\n' "$(date +%H:%M:%S)" "$*"; }

log "preparing: $(packages)"
# shellcheck disable=SC2046 # one word per package
sh "$ROOT/build/apt-deps.sh" $(packages)
check_tools
log "every tool is there: $(tools)"
[ "${1:-}" = prepare ] && exit 0

SIZES=${SIZES:-"1000 10000 100000"}
RUN=${RUN:-postern-$(date +%Y%m%d-%H%M%S)}
OUT="$HERE/results"
mkdir -p "$OUT"

{
    echo "run: $RUN"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "kernel: $(uname -r)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
    echo "mem: $(awk '/MemTotal/ {print int($2/1024) " MiB"}' /proc/meminfo)"
    echo "loadavg-before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "postern: $(cd "$ROOT" && git describe --tags --always --dirty 2>/dev/null || echo dev)"
    echo "go: $(go env GOVERSION)"
    echo "sizes: $SIZES"
    echo "buildmode: ${BUILDMODE:-pie}"
} > "$OUT/$RUN.machine.txt"

log "postern, sizes $SIZES"
python3 "$HERE/bench.py" --sizes "$SIZES" --gen "$SHARED/genmaildir.py" --out "$OUT/$RUN.postern.jsonl"

# The SqWebMail side starts an Apache instance, sqwebmaild and
# courier-authdaemon when they are not running; stop, when the run ends,
# those that this run started (by their pid files), and nothing else.
SQW_PIDFILES="/run/apache2-sqwebmail/apache2.pid /run/courier/sqwebmaild.pid /run/courier/authdaemon/pid"
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
started=""
# Request processes that sqwebmaild forked (a wrk run leaves some working
# on the 100,000-message folder after the client gave up) run as the
# sqbench* users: stop those that appeared during this run.
sqw_pids() {
    uids=" $(for u in sqbench sqbench1k sqbench10k sqbench100k; do id -u "$u" 2>/dev/null; done | tr '\n' ' ') "
    ps -e -o pid= -o uid= | while read -r p u; do
        case $uids in *" $u "*) echo "$p" ;; esac
    done
}
stop_started() {
    for p in $(sqw_pids); do
        case " $before_pids " in *" $p "*) ;; *) kill "$p" 2>/dev/null && log "stopped SqWebMail request process $p" ;; esac
    done
    for f in $started; do
        if alive "$f"; then
            log "stopping what this run started: $f"
            case $f in
            */sqwebmaild.pid) /etc/init.d/sqwebmail stop >/dev/null 2>&1 || kill "$(cat "$f")" ;;
            */authdaemon/pid) /etc/init.d/courier-authdaemon stop >/dev/null 2>&1 || kill "$(cat "$f")" ;;
            *) kill "$(cat "$f")" ;;
            esac
        fi
    done
}

SQW_JSONL="$OUT/$RUN.sqwebmail.jsonl"
if [ "${SKIP_SQW:-0}" != 1 ]; then
    before=""
    for f in $SQW_PIDFILES; do alive "$f" && before="$before $f"; done
    before_pids=$(sqw_pids | tr '\n' ' ')
    trap 'for f in $SQW_PIDFILES; do case " $before " in *" $f "*) ;; *) started="$started $f" ;; esac; done; stop_started' EXIT
    log "SqWebMail, sizes $SIZES (../shared/bench/sqwebmail/bench.sh)"
    SIZES="$SIZES" RUN="$RUN" sh "$SHARED/sqwebmail/bench.sh"
    cp "$SHARED/sqwebmail/results/$RUN.jsonl" "$SQW_JSONL"
    cp "$SHARED/sqwebmail/results/$RUN.md" "$OUT/$RUN.sqwebmail.md" 2>/dev/null || true
fi
echo "loadavg-after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/$RUN.machine.txt"
python3 "$HERE/report.py" "$OUT/$RUN.postern.jsonl" "$SQW_JSONL" "$OUT/$RUN.machine.txt" > "$OUT/$RUN.md"
cat "$OUT/$RUN.md"
log "done: $OUT/$RUN.md"
