package message

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// leafRecorder is a visitor that notes the text leaves shown as body
// text and whether a multipart/alternative encloses them.
type leafRecorder struct {
	alt    int
	leaves []bodyLeaf
}

type bodyLeaf struct {
	path string
	html bool
	alt  bool // inside a multipart/alternative
}

func (r *leafRecorder) enter(n *node) (bool, error) {
	if n.typ == "multipart/alternative" {
		r.alt++
	}
	return true, nil
}

func (r *leafRecorder) leave(n *node) {
	if n.typ == "multipart/alternative" {
		r.alt--
	}
}

func (r *leafRecorder) leaf(n *node) (bool, error) {
	if isBodyText(n) {
		r.leaves = append(r.leaves, bodyLeaf{path: n.path, html: n.typ == "text/html", alt: r.alt > 0})
	}
	return false, nil
}

// TestCorpusBody checks on every message of the corpus what issue 13
// (items 10 and 11) asks of the body a reader with HTML sees (View.Body):
// every text part outside a multipart/alternative is there, in order (an
// HTML part unless it has nothing to see); the body is never blank when
// the text view is not; and the text the index says a reader shows is
// there (in a text part, or as the text of an HTML part).
func TestCorpusBody(t *testing.T) {
	dir := corpusDir(t)
	rows := readIndex(t, filepath.Join(dir, "mime-INDEX.tsv"))
	shown := &corpusTally{name: "index body text in View.Body"}
	for _, row := range rows {
		data, err := os.ReadFile(filepath.Join(dir, "mime", row.file))
		if err != nil {
			t.Errorf("%s: %v", row.file, err)
			continue
		}
		v := Parse(bytes.NewReader(data), Limits{})
		rec := &leafRecorder{}
		w := &walker{lim: DefaultLimits, p: &problems{}, v: rec}
		_ = w.message(bytes.NewReader(data), "", 0)

		inBody := map[string]int{}
		for i, tp := range v.Body {
			inBody[tp.Part] = i
		}
		inText := map[string]TextPart{}
		for _, tp := range v.Text {
			inText[tp.Part] = tp
		}
		last := -1
		for _, l := range rec.leaves {
			if l.alt {
				continue
			}
			i, ok := inBody[l.path]
			if !ok {
				if tp, shownAsText := inText[l.path]; !l.html || !shownAsText || !blank(tp.Lines) {
					t.Errorf("%s: text part %s (html %v) not in View.Body %v", row.file, l.path, l.html, parts(v.Body))
				}
				continue
			}
			if i < last {
				t.Errorf("%s: part %s out of order in View.Body %v", row.file, l.path, parts(v.Body))
			}
			last = i
		}
		if !blank(linesOf(v.Text)) && blank(linesOf(v.Body)) && !hasHTMLPart(v.Body) {
			t.Errorf("%s: View.Body %v shows nothing, View.Text %v shows text", row.file, parts(v.Body), parts(v.Text))
		}

		want := fold(cleanText(strings.TrimPrefix(row.body, "\uFEFF")))
		if want == "" || row.bodyType == "none" {
			continue
		}
		got := fold(bodyText(v.Body))
		ok := strings.Contains(got, want) || strings.Contains(dropWindows1252(got), want)
		just := false
		if !ok && strings.Contains(row.flags, "body-replacement-char") && replacementMatch(got, want, true) {
			ok, just = true, true
		}
		if !ok && row.bodyType == "plain" && hasHTMLPart(v.Body) {
			// An alternative whose HTML is shown: its text need not be
			// the text alternative's word for word.
			ok, just = true, true
		}
		if r := []rune(got); len(r) > 100 {
			got = string(r[:100])
		}
		shown.add(ok, just, category(row, got, want), fmt.Sprintf("%s (%s): got %q, want %q", row.file, row.bodyType, got, want))
	}
	var b strings.Builder
	shown.report(&b)
	t.Log("\n" + b.String())
	if shown.rate() < minBodyShownAgree {
		t.Errorf("%s agreement %.3f, want at least %.3f", shown.name, shown.rate(), minBodyShownAgree)
	}
}

// minBodyShownAgree is TestCorpusBody's threshold, as the others.
const minBodyShownAgree = 0.97 // achieved 946/967

func parts(ps []TextPart) []string {
	var out []string
	for _, p := range ps {
		s := p.Part
		if p.FromHTML {
			s += "(html)"
		}
		out = append(out, s)
	}
	return out
}

func linesOf(ps []TextPart) []Line {
	var out []Line
	for _, p := range ps {
		out = append(out, p.Lines...)
	}
	return out
}

func hasHTMLPart(ps []TextPart) bool {
	for _, p := range ps {
		if p.FromHTML {
			return true
		}
	}
	return false
}
