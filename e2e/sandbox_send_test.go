package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSendSandbox: the request that sends mail is confined by Landlock,
// set as root just before the privilege drop and without no_new_privs.
// A probe wrapper, run as the user, reads a world-readable file outside
// the sandbox, creates a file in a world-writable directory and runs
// id(1): all three work with landlock = no (so the probe proves
// something) and are refused with it. A real send still goes through
// Postfix's set-group-id postdrop into the recipient's Maildir, which
// no_new_privs would prevent: the queue directory is not writable but by
// group postdrop. (Leaving the queue out of landlock_send_write is no
// quick test: postdrop then retries every 10 s until it is killed.)
func TestSendSandbox(t *testing.T) {
	m := needPostfix(t)
	if abi := landlockABI(); abi < 2 {
		lacking(t, "kernel without usable Landlock (ABI %d)", abi)
	}
	a := env.a
	outside := filepath.Join(env.tmp, "send-sandbox-"+randomHex(4))
	if err := os.Mkdir(outside, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(outside, 0o777) // the umask took some
	t.Cleanup(func() { os.RemoveAll(outside) })
	secret := "readable by every user " + randomHex(8)
	readable := filepath.Join(outside, "readable")
	if err := os.WriteFile(readable, []byte(secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	created := filepath.Join(outside, "created")
	probe := filepath.Join(outside, "probe-sendmail")
	script := "#!/bin/sh\n" +
		"if IFS= read -r l < " + readable + "; then echo \"read:$l\"; else echo read:refused; fi\n" +
		"if true > " + created + "; then echo create:done; else echo create:refused; fi\n" +
		"/usr/bin/id -u; echo \"exec:$?\"\n" +
		"exit 75\n"
	if err := os.WriteFile(probe, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(probe, 0o755)

	c := loggedIn(t, a)
	send := func(conf, subject string) *response {
		t.Helper()
		withConfig(t, conf)
		v := c.composeForm("")
		v.Set("to", addr(env.b))
		v.Set("subject", subject)
		v.Set("body", "sandboxed send\r\n")
		v.Set("action", "send")
		return c.postCompose(v)
	}
	output := func(r *response) string {
		t.Helper()
		wantStatus(t, r, http.StatusBadGateway)
		out := byID(r.doc, "sendmail-output")
		if out == nil {
			t.Fatalf("%s: no #sendmail-output; body: %.800s", r, r.body)
		}
		return text(out)
	}

	// Without the sandbox the probe reaches everything it tries.
	out := output(send(sendConfig(probe, "landlock = no\n"), "Probe off"))
	for _, want := range []string{"read:" + secret, "create:done", "exec:0"} {
		if !strings.Contains(out, want) {
			t.Fatalf("landlock = no: the probe's output lacks %q, so the test proves nothing:\n%s", want, out)
		}
	}
	os.Remove(created)

	// With it, the kernel refuses all three to the wrapper (run as the
	// user, who may do them by the Unix permissions).
	out = output(send(sendConfig(probe, ""), "Probe on"))
	for _, want := range []string{"read:refused", "create:refused", "exec:126", "Permission denied"} {
		if !strings.Contains(out, want) {
			t.Errorf("landlock = yes: the probe's output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, secret) {
		t.Errorf("landlock = yes: the probe read %s", readable)
	}
	if _, err := os.Stat(created); err == nil {
		t.Errorf("landlock = yes: the probe created %s", created)
	}
	if log := readErrorLog(t); strings.Contains(log, "landlock for the send") {
		t.Errorf("the error log reports a failed sandbox:\n%s", log)
	}

	// A real send through Postfix, sandboxed, arrives.
	tag := randomHex(4)
	r := send(sendConfig(m.wrapper, ""), "Sandboxed "+tag)
	wantStatus(t, r, http.StatusOK)
	waitMail(t, m, env.b, "INBOX", "Sandboxed "+tag, 1)
}

// landlockABI is the kernel's Landlock ABI version, 0 without Landlock
// (ABI 1 cannot allow a Maildir's renames: postern then restricts nothing).
func landlockABI() int {
	v, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errno != 0 {
		return 0
	}
	return int(v)
}
