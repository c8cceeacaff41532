package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const chromiumBin = "/usr/bin/chromium"

// browserPrereqs names what TestBrowser lacks, or "".
func browserPrereqs(dir string) string {
	if _, err := exec.LookPath("node"); err != nil {
		return "node not found"
	}
	if _, err := os.Stat(chromiumBin); err != nil {
		return "missing " + chromiumBin
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		return "playwright-core not installed: run npm ci in e2e/browser"
	}
	return ""
}

// TestBrowser runs the playwright tests of e2e/browser/ with node --test
// against the running Apache, in a folder of their own.
func TestBrowser(t *testing.T) {
	dir := filepath.Join(env.root, "e2e", "browser")
	needBrowser(t, dir)
	a := env.a
	const folder, dest = "Browser", "Lists.golang"
	tag := randomHex(3)
	subjects := []string{"Browser move one " + tag, "Browser move two " + tag, "Browser delete " + tag}
	m1 := addMessage(t, a, folder, "cur", "S", subjects[0], "first to move")
	m2 := addMessage(t, a, folder, "cur", "", subjects[1], "second to move")
	del := addMessage(t, a, folder, "cur", "", subjects[2], "to delete")
	os.WriteFile(filepath.Join(folderDir(a, folder), "maildirfolder"), nil, 0o600)
	os.Chown(filepath.Join(folderDir(a, folder), "maildirfolder"), a.uid, a.gid)

	// A copy of the attachment message under a key of its own.
	src, err := os.ReadFile(filepath.Join(a.maildir, "cur", a.known.attKey+":2,S"))
	if err != nil {
		t.Fatal(err)
	}
	attID := fmt.Sprintf("%d.M%sP7.browser", time.Now().Unix(), randomHex(3))
	attFile := filepath.Join(folderDir(a, folder), "cur", attID+":2,S")
	if err := os.WriteFile(attFile, src, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chown(attFile, a.uid, a.gid)
	sum := sha256.Sum256(a.known.attBytes)
	subjJSON, _ := json.Marshal(append(subjects, a.known.attSubject, a.known.plainSubject))

	files, _ := filepath.Glob(filepath.Join(dir, "*.test.mjs"))
	if len(files) == 0 {
		t.Fatalf("no *.test.mjs in %s", dir)
	}
	cmd := exec.Command("node", append([]string{"--test", "--test-reporter=spec"}, files...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"BASE_URL="+env.base,
		"USER_A="+a.name,
		"PASS_A="+a.pass,
		"FOLDER="+folder,
		"ATT_ID="+attID,
		"ATT_SUBJECT="+a.known.attSubject,
		"ATT_FILENAME="+a.known.attFilename,
		"ATT_SHA256="+hex.EncodeToString(sum[:]),
		"MOVE_IDS="+m1+","+m2,
		"MOVE_DEST="+dest,
		"DELETE_ID="+del,
		"SUBJECTS="+string(subjJSON),
		"SCREENSHOT_DIR="+shotDir(t),
		"CHROMIUM="+chromiumBin,
	)
	out, err := runTimeout(cmd, 4*time.Minute)
	t.Logf("node --test e2e/browser:\n%s", out)
	if err != nil {
		t.Fatalf("node --test e2e/browser: %v", err)
	}
	for _, id := range []string{m1, m2} {
		if _, _, ok := findKey(a, folder, id); ok {
			t.Errorf("browser move: %s still in %s on disk", id, folder)
		}
	}
	for _, s := range subjects[:2] {
		if _, ok := findBySubject(a, dest, s); !ok {
			t.Errorf("browser move: %q not in %s on disk", s, dest)
		}
	}
	if _, ok := findBySubject(a, "Trash", subjects[2]); !ok {
		t.Errorf("browser delete: %q not in Trash on disk", subjects[2])
	}
	if fi, err := os.Stat(filepath.Join(shotDir(t), "list-phone.png")); err != nil || fi.Size() == 0 {
		t.Errorf("phone screenshot: %v", err)
	}
}

// runTimeout runs cmd with combined output, killing it (its own process
// group, which we started) after d.
func runTimeout(cmd *exec.Cmd, d time.Duration) (string, error) {
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = newProcessGroup()
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(d):
		killGroup(cmd.Process.Pid)
		<-done
		return out.String(), fmt.Errorf("timed out after %v", d)
	}
}

// newProcessGroup puts a child in a process group of its own (so that
// killGroup reaches what it started) and has the kernel send it SIGTERM
// when the test process dies (Pdeathsig): a test binary killed before
// its cleanup, by a timeout or a signal, leaves no server running and no
// inherited lock held.
func newProcessGroup() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// killGroup kills the process group led by pid, a child this test started.
func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

// shotDir is where the browser tests leave screenshots: $E2E_SCREENSHOTS
// when set (kept for CI artifacts), else the run's temporary directory.
func shotDir(t *testing.T) string {
	if d := os.Getenv("E2E_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return env.tmp
}
