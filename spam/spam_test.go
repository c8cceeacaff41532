package spam

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/testenv"
)

func TestVerdicts(t *testing.T) {
	tests := []struct {
		name string
		h    map[string]string
		want []string // texts, "!" prefix for Bad
	}{
		{"none", nil, nil},
		{"spamassassin yes", map[string]string{"X-Spam-Status": "Yes, score=7.1 required=5.0 tests=BAYES_99 autolearn=no"},
			[]string{"!The spam filter marked this message as spam (score 7.1; 5.0 or more is spam)."}},
		{"spamassassin no", map[string]string{"X-Spam-Status": "No, score=-0.1 required=5.0 tests=none"},
			[]string{"The spam filter did not find this message to be spam (score -0.1; 5.0 or more is spam)."}},
		{"flag only", map[string]string{"X-Spam-Flag": "YES"}, []string{"!The spam filter marked this message as spam."}},
		{"score only", map[string]string{"X-Spam-Score": "3.2"}, []string{"The spam filter rated this message (score 3.2)."}},
		// a score that is not a number is left out, not echoed
		{"hostile score", map[string]string{"X-Spam-Status": "Yes, score=<script> required=5"}, []string{"!The spam filter marked this message as spam."}},
		{"auth", map[string]string{"Authentication-Results": "mx.example.org; spf=pass smtp.mailfrom=a.example; dkim=fail (bad signature) header.d=a.example; dmarc=none"},
			[]string{"Not checked: the sender's domain policy (DMARC) (the sender has none).", "!Warning: the signature (DKIM) failed (fail); the sender may be forged.", "Checked: the sending server (SPF) passed."}},
		// only the first result of a method counts; unknown words are dropped
		{"auth odd", map[string]string{"Authentication-Results": "mx; dkim=temperror; dkim=pass; spf=<b>"}, []string{"Could not check the signature (DKIM) (temperror)."}},
		{"authserv only", map[string]string{"Authentication-Results": "mx.example.org; none"}, nil},
	}
	for _, tt := range tests {
		got := Verdicts(func(n string) string { return tt.h[n] })
		var texts []string
		for _, v := range got {
			s := v.Text
			if v.Bad {
				s = "!" + s
			}
			texts = append(texts, s)
		}
		if strings.Join(texts, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s: Verdicts = %q, want %q", tt.name, texts, tt.want)
		}
	}
}

func TestVerdictsScoreFix(t *testing.T) {
	// "score=<script>" drops the score; required=5 stays.
	v, _ := spamVerdict("", "Yes, score=<script> required=5", "")
	if strings.Contains(v.Text, "<") {
		t.Errorf("spamVerdict kept markup: %q", v.Text)
	}
}

// TestLearnSALearn teaches a real SpamAssassin Bayes database in a
// temporary home and reads the count back with sa-learn --dump magic.
func TestLearnSALearn(t *testing.T) {
	const bin = "/usr/bin/sa-learn"
	if _, err := os.Stat(bin); err != nil {
		testenv.Lacking(t, "sa-learn (Debian spamassassin)")
	}
	home := t.TempDir()
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home, "TMPDIR=" + home, "LANG=C"}
	msg := "From: a@example.net\nTo: b@example.org\nSubject: cheap pills\nMessage-Id: <1@example.net>\n\nbuy cheap pills now at example dot net\n"
	if err := Learn([]string{bin, "--spam"}, env, strings.NewReader(msg), int64(len(msg))); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--dump", "magic")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sa-learn --dump magic: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), " 1          0  non-token data: nspam") {
		t.Errorf("nspam is not 1 after learning:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(home, ".spamassassin")); err != nil {
		t.Error(err)
	}
	// A failing command is an error with its output.
	if err := Learn([]string{"/bin/sh", "-c", "echo nope; exit 3"}, env, strings.NewReader(""), 0); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Learn(failing) = %v", err)
	}
	if err := Learn([]string{bin}, env, strings.NewReader(""), MaxLearnBytes+1); err != ErrTooLarge {
		t.Errorf("Learn(too large) = %v", err)
	}
}
