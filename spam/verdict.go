package spam

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxVerdictBytes bounds what is read of one header's value.
const MaxVerdictBytes = 4096

// Verdict is one line for the message page.
type Verdict struct {
	Text string
	Bad  bool // a warning: spam, or an authentication failure
}

// Verdicts reads the verdict headers from get, which returns the first
// value of a header ("" when absent), and says them in words.
func Verdicts(get func(name string) string) []Verdict {
	var out []Verdict
	first := func(name string) string {
		v := get(name)
		if len(v) > MaxVerdictBytes {
			v = v[:MaxVerdictBytes]
		}
		return strings.TrimSpace(v)
	}
	if v, ok := spamVerdict(first("X-Spam-Flag"), first("X-Spam-Status"), first("X-Spam-Score")); ok {
		out = append(out, v)
	}
	out = append(out, authVerdicts(first("Authentication-Results"))...)
	return out
}

// spamVerdict is SpamAssassin's verdict: from X-Spam-Status ("Yes,
// score=7.1 required=5.0 tests=..."), else X-Spam-Flag and X-Spam-Score.
func spamVerdict(flag, status, score string) (Verdict, bool) {
	isSpam, known := false, false
	var sc, req string
	if status != "" {
		yn, rest, _ := strings.Cut(status, ",")
		switch strings.ToLower(strings.TrimSpace(yn)) {
		case "yes":
			isSpam, known = true, true
		case "no":
			known = true
		}
		for _, f := range strings.Fields(rest) {
			if k, v, ok := strings.Cut(f, "="); ok {
				switch k {
				case "score", "hits":
					sc = number(v)
				case "required":
					req = number(v)
				}
			}
		}
	}
	if !known && flag != "" {
		isSpam, known = strings.EqualFold(flag, "yes"), true
	}
	if sc == "" && score != "" {
		sc = number(score)
	}
	if !known && sc == "" {
		return Verdict{}, false
	}
	var b strings.Builder
	switch {
	case known && isSpam:
		b.WriteString("The spam filter marked this message as spam")
	case known:
		b.WriteString("The spam filter did not find this message to be spam")
	default:
		b.WriteString("The spam filter rated this message")
	}
	if sc != "" {
		fmt.Fprintf(&b, " (score %s", sc)
		if req != "" {
			fmt.Fprintf(&b, "; %s or more is spam", req)
		}
		b.WriteString(")")
	}
	b.WriteString(".")
	return Verdict{Text: b.String(), Bad: isSpam}, true
}

// number keeps a decimal number, or "" for anything else.
func number(s string) string {
	s = strings.TrimSpace(s)
	if _, err := strconv.ParseFloat(s, 64); err != nil || len(s) > 12 {
		return ""
	}
	return s
}

// methods are the Authentication-Results methods said in words, in this
// order.
var methods = []struct{ name, words string }{
	{"dmarc", "the sender's domain policy (DMARC)"},
	{"dkim", "the signature (DKIM)"},
	{"spf", "the sending server (SPF)"},
}

// authVerdicts reads "example.org; spf=pass smtp.mailfrom=...; dkim=fail
// ...; dmarc=pass ..." (RFC 8601): the first result of each method.
func authVerdicts(ar string) []Verdict {
	if ar == "" {
		return nil
	}
	results := map[string]string{}
	parts := strings.Split(ar, ";")
	for _, p := range parts[1:] { // parts[0] is the authserv-id
		f := strings.Fields(p)
		if len(f) == 0 {
			continue
		}
		m, res, ok := strings.Cut(f[0], "=")
		m = strings.ToLower(m)
		if !ok {
			continue
		}
		if _, seen := results[m]; !seen {
			results[m] = strings.ToLower(strings.Trim(res, "()"))
		}
	}
	var out []Verdict
	for _, m := range methods {
		res, ok := results[m.name]
		if !ok {
			continue
		}
		switch res {
		case "pass":
			out = append(out, Verdict{Text: "Checked: " + m.words + " passed."})
		case "fail", "softfail", "permerror":
			out = append(out, Verdict{Text: "Warning: " + m.words + " failed (" + res + "); the sender may be forged.", Bad: true})
		case "none":
			out = append(out, Verdict{Text: "Not checked: " + m.words + " (the sender has none)."})
		default:
			if len(res) <= 20 && strings.Trim(res, "abcdefghijklmnopqrstuvwxyz") == "" {
				out = append(out, Verdict{Text: "Could not check " + m.words + " (" + res + ")."})
			}
		}
	}
	return out
}
