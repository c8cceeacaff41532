package identity

import (
	"bytes"
	"flag"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postern/compose"
	"postern/message"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestReplyGolden: a reply to a message delivered through an alias, from
// the alias's identity, with its signature above or below the quote, as
// compose builds it (fixed date and message id). The golden files are
// the whole message; read them in the diff.
func TestReplyGolden(t *testing.T) {
	orig := "Delivered-To: sales@example.org\n" +
		"From: Bob <bob@example.net>\nTo: team@lists.example.org\nSubject: Prices\n" +
		"Date: Mon, 2 Mar 2026 09:00:00 +0000\nMessage-ID: <orig@example.net>\n\n" +
		"What do the red ones cost?\n\n-- \nBob\n"
	v := message.Parse(strings.NewReader(orig), message.DefaultLimits)
	set := &Set{}
	for _, p := range []Placement{Above, Below} {
		set.Identities = nil
		err := set.Add(Identity{Address: "sales@example.org", Name: "Änne Müller, Sales", ReplyTo: "Sales desk <desk@example.org>, orders@example.org",
			Signature: "Änne Müller\nSales, Example Ltd.", Placement: p}, []string{"ann@example.org", "sales@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		id := set.Resolve([]string{"ann@example.org", "sales@example.org"}).ForReply(Recipients(v))
		d := compose.ReplyDraft(v, []string{"ann@example.org", "sales@example.org"}, false)
		d.Body = Insert(d.Body, id.Signature, id.Place())
		d.Body = "They cost 3 EUR each." + d.Body
		d.From = mail.Address{Name: id.Name, Address: id.Address}
		d.ReplyTo = id.ReplyTo
		d.MessageID = "reply@example.org"
		var buf bytes.Buffer
		if _, err := d.Build(&buf, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), ""); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "reply-"+string(p)+".golden")
		if *update {
			os.MkdirAll("testdata", 0o755)
			if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("reply with the signature %s the quote differs from %s:\n%s", p, golden, buf.Bytes())
		}
	}
}
