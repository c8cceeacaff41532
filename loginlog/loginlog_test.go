package loginlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 6, 7, 0, 0, 0, time.Local)

func TestAppendRing(t *testing.T) {
	l := &Log{Path: filepath.Join(t.TempDir(), "postern", "loginlog")}
	for i := range MaxEntries + 5 {
		if _, err := l.Append(Entry{Time: t0.Add(time.Duration(i) * time.Minute), Kind: Failed, IP: "192.0.2.1", Reason: "password"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != MaxEntries || !got[0].Time.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("Read after %d appends = %d entries from %v, want the newest %d", MaxEntries+5, len(got), got[0].Time, MaxEntries)
	}
	fi, err := os.Stat(l.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode of the history = %v, want 0600", fi.Mode().Perm())
	}
}

// TestAppendCleans: an entry with an odd address or long fields is kept,
// cleaned, not dropped.
func TestAppendCleans(t *testing.T) {
	l := &Log{Path: filepath.Join(t.TempDir(), "loginlog")}
	in := []Entry{
		{Time: t0, Kind: Login, IP: "unknown", Factors: "password"},
		{Time: t0, Kind: Failed, IP: "::ffff:192.0.2.7", Reason: strings.Repeat("é", maxField)},
	}
	if _, err := l.Append(in...); err != nil {
		t.Fatal(err)
	}
	got, err := l.Read()
	if err != nil || len(got) != 2 {
		t.Fatalf("Read = %v, %v; want 2 entries", got, err)
	}
	if got[0].IP != "" || got[1].IP != "192.0.2.7" || len(got[1].Reason) > maxField {
		t.Errorf("Read = %+v, want the bad address dropped, the mapped one unmapped, the reason cut", got)
	}
	if text := Summarize(got[:1]).Text(); !strings.Contains(text, "from an unknown address;") {
		t.Errorf("Summarize(login without address).Text() = %q, want \"from an unknown address\"", text)
	}
}

func TestCorruptHistory(t *testing.T) {
	dir := t.TempDir()
	l := &Log{Path: filepath.Join(dir, "loginlog")}
	good := `{"t":"2026-12-06T07:00:00Z","k":"login","ip":"192.0.2.1","f":"password"}`
	content := strings.Join([]string{
		good,
		`{"t":"2026-12-06T07:00:00Z","k":"login","ip":"192.0.2.1"`, // cut short
		`{"t":"2026-12-06T07:00:00Z","k":"reboot"}`,                // unknown kind
		`{"t":"2026-12-06T07:00:00Z","k":"login","ip":"nowhere"}`,  // not an address
		`{"k":"login"}`,                      // no time
		strings.Repeat("x", maxLineBytes+10), // too long a line
		good,
	}, "\n")
	if err := os.WriteFile(l.Path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := l.Read()
	if err != nil || len(got) != 2 {
		t.Errorf("Read(corrupt) = %d entries, %v; want the 2 good ones", len(got), err)
	}
	// Too large a file: no entries, and Append starts again.
	if err := os.WriteFile(l.Path, []byte(strings.Repeat(good+"\n", MaxBytes/len(good)+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := l.Read(); err == nil || len(got) != 0 {
		t.Errorf("Read(too large) = %d entries, %v; want none and an error", len(got), err)
	}
	if _, err := l.Append(Entry{Time: t0, Kind: Password}); err != nil {
		t.Fatal(err)
	}
	if got, err := l.Read(); err != nil || len(got) != 1 {
		t.Errorf("Read after Append to a too large file = %d entries, %v; want 1", len(got), err)
	}
}

func TestSummary(t *testing.T) {
	login := Entry{Time: t0, Kind: Login, IP: "192.0.2.1", Factors: "password"}
	fail := Entry{Time: t0.Add(time.Hour), Kind: Failed, IP: "192.0.2.9", Reason: "password"}
	tests := []struct {
		name   string
		before []Entry
		want   string
	}{
		{"first login", nil, ""},
		{"first, after failures", []Entry{fail, fail}, "First login recorded; 2 failed attempts before."},
		{"no failures", []Entry{fail, login}, "Last login: 2026-12-06 07:00:00 from 192.0.2.1; 0 failed attempts since."},
		// Failures before the last login are not counted, nor other events.
		{"failures since", []Entry{fail, login, fail, {Time: t0, Kind: Password}, fail}, "Last login: 2026-12-06 07:00:00 from 192.0.2.1; 2 failed attempts since."},
		{"one failure", []Entry{login, fail}, "Last login: 2026-12-06 07:00:00 from 192.0.2.1; 1 failed attempt since."},
	}
	for _, tt := range tests {
		if got := Summarize(tt.before).Text(); got != tt.want {
			t.Errorf("%s: Summarize(%v).Text() = %q, want %q", tt.name, tt.before, got, tt.want)
		}
	}
}

func TestNotice(t *testing.T) {
	p := filepath.Join(t.TempDir(), "postern", "loginnotice")
	if err := SaveNotice(p, "s1", "Last login: then"); err != nil {
		t.Fatal(err)
	}
	if text, ok, err := TakeNotice(p, "s2"); ok || err != nil {
		t.Errorf("TakeNotice(other session) = %q, %v, %v; want nothing", text, ok, err)
	}
	if text, ok, err := TakeNotice(p, "s1"); !ok || err != nil || text != "Last login: then" {
		t.Errorf("TakeNotice(s1) = %q, %v, %v; want the notice", text, ok, err)
	}
	if text, ok, err := TakeNotice(p, "s1"); ok || err != nil {
		t.Errorf("TakeNotice(s1) again = %q, %v, %v; want nothing: the notice is shown once", text, ok, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"t":"2026-12-06T07:00:00Z","k":"login","ip":"192.0.2.1","f":"password"}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		es := Parse(strings.NewReader(string(b)))
		// What is kept is valid, and survives a round trip unchanged.
		again := Parse(strings.NewReader(string(Format(es))))
		if len(es) <= MaxEntries && len(again) != len(es) {
			t.Errorf("Parse(Format(Parse(%q))) = %d entries, want %d", b, len(again), len(es))
		}
	})
}

// BenchmarkLoginAppend is what a login adds in the app: the failures
// handed over and the login appended to a full history.
func BenchmarkLoginAppend(b *testing.B) {
	l := &Log{Path: filepath.Join(b.TempDir(), "loginlog")}
	for i := range MaxEntries {
		l.Append(Entry{Time: t0.Add(time.Duration(i)), Kind: Failed, IP: "192.0.2.1", Reason: "password", Browser: "Firefox"})
	}
	for b.Loop() {
		if _, err := l.Append(Entry{Time: t0, Kind: Login, IP: "192.0.2.1", Browser: "Firefox", Factors: "password"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFormat is the part of BenchmarkLoginAppend that is not
// file system work.
func BenchmarkParseFormat(b *testing.B) {
	var es []Entry
	for i := range MaxEntries {
		es = append(es, Entry{Time: t0.Add(time.Duration(i)), Kind: Failed, IP: "192.0.2.1", Reason: "password", Browser: "Firefox"})
	}
	data := Format(es)
	for b.Loop() {
		Format(append(Parse(strings.NewReader(string(data))), es[0]))
	}
}
