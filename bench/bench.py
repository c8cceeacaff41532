#!/usr/bin/env python3
"""bench.py - measure postern over HTTP under a real Apache on loopback.

Run by bench/run.sh (make bench) as root. For each size in --sizes it
creates a Unix user ptbench<N>, fills its Maildir exactly as
../shared/bench/sqwebmail/bench.sh fills SqWebMail's (genmaildir.py, seed
42, plus one message with a ~5 MB attachment), indexes it ahead of time
with `postern index` run as the user, and measures the rows of issue 7:

  login, folders, list_cold (first list after one delivery), list_warm,
  list_p100, list_last, read_plain, read_mime, att_small, download_5mb,
  search_word, search_from, complete_10k, compose_10k (an address book of
  10,000 contacts), thread, wrk_c1, wrk_c8 (warm list)

with the client's latency (median, p95), the CPU of Apache and its CGI
children per request, and, for some rows, the peak RSS and CPU of one
postern process run directly with the same CGI environment (os.wait4).
The page size is 10, as SqWebMail's default, so that "page 100" is the
same messages in both. Results are JSON lines (--out) in the format of
SqWebMail's bench.py, so the two can be compared row by row.

Python 3 standard library only.
"""
import argparse
import glob
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLK = os.sysconf("SC_CLK_TCK")
WEB_USER = "www-data"
MODULES = "/usr/lib/apache2/modules"


def pct(vals, p):
    vals = sorted(vals)
    if not vals:
        return None
    k = max(0, min(len(vals) - 1, int(round(p / 100.0 * len(vals) + 0.5)) - 1))
    return vals[k]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def log(*a):
    print("[%s]" % time.strftime("%H:%M:%S"), *a, flush=True)


# ---------------------------------------------------------------- setup
class Server:
    """postern built and installed setuid under a private Apache."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.cgidir = os.path.join(tmp, "cgi-bin")
        self.binary = os.path.join(self.cgidir, "postern")
        self.etc = os.path.join(tmp, "etc")
        self.conf = os.path.join(self.etc, "postern", "postern.conf")
        self.apache = os.path.join(tmp, "apache")
        self.proc = None
        self.pam_installed = False

    def build(self):
        os.makedirs(self.cgidir, exist_ok=True)
        os.makedirs(os.path.dirname(self.conf), exist_ok=True)
        # The Makefile's build (that of the Debian package too): what sites
        # run, with its build mode and linker flags. BUILDMODE=exe
        # measures the faster, non-PIE build. It leaves a ./postern built
        # for this configuration, which make install refuses (postern.paths).
        # The PAM login runs postern-login (auth/checkpass) from the
        # LIBEXECDIR compiled in: a private one, where it goes mode 0700.
        libexec = os.path.join(self.tmp, "libexec")
        os.makedirs(libexec, exist_ok=True)
        subprocess.run(["make", "-s", "postern", "postern-login", "SYSCONFDIR=" + self.etc, "LIBEXECDIR=" + libexec,
                        "BUILDMODE=" + os.environ.get("BUILDMODE", "pie")], cwd=ROOT, check=True)
        shutil.copy(os.path.join(ROOT, "postern"), self.binary)
        os.chown(self.binary, 0, 0)
        os.chmod(self.binary, 0o4755)
        # As make install does (build/hugefile.sh): out of the page cache,
        # so that the first request reads it in 2 MB pages.
        subprocess.run(["sh", os.path.join(ROOT, "build", "hugefile.sh"), self.binary], check=True)
        self.build_floor()
        login = os.path.join(libexec, "postern-login")
        shutil.copy(os.path.join(ROOT, "postern-login"), login)
        os.chown(login, 0, 0)
        os.chmod(login, 0o700)
        for d in (self.tmp, self.cgidir, self.etc, os.path.dirname(self.conf), libexec):
            os.chmod(d, 0o755)
        with open(self.conf, "w") as f:
            f.write("auth = pam\nmin_uid = 1000\nweb_user = %s\nrequire_https = no\n"
                    "guard_dir = %s\npage_size = 10\nlockout_user = 1000000\nlockout_ip = 1000000\n"
                    % (WEB_USER, os.path.join(self.tmp, "guard")))
        os.chmod(self.conf, 0o644)
        if not os.path.exists("/etc/pam.d/postern"):
            shutil.copy(os.path.join(ROOT, "dist", "pam.d", "postern"), "/etc/pam.d/postern")
            self.pam_installed = True

    def build_floor(self):
        """The floor programs (see floor()): bench/floor built as the
        request binary is (make floor), and a static C program that
        writes the same page. Both plain 0755 programs in the cgi-bin."""
        out = os.path.join(self.cgidir, "floor-go")
        subprocess.run(["make", "-s", "floor", "FLOOR_OUT=" + out], cwd=ROOT, check=True)
        subprocess.run(["sh", os.path.join(ROOT, "build", "hugefile.sh"), out], check=True)
        src = os.path.join(self.tmp, "floor.c")
        with open(src, "w") as f:
            f.write(FLOOR_C)
        cc = os.environ.get("CC", "cc")
        out = os.path.join(self.cgidir, "floor-c")
        subprocess.run([cc, "-O2", "-static-pie", "-fPIE", "-o", out, src], check=True)
        for name in ("floor-go", "floor-c"):
            os.chmod(os.path.join(self.cgidir, name), 0o755)

    def start(self):
        self.port = free_port()
        for d in (self.apache, os.path.join(self.apache, "run"), os.path.join(self.apache, "htdocs")):
            os.makedirs(d, exist_ok=True)
        # mpm_prefork with mod_cgi, so that the CGI processes are children
        # of Apache's and their CPU time reaches cpu_ms() (mod_cgid's
        # daemon does not wait for its children: their time is lost).
        # Enough idle servers for wrk's 8 connections: with 4, the first
        # wrk run waited for Apache to fork more (one a second at first),
        # a p99 near 1 s that was not postern's.
        mods = ["mpm_prefork", "authz_core", "unixd", "mime", "alias", "cgi", "log_config", "env", "setenvif"]
        lines = ["ServerRoot %s" % self.apache]
        for m in mods:
            so = os.path.join(MODULES, "mod_%s.so" % m)
            if os.path.exists(so):
                lines.append("LoadModule %s_module %s" % (m, so))
        lines += [
            "ServerName 127.0.0.1", "Listen 127.0.0.1:%d" % self.port,
            "User %s" % WEB_USER, "Group %s" % WEB_USER,
            "PidFile %s/apache2.pid" % self.apache, "DefaultRuntimeDir %s/run" % self.apache,
            "ErrorLog %s/error.log" % self.apache, "LogLevel warn",
            "TypesConfig /etc/mime.types",
            "StartServers 12", "MinSpareServers 12", "MaxSpareServers 20", "MaxRequestWorkers 32",
            "KeepAlive On", "MaxKeepAliveRequests 0", "Timeout 120",
            "DocumentRoot %s/htdocs" % self.apache,
            "<Directory />\n AllowOverride None\n Require all denied\n</Directory>",
            "<Directory %s/htdocs>\n Require all granted\n</Directory>" % self.apache,
            "ScriptAlias /cgi-bin/ %s/" % self.cgidir,
            "<Directory %s>\n Options +ExecCGI\n Require all granted\n</Directory>" % self.cgidir,
        ]
        conf = os.path.join(self.apache, "apache2.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        subprocess.run(["/usr/sbin/apache2", "-f", conf, "-t"], check=True, capture_output=True)
        self.proc = subprocess.Popen(["/usr/sbin/apache2", "-f", conf, "-DFOREGROUND"],
                                     start_new_session=True)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("apache did not start")

    def apache_pids(self):
        if not self.proc:
            return []
        out = [self.proc.pid]
        for d in glob.glob("/proc/[0-9]*"):
            try:
                s = open(d + "/stat").read()
            except OSError:
                continue
            if int(s[s.rindex(")") + 2:].split()[1]) == self.proc.pid:
                out.append(int(d.rsplit("/", 1)[1]))
        return out

    def cpu_ms(self):
        """CPU of Apache and its reaped children (the CGI processes)."""
        tot = 0
        for p in self.apache_pids():
            try:
                s = open("/proc/%d/stat" % p).read()
            except OSError:
                continue
            f = s[s.rindex(")") + 2:].split()
            tot += int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
        return tot * 1000.0 / CLK

    def stop(self):
        if self.proc:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        if self.pam_installed:
            os.remove("/etc/pam.d/postern")


# ---------------------------------------------------------------- client
class Client:
    def __init__(self, port):
        self.port = port
        self.base = "/cgi-bin/postern"
        self.cookie = ""
        self.conn = None

    def req(self, method, path, body=None, headers=None):
        h = {"Host": "127.0.0.1:%d" % self.port, "Sec-Fetch-Site": "same-origin"}
        if self.cookie:
            h["Cookie"] = "postern=" + self.cookie
        if headers:
            h.update(headers)
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            t = time.perf_counter()
            try:
                self.conn.request(method, self.base + path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            dt = time.perf_counter() - t
            for k, v in r.getheaders():
                if k.lower() == "set-cookie" and v.startswith("postern="):
                    self.cookie = v.split(";", 1)[0].split("=", 1)[1]
            if r.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return r.status, data, dt

    def get(self, path):
        return self.req("GET", path)

    def login(self, user, password):
        self.cookie = ""
        body = urllib.parse.urlencode({"user": user, "pass": password})
        st, data, dt = self.req("POST", "/login", body,
                                {"Content-Type": "application/x-www-form-urlencoded"})
        if st != 303 or not self.cookie:
            raise RuntimeError("login failed: %d %r" % (st, data[:300]))
        return dt


# ---------------------------------------------------------------- one mailbox
class Bench:
    def __init__(self, a, srv, n):
        self.a, self.srv, self.n = a, srv, n
        self.user = "ptbench%d" % n
        self.password = "Pw-" + secrets.token_hex(8)
        self.results = []

    def make_user(self):
        subprocess.run(["userdel", "-r", self.user], capture_output=True)
        subprocess.run(["useradd", "-m", "-s", "/bin/sh", "-c", "postern bench", self.user], check=True)
        subprocess.run(["chpasswd"], input="%s:%s\n" % (self.user, self.password), text=True, check=True)
        import pwd
        pw = pwd.getpwnam(self.user)
        self.uid, self.gid, self.home = pw.pw_uid, pw.pw_gid, pw.pw_dir
        os.chmod(self.home, 0o700)
        self.maildir = os.path.join(self.home, "Maildir")
        gen = self.a.gen
        # The same commands as ../shared/bench/sqwebmail/bench.sh.
        subprocess.run([sys.executable, gen, "--maildir", self.maildir, "--count", str(self.n), "--seed", "42"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, gen, "--maildir", self.maildir, "--count", "0", "--big", "1",
                        "--big-size", "5000000", "--seed", "4242", "--start", "2024-06-30",
                        "--end", "2024-06-30T06:00:00", "--host", "bigmsg", "--append"],
                       check=True, stdout=subprocess.DEVNULL)
        # 5 MB and 50 MB attachments, each in a folder of its own (the
        # generator's --big with --start/--end, as bench.sh calls it, writes
        # a small message: so does SqWebMail's run).
        for size, folder in ((5000000, "Big5"), (50000000, "Big50")):
            tmpmd = os.path.join(self.srv.tmp, "gen" + folder)
            shutil.rmtree(tmpmd, ignore_errors=True)
            subprocess.run([sys.executable, gen, "--maildir", tmpmd, "--count", "0", "--big", "1",
                            "--big-size", str(size), "--seed", str(size % 9973), "--host", folder.lower()],
                           check=True, stdout=subprocess.DEVNULL)
            big = os.path.join(self.maildir, "." + folder)
            for d in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(big, d), exist_ok=True)
            open(os.path.join(big, "maildirfolder"), "w").close()
            for sub in ("cur", "new"):
                for f in os.listdir(os.path.join(tmpmd, sub)):
                    shutil.move(os.path.join(tmpmd, sub, f), os.path.join(big, "cur", f.split(":")[0] + ":2,S"))
            shutil.rmtree(tmpmd, ignore_errors=True)
        subprocess.run(["chown", "-R", "%d:%d" % (self.uid, self.gid), self.maildir], check=True)
        subprocess.run(["chmod", "-R", "go-rwx", self.maildir], check=True)

    def record(self, name, lat_s, nbytes=0, extra=None, cpu=None):
        lat = sorted(x * 1000 for x in lat_s)
        r = {"user": self.user, "messages": self.n, "phase": name, "n": len(lat),
             "lat_ms_median": round(pct(lat, 50), 2), "lat_ms_p95": round(pct(lat, 95), 2),
             "bytes": nbytes}
        if cpu is not None:
            r["cpu_ms_per_req"] = round(cpu, 2)
        if extra:
            r.update(extra)
        self.results.append(r)
        log("%-14s n=%-3d median %8.2f ms  p95 %8.2f ms  cpu %s ms/req %s" % (
            name, r["n"], r["lat_ms_median"], r["lat_ms_p95"], r.get("cpu_ms_per_req"),
            "" if not extra else json.dumps(extra)))
        return r

    def repeat(self, name, c, path, n, check=None, warmup=1, direct=False):
        for _ in range(warmup):
            c.get(path)
        c0 = self.srv.cpu_ms()
        lat, nbytes = [], 0
        for _ in range(n):
            st, data, dt = c.get(path)
            if st != 200 or (check and check not in data):
                raise RuntimeError("%s: %s answered %d (%d bytes): %r" % (name, path, st, len(data), data[:200]))
            lat.append(dt)
            nbytes = len(data)
        time.sleep(0.2)
        cpu = (self.srv.cpu_ms() - c0) / n
        extra = self.direct(c, path) if direct else None
        return self.record(name, lat, nbytes, extra, cpu)

    def direct(self, c, path, n=5):
        """Peak RSS and CPU of one postern process serving path."""
        p, _, q = path.partition("?")
        env = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "PATH_INFO": p,
               "QUERY_STRING": q, "SCRIPT_NAME": "/cgi-bin/postern", "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": str(self.srv.port), "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:%d" % self.srv.port,
               "HTTP_COOKIE": "postern=" + c.cookie, "PATH": "/usr/bin:/bin"}
        import pwd
        w = pwd.getpwnam(WEB_USER)
        rss, cpu = [], []
        out = os.path.join(self.srv.tmp, "time.out")
        open(out, "w").close()
        os.chown(out, w.pw_uid, w.pw_gid)
        for _ in range(n):
            # GNU time forks the program from a small process: Linux counts
            # the RSS of the forked parent in ru_maxrss, so a fork of this
            # Python process would inflate it.
            subprocess.run(["/usr/bin/time", "-o", out, "-f", "%M %U %S", self.srv.binary], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           user=w.pw_uid, group=w.pw_gid, extra_groups=[])
            m, u, s = open(out).read().split()[-3:]
            rss.append(int(m))
            cpu.append((float(u) + float(s)) * 1000)
        return {"postern_maxrss_kb": max(rss), "postern_cpu_ms_median": round(statistics.median(cpu), 2)}

    def address_book(self, n):
        """Writes a vCard 4.0 book of n contacts into the Maildir."""
        first = ["Ann", "Bob", "Carol", "Dan", "Eve", "Frank", "Gina", "Hugo", "Ines", "J\u00fcrgen"]
        cards = []
        for i in range(n):
            cards.append("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:00000000-0000-4000-8000-%012d\r\n"
                         "FN:%s Family%d\r\nEMAIL;TYPE=home:p%d@example.org\r\nEMAIL;TYPE=work:w%d@corp.example\r\n"
                         "CATEGORIES:group%d\r\nEND:VCARD\r\n" % (i, first[i % len(first)], i, i, i, i % 50))
        d = os.path.join(self.maildir, "postern")
        os.makedirs(d, mode=0o700, exist_ok=True)
        path = os.path.join(d, "contacts.vcf")
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(cards))
        for p in (d, path):
            os.chown(p, self.uid, self.gid)
        os.chmod(path, 0o600)

    def deliver(self, seed):
        subprocess.run([sys.executable, self.a.gen, "--maildir", self.maildir, "--count", "1",
                        "--all-new", "--append", "--seed", str(seed), "--start", "2024-07-01",
                        "--end", "2024-07-02", "--host", "arrival"], check=True, stdout=subprocess.DEVNULL)
        for f in os.listdir(os.path.join(self.maildir, "new")):
            os.chown(os.path.join(self.maildir, "new", f), self.uid, self.gid)

    def ids(self, data):
        return re.findall(rb'<tr class="msg[^"]*" data-id="([^"]+)"', data)

    def run(self):
        a = self.a
        log("=== %s: generating %d messages" % (self.user, self.n))
        self.make_user()
        mail_bytes = int(subprocess.run(["du", "-sb", self.maildir], capture_output=True, text=True).stdout.split()[0])

        # -- index ahead of time, as the user, through the setuid binary
        t = time.perf_counter()
        tout = os.path.join(self.srv.tmp, "index.time")
        pr = subprocess.run(["/usr/bin/time", "-o", tout, "-f", "%M %U %S", "setpriv", "--reuid", str(self.uid),
                             "--regid", str(self.gid), "--init-groups", self.srv.binary, "index"],
                            stdout=subprocess.PIPE, text=True)
        dt = time.perf_counter() - t
        if pr.returncode != 0:
            raise RuntimeError("postern index failed: %s" % pr.stdout)
        m, u, s = open(tout).read().split()[-3:]
        log(pr.stdout.strip())
        idx = os.path.join(self.maildir, "postern", "index.sqlite")
        idx_bytes = sum(os.path.getsize(p) for p in glob.glob(idx + "*") if not p.endswith(".lock"))
        cpu_s = float(u) + float(s)
        self.record("index_build", [dt], 0, {"msgs_per_s_wall": round(self.n / dt), "msgs_per_s_cpu": round(self.n / max(cpu_s, 1e-3)),
                                             "index_bytes": idx_bytes, "mail_bytes": mail_bytes,
                                             "index_pct_of_mail": round(100.0 * idx_bytes / mail_bytes, 1),
                                             "maxrss_kb": int(m)})

        c = Client(self.srv.port)
        # -- login
        c.login(self.user, self.password)
        lat = []
        c0 = self.srv.cpu_ms()
        for _ in range(a.n_login):
            lat.append(c.login(self.user, self.password))
        self.record("login", lat, 0, cpu=(self.srv.cpu_ms() - c0) / a.n_login)

        self.repeat("folders", c, "/folders", a.n_warm, check=b"INBOX")

        # -- first list after one new message
        lat = []
        cpus = []
        for r in range(a.n_cold):
            self.deliver(10_000 + r + int(time.time()) % 100_000 * 10)
            time.sleep(0.2)
            c0 = self.srv.cpu_ms()
            st, data, dt = c.get("/list?f=INBOX")
            if st != 200:
                raise RuntimeError("cold list: %d" % st)
            time.sleep(0.2)
            cpus.append(self.srv.cpu_ms() - c0)
            lat.append(dt)
            c.get("/list?f=INBOX")
        self.record("list_cold", lat, len(data), cpu=statistics.median(cpus))
        total = self.n + 1 + a.n_cold
        m = re.search(rb"(\d+)\xe2\x80\x93(\d+) of (\d+)", data)
        if m:
            total = int(m.group(3))
        last_page = (total + 9) // 10

        self.repeat("list_warm", c, "/list?f=INBOX", a.n_warm, check=b'id="messages"', direct=True)
        if total > 1000:
            self.repeat("list_p100", c, "/list?f=INBOX&page=100", a.n_warm, check=b'id="messages"', direct=True)
        self.repeat("list_last", c, "/list?f=INBOX&page=%d" % last_page, a.n_warm, check=b'id="messages"', direct=True)
        self.repeat("list_threads", c, "/list?f=INBOX&view=threads", a.n_warm, check=b'id="messages"')

        # -- messages to open, among the first 100 as bench.py picks them
        keys = []
        for p in range(1, 11):
            st, data, dt = c.get("/list?f=INBOX&page=%d" % p)
            keys += [k.decode() for k in self.ids(data)]
        files = {}
        for name in os.listdir(os.path.join(self.maildir, "cur")):
            files[name.split(":")[0]] = name
        plain = mime = big = None
        for k in keys:
            name = files.get(k)
            if not name:
                continue
            path = os.path.join(self.maildir, "cur", name)
            size = os.path.getsize(path)
            head = open(path, "rb").read(4096)
            seen = "S" in name.split(":2,")[-1]
            ct = re.search(rb"(?im)^Content-Type:\s*([\w/+-]+)", head)
            ct = ct.group(1).lower() if ct else b""
            if size > 4_000_000 and big is None:
                big = k
            elif seen and ct == b"text/plain" and 2000 < size < 20000 and plain is None:
                plain = k
            elif seen and ct == b"multipart/mixed" and 20000 < size < 300000 and mime is None \
                    and b"attachment" in open(path, "rb").read():
                mime = k
        log("targets: plain=%s mime=%s big=%s" % (plain, mime, big))
        if plain:
            self.repeat("read_plain", c, "/msg?f=INBOX&id=" + plain, a.n_warm, check=b'id="msg-subject"', direct=True)
        if mime:
            self.repeat("read_mime", c, "/msg?f=INBOX&id=" + mime, a.n_warm, check=b'id="msg-subject"')
            self.repeat("att_small", c, "/part?f=INBOX&id=%s&part=2" % mime, a.n_warm)
        if big:
            self.repeat("download_5mb", c, "/part?f=INBOX&id=%s&part=2" % big, a.n_dl, direct=True)
        for folder, row, n in (("Big5", "download_5mb", a.n_dl), ("Big50", "download_50mb", 3)):
            if big and row == "download_5mb":
                continue
            names = os.listdir(os.path.join(self.maildir, "." + folder, "cur"))
            if names:
                self.repeat(row, c, "/part?f=%s&id=%s&part=2" % (folder, names[0].split(":")[0]), n, direct=True)

        # -- search (the index is complete: postern index ran)
        self.repeat("search_word", c, "/search?q=invoice", a.n_warm, check=b'id="results"', direct=True)
        st, data, dt = c.get("/list?f=INBOX")
        frm = re.search(rb'<td class="from">([^<]+)</td>', data)
        who = frm.group(1).decode().split()[0] if frm else "alice"
        self.repeat("search_from", c, "/search?q=" + urllib.parse.quote("from:" + who), a.n_warm, check=b'id="results"')

        # -- the address book: 10,000 contacts, completion as you type
        #    (GET /complete, the target is 20 ms) and the compose page
        #    with its datalist; the first request builds the index.
        self.address_book(10000)
        self.repeat("complete_10k", c, "/complete?q=ann", a.n_warm, check=b'"value"', direct=True)
        self.repeat("compose_10k", c, "/compose", a.n_warm, check=b'id="addressbook"')

        # -- the largest conversation (up to 50 messages)
        db = sqlite3.connect("file:%s?mode=ro" % idx, uri=True)
        row = db.execute("SELECT thread, count(*) FROM msgs WHERE folder IN ('INBOX','Sent') AND thread <> '' "
                         "GROUP BY thread HAVING count(*) <= 50 ORDER BY 2 DESC LIMIT 1").fetchone()
        tkey = None
        if row:
            tkey = db.execute("SELECT key FROM msgs WHERE thread = ? AND folder = 'INBOX' LIMIT 1", (row[0],)).fetchone()
        db.close()
        if tkey:
            r = self.repeat("thread", c, "/thread?f=INBOX&id=" + tkey[0], a.n_warm, check=b'id="thread"')
            r["thread_messages"] = row[1]
            log("thread of %d messages" % row[1])

        # -- throughput on the warm list page (main checked that wrk is there)
        url = "http://127.0.0.1:%d/cgi-bin/postern/list?f=INBOX" % self.srv.port
        for conns, threads in ((1, 1), (8, 2)):
            self.wrk("wrk_c%d" % conns, url, conns, threads, a.wrk_secs, c.cookie)

    def wrk(self, name, url, conns, threads, secs, cookie):
        r = run_wrk(self.srv, name, url, conns, threads, secs, cookie)
        r.update({"user": self.user, "messages": self.n})
        self.results.append(r)

    def cleanup(self):
        subprocess.run(["userdel", "-r", self.user], capture_output=True)


def run_wrk(srv, name, url, conns, threads, secs, cookie):
    """wrk against url (with the session cookie when there is one): its
    rate, latency percentiles and errors, and the CPU of Apache and its
    CGI children per request."""
    c0 = srv.cpu_ms()
    cmd = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % secs, "--latency"]
    if cookie:
        cmd += ["-H", "Cookie: postern=" + cookie]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    m = re.search(r"(\d+) requests in", out)
    nreq = int(m.group(1)) if m else 0
    time.sleep(0.3)
    cpu = (srv.cpu_ms() - c0) / max(nreq, 1)
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    lat = {}
    for pc in ("50", "90", "99"):
        mm = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)\b" % pc, out)
        if mm:
            lat[pc] = round(float(mm.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[mm.group(2)], 2)
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    log("%-14s %d req %.1f req/s p50 %s p99 %s ms, cpu %.2f ms/req" % (name, nreq, rps, lat.get("50"), lat.get("99"), cpu))
    return {"phase": name, "n": nreq, "rps": rps,
            "lat_ms_median": lat.get("50"), "lat_ms_p90": lat.get("90"), "lat_ms_p99": lat.get("99"),
            "errors": int(errs.group(1)) if errs else 0, "cpu_ms_per_req": round(cpu, 2)}


# FLOOR_C is the C floor: a CGI program that writes a page as large as
# bench/floor's (16 KB of body, about a warm list's) and nothing else.
FLOOR_C = r"""
#include <string.h>
#include <unistd.h>
static char page[16384 + 256];
int main(void) {
	const char *head = "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
	                   "<!DOCTYPE html><title>floor</title><p>";
	size_t n = strlen(head);
	memcpy(page, head, n);
	memset(page + n, 'x', 16384);
	n += 16384;
	memcpy(page + n, "</p>\n", 5);
	n += 5;
	for (size_t off = 0; off < n;) {
		ssize_t w = write(1, page + off, n - off);
		if (w <= 0) {
			return 1;
		}
		off += (size_t)w;
	}
	return 0;
}
"""


def floor(srv, a):
    """The floor rows: wrk at 1 and 8 connections, as the warm list's,
    against the two floor programs in the same Apache (Server.build_floor):
    what a CGI request costs on this machine with no work in it (C), and
    with the Go runtime's start as the request binary makes it (Go). The
    Go one is not set-user-ID, so it pays no credential change at exec;
    nor the root room, the drop, Landlock, SQLite or a template."""
    out = []
    for name in ("floor-c", "floor-go"):
        url = "http://127.0.0.1:%d/cgi-bin/%s" % (srv.port, name)
        for conns, threads in ((1, 1), (8, 2)):
            r = run_wrk(srv, "%s_wrk_c%d" % (name.replace("-", "_"), conns), url, conns, threads, a.wrk_secs, None)
            r.update({"user": "", "messages": 0})
            out.append(r)
    return out


# The programs bench.py runs (sh bench/run.sh prepare installs them): a
# run stops before it measures anything when one is missing, rather than
# leave rows out.
TOOLS = ("go", "gcc", "make", "wrk", "/usr/sbin/apache2", "/usr/bin/time", "setpriv", "useradd", "userdel",
         "chpasswd", "chown", "chmod", "du")


def missing_tools():
    return [t for t in TOOLS if not (os.access(t, os.X_OK) if t.startswith("/") else shutil.which(t))]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1000 10000 100000")
    p.add_argument("--gen", default=os.path.join(ROOT, "..", "shared", "bench", "genmaildir.py"))
    p.add_argument("--out", help="JSON lines file to append results to (required to measure)")
    p.add_argument("--check-tools", action="store_true", help="only check that every tool is there")
    p.add_argument("--n-login", type=int, default=15)
    p.add_argument("--n-warm", type=int, default=30)
    p.add_argument("--n-cold", type=int, default=5)
    p.add_argument("--n-dl", type=int, default=10)
    p.add_argument("--wrk-secs", type=int, default=15)
    p.add_argument("--keep", action="store_true", help="keep the users (for a look afterwards)")
    p.add_argument("--no-floor", action="store_true", help="leave out the floor rows (wrk against two do-nothing CGIs)")
    a = p.parse_args()
    missing = missing_tools()
    if missing:
        sys.exit("bench.py: missing tools: %s; as root, sh bench/run.sh prepare installs them" % " ".join(missing))
    if a.check_tools:
        print("bench.py: every tool is there")
        return
    if not a.out:
        p.error("--out is required")
    if os.getuid() != 0:
        sys.exit("bench.py: must run as root")
    tmp = "/tmp/postern-bench-%s" % secrets.token_hex(4)
    os.makedirs(tmp)
    srv = Server(tmp)
    benches = []
    try:
        srv.build()
        srv.start()
        for n in a.sizes.split():
            b = Bench(a, srv, int(n))
            benches.append(b)
            b.run()
            with open(a.out, "a") as f:
                for r in b.results:
                    f.write(json.dumps(r) + "\n")
        if not a.no_floor:
            with open(a.out, "a") as f:
                for r in floor(srv, a):
                    f.write(json.dumps(r) + "\n")
    finally:
        srv.stop()
        if not a.keep:
            for b in benches:
                b.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
