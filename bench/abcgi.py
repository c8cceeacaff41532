#!/usr/bin/env python3
"""abcgi.py - A/B per-request cost of postern builds, run as a CGI directly.

  python3 bench/abcgi.py --variant A=/path/to/tree --variant B=/other/tree [--rounds 40]

As root. Each variant is a source tree (a worktree or a checkout of a
commit); it is built with its own Makefile (`make postern`, so with the
build flags that tree ships; and `make postern-login` when the tree has
the login helper, installed mode 0700 next to the program, its
LIBEXECDIR) for a configuration under a private
directory, installed there setuid root (mode 4755), and run as www-data,
as a web server would, with a CGI environment and no web server around
it. A Unix user ptlean<hex> gets a Maildir of --messages messages
(genmaildir.py, seed 42, as make bench), indexed ahead of time by the
first variant's `postern index`; a PAM service file of its own
(/etc/pam.d/ptlean-<hex>, the same stack as dist/pam.d/postern) is
removed at the end, as are the user and the directory.

The rows: the anonymous login page (GET /), a warm message list (GET
/list?f=INBOX, page size 10), the folder list (GET /folders), a
text/plain message (GET /msg) and a
login (POST /login). Within each round every row runs every variant
once, in an order that alternates from round to round, so that the
machine's load falls on both alike. Each run goes through cgirun, a
small C program built at the start (gcc), which forks, becomes the web
user and execs the variant, and reports the child's own rusage from
wait4(2): user+system CPU, minor page faults, context switches. Minor
faults and the strace counts hardly depend on the machine's load; CPU
does, hence the interleaving and the medians, printed per row and
variant with the ratio to the first variant. --env LABEL:VAR=value sets
a variable for one variant's runs (for a build whose privdrop/rtenv
lets it through: how a runtime setting was measured).

Profiles: perf cannot follow into a set-user-ID exec, so profile a copy
without the bit, run as root (the same path: root room, Landlock as
root, drop), e.g. `perf record -e page-faults -c 1 -g` for every fault
with its call chain. For the package inits, link with -ldflags
'-X runtime.godebugDefault=inittrace=1': rtenv removes GODEBUG from the
environment, not the default compiled in.

--strace adds one run of each row and variant under `strace -f -c`
(as www-data through strace -u, so the set-user-ID bit applies): the
number of system calls, clone(2)s, mmap(2)s and the rest, which do not
depend on load. --json writes every run as a JSON line.

Python 3 standard library only.
"""
import argparse
import json
import os
import pwd
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WEB_USER = "www-data"


def log(*a):
    print("[%s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


class Variant:
    def __init__(self, label, tree, tmp):
        self.label, self.tree = label, os.path.abspath(tree)
        self.dir = os.path.join(tmp, "bin-" + label)
        self.binary = os.path.join(self.dir, "postern")

    def build(self, sysconfdir, make_args):
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o755)
        # A tree with the login helper (login/) builds it too, for
        # LIBEXECDIR = this variant's directory, where it goes mode 0700.
        helper = os.path.isdir(os.path.join(self.tree, "login"))
        targets = ["postern"] + (["postern-login", "LIBEXECDIR=" + self.dir] if helper else [])
        out = subprocess.run(["make", "-s", "-C", self.tree] + targets + ["SYSCONFDIR=" + sysconfdir] + make_args,
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit("abcgi: make in %s failed:\n%s%s" % (self.tree, out.stdout, out.stderr))
        if helper:
            login = os.path.join(self.dir, "postern-login")
            shutil.copy(os.path.join(self.tree, "postern-login"), login)
            os.chown(login, 0, 0)
            os.chmod(login, 0o700)
        shutil.copy(os.path.join(self.tree, "postern"), self.binary)
        os.chown(self.binary, 0, 0)
        os.chmod(self.binary, 0o4755)
        drop_cache(self.binary)
        self.size = os.path.getsize(self.binary)
        log("built %s from %s: %d bytes" % (self.label, self.tree, self.size))


def drop_cache(path):
    """Writes path out and drops it from the page cache, as make install
    does (build/hugefile.sh): the first run then reads the program from
    disk, in 2 MB pages where the program asks for them."""
    subprocess.run(["sh", os.path.join(ROOT, "build", "hugefile.sh"), path], check=True)


def cgi_env(method, path, port=80, cookie="", clen=None):
    p, _, q = path.partition("?")
    env = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "PATH_INFO": p,
           "QUERY_STRING": q, "SCRIPT_NAME": "/cgi-bin/postern", "SERVER_NAME": "127.0.0.1",
           "SERVER_PORT": str(port), "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_SOFTWARE": "abcgi",
           "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000", "HTTP_HOST": "127.0.0.1",
           "HTTP_SEC_FETCH_SITE": "same-origin", "PATH": "/usr/bin:/bin"}
    if cookie:
        env["HTTP_COOKIE"] = "postern=" + cookie
    if clen is not None:
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = str(clen)
        env["HTTP_ORIGIN"] = "http://127.0.0.1"
    return env


# cgirun forks, becomes the web user, execs the program and prints the
# child's rusage from wait4(2). It is C, not a fork of this Python
# process: the child of a fork pays for tearing down the parent's copied
# address space at execve, which made /bin/true cost 10 ms of CPU here
# instead of 3.5.
CGIRUN_C = r"""
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv) {
	if (argc < 6) { fprintf(stderr, "usage: cgirun uid gid in out prog\n"); return 2; }
	uid_t uid = atoi(argv[1]); gid_t gid = atoi(argv[2]);
	pid_t pid = fork();
	if (pid < 0) return 1;
	if (pid == 0) {
		int in = open(argv[3], O_RDONLY), out = open(argv[4], O_WRONLY|O_CREAT|O_TRUNC, 0600);
		int null = open("/dev/null", O_WRONLY);
		if (in < 0 || out < 0 || null < 0) _exit(125);
		dup2(in, 0); dup2(out, 1); dup2(null, 2);
		closefrom(3);
		if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) _exit(126);
		execve(argv[5], argv + 5, environ);
		_exit(127);
	}
	int st; struct rusage ru;
	if (wait4(pid, &st, 0, &ru) < 0) return 1;
	printf("%d %ld %ld %ld %ld %ld %ld %ld\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
	       ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec, ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec,
	       ru.ru_minflt, ru.ru_majflt, ru.ru_nvcsw, ru.ru_nivcsw, ru.ru_maxrss);
	return 0;
}
"""


class Rusage:
    def __init__(self, line):
        f = [int(x) for x in line.split()]
        self.code = f[0]
        self.ru_utime, self.ru_stime = f[1] / 1e6, f[2] / 1e6
        self.ru_minflt, self.ru_majflt, self.ru_nvcsw, self.ru_nivcsw, self.ru_maxrss = f[3:8]


def build_cgirun(tmp):
    src = os.path.join(tmp, "cgirun.c")
    with open(src, "w") as f:
        f.write(CGIRUN_C)
    exe = os.path.join(tmp, "cgirun")
    subprocess.run(["gcc", "-O2", "-o", exe, src], check=True)
    return exe


def run_once(binary, env, body, outpath, web, cgirun, tmp):
    """Runs binary as the web user through cgirun; returns (status, rusage, wall, output head)."""
    inpath = os.path.join(tmp, "in")
    with open(inpath, "wb") as f:
        f.write(body)
    t = time.perf_counter()
    out = subprocess.run([cgirun, str(web.pw_uid), str(web.pw_gid), inpath, outpath, binary],
                         env=env, capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - t
    ru = Rusage(out)
    with open(outpath, "rb") as f:
        head = f.read(200000)
    return ru.code, ru, wall, head


def cookie_of(head):
    m = re.search(rb"(?im)^Set-Cookie: postern=([^;\r\n]+)", head)
    return m.group(1).decode() if m else ""


class Setup:
    def __init__(self, a, tmp):
        self.a, self.tmp = a, tmp
        self.tag = secrets.token_hex(3)
        self.user = "ptlean" + self.tag
        self.service = "ptlean-" + self.tag
        self.password = "Pw-" + secrets.token_hex(8)
        self.etc = os.path.join(tmp, "etc")
        self.pamfile = "/etc/pam.d/" + self.service
        self.made_user = False

    def config(self):
        d = os.path.join(self.etc, "postern")
        os.makedirs(d)
        for p in (self.tmp, self.etc, d):
            os.chmod(p, 0o755)
        with open(os.path.join(d, "postern.conf"), "w") as f:
            f.write("auth = pam\npam_service = %s\nmin_uid = 1000\nweb_user = %s\nrequire_https = no\n"
                    "guard_dir = %s\npage_size = 10\nlockout_user = 1000000\nlockout_ip = 1000000\n"
                    % (self.service, WEB_USER, os.path.join(self.tmp, "guard")))
        shutil.copy(os.path.join(ROOT, "dist", "pam.d", "postern"), self.pamfile)

    def mailbox(self, indexer):
        subprocess.run(["useradd", "-m", "-s", "/bin/sh", "-c", "postern abcgi", self.user], check=True)
        self.made_user = True
        subprocess.run(["chpasswd"], input="%s:%s\n" % (self.user, self.password), text=True, check=True)
        pw = pwd.getpwnam(self.user)
        self.uid, self.gid, self.home = pw.pw_uid, pw.pw_gid, pw.pw_dir
        os.chmod(self.home, 0o700)
        self.maildir = os.path.join(self.home, "Maildir")
        subprocess.run([sys.executable, self.a.gen, "--maildir", self.maildir, "--count", str(self.a.messages),
                        "--seed", "42"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["chown", "-R", "%d:%d" % (self.uid, self.gid), self.maildir], check=True)
        subprocess.run(["chmod", "-R", "go-rwx", self.maildir], check=True)
        subprocess.run(["setpriv", "--reuid", str(self.uid), "--regid", str(self.gid), "--init-groups",
                        indexer, "index"], check=True, stdout=subprocess.DEVNULL)
        # A text/plain message of a few KB, seen, as make bench picks it.
        self.plain = None
        cur = os.path.join(self.maildir, "cur")
        for name in sorted(os.listdir(cur)):
            path = os.path.join(cur, name)
            head = open(path, "rb").read(4096)
            ct = re.search(rb"(?im)^Content-Type:\s*([\w/+-]+)", head)
            if "S" in name.split(":2,")[-1] and ct and ct.group(1).lower() == b"text/plain" \
                    and 2000 < os.path.getsize(path) < 20000:
                self.plain = name.split(":")[0]
                break

    def cleanup(self):
        if self.made_user:
            subprocess.run(["userdel", "-r", self.user], capture_output=True)
        if os.path.exists(self.pamfile):
            os.remove(self.pamfile)


def rows(s, cookie):
    body = urllib.parse.urlencode({"user": s.user, "pass": s.password}).encode()
    out = [
        ("anon", "GET", "/", b"", "", b'id="login"'),
        ("list", "GET", "/list?f=INBOX", b"", cookie, b'id="messages"'),
        ("folders", "GET", "/folders", b"", cookie, b'id="folders"'),
    ]
    if s.plain:
        out.append(("msg", "GET", "/msg?f=INBOX&id=" + s.plain, b"", cookie, b'id="msg-subject"'))
    out.append(("login", "POST", "/login", body, "", b"Status: 303"))
    return out


def strace_counts(binary, env, body, tmp):
    """System calls of one run under strace -f -c as the web user."""
    out = os.path.join(tmp, "strace.out")
    envfile = ["%s=%s" % kv for kv in env.items()]
    cmd = ["strace", "-f", "-c", "-o", out, "-u", WEB_USER]
    for kv in envfile:
        cmd += ["-E", kv]
    cmd += [binary]
    subprocess.run(cmd, input=body, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={})
    counts = {}
    for line in open(out):
        f = line.split()
        if len(f) >= 5 and f[0][0].isdigit() and not line.startswith("100.00"):
            name = f[-1]
            calls = int(f[3])
            counts[name] = calls
        elif line.strip().startswith("100.00"):
            counts["total"] = int(f[3])
    return counts


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--variant", action="append", required=True, help="LABEL=TREE (a source tree with a Makefile)")
    p.add_argument("--make-arg", action="append", default=[], help="LABEL:VAR=value, a make variable for one variant")
    p.add_argument("--env", action="append", default=[],
                   help="LABEL:VAR=value, an environment variable for one variant's runs (a build whose "
                        "privdrop/rtenv lets it through, to measure a runtime setting)")
    p.add_argument("--rounds", type=int, default=40)
    p.add_argument("--messages", type=int, default=1000)
    p.add_argument("--gen", default=os.path.join(ROOT, "..", "shared", "bench", "genmaildir.py"))
    p.add_argument("--rows", default="anon,list,msg,login")
    p.add_argument("--strace", action="store_true")
    p.add_argument("--json", help="write every run to this file, one JSON line each")
    p.add_argument("--keep", action="store_true", help="keep the directory and the user, and print them")
    a = p.parse_args()
    if os.getuid() != 0:
        sys.exit("abcgi: must run as root (the program is installed setuid root)")
    tmp = tempfile.mkdtemp(prefix="postern-abcgi-")
    s = Setup(a, tmp)
    web = pwd.getpwnam(WEB_USER)
    try:
        s.config()
        cgirun = build_cgirun(tmp)
        variants = []
        for v in a.variant:
            label, _, tree = v.partition("=")
            var = Variant(label, tree, tmp)
            margs = [m.split(":", 1)[1] for m in a.make_arg if m.split(":", 1)[0] == label]
            var.build(s.etc, margs)
            var.env = dict(e.split(":", 1)[1].split("=", 1) for e in a.env if e.split(":", 1)[0] == label)
            variants.append(var)
        s.mailbox(variants[0].binary)
        outp = os.path.join(tmp, "out")
        # One login for the cookie of the warm rows, then one warm-up of each.
        body = urllib.parse.urlencode({"user": s.user, "pass": s.password}).encode()
        code, _, _, head = run_once(variants[0].binary, cgi_env("POST", "/login", clen=len(body)), body, outp, web, cgirun, tmp)
        cookie = cookie_of(head)
        if not cookie:
            sys.exit("abcgi: login failed (exit %d): %r" % (code, head[:300]))
        want = a.rows.split(",")
        todo = [r for r in rows(s, cookie) if r[0] in want]
        for v in variants:
            for name, method, path, body, ck, check in todo:
                env = cgi_env(method, path, cookie=ck, clen=len(body) if body else None)
                code, _, _, head = run_once(v.binary, dict(env, **v.env), body, outp, web, cgirun, tmp)
                if code != 0 or check not in head:
                    sys.exit("abcgi: %s %s: exit %d: %r" % (v.label, name, code, head[:400]))
        data = {}
        jf = open(a.json, "w") if a.json else None
        for rnd in range(a.rounds):
            order = variants if rnd % 2 == 0 else variants[::-1]
            for name, method, path, body, ck, check in todo:
                env = cgi_env(method, path, cookie=ck, clen=len(body) if body else None)
                for v in order:
                    code, ru, wall, head = run_once(v.binary, dict(env, **v.env), body, outp, web, cgirun, tmp)
                    if code != 0 or check not in head:
                        sys.exit("abcgi: %s %s round %d: exit %d: %r" % (v.label, name, rnd, code, head[:400]))
                    r = {"variant": v.label, "row": name, "cpu_ms": (ru.ru_utime + ru.ru_stime) * 1000,
                         "user_ms": ru.ru_utime * 1000, "sys_ms": ru.ru_stime * 1000,
                         "minflt": ru.ru_minflt, "majflt": ru.ru_majflt, "nvcsw": ru.ru_nvcsw,
                         "nivcsw": ru.ru_nivcsw, "maxrss_kb": ru.ru_maxrss, "wall_ms": wall * 1000}
                    data.setdefault((name, v.label), []).append(r)
                    if jf:
                        jf.write(json.dumps(r) + "\n")
        if jf:
            jf.close()
        sc = {}
        if a.strace:
            for v in variants:
                for name, method, path, body, ck, check in todo:
                    env = cgi_env(method, path, cookie=ck, clen=len(body) if body else None)
                    sc[(name, v.label)] = strace_counts(v.binary, env, body, tmp)
        report(a, s, variants, todo, data, sc)
        if a.keep:
            print("kept: %s, user %s (password %s), cookie %s" % (tmp, s.user, s.password, cookie))
    finally:
        if not a.keep:
            s.cleanup()
            shutil.rmtree(tmp, ignore_errors=True)


def med(rs, k):
    return statistics.median(r[k] for r in rs)


def report(a, s, variants, todo, data, sc):
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print("abcgi: %d rounds, %d messages, load average %s, %s" % (a.rounds, a.messages, load,
                                                                  time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
    for v in variants:
        print("  %s: %s, %d bytes%s" % (v.label, v.tree, v.size, "".join(" %s=%s" % kv for kv in v.env.items())))
    print()
    print("| row | variant | CPU ms median | user | sys | mean CPU | minflt | ctx sw (vol+invol) | maxrss KB | wall ms (incl. cgirun) | CPU vs %s |" % variants[0].label)
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, *_ in todo:
        base = med(data[(name, variants[0].label)], "cpu_ms")
        for v in variants:
            rs = data[(name, v.label)]
            c = med(rs, "cpu_ms")
            print("| %s | %s | %.2f | %.2f | %.2f | %.2f | %d | %.0f+%.0f | %d | %.2f | %.2f |" % (
                name, v.label, c, med(rs, "user_ms"), med(rs, "sys_ms"),
                statistics.mean(r["cpu_ms"] for r in rs), med(rs, "minflt"),
                med(rs, "nvcsw"), med(rs, "nivcsw"), med(rs, "maxrss_kb"), med(rs, "wall_ms"), c / base if base else 0))
    if sc:
        print()
        names = ["total", "clone", "clone3", "mmap", "munmap", "mprotect", "rt_sigaction", "rt_sigprocmask",
                 "openat", "read", "pread64", "getdents64", "newfstatat", "futex", "tgkill", "setresuid", "prctl", "landlock_restrict_self"]
        print("| row | variant | " + " | ".join(names) + " |")
        print("|---|---|" + "---|" * len(names))
        for name, *_ in todo:
            for v in variants:
                c = sc.get((name, v.label), {})
                print("| %s | %s | " % (name, v.label) + " | ".join(str(c.get(n, 0)) for n in names) + " |")


if __name__ == "__main__":
    main()
