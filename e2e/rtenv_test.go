package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Bounds of one run of the setuid program, whatever Go runtime variables
// its caller set (TestRuntimeEnvironment).
const (
	rtMaxRSSkB   = 100 << 10 // peak resident set (VmHWM, read while the program runs)
	rtMaxThreads = 32        // seen in /proc/PID/status while it runs
	rtMaxWall    = 10 * time.Second
)

// The watchdog kills a run past these, so that a regression costs the
// machine a bounded amount and still fails the test (the unfixed program
// took 21.8 GB and 2,660 threads for 19 minutes with GOMAXPROCS=1000000).
const (
	rtKillRSSkB   = 1 << 20 // 1 GiB
	rtKillThreads = 1000
	rtKillWall    = 60 * time.Second
)

// rtRun is what one run of the program did.
type rtRun struct {
	stdout, stderr string
	code           int           // exit status, -1 when killed by a signal
	maxRSSkB       int64         // ru_maxrss: at least the test's own RSS (see rtMeasure), reported only
	hwmKB          int64         // the last VmHWM seen: the program's own peak, or a little below
	threads        int           // most threads seen
	wall           time.Duration // start to exit
	killed         string        // why the watchdog killed it, "" if it did not
}

// TestRuntimeEnvironment runs the installed setuid binary as a local user
// would attack it: with the Go runtime's variables set (read before main,
// so before privdrop.Sanitize), as a command and as a CGI request (refused
// for a user that is not web_user, served for www-data). Each run must stay
// within the bounds above, exit as without the variables, and print what
// it prints without them: no runtime trace.
func TestRuntimeEnvironment(t *testing.T) {
	www, err := user.Lookup(webUser)
	if err != nil {
		t.Fatal(err)
	}
	wwwUID, _ := strconv.Atoi(www.Uid)
	wwwGID, _ := strconv.Atoi(www.Gid)
	a := env.a
	modes := []struct {
		name     string
		uid, gid int
		cgi      bool
		wantCode int
	}{
		{"command run by " + a.name, a.uid, a.gid, false, 7}, // exitNotCGI
		{"GET / run by " + a.name, a.uid, a.gid, true, 4},    // exitCaller: not web_user
		{"GET / run by " + webUser, wwwUID, wwwGID, true, 0}, // the login page
	}
	attacks := [][]string{
		{"GOMAXPROCS=1000000"},
		{"GOMAXPROCS=20000"},
		{"GOGC=1"},
		{"GOGC=off", "GOMEMLIMIT=100TiB"},
		{"GOMEMLIMIT=1"},
		{"GODEBUG=inittrace=1,gctrace=1,schedtrace=1,scheddetail=1"},
		{"GODEBUG=efence=1,gcstoptheworld=2,clobberfree=1"},
		{"GOTRACEBACK=crash"},
		{"GOROOT=/tmp", "GOCOVERDIR=/tmp", "GORACE=log_path=/tmp/x"},
		{"GOMAXPROCS=1000000", "GOGC=1", "GODEBUG=inittrace=1,gctrace=1", "GOTRACEBACK=system"},
		// The loader's secure mode removes LD_* by moving the later
		// entries of the same array down before the constructor runs.
		{"LD_PRELOAD=/nonexistent/evil.so", "GOMAXPROCS=20000", "LD_LIBRARY_PATH=/tmp", "GODEBUG=inittrace=1"},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			envv := []string{"PATH=/usr/bin:/bin"}
			if m.cgi {
				envv = append(envv,
					"GATEWAY_INTERFACE=CGI/1.1",
					"SERVER_PROTOCOL=HTTP/1.1",
					"SERVER_SOFTWARE=Apache",
					"SERVER_NAME=127.0.0.1",
					"SERVER_PORT="+strconv.Itoa(env.port),
					"HTTP_HOST=127.0.0.1:"+strconv.Itoa(env.port),
					"SCRIPT_NAME=/cgi-bin/postern",
					"REQUEST_METHOD=GET",
					"PATH_INFO=/",
					"REMOTE_ADDR=127.0.0.1")
			}
			base := rtMeasure(t, m.uid, m.gid, envv)
			t.Logf("no GO* variable: %s", base)
			if base.code != m.wantCode {
				t.Fatalf("no GO* variable: exit status %d, want %d; stderr:\n%.600s", base.code, m.wantCode, base.stderr)
			}
			for _, vars := range attacks {
				got := rtMeasure(t, m.uid, m.gid, append(vars, envv...))
				t.Logf("%s: %s", strings.Join(vars, " "), got)
				what := strings.Join(vars, " ") + " " + m.name
				if got.killed != "" {
					t.Errorf("%s: killed: %s", what, got.killed)
					continue
				}
				if got.hwmKB > rtMaxRSSkB {
					t.Errorf("%s: peak RSS (VmHWM) %d kB, want at most %d kB", what, got.hwmKB, rtMaxRSSkB)
				}
				if got.threads > rtMaxThreads {
					t.Errorf("%s: %d threads, want at most %d", what, got.threads, rtMaxThreads)
				}
				if got.wall > rtMaxWall {
					t.Errorf("%s: ran %v, want at most %v", what, got.wall, rtMaxWall)
				}
				if got.code != base.code {
					t.Errorf("%s: exit status %d, want %d as without it", what, got.code, base.code)
				}
				if got.stderr != base.stderr {
					t.Errorf("%s: stderr =\n%.2000s\nwant as without it:\n%.600s", what, got.stderr, base.stderr)
				}
				if g, w := rtNormalize(got.stdout), rtNormalize(base.stdout); g != w {
					t.Errorf("%s: stdout =\n%.2000s\nwant as without it:\n%.2000s", what, g, w)
				}
			}
		})
	}
}

// rtNonce matches what differs between two identical requests: the CSP
// nonce and the login form's token.
var rtNonce = regexp.MustCompile(`(nonce-|nonce="|value=")[A-Za-z0-9_+/=-]{16,}`)

func rtNormalize(s string) string { return rtNonce.ReplaceAllString(s, "${1}X") }

func (r rtRun) String() string {
	s := fmt.Sprintf("VmHWM %d kB (ru_maxrss %d kB), %d threads, %v, exit status %d", r.hwmKB, r.maxRSSkB, r.threads, r.wall.Round(time.Millisecond), r.code)
	if r.killed != "" {
		s += ", killed: " + r.killed
	}
	return s
}

// rtMeasure runs the installed binary as uid:gid with exactly envv and an
// empty stdin, watching its threads and memory in /proc while it runs and
// killing it past the rtKill* limits.
//
// The bound is checked on VmHWM, the program's own high-water mark, read
// while it runs (a run that grows is also stopped by the rtKill* limits,
// which fail the test). ru_maxrss is only reported: os/exec starts the
// child sharing the test's memory (CLONE_VM), and execve carries that
// memory's high-water mark into the child's maximum, so it is at least
// the test process's own RSS, which other tests make grow (228 MB once).
func rtMeasure(t *testing.T, uid, gid int, envv []string) rtRun {
	t.Helper()
	cmd := exec.Command(env.binary)
	cmd.Env = envv
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{uint32(gid)}}}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	var r rtRun
	status := "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status"
watch:
	for {
		select {
		case <-done:
			break watch
		default:
		}
		threads, rss, hwm := rtStatus(status)
		r.threads = max(r.threads, threads)
		r.hwmKB = max(r.hwmKB, hwm)
		switch {
		case r.killed != "":
		case rss > rtKillRSSkB:
			r.killed = fmt.Sprintf("RSS %d kB", rss)
		case threads > rtKillThreads:
			r.killed = fmt.Sprintf("%d threads", threads)
		case time.Since(start) > rtKillWall:
			r.killed = "running after " + rtKillWall.String()
		}
		if r.killed != "" {
			cmd.Process.Kill() // ours, by its pidfd
		}
		time.Sleep(time.Millisecond)
	}
	r.wall = time.Since(start)
	r.stdout, r.stderr = stdout.String(), stderr.String()
	r.code = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSSkB = ru.Maxrss
	}
	return r
}

// rtStatus reads Threads, VmRSS and VmHWM (kB) from a /proc/PID/status
// file; zeros once the process is gone.
func rtStatus(path string) (threads int, rssKB, hwmKB int64) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(value)
		if len(fields) == 0 {
			continue
		}
		switch name {
		case "Threads":
			threads, _ = strconv.Atoi(fields[0])
		case "VmRSS":
			rssKB, _ = strconv.ParseInt(fields[0], 10, 64)
		case "VmHWM":
			hwmKB, _ = strconv.ParseInt(fields[0], 10, 64)
		}
	}
	return threads, rssKB, hwmKB
}
