package e2e

import (
	"encoding/base64"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// knownMail names the messages the tests look for in a user's INBOX.
type knownMail struct {
	plainKey, plainSubject, plainFromName, plainBody string
	attKey, attSubject, attFilename                  string
	attBytes                                         []byte
	newKey, newSubject                               string
	badKey, badSubject                               string
	secretKey, secretBody                            string
}

// Fixed attachment name: non-ASCII, so it needs RFC 2231 in the message
// and RFC 6266/5987 filename* in the download.
const attFilename = "Prüfbericht €uro 2024.pdf"

// attachmentBytes is a tiny PDF-looking file with binary bytes in it.
func attachmentBytes(tag string) []byte {
	b := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Title (" + tag + ") >> endobj\n")
	for i := 0; i < 512; i++ {
		b = append(b, byte(i*7))
	}
	return append(b, "\n%%EOF\n"...)
}

func encodeWord(s string) string { return mime.QEncoding.Encode("utf-8", s) }

// writeKnown adds the known messages to a's INBOX.
func writeKnown(a *account) (knownMail, error) {
	k := knownMail{
		plainKey:      "1700000001.M1P1.e2eplain",
		plainSubject:  "Grüße aus Köln " + a.name,
		plainFromName: "Zoë Müller",
		plainBody:     "The quick brown fox body marker of " + a.name,
		attKey:        "1700000002.M2P2.e2eatt",
		attSubject:    "Report with attachment " + a.name,
		attFilename:   attFilename,
		attBytes:      attachmentBytes(a.name),
		newKey:        "1700000003.M3P3.e2enew",
		newSubject:    "Fresh in new " + a.name,
		badKey:        "1700000004.M4P4.e2ebad",
		badSubject:    "Broken message " + a.name,
		secretKey:     "1700000005.M5P5.e2esecret" + a.name,
		secretBody:    "secret body of " + a.name,
	}
	date := time.Now().Add(-time.Hour).Format(time.RFC1123Z)
	plain := fmt.Sprintf("From: %s <zoe@example.org>\r\nTo: %s@example.org\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <plain.%s@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\nSecond line.\r\n",
		encodeWord(k.plainFromName), a.name, encodeWord(k.plainSubject), date, a.name, k.plainBody)
	att := fmt.Sprintf("From: Reports <reports@example.org>\r\nTo: %s@example.org\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <att.%s@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1-e2e\"\r\n\r\n--b1-e2e\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease find the report attached.\r\n--b1-e2e\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''%s\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--b1-e2e--\r\n",
		a.name, k.attSubject, date, a.name, rfc2231Escape(k.attFilename), wrap76(base64.StdEncoding.EncodeToString(k.attBytes)))
	fresh := fmt.Sprintf("From: New <new@example.org>\r\nTo: %s@example.org\r\nSubject: %s\r\nDate: %s\r\n\r\nJust delivered.\r\n", a.name, k.newSubject, date)
	// Malformed: a header line without a colon, a multipart without a
	// boundary, invalid base64 and a bare NUL.
	bad := fmt.Sprintf("From: Broken <broken@example.org\r\nSubject: %s\r\nThis line is not a header\r\nDate: not a date\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\nContent-Transfer-Encoding: base64\r\n\r\n--\r\n!!!not base64\x00\xff\xfe\r\n", k.badSubject)
	secret := fmt.Sprintf("From: Secret <secret@example.org>\r\nTo: %s@example.org\r\nSubject: Secret of %s\r\nDate: %s\r\n\r\n%s\r\n", a.name, a.name, date, k.secretBody)
	files := []struct{ path, text string }{
		{"cur/" + k.plainKey + ":2,F", plain},
		{"cur/" + k.attKey + ":2,S", att},
		{"new/" + k.newKey, fresh},
		{"cur/" + k.badKey + ":2,", bad},
		{"cur/" + k.secretKey + ":2,S", secret},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(a.maildir, f.path), []byte(f.text), 0o600); err != nil {
			return k, err
		}
	}
	return k, nil
}

// rfc2231Escape percent-encodes everything but attribute-chars.
func rfc2231Escape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

// folderDir is the on-disk directory of a display folder name (ASCII and
// the few non-ASCII names the tests use).
func folderDir(a *account, folder string) string {
	if folder == "INBOX" {
		return a.maildir
	}
	if folder == "Entwürfe" {
		folder = "Entw&APw-rfe"
	}
	return filepath.Join(a.maildir, "."+folder)
}

// addMessage writes a message into folder/sub (cur or new) as the user's
// file and returns its key.
func addMessage(t *testing.T, a *account, folder, sub, flags, subject, body string) string {
	t.Helper()
	key := fmt.Sprintf("%d.M%sP9.e2e", time.Now().Unix(), randomHex(4))
	name := key
	if sub == "cur" {
		name += ":2," + flags
	}
	dir := folderDir(a, folder)
	if _, err := os.Stat(filepath.Join(dir, "cur")); err != nil {
		if err := makeMaildir(dir); err != nil {
			t.Fatal(err)
		}
		if err := chownTree(a, dir); err != nil {
			t.Fatal(err)
		}
	}
	text := fmt.Sprintf("From: Tester <tester@example.org>\r\nTo: %s@example.org\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@example.org>\r\n\r\n%s\r\n",
		a.name, subject, time.Now().Format(time.RFC1123Z), key, body)
	p := filepath.Join(dir, sub, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, a.uid, a.gid); err != nil {
		t.Fatal(err)
	}
	return key
}

// findKey looks for key in folder's cur and new; it returns the
// subdirectory ("cur"/"new"), the flags after ":2," and whether it exists.
func findKey(a *account, folder, key string) (sub, flags string, ok bool) {
	dir := folderDir(a, folder)
	for _, s := range []string{"cur", "new"} {
		ents, _ := os.ReadDir(filepath.Join(dir, s))
		for _, e := range ents {
			name := e.Name()
			base, info, _ := strings.Cut(name, ":")
			if base != key {
				continue
			}
			return s, strings.TrimPrefix(info, "2,"), true
		}
	}
	return "", "", false
}

// countMail counts the messages of folder on disk and how many lack the
// S flag.
func countMail(a *account, folder string) (total, unread int) {
	dir := folderDir(a, folder)
	for _, s := range []string{"cur", "new"} {
		ents, _ := os.ReadDir(filepath.Join(dir, s))
		for _, e := range ents {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			total++
			_, info, _ := strings.Cut(e.Name(), ":2,")
			if s == "new" || !strings.Contains(info, "S") {
				unread++
			}
		}
	}
	return total, unread
}
