#!/bin/sh
# run.sh - make bench: postern and Debian's SqWebMail on the same generated
# Maildirs, measured over HTTP in the same run, with the ratio per row.
#
# As root. SIZES (default "1000 10000 100000") picks the mailboxes; 100,000
# takes long, run it in the background. SKIP_SQW=1 measures postern only.
# Results: bench/results/<RUN>.md (and the raw .jsonl of both programs).
# The SqWebMail side is ../shared/bench/sqwebmail/bench.sh, called as is
# (it stands SqWebMail up with setup.sh when it is not answering).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
SHARED=${SHARED:-$ROOT/../shared/bench}
SIZES=${SIZES:-"1000 10000 100000"}
RUN=${RUN:-postern-$(date +%Y%m%d-%H%M%S)}
OUT="$HERE/results"
[ "$(id -u)" = 0 ] || { echo "bench: must run as root" >&2; exit 1; }
mkdir -p "$OUT"
log() { printf '[%s] bench: %s\n' "$(date +%H:%M:%S)" "$*"; }

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
