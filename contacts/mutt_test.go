package contacts

import (
	"strings"
	"testing"
)

func TestReadMutt(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		skipped string
	}{
		{"plain", "alias ann Ann Lee <ann@example.org>\nalias bob bob@example.org\n", "Ann Lee ~ann <other:ann@example.org>; bob ~bob <other:bob@example.org>", ""},
		// a quoted name with a comma, a comment after it, a comment line
		{"quoted", "# my aliases\nalias lee \"Lee, Bob\" <bob@example.org> # from work\n", "Lee, Bob ~lee <other:bob@example.org>", ""},
		// the name in a comment, as net/mail reads it
		{"comment name", "alias c carol@example.org (Carol C)\n", "Carol C ~c <other:carol@example.org>", ""},
		// several addresses: one contact each, in a group named after the key; -group flags; a continuation line
		{"list", "alias -group work -group club team Ann <ann@example.org>, \\\n    bob@example.org\n",
			"Ann <other:ann@example.org> groups=work+club+team; bob@example.org <other:bob@example.org> groups=work+club+team", ""},
		// never run, never read: backquotes and source lines; other commands
		{"quirks", "source ~/.mutt/more-aliases\nalias x `cat /etc/passwd`\nset realname=\"Ann\"\nalias ok ok@example.org\n",
			"ok ~ok <other:ok@example.org>", "line 1: source; line 2: backquoted; line 3: not an alias"},
		// a bad address is reported, the good one of the same alias kept (now alone: a contact)
		{"bad address", "alias two good@example.org, not-an-address\nalias none\n", "two ~two <other:good@example.org>",
			"line 1: not-an-address; line 2: needs a key"},
		// a "#" inside quotes is not a comment; CRLF line ends
		{"hash in quotes", "alias h \"Room #5\" <r5@example.org>\r\n", "Room #5 ~h <other:r5@example.org>", ""},
		// a key that cannot be a group: its addresses without the group
		{"bad key", "alias a:b x@example.org, y@example.org\n", "x@example.org <other:x@example.org>; y@example.org <other:y@example.org>", "line 1: cannot be a group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ReadMutt(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ReadMutt = %v", err)
			}
			if got := show(res.Contacts); got != tt.want {
				t.Errorf("ReadMutt contacts =\n%s\nwant\n%s", got, tt.want)
			}
			checkSkipped(t, res.Skipped, tt.skipped)
		})
	}
}

func TestReadAbook(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		skipped string
	}{
		{"abook 0.6", "# abook addressbook file\n\n[format]\nprogram=abook\nversion=0.6.1\n\n\n[0]\nname=Ann Lee\nemail=ann@example.org,ann@work.example\nnick=ann\n" +
			"phone=111\nworkphone=222\nmobile=333\nnotes=likes tea\ngroups=friends,chess\ncustom1=ignored\n\n[1]\nname=Bob\nemail=bob@example.org\n",
			"Ann Lee ~ann <home:ann@example.org> <other:ann@work.example> [cell:333] [home:111] [work:222] note=likes tea groups=friends+chess; Bob <home:bob@example.org>", ""},
		// an entry without address keeps its phone; a bad address; a line without "="; an entry with nothing
		{"odd", "[format]\nprogram=abook\n[0]\nname=Carol\nmobile=1\n[1]\nname=Dan\nemail=dan at example\nbroken line\n[2]\n",
			"Carol [cell:1]; Dan", "line 9: not key=value; entry [1] (line 6): address; entry [2] (line 10): no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ReadAbook(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ReadAbook = %v", err)
			}
			if got := show(res.Contacts); got != tt.want {
				t.Errorf("ReadAbook contacts =\n%s\nwant\n%s", got, tt.want)
			}
			checkSkipped(t, res.Skipped, tt.skipped)
			if Detect([]byte(tt.in)) != FormatAbook {
				t.Errorf("Detect = %q, want abook", Detect([]byte(tt.in)))
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct{ in, want string }{
		{"BEGIN:VCARD\nVERSION:4.0\nEND:VCARD\n", FormatVCard},
		{"\xef\xbb\xbf  begin:vcard\n", FormatVCard},
		{"# aliases\n\nalias a a@example.org\n", FormatMutt},
		{"# abook addressbook file\n", FormatAbook},
		{"Display Name,Primary Email\n", FormatCSV},
		{"hello\n", ""},
		// other muttrc commands before the first alias
		{"source ~/.mutt/x\nset x=1\n\nalias a a@example.org\n", FormatMutt},
		// prose is not a mutt file, even with an alias later
		{"hello world\nalias a a@example.org\n", ""},
	}
	for _, tt := range tests {
		if got := Detect([]byte(tt.in)); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
