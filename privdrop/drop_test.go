package privdrop

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"postern/internal/testenv"
)

// childEnv marks the re-executed test binary that performs the real drop.
const childEnv = "POSTERN_PRIVDROP_CHILD"

// requireRoot is testenv.NeedRoot.
var requireRoot = testenv.NeedRoot

func TestDropRefuses(t *testing.T) {
	tests := []struct {
		uid, gid int
		groups   []int
	}{
		{0, 100, nil},
		{100, 0, nil},
		{-1, 100, nil},
		// a negative supplementary group is refused before any change
		{100, 100, []int{5, -1}},
	}
	for _, tt := range tests {
		if err := Drop(tt.uid, tt.gid, tt.groups); err == nil {
			t.Errorf("Drop(%d, %d, %v) = nil, want error", tt.uid, tt.gid, tt.groups)
		}
	}
	if os.Getuid() != syscall.Getuid() || os.Geteuid() != syscall.Geteuid() {
		t.Fatal("ids changed by a refused Drop")
	}
}

func TestDropIfRootNotRoot(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("covered by TestDrop's child when root")
	}
	if err := DropIfRoot(os.Getuid(), os.Getgid(), nil); err != nil {
		t.Errorf("DropIfRoot(own uid) = %v, want nil", err)
	}
	if err := DropIfRoot(os.Getuid()+1, os.Getgid(), nil); err == nil {
		t.Errorf("DropIfRoot(other uid) = nil, want error")
	}
}

// TestDrop re-executes the test binary; the child drops to 65534 and
// reports what it can still do, the parent judges.
func TestDrop(t *testing.T) {
	requireRoot(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestDropChild$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	got := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok {
			got[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	want := map[string]string{
		"drop":          "ok",
		"setuid0":       "failed",
		"setgid0":       "failed",
		"setresuid0":    "failed",
		"Uid":           "65534 65534 65534 65534",
		"Gid":           "65534 65534 65534 65534",
		"Groups":        "65533 65534",
		"dropifroot-me": "ok",
		"dropifroot-1":  "failed",
		"drop-again":    "failed",
		"threads":       "all 65534",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("child %s = %q, want %q", k, got[k], w)
		}
	}
	if t.Failed() {
		t.Logf("child output:\n%s", out)
	}
}

func TestDropChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run by TestDrop")
	}
	result := func(err error) string {
		if err != nil {
			return "failed"
		}
		return "ok"
	}
	err := Drop(65534, 65534, []int{65534, 65533})
	fmt.Println("drop:", result(err))
	if err != nil {
		fmt.Println("drop-error:", err)
	}
	fmt.Println("setuid0:", result(syscall.Setuid(0)))
	fmt.Println("setgid0:", result(syscall.Setgid(0)))
	fmt.Println("setresuid0:", result(syscall.Setresuid(-1, 0, -1)))
	fmt.Println("dropifroot-me:", result(DropIfRoot(65534, 65534, nil)))
	fmt.Println("dropifroot-1:", result(DropIfRoot(1, 1, nil)))
	fmt.Println("drop-again:", result(Drop(1, 1, nil)))
	// Every thread, not only this one, must have lost root.
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	threads := "all 65534"
	for _, task := range tasks {
		st, err := os.ReadFile("/proc/self/task/" + task.Name() + "/status")
		if err != nil {
			continue // the thread ended
		}
		for line := range strings.Lines(string(st)) {
			if strings.HasPrefix(line, "Uid:") && strings.Join(strings.Fields(line), " ") != "Uid: 65534 65534 65534 65534" {
				threads = "thread " + task.Name() + " " + strings.TrimSpace(line)
			}
		}
	}
	fmt.Println("threads:", threads)
	fmt.Println("thread-count:", len(tasks))
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if strings.HasPrefix(line, "Uid:") || strings.HasPrefix(line, "Gid:") || strings.HasPrefix(line, "Groups:") {
			fmt.Print(line)
		}
	}
}

// TestVerifyCatchesSavedRoot: a drop that kept root as the saved uid (what
// setuid(2) alone does as a non-root effective uid, or a wrong setresuid)
// must fail verify, whose raw setuid(0) on one thread then succeeds.
func TestVerifyCatchesSavedRoot(t *testing.T) {
	if os.Getenv(childEnv) == "savedroot" {
		if err := syscall.Setgroups([]int{65534}); err != nil {
			fmt.Println("setup:", err)
			return
		}
		if err := syscall.Setresgid(65534, 65534, 65534); err != nil {
			fmt.Println("setup:", err)
			return
		}
		if err := syscall.Setresuid(65534, 65534, 0); err != nil {
			fmt.Println("setup:", err)
			return
		}
		fmt.Println("verify:", verify(65534, 65534, []int{65534}))
		return
	}
	requireRoot(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestVerifyCatchesSavedRoot$")
	cmd.Env = append(os.Environ(), childEnv+"=savedroot")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "verify: privdrop: setuid(0) succeeded after drop") {
		t.Errorf("verify after setresuid(65534, 65534, 0) did not report setuid(0):\n%s", out)
	}
}

// TestSanitize runs Sanitize in a child with a hostile environment, since it
// changes the whole process.
func TestSanitize(t *testing.T) {
	if os.Getenv(childEnv) == "sanitize" {
		setuid := Sanitize()
		fmt.Printf("setuid:%v\n", setuid)
		fmt.Printf("umask:%o\n", syscall.Umask(0o077))
		for _, kv := range os.Environ() {
			fmt.Printf("env:%s\n", kv)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSanitize$")
	cmd.Env = []string{childEnv + "=sanitize", "LD_PRELOAD=/nonexistent.so", "PATH=/tmp", "HTTP_PROXY=x", "HTTP_HOST=example.org", "REQUEST_METHOD=GET"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var env []string
	var umask, setuid string
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSuffix(line, "\n")
		switch k, v, _ := strings.Cut(line, ":"); k {
		case "env":
			env = append(env, v)
		case "umask":
			umask = v
		case "setuid":
			setuid = v
		}
	}
	want := []string{"HTTP_HOST=example.org", "REQUEST_METHOD=GET", "PATH=" + SafePath}
	if strings.Join(env, "\n") != strings.Join(want, "\n") {
		t.Errorf("environment after Sanitize = %q, want %q", env, want)
	}
	if umask != "77" {
		t.Errorf("umask after Sanitize = %q, want 77", umask)
	}
	if setuid != "false" {
		t.Errorf("Sanitize() = %q in a plain child, want false", setuid)
	}
}
