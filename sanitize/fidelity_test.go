package sanitize

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"

	"postern/internal/testenv"
	"postern/message"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/mail")

// Fidelity thresholds, just below what the corpus reaches (see
// TestFidelityCorpus's log): the average and the worst message.
const (
	minAvgText   = 0.99
	minWorstText = 0.80
	minAvgElem   = 0.95
)

// fidelity is how much of one message's HTML survives sanitizing.
type fidelity struct {
	name       string
	text, elem float64 // fractions kept: visible text (non-space runes) and elements
	passes     int     // walks until the output settled
}

// measure sanitizes src and returns the fractions of its visible text and
// of its elements kept; it also checks the output's safety properties.
func measure(t *testing.T, name string, src []byte) fidelity {
	t.Helper()
	res, n := passes(string(src), testOpts)
	out := string(res.HTML)
	if err := checkOutput(out, testOpts); err != nil {
		t.Errorf("%s: %v", name, err)
	}
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return fidelity{name: name, text: 1, elem: 1}
	}
	if n == 0 {
		t.Errorf("%s: did not settle in %d passes, shown as text only", name, maxPasses)
	}
	_, body := parts(doc)
	inText, inElem := countVisible(body)
	nodes, _, _ := reparse(out)
	var outText, outElem int
	for _, n := range nodes {
		tx, el := countVisible(n)
		outText, outElem = outText+tx, outElem+el
	}
	return fidelity{name: name, text: ratio(outText, inText), elem: ratio(outElem, inElem), passes: n}
}

// ratio is kept/all, 1 when there was nothing, at most 1.
func ratio(kept, all int) float64 {
	if all == 0 {
		return 1
	}
	return min(1, float64(kept)/float64(all))
}

// countVisible counts the non-space runes of the text under n (outside
// script, style and other raw text) and the elements under n (n itself
// and the <style> excluded).
func countVisible(n *html.Node) (text, elems int) {
	if n == nil {
		return 0, 0
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			for _, r := range c.Data {
				if r > ' ' && r != '\u00a0' {
					text++
				}
			}
		case html.ElementNode:
			switch c.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Title, atom.Textarea, atom.Xmp:
				continue
			}
			t, e := countVisible(c)
			text, elems = text+t, elems+e+1
		}
	}
	return text, elems
}

// report logs the average and the worst of fs and checks the thresholds.
func report(t *testing.T, what string, fs []fidelity, worstText, avgElem float64) {
	t.Helper()
	var st, se float64
	for _, f := range fs {
		st, se = st+f.text, se+f.elem
	}
	n := float64(len(fs))
	sort.Slice(fs, func(i, j int) bool { return fs[i].text < fs[j].text })
	worstE := fs[0].elem
	for _, f := range fs {
		worstE = min(worstE, f.elem)
	}
	t.Logf("%s: %d HTML bodies; text kept: average %.4f, worst %.4f (%s); elements kept: average %.4f, worst %.4f",
		what, len(fs), st/n, fs[0].text, fs[0].name, se/n, worstE)
	again := 0
	for _, f := range fs {
		if f.passes > 1 {
			again++
		}
	}
	t.Logf("%s: %d of %d bodies needed a second walk to settle", what, again, len(fs))
	for _, f := range fs[:min(5, len(fs))] {
		t.Logf("  lowest text: %.3f %s", f.text, f.name)
	}
	if st/n < minAvgText || fs[0].text < worstText || se/n < avgElem {
		t.Errorf("%s fidelity below threshold: text average %.4f (want >= %.2f), worst %.4f (want >= %.2f), elements average %.4f (want >= %.2f)",
			what, st/n, minAvgText, fs[0].text, worstText, se/n, avgElem)
	}
}

// TestFidelitySamples sanitizes the hand-written mail of testdata/mail
// (newsletter, receipt, Outlook, Gmail, Apple Mail style) against golden
// files (rewritten with -update) and measures fidelity.
func TestFidelitySamples(t *testing.T) {
	files, _ := filepath.Glob("testdata/mail/*.html")
	if len(files) < 5 {
		t.Fatalf("testdata/mail holds %d samples, want 5", len(files))
	}
	var fs []fidelity
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, measure(t, f, src))
		got := string(String(string(src), testOpts).HTML) + "\n"
		golden := strings.TrimSuffix(f, ".html") + ".golden"
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if got != string(want) {
			t.Errorf("String(%s) differs from %s:\n got: %s\nwant: %s", f, golden, got, want)
		}
	}
	report(t, "samples", fs, 0.99, 0.90) // Outlook's <o:p> are unwrapped
}

// corpusDir is the shared corpus (testenv.Corpus).
func corpusDir(t *testing.T) string { return testenv.Corpus(t) }

// TestFidelityCorpus sanitizes every HTML part of the real mail in
// ../shared/corpus/mime, checks each output's safety properties and
// reports how much text and how many elements are kept.
func TestFidelityCorpus(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "mime")
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no messages in %s: %v", dir, err)
	}
	var fs []fidelity
	msgs := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v := message.Parse(bytes.NewReader(raw), message.Limits{})
		if len(v.HTMLParts) > 0 {
			msgs++
		}
		for _, p := range v.HTMLParts {
			_, r, err := message.OpenPart(bytes.NewReader(raw), p, message.Limits{})
			if err != nil {
				t.Errorf("%s part %s: %v", f, p, err)
				continue
			}
			src, err := io.ReadAll(io.LimitReader(r, DefaultMaxInputBytes))
			if err != nil {
				continue // broken transfer encoding: nothing to measure
			}
			fs = append(fs, measure(t, fmt.Sprintf("%s#%s", filepath.Base(f), p), toUTF8(src)))
		}
	}
	if msgs < 300 {
		t.Errorf("found %d messages with HTML, want about 349", msgs)
	}
	t.Logf("%d messages with HTML", msgs)
	report(t, "corpus", fs, minWorstText, minAvgElem)
}

// toUTF8 decodes an HTML part: UTF-8 when valid, else the charset its
// <meta> or BOM names, else Windows-1252 (the HTML standard's default).
func toUTF8(src []byte) []byte {
	if utf8.Valid(src) {
		return src
	}
	enc, _, _ := charset.DetermineEncoding(src, "text/html")
	out, _, err := transform.Bytes(enc.NewDecoder(), src)
	if err != nil {
		return src
	}
	return out
}
