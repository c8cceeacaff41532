package guard

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"postern/internal/testenv"
)

// TestTicket: Hold counts nothing; Fail counts against the name and the
// address; Succeed resets the name only; a nil ticket records nothing
// and says so.
func TestTicket(t *testing.T) {
	g, _ := newGuard(t)
	g.Limits = Limits{UserLock: 3, IPLock: 100}
	steps := []struct {
		op         string // hold: a new ticket; fail; succeed
		user, addr int    // counts afterwards
	}{
		{"hold", 0, 0},
		{"fail", 1, 1},
		{"hold", 1, 1}, // a second attempt, as after a fresh password login
		{"fail", 2, 2},
		{"fail", 3, 3},
		{"succeed", 0, 3}, // the right code: the name is free, the address not
		{"fail", 1, 4},
	}
	var tk *Ticket
	for i, s := range steps {
		var err error
		switch s.op {
		case "hold":
			tk.Close()
			tk, err = g.Hold("alice", "192.0.2.5")
		case "fail":
			err = tk.Fail()
		case "succeed":
			err = tk.Succeed()
		}
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, s.op, err)
		}
		nu, _ := g.count(userFile("alice"))
		na, _ := g.count(ipFile("192.0.2.5"))
		if nu != s.user || na != s.addr {
			t.Errorf("step %d (%s): counts = %d, %d, want %d, %d", i, s.op, nu, na, s.user, s.addr)
		}
	}
	tk.Close()
	var none *Ticket
	if none.Fail() == nil || none.Succeed() == nil {
		t.Error("Fail and Succeed on a nil ticket succeeded, want errors")
	}
	if err := none.Close(); err != nil {
		t.Errorf("Close on a nil ticket = %v, want nil", err)
	}
}

// TestTicketLocks: failures through tickets lock the name as failures
// through Fail do, and Check then refuses the next attempt.
func TestTicketLocks(t *testing.T) {
	g, _ := newGuard(t)
	g.Limits = Limits{UserLock: 4}
	g.Fail("bob", "192.0.2.1") // a wrong password
	for range 3 {              // three wrong codes, each after a fresh login
		tk, err := g.Hold("bob", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := g.Check("bob", "192.0.2.1"); v.Locked {
			t.Fatal("locked before the fourth failure")
		}
		tk.Fail()
		tk.Close()
	}
	if v, _ := g.Check("bob", "198.51.100.1"); !v.Locked || v.Reason != "user locked" {
		t.Errorf("Check(bob) after 1 password and 3 code failures = %+v, want user locked", v)
	}
}

// TestSweepSparesHeld: a counter whose window passes while a ticket holds
// it stays in Dir, so the late failure is counted; one nobody wrote for
// MaxHold is removed.
func TestSweepSparesHeld(t *testing.T) {
	g, now := newGuard(t)
	g.Limits = Limits{Window: time.Minute}
	if err := g.Fail("carol", "192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	old := now.Add(-MaxHold - time.Minute)
	for _, name := range []string{userFile("carol"), ipFile("192.0.2.9")} {
		os.Chtimes(filepath.Join(g.Dir, name), old, old) // written long ago
	}
	*now = now.Add(50 * time.Second) // still inside the window
	tk, err := g.Hold("carol", "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Close()
	*now = now.Add(20 * time.Second) // the window passed during the attempt
	if err := g.Sweep(); err != nil {
		t.Fatal(err)
	}
	if err := tk.Fail(); err != nil {
		t.Fatalf("Fail on a held counter after Sweep: %v", err)
	}
	if n, _ := g.count(userFile("carol")); n != 1 {
		t.Errorf("count after the late failure = %d, want 1 (a fresh window)", n)
	}
	// Without the hold, the same counter goes.
	g.Fail("dan", "192.0.2.10")
	os.Chtimes(filepath.Join(g.Dir, userFile("dan")), old, old)
	*now = now.Add(2 * time.Minute)
	g.Sweep()
	if _, err := os.Stat(filepath.Join(g.Dir, userFile("dan"))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Sweep kept a counter forgotten and not written for MaxHold: %v", err)
	}
}

// TestTicketRemoved: a held counter removed from Dir is reported, not
// written unseen.
func TestTicketRemoved(t *testing.T) {
	g, _ := newGuard(t)
	tk, err := g.Hold("erin", "192.0.2.11")
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Close()
	os.Remove(filepath.Join(g.Dir, userFile("erin")))
	if err := tk.Fail(); !errors.Is(err, errRemoved) {
		t.Errorf("Fail on a removed counter = %v, want errRemoved", err)
	}
}

// childEnv makes the re-executed test binary the child of TestTicketDrop.
const childEnv = "POSTERN_GUARD_CHILD"

// TestTicketDrop: a ticket held as root records failures and a success
// after the process has dropped to nobody, who can open nothing in Dir.
func TestTicketDrop(t *testing.T) {
	testenv.NeedRoot(t)
	dir := filepath.Join(t.TempDir(), "guard")
	child := func(op string) map[string]string {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestTicketDropChild$", "-test.v")
		cmd.Env = append(os.Environ(), childEnv+"="+op, childEnv+"_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child %s: %v\n%s", op, err, out)
		}
		got := map[string]string{}
		for sc := bufio.NewScanner(strings.NewReader(string(out))); sc.Scan(); {
			if k, v, ok := strings.Cut(sc.Text(), ": "); ok {
				got[k] = v
			}
		}
		return got
	}
	g := &Guard{Dir: dir}
	for _, tt := range []struct {
		op         string
		user, addr int
	}{
		{"fail", 2, 2},
		{"succeed", 0, 2},
	} {
		got := child(tt.op)
		want := map[string]string{"uid": "65534", "open-dir": "refused", "hold": "refused", tt.op: "ok"}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("child %s: %s = %q, want %q (all: %v)", tt.op, k, got[k], w, got)
			}
		}
		nu, _ := g.count(userFile("frank"))
		na, _ := g.count(ipFile("192.0.2.12"))
		if nu != tt.user || na != tt.addr {
			t.Errorf("after child %s: counts = %d, %d, want %d, %d", tt.op, nu, na, tt.user, tt.addr)
		}
	}
}

func TestTicketDropChild(t *testing.T) {
	op := os.Getenv(childEnv)
	if op == "" {
		t.Skip("run by TestTicketDrop")
	}
	g := &Guard{Dir: os.Getenv(childEnv + "_DIR")}
	tk, err := g.Hold("frank", "192.0.2.12")
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setgroups([]int{65534}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setresgid(65534, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setresuid(65534, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	fmt.Println("uid:", os.Geteuid())
	result := func(err error) string {
		if err != nil {
			return "refused"
		}
		return "ok"
	}
	_, err = os.ReadDir(g.Dir)
	fmt.Println("open-dir:", result(err))
	_, err = g.Hold("frank", "192.0.2.12")
	fmt.Println("hold:", result(err))
	switch op {
	case "fail":
		err = errors.Join(tk.Fail(), tk.Fail())
	case "succeed":
		err = tk.Succeed()
	}
	fmt.Printf("%s: %s\n", op, result(err))
	if err != nil {
		fmt.Println("error:", err)
	}
}
