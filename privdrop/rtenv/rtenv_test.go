package rtenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"postern/internal/testenv"
)

// probeVar makes the test binary a probe (see TestMain). Its name must not
// start with "GO", or the constructor would remove it.
const probeVar = "POSTERN_RTENV_PROBE"

// report is what a probe saw, printed as JSON.
type report struct {
	Environ    []string // os.Environ
	CEnviron   []string // the C library's environ
	GOMAXPROCS int
	GCPercent  int    // debug.SetGCPercent's previous value: GOGC
	MemLimit   int64  // debug.SetMemoryLimit's: GOMEMLIMIT
	GOROOT     string // runtime.GOROOT
	Check      string // Check's error, "" for nil
	CPUs       int    // CPUs(): the count the process started with
	Before     int    // CPUs of the main thread's affinity before Unpin
	After      int    // and after it
	Unpin      string // Unpin's error, "" for nil
	// The main thread's timer slack before and after Unpin, in ns.
	SlackBefore, SlackAfter int64
	// Threads' timer slack by thread ID (the other threads: the
	// runtime's), read after Unpin from /proc/TID/timerslack_ns;
	// SlackErr is why it could not be read (reading another thread's
	// needs CAP_SYS_NICE).
	Slack    map[int]int64
	SlackErr string
}

// affinity returns how many CPUs the calling thread may run on.
func affinity() int {
	var mask [1024 / 64]uint64
	_, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, uintptr(len(mask)*8), uintptr(unsafe.Pointer(&mask[0])))
	if errno != 0 {
		return -1
	}
	n := 0
	for _, w := range mask {
		n += bits.OnesCount64(w)
	}
	return n
}

// TestMain turns the test binary into the probe when probeVar is set: the
// binary links this package, so its constructor ran before the runtime.
func TestMain(m *testing.M) {
	switch os.Getenv(probeVar) {
	case "":
		os.Exit(m.Run())
	case "report":
		// The main thread, where init ran: the constructor's one CPU.
		runtime.LockOSThread()
		before := affinity()
		slackBefore := timerSlack()
		unpinErr := Unpin()
		slack, slackErr := threadSlack()
		r := report{
			CPUs:       CPUs(),
			Before:     before,
			After:      affinity(),
			Environ:    os.Environ(),
			CEnviron:   cEnviron(),
			GOMAXPROCS: runtime.GOMAXPROCS(0),
			GCPercent:  debug.SetGCPercent(-1),
			MemLimit:   debug.SetMemoryLimit(-1),
			GOROOT:     runtime.GOROOT(),

			SlackBefore: slackBefore,
			SlackAfter:  timerSlack(),
			Slack:       slack,
		}
		if slackErr != nil {
			r.SlackErr = slackErr.Error()
		}
		if err := Check(); err != nil {
			r.Check = err.Error()
		}
		if unpinErr != nil {
			r.Unpin = unpinErr.Error()
		}
		json.NewEncoder(os.Stdout).Encode(r)
		os.Exit(0)
	case "start":
		// The main thread still has the constructor's one CPU and 2 ms
		// of slack: a child started plainly inherits them, one started
		// with Start the process's own.
		runtime.LockOSThread()
		show := func(start func(*exec.Cmd) error) string {
			cmd := exec.Command("/bin/sh", "-c", "cat /proc/self/timerslack_ns; grep Cpus_allowed_list /proc/self/status")
			var out bytes.Buffer
			cmd.Stdout = &out
			if err := start(cmd); err != nil {
				return err.Error()
			}
			if err := cmd.Wait(); err != nil {
				return err.Error()
			}
			return strings.Join(strings.Fields(out.String()), " ")
		}
		plain := show((*exec.Cmd).Start)
		fmt.Println(plain)
		fmt.Println(show(Start))
		os.Exit(0)
	case "panic":
		panic("probe")
	}
	os.Exit(3)
}

// threadSlack reads the timer slack of every thread of this process but
// the calling one.
func threadSlack() (map[int]int64, error) {
	self := syscall.Gettid()
	dir, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, err
	}
	out := map[int]int64{}
	for _, e := range dir {
		tid, err := strconv.Atoi(e.Name())
		if err != nil || tid == self {
			continue
		}
		// /proc/TID works for a thread, though it is not listed.
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "timerslack_ns"))
		if err != nil {
			return nil, err
		}
		v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			return nil, err
		}
		out[tid] = v
	}
	return out, nil
}

// probe runs the test binary as a probe with exactly env plus probeVar
// and returns its report and standard error.
func probe(t *testing.T, mode string, env ...string) (report, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(env, probeVar+"="+mode)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// This test binary links the constructor too: start the probe from a
	// thread with the affinity this process started with, as a web
	// server would.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := Unpin(); err != nil {
		t.Fatal(err)
	}
	err := cmd.Run()
	var r report
	if mode == "report" {
		if err != nil {
			t.Fatalf("probe %q: %v\nstderr: %s", env, err, stderr.Bytes())
		}
		if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
			t.Fatalf("probe %q: %v in %q", env, err, stdout.Bytes())
		}
	}
	return r, stderr.String()
}

// TestConstructor runs the probe with every runtime variable set to a
// value it would notice and wants the defaults, no trace on stderr, the
// other variables kept in their order, and Check satisfied.
func TestConstructor(t *testing.T) {
	keep := []string{"PATH=/usr/bin:/bin", "GATEWAY_INTERFACE=CGI/1.1", "XGOMAXPROCS=5", "go_lower=1", "G=1", "TZ=UTC"}
	base, baseErr := probe(t, "report", keep...)
	if baseErr != "" {
		t.Fatalf("probe without GO* variables wrote to stderr: %s", baseErr)
	}
	procs := base.GOMAXPROCS + 13
	attack := []string{
		"GOMAXPROCS=" + strconv.Itoa(procs),
		"GOGC=1",
		"GOMEMLIMIT=1MiB",
		"GODEBUG=inittrace=1,gctrace=1,schedtrace=1",
		"GOTRACEBACK=crash",
		"GOROOT=/nonexistent",
		"GOCOVERDIR=/nonexistent",
		"GORACE=log_path=/tmp/x",
		"GOFUTURE=1", // one no Go release reads yet
		"GO=1",       // the prefix alone
		"GONOEQUALS", // no '='
		// No duplicate name: os/exec keeps only the last of those.
	}
	// Interleave: the kept variables must keep their order around the
	// removed ones.
	var env []string
	for i, kv := range attack {
		env = append(env, kv)
		if i < len(keep) {
			env = append(env, keep[i])
		}
	}
	got, stderr := probe(t, "report", env...)
	if stderr != "" {
		t.Errorf("probe with GODEBUG=inittrace=1,...: stderr = %q, want nothing", stderr)
	}
	// The C library's array keeps its length (the runtime finds the
	// auxiliary vector after it): an empty entry stands where each GO*
	// one was.
	var cenv []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "GO") {
			kv = ""
		}
		cenv = append(cenv, kv)
	}
	probed := probeVar + "=report"
	want := report{
		Environ:    append(keep, probed),
		CEnviron:   append(cenv, probed),
		GOMAXPROCS: base.GOMAXPROCS,
		GCPercent:  100,
		MemLimit:   math.MaxInt64,
		GOROOT:     base.GOROOT,
		CPUs:       base.CPUs,
		Before:     base.Before,
		After:      base.After,
		// TestTimerSlack checks these.
		SlackBefore: got.SlackBefore,
		SlackAfter:  got.SlackAfter,
		Slack:       got.Slack,
		SlackErr:    got.SlackErr,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("probe(%q) =\n%+v, want\n%+v", env, got, want)
	}
}

// TestProcessorCount: the runtime of a probe started with every CPU of
// this process starts with GOMAXPROCS 1 (the constructor narrowed the
// affinity to one CPU), and Unpin gives the main thread all of them back.
func TestProcessorCount(t *testing.T) {
	n := CPUs()
	if n < 1 {
		t.Fatalf("CPUs() = %d in the test process, want at least 1", n)
	}
	if n == 1 {
		t.Log("this process may run on one CPU only: the constructor has nothing to narrow")
	}
	got, _ := probe(t, "report")
	if got.CPUs != n || got.GOMAXPROCS != 1 || got.Before != 1 || got.After != n || got.Unpin != "" {
		t.Errorf("probe: CPUs %d, GOMAXPROCS %d, affinity %d before Unpin and %d after (error %q); want %d, 1, 1, %d, none",
			got.CPUs, got.GOMAXPROCS, got.Before, got.After, got.Unpin, n, n)
	}
}

// TestTimerSlack: the runtime of a probe starts with a timer slack of
// 2 ms on its main thread, which the runtime's own threads (sysmon, ...)
// inherit and keep, and Unpin gives the main thread the slack it was
// started with (the slack of this test's thread, which probe unpinned).
// Reading another thread's slack needs CAP_SYS_NICE: without it (not
// root) only the main thread's is checked.
func TestTimerSlack(t *testing.T) {
	const want = 2000000
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := Unpin(); err != nil {
		t.Fatal(err)
	}
	started := timerSlack()
	if started < 0 {
		testenv.Lacking(t, "a kernel with timer slack (prctl PR_GET_TIMERSLACK)")
	}
	if started == want {
		t.Fatalf("this thread's timer slack is %d ns after Unpin: the test cannot tell it from the constructor's", started)
	}
	got, _ := probe(t, "report")
	if got.SlackBefore != want || got.SlackAfter != started || got.Unpin != "" {
		t.Errorf("probe's main thread: timer slack %d ns before Unpin, %d after (error %q); want %d, then %d",
			got.SlackBefore, got.SlackAfter, got.Unpin, want, started)
	}
	if got.SlackErr != "" {
		if os.Geteuid() == 0 {
			t.Fatalf("probe could not read its threads' timer slack as root: %s", got.SlackErr)
		}
		// Another thread's slack is readable with CAP_SYS_NICE only.
		testenv.Lacking(t, "root, to read the probe's other threads' timer slack: %s", got.SlackErr)
	}
	if len(got.Slack) < 1 {
		t.Fatalf("probe had no thread besides the main one: %v", got.Slack)
	}
	for tid, v := range got.Slack {
		if v != want {
			t.Errorf("probe's thread %d: timer slack %d ns, want %d (inherited from the constructor's)", tid, v, want)
		}
	}
}

// TestStart: a program started plainly from a thread the constructor
// narrowed inherits its one CPU and 2 ms of timer slack; started with
// Start it gets the affinity and the slack the process started with.
func TestStart(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := Unpin(); err != nil {
		t.Fatal(err)
	}
	if timerSlack() < 0 {
		testenv.Lacking(t, "a kernel with timer slack (prctl PR_GET_TIMERSLACK)")
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	var cpus string
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Cpus_allowed_list:"); ok {
			cpus = strings.TrimSpace(v)
		}
	}
	want := fmt.Sprintf("%d Cpus_allowed_list: %s", timerSlack(), cpus)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = []string{probeVar + "=start"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("probe: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		t.Fatalf("probe printed %q, want two lines", out)
	}
	if lines[1] != want {
		t.Errorf("a child started with Start: %q, want %q (the process's own slack and CPUs)", lines[1], want)
	}
	// The control: without Start the child has the constructor's 2 ms
	// (and, where there is more than one CPU, its one CPU); else the
	// test could not tell Start from a plain start.
	if !strings.HasPrefix(lines[0], "2000000 ") || CPUs() > 1 && lines[0] == want {
		t.Errorf("a child started plainly from the narrowed main thread: %q, want 2 ms of slack and one CPU", lines[0])
	}
}

// TestTraceback: GOTRACEBACK=none would hide the goroutine trace of a
// panic; with the variable removed the default (single) prints it.
func TestTraceback(t *testing.T) {
	_, stderr := probe(t, "panic", "GOTRACEBACK=none")
	if !strings.Contains(stderr, "panic: probe") || !strings.Contains(stderr, "goroutine 1 [running]") {
		t.Errorf("panic with GOTRACEBACK=none: stderr = %q, want the default traceback", stderr)
	}
}

// TestEnvironOnlyIsNotEnough proves the premise of the design: cleaning
// only the C library's environ (as clearenv, unsetenv or a new array do)
// leaves the variables in the array the Go runtime reads.
func TestEnvironOnlyIsNotEnough(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		testenv.Lacking(t, "go command: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "environonly")
	build := exec.Command("go", "build", "-o", bin, "./testdata/environonly")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./testdata/environonly: %v\n%s", err, out)
	}
	procs := runtime.NumCPU() + 13
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = []string{"GOMAXPROCS=" + strconv.Itoa(procs)}
	out, err = cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d false true\n", procs)
	if string(out) != want {
		t.Errorf("environonly with GOMAXPROCS=%d = %q, want %q (GOMAXPROCS, C getenv sees it, os.Getenv sees it): if the runtime no longer reads the initial envp array, revisit the design in doc.go", procs, out, want)
	}
}

// TestCheck: the test binary links the constructor, so whatever go test
// passed, Check finds nothing.
func TestCheck(t *testing.T) {
	if err := Check(); err != nil {
		t.Errorf("Check() = %v, want nil", err)
	}
}

func TestLeftover(t *testing.T) {
	tests := []struct {
		env  []string
		want []string
	}{
		{nil, nil},
		{[]string{"PATH=/bin", "GATEWAY_INTERFACE=CGI/1.1"}, nil}, // GA, not GO
		{[]string{"GOGC=1", "PATH=/bin", "GODEBUG=x=1"}, []string{"GOGC", "GODEBUG"}},
		{[]string{"GOGC=1", "GOGC=2"}, []string{"GOGC"}},       // each name once
		{[]string{"GONOEQUALS"}, []string{"GONOEQUALS"}},       // no '='
		{[]string{"GO="}, []string{"GO"}},                      // the prefix alone
		{[]string{"go_lower=1", "XGO=1", "Go=1"}, nil},         // case and position matter
		{[]string{"", "GOMAXPROCS=9"}, []string{"GOMAXPROCS"}}, // a blanked entry
		{[]string{"GOTRACEBACK=none"}, nil},                    // the runtime's secure mode adds it
		{[]string{"GOTRACEBACK=single"}, []string{"GOTRACEBACK"}},
		{[]string{"GOTRACEBACK=none,"}, []string{"GOTRACEBACK"}},
	}
	for _, tt := range tests {
		if got := Leftover(tt.env); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Leftover(%q) = %q, want %q", tt.env, got, tt.want)
		}
	}
}
