package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readTree returns the regular files under dir by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// messages returns the message files (in cur/ or new/) of a tree.
func messages(files map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for p, b := range files {
		if sub := filepath.Base(filepath.Dir(p)); sub == "cur" || sub == "new" {
			out[p] = b
		}
	}
	return out
}

func TestGenerateDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := generate(dir, 300, 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := generate(c, 300, 2); err != nil {
		t.Fatal(err)
	}
	ta, tb, tc := readTree(t, a), readTree(t, b), readTree(t, c)
	if len(ta) != len(tb) {
		t.Fatalf("two runs with seed 1 wrote %d and %d files", len(ta), len(tb))
	}
	for p, data := range ta {
		if other, ok := tb[p]; !ok || !bytes.Equal(data, other) {
			t.Errorf("second run with seed 1: %s differs or is missing", p)
		}
	}
	same := 0
	for p := range tc {
		if _, ok := ta[p]; ok && strings.Contains(p, ",S=") {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 1 and 2 share %d message file names, want none", same)
	}
}

func TestGenerateLayout(t *testing.T) {
	dir := t.TempDir()
	if _, err := generate(dir, 300, 1); err != nil {
		t.Fatal(err)
	}
	for _, f := range sampleFolders {
		for _, sub := range []string{"cur", "new", "tmp"} {
			fi, err := os.Stat(filepath.Join(dir, f, sub))
			if err != nil {
				t.Errorf("folder %q: %v", f, err)
				continue
			}
			if fi.Mode().Perm() != 0o700 {
				t.Errorf("%s/%s mode = %v, want 0700", f, sub, fi.Mode().Perm())
			}
		}
		_, err := os.Stat(filepath.Join(dir, f, "maildirfolder"))
		if f != "" && err != nil {
			t.Errorf("folder %q has no maildirfolder file: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".Entw&APw-rfe", "cur")); err != nil {
		t.Errorf("Entwürfe is not stored in modified UTF-7: %v", err)
	}
	nameRE := regexp.MustCompile(`^(\d+)\.M(\d+)P(\d+)Q(\d+)\.demo,S=(\d+)(:2,D?F?P?R?S?T?)?$`)
	msgs := messages(readTree(t, dir))
	if len(msgs) != 300 {
		t.Errorf("generate(count 300) wrote %d messages", len(msgs))
	}
	perFolder := map[string]int{}
	inNew, unread := 0, 0
	for p, b := range msgs {
		folder, sub, name := filepath.Dir(filepath.Dir(p)), filepath.Base(filepath.Dir(p)), filepath.Base(p)
		perFolder[folder]++
		m := nameRE.FindStringSubmatch(name)
		if m == nil {
			t.Errorf("%s: not a Maildir name with sorted flags", p)
			continue
		}
		if size, _ := strconv.Atoi(m[5]); size != len(b) {
			t.Errorf("%s: S=%d, file has %d bytes", p, size, len(b))
		}
		if (sub == "new") != (m[6] == "") {
			t.Errorf("%s: info part %q in %s/", p, m[6], sub)
		}
		if sub == "new" {
			inNew++
		} else if !strings.Contains(m[6], "S") {
			unread++
		}
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v, want 0600", p, fi.Mode().Perm(), err)
		}
	}
	if inNew != newCount {
		t.Errorf("%d messages in new/, want %d", inNew, newCount)
	}
	// About 10% of the old mail outside Sent/Drafts/Trash is unread.
	if unread < 10 || unread > 60 {
		t.Errorf("%d unread messages in cur/, want about 10%%", unread)
	}
	for _, f := range sampleFolders {
		if f == "" {
			f = "."
		}
		if perFolder[f] == 0 && f != ".Lists" {
			t.Errorf("folder %q holds no messages", f)
		}
	}
}

func TestGenerateCounts(t *testing.T) {
	for _, count := range []int{
		0,
		3,  // fewer than the special messages: only the first ones
		15, // exactly the special messages
		40,
	} {
		dir := t.TempDir()
		samples, err := generate(dir, count, 7)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(messages(readTree(t, dir))); got != count || len(samples) != count {
			t.Errorf("generate(count %d) wrote %d files, returned %d samples", count, got, len(samples))
		}
	}
}

func TestGenerateRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(dir, 1, 1); err == nil {
		t.Errorf("generate(non-empty dir) = nil error, want an error")
	}
}

// TestGenerateParses checks that every message parses with net/mail and
// that its MIME structure decodes, except the deliberately odd ones:
// oddBadHeader fails net/mail, oddTruncated fails the MIME walk.
func TestGenerateParses(t *testing.T) {
	dir := t.TempDir()
	samples, err := generate(dir, 300, 1)
	if err != nil {
		t.Fatal(err)
	}
	odd := map[string]int{}
	for _, s := range samples {
		b, err := os.ReadFile(filepath.Join(dir, s.path()))
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(bytes.NewReader(b))
		if s.odd == oddBadHeader {
			odd[s.odd]++
			if err == nil {
				t.Errorf("%s (%s): net/mail parsed it, want an error", s.path(), s.odd)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: mail.ReadMessage: %v", s.path(), err)
			continue
		}
		if d := m.Header.Get("Date"); d != "" {
			if _, err := mail.ParseDate(d); err != nil {
				t.Errorf("%s: %v", s.path(), err)
			}
		}
		if _, err := addressParser.Parse(m.Header.Get("From")); err != nil {
			t.Errorf("%s: From: %v", s.path(), err)
		}
		err = walkMIME(mail.Header(m.Header), m.Body, 0)
		if s.odd == oddTruncated {
			odd[s.odd]++
			if err == nil {
				t.Errorf("%s (%s): MIME walk succeeded, want an error", s.path(), s.odd)
			}
		} else if err != nil {
			t.Errorf("%s: %v", s.path(), err)
		}
	}
	if odd[oddBadHeader] != 1 || odd[oddTruncated] != 1 {
		t.Errorf("odd messages = %v, want one of each", odd)
	}
}

// addressParser checks address syntax and accepts any charset in encoded
// words (net/mail alone knows only utf-8, us-ascii and iso-8859-1).
var addressParser = mail.AddressParser{WordDecoder: &mime.WordDecoder{
	CharsetReader: func(charset string, r io.Reader) (io.Reader, error) { return r, nil },
}}

// walkMIME decodes every part of a message, failing on a broken
// multipart or transfer encoding.
func walkMIME(h mail.Header, body io.Reader, depth int) error {
	if depth > 5 {
		return fmt.Errorf("nested too deep")
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content-type %q: %v", ct, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		n := 0
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("part %d: %v", n, err)
			}
			if err := walkMIME(mail.Header(p.Header), p, depth+1); err != nil {
				return fmt.Errorf("part %d: %v", n, err)
			}
			n++
		}
		if n == 0 {
			return fmt.Errorf("empty multipart")
		}
		return nil
	}
	var dec io.Reader = body
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		dec = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		dec = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(dec)
	if err != nil {
		return fmt.Errorf("%s body: %v", mt, err)
	}
	if mt == "message/rfc822" {
		m, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("message/rfc822: %v", err)
		}
		return walkMIME(m.Header, m.Body, depth+1)
	}
	return nil
}

// TestGenerateVariety checks that the mix holds each kind of message the
// demo is meant to show.
func TestGenerateVariety(t *testing.T) {
	samples := makeSamples(300, 1)
	var all bytes.Buffer
	for _, s := range samples {
		all.Write(s.raw)
	}
	for _, want := range []string{
		"multipart/alternative", "multipart/related", "message/rfc822",
		"Content-ID: <", `src="cid:`, "<table", "format=flowed",
		"charset=utf-8", "charset=iso-8859-1", "charset=windows-1252",
		"charset=iso-2022-jp", "charset=x-klingon-8",
		"=?utf-8?q?", "=?iso-8859-1?q?", "=?iso-2022-jp?b?", "=?windows-1252?q?",
		"filename*=utf-8''Pr%C3%A4sentation", "application/pdf", "image/png", "text/csv",
		"In-Reply-To: <", "References: <", "List-Id: ", "\n> ", "https://",
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("the sample set has no %q", want)
		}
	}
	noDate, noSubject := 0, 0
	for _, s := range samples {
		if !bytes.Contains(s.raw, []byte("\nDate: ")) && !bytes.HasPrefix(s.raw, []byte("Date: ")) {
			noDate++
		}
		if !bytes.Contains(s.raw, []byte("\nSubject:")) {
			noSubject++
		}
	}
	if noDate != 1 || noSubject != 1 {
		t.Errorf("messages without Date: %d, without Subject: %d, want 1 and 1", noDate, noSubject)
	}
}
