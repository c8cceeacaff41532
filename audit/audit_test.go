package audit

import (
	"bytes"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		ev               Event
		ip, user, reason string
		want             string
	}{
		{LoginOK, "192.0.2.1", "alice", "", `login ok ip=192.0.2.1 user="alice"`},
		{LoginFailed, "::ffff:192.0.2.1", "bob", "bad password", `login failed ip=::ffff:192.0.2.1 user="bob" reason="bad password"`},
		// A user name that tries to forge a second address and a new line.
		{LoginFailed, "2001:db8::1", "x\" ip=10.0.0.1\n<86>evil", "", `login failed ip=2001:db8::1 user="x\" ip=10.0.0.1\n<86>evil"`},
		// No address from the web server.
		{SessionRefused, "", "carol", "idle timeout", `session refused ip=- user="carol" reason="idle timeout"`},
		// Not an address at all.
		{SessionRefused, "10.0.0.1 evil", "carol", "", `session refused ip=- user="carol"`},
	} {
		if got := Format(tt.ev, tt.ip, tt.user, tt.reason); got != tt.want {
			t.Errorf("Format(%q, %q, %q, %q) = %s, want %s", tt.ev, tt.ip, tt.user, tt.reason, got, tt.want)
		}
	}
	long := Format(LoginFailed, "192.0.2.1", strings.Repeat("a", 5000), "")
	if len(long) > 300 {
		t.Errorf("Format with a 5000-byte user = %d bytes, want at most about %d", len(long), MaxFieldBytes+50)
	}
}

// TestSyslogDatagram reads what Log sends from a socket the test listens
// on, as a syslog daemon would.
func TestSyslogDatagram(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	l, err := Dial(sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Now = func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.Local) }
	l.Log(LoginFailed, "192.0.2.9", "alice", "authentication failed")
	l.Log(LoginOK, "192.0.2.9", "alice", "")
	ln.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 2048)
	re := regexp.MustCompile(`^<(\d+)>Mar  4 05:06:07 postern\[\d+\]: (.*)$`)
	for _, want := range []struct{ pri, msg string }{
		{"85", `login failed ip=192.0.2.9 user="alice" reason="authentication failed"`}, // authpriv.notice
		{"86", `login ok ip=192.0.2.9 user="alice"`},                                    // authpriv.info
	} {
		n, err := ln.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		m := re.FindStringSubmatch(string(buf[:n]))
		if m == nil || m[1] != want.pri || m[2] != want.msg {
			t.Errorf("datagram = %q, want <%s>... %s", buf[:n], want.pri, want.msg)
		}
	}
}

func TestFallback(t *testing.T) {
	l, err := Dial(filepath.Join(t.TempDir(), "missing"))
	if err == nil {
		t.Fatal("Dial(missing socket) = nil error, want an error")
	}
	var b bytes.Buffer
	l.Fallback = &b
	l.Log(Logout, "192.0.2.1", "alice", "")
	l.Log(Logout, "192.0.2.1", "alice", "")
	lines := strings.SplitAfter(b.String(), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "syslog socket") {
		t.Errorf("fallback output = %q, want the dial error once, then the lines", b.String())
	}
	if got, want := lines[1], "postern: audit: logout ok ip=192.0.2.1 user=\"alice\"\n"; got != want {
		t.Errorf("fallback line = %q, want %q", got, want)
	}
}

// FuzzFormat: whatever the client sends, the line is one line and the
// address field is the one Format was given.
func FuzzFormat(f *testing.F) {
	f.Add("alice", "bad password")
	f.Add("a\" ip=1.2.3.4", "\n")
	f.Fuzz(func(t *testing.T, user, reason string) {
		s := Format(LoginFailed, "192.0.2.1", user, reason)
		if strings.ContainsAny(s, "\n\r\x00") {
			t.Errorf("Format(%q, %q) = %q has a control character", user, reason, s)
		}
		if !strings.HasPrefix(s, "login failed ip=192.0.2.1 user=\"") {
			t.Errorf("Format(%q, %q) = %q, want the address first", user, reason, s)
		}
	})
}
