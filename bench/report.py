#!/usr/bin/env python3
"""report.py POSTERN.jsonl SQWEBMAIL.jsonl [MACHINE.txt] - the comparison table.

Prints Markdown: per mailbox size, each row measured for both programs
with the ratio postern/SqWebMail of the median latency (below 1: postern
is faster), then postern's own rows (index, search, conversation), the
floor (wrk against two CGI programs that do nothing but write a page: C,
and bench/floor built as the request binary) and the targets of issue 7
with whether they were met.
"""
import json
import sys

ROWS = [
    ("login", "login POST"),
    ("folders", "folder list, warm"),
    ("list_cold", "message list page 1, first request after 1 new message"),
    ("list_warm", "message list page 1, warm"),
    ("list_p100", "message list page 100, warm"),
    ("list_last", "message list last page, warm"),
    ("read_plain", "open a text/plain message"),
    ("read_mime", "open a multipart/mixed message"),
    ("att_small", "download its attachment"),
    ("download_5mb", "download a ~5 MB attachment"),
]
OWN = [
    ("list_threads", "list by conversation, page 1"),
    ("search_word", "search one word, all folders"),
    ("search_from", "search from:, all folders"),
    ("complete_10k", "address completion, 10,000 contacts (target 20 ms)"),
    ("compose_10k", "compose page with its datalist, 10,000 contacts"),
    ("thread", "open a conversation"),
    ("download_50mb", "download a ~50 MB attachment"),
]


def load(path):
    out = {}
    try:
        for line in open(path):
            if line.strip():
                r = json.loads(line)
                out[(r["messages"], r["phase"])] = r
    except OSError:
        pass
    return out


def f(v, nd=1):
    if v is None:
        return "-"
    return ("%." + str(nd) + "f") % v if isinstance(v, float) else str(v)


def ratio(a, b):
    if a is None or b in (None, 0):
        return "-"
    return "%.2f" % (a / b)


def main():
    pst, sqw = load(sys.argv[1]), load(sys.argv[2])
    if len(sys.argv) > 3:
        print("```\n" + open(sys.argv[3]).read().rstrip() + "\n```\n")
    sizes = sorted({n for n, _ in pst if n})  # 0: the floor rows
    print("Latency: client side (Python http.client, keep-alive, sequential), milliseconds. "
          "postern CPU: Apache + its CGI children per request; SqWebMail CPU: the sqwebmaild "
          "request process + Apache and stub. RSS: peak of one postern process serving the "
          "request (run with the same CGI environment), of one sqwebmaild process.\n")
    for n in sizes:
        print("### %d messages\n" % n)
        print("| row | postern median | p95 | SqWebMail median | p95 | ratio | postern CPU ms | SqWebMail CPU ms | postern RSS KB | SqWebMail RSS KB |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for key, label in ROWS:
            p, s = pst.get((n, key)), sqw.get((n, key))
            if not p and not s:
                continue
            p, s = p or {}, s or {}
            scpu = None
            if s.get("sqwd_cpu_ms_median") is not None:
                scpu = s["sqwd_cpu_ms_median"] + (s.get("apache_cpu_ms_per_req") or 0)
            print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                label, f(p.get("lat_ms_median")), f(p.get("lat_ms_p95")),
                f(s.get("lat_ms_median")), f(s.get("lat_ms_p95")),
                ratio(p.get("lat_ms_median"), s.get("lat_ms_median")),
                f(p.get("cpu_ms_per_req")), f(scpu), f(p.get("postern_maxrss_kb")),
                f(s.get("sqwd_maxrss_kb_median"))))
        print()
        print("| wrk, warm list page 1 | postern req/s | p50 | p99 | SqWebMail req/s | p50 | p99 | ratio req/s |")
        print("|---|---|---|---|---|---|---|---|")
        for key in ("wrk_c1", "wrk_c8"):
            p, s = pst.get((n, key)) or {}, sqw.get((n, key)) or {}
            if not p and not s:
                continue
            print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                key.replace("wrk_c", "connections "), f(p.get("rps")), f(p.get("lat_ms_median"), 2),
                f(p.get("lat_ms_p99"), 2), f(s.get("rps")), f(s.get("lat_ms_median"), 2),
                f(s.get("lat_ms_p99"), 2), ratio(p.get("rps"), s.get("rps"))))
        print()
        print("| postern only | median | p95 | CPU ms | RSS KB | note |")
        print("|---|---|---|---|---|---|")
        for key, label in OWN:
            p = pst.get((n, key))
            if p:
                note = ""
                if key == "thread":
                    note = "%s messages" % p.get("thread_messages", "?")
                print("| %s | %s | %s | %s | %s | %s |" % (label, f(p.get("lat_ms_median")), f(p.get("lat_ms_p95")),
                                                       f(p.get("cpu_ms_per_req")), f(p.get("postern_maxrss_kb")), note))
        ib = pst.get((n, "index_build"))
        if ib:
            print("| `postern index` (whole Maildir) | %.1f s | | | %s | %s msgs/s wall, %s msgs/s CPU; index %.1f MB = %s%% of %.1f MB of mail |" % (
                ib["lat_ms_median"] / 1000, ib.get("maxrss_kb"), ib["msgs_per_s_wall"], ib["msgs_per_s_cpu"],
                ib["index_bytes"] / 1e6, ib["index_pct_of_mail"], ib["mail_bytes"] / 1e6))
        print()
    floor_rows = [(k, pst.get((0, k))) for k in ("floor_c_wrk_c1", "floor_c_wrk_c8", "floor_go_wrk_c1", "floor_go_wrk_c8")]
    if any(r for _, r in floor_rows):
        print("### The floor: wrk against two CGI programs that only write a 16 KB page, in the same Apache\n")
        print("C: a static C program. Go: bench/floor, built as the request binary is (make floor), not set-user-ID. "
              "What a request costs here before any of postern's work; the warm list rows above for comparison.\n")
        print("| program | connections | req/s | p50 ms | p99 ms | CPU ms per request |")
        print("|---|---|---|---|---|---|")
        for k, r in floor_rows:
            if r:
                print("| %s | %s | %s | %s | %s | %s |" % ("C" if "_c_" in k else "Go", k[-1], f(r.get("rps")),
                                                       f(r.get("lat_ms_median"), 2), f(r.get("lat_ms_p99"), 2), f(r.get("cpu_ms_per_req"), 2)))
        print()
    # Targets.
    print("### Targets of issue 7\n")
    def med(n, k):
        return (pst.get((n, k)) or {}).get("lat_ms_median")
    lines = []
    small = min(sizes) if sizes else None
    if small is not None:
        slower = [k for k, _ in ROWS if med(small, k) is not None and (sqw.get((small, k)) or {}).get("lat_ms_median") is not None
                  and med(small, k) > sqw[(small, k)]["lat_ms_median"]]
        lines.append("every row at least as fast as SqWebMail at %d: %s" % (small, "met" if not slower else "NOT met for " + ", ".join(slower)))
    big = max(sizes) if sizes else None
    if big is not None and small is not None and big != small:
        for k in ("list_warm", "list_p100", "list_last"):
            a, b = med(big, k), med(small, k) or med(small, "list_warm")
            if a is not None and b:
                lines.append("warm %s at %d: %.1f ms = %.2fx of %d (target <= 1.5x and < 10 ms): %s" % (
                    k, big, a, a / b, small, "met" if a / b <= 1.5 and a < 10 else "NOT met"))
    if big is not None:
        a = med(big, "list_cold")
        if a is not None:
            lines.append("first list after one new message at %d: %.1f ms (target < 100 ms): %s" % (big, a, "met" if a < 100 else "NOT met"))
        a = med(big, "search_word")
        if a is not None:
            lines.append("search one word at %d: %.1f ms (target < 150 ms): %s" % (big, a, "met" if a < 150 else "NOT met"))
        ib = pst.get((big, "index_build"))
        if ib:
            lines.append("indexing: %s msgs/s of CPU (target >= 1000): %s; index %s%% of the mail (target <= 40%%): %s" % (
                ib["msgs_per_s_cpu"], "met" if ib["msgs_per_s_cpu"] >= 1000 else "NOT met", ib["index_pct_of_mail"],
                "met" if ib["index_pct_of_mail"] <= 40 else "NOT met"))
        p8, s8 = pst.get((big, "wrk_c8")), sqw.get((big, "wrk_c8"))
        if p8 and s8:
            lines.append("wrk 8 connections at %d: %.1f req/s = %.2fx SqWebMail (target >= 2x), p99 %s ms (target < 100): %s" % (
                big, p8["rps"], p8["rps"] / s8["rps"], p8.get("lat_ms_p99"),
                "met" if p8["rps"] >= 2 * s8["rps"] and (p8.get("lat_ms_p99") or 1e9) < 100 else "NOT met"))
        rss = [(pst.get((big, k)) or {}).get("postern_maxrss_kb") for k in ("list_warm", "download_5mb", "download_50mb", "search_word")]
        rss = [r for r in rss if r]
        if rss:
            lines.append("peak RSS of one request at %d: %d KB max (target < 40 MB, same for 5 and 50 MB downloads): %s" % (
                big, max(rss), "met" if max(rss) < 40 * 1024 else "NOT met"))
    for l in lines:
        print("- " + l)


if __name__ == "__main__":
    main()
