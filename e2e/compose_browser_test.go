package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestComposeBrowser runs e2e/browser/compose.test.mjs in headless
// Chromium against the private Postfix: A sends to B (Bcc A) a message
// with an attachment and a non-ASCII subject, B reads it and downloads
// the attachment; then, with a failing sendmail, the form survives.
func TestComposeBrowser(t *testing.T) {
	dir := filepath.Join(env.root, "e2e", "browser")
	needBrowser(t, dir)
	m := needPostfix(t)
	subject := "Grüße aus Köln – " + randomHex(3) + " ✓"
	runPhase := func(phase, wrapper string) {
		t.Helper()
		withConfig(t, sendConfig(m.wrapper, ""))
		if wrapper != m.wrapper {
			writeConfig(sendConfig(wrapper, ""))
		}
		cmd := exec.Command("node", "--test", "--test-reporter=spec", "compose.test.mjs")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(),
			"COMPOSE_PHASE="+phase,
			"BASE_URL="+env.base,
			"USER_A="+env.a.name, "PASS_A="+env.a.pass,
			"USER_B="+env.b.name, "PASS_B="+env.b.pass,
			"TO="+addr(env.b), "BCC="+addr(env.a),
			"SUBJECT="+subject,
			"CHROMIUM="+chromiumBin,
		)
		out, err := runTimeout(cmd, 3*time.Minute)
		t.Logf("compose.test.mjs (%s):\n%s", phase, out)
		if err != nil {
			t.Fatalf("compose.test.mjs (%s): %v", phase, err)
		}
	}
	runPhase("send", m.wrapper)
	waitMail(t, m, env.b, "INBOX", "Message-Id", 1)
	for _, f := range mailWith(env.b, "INBOX", addr(env.b)) {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("\nBcc:")) {
			t.Errorf("B's copy %s has a Bcc header", filepath.Base(f))
		}
	}
	runPhase("fail", m.failing)
}
