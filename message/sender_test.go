package message

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMisleading(t *testing.T) {
	tests := []struct {
		name, addr string
		want       string // Misleading
	}{
		{"purchasing@example.com", "do-not-reply@elsewhere.example", "purchasing@example.com"},
		{"Purchasing@Example.COM", "purchasing@example.com", ""},                                 // case only: the same address
		{"purchasing@example.com.", "purchasing@example.com", ""},                                // trailing dot of a sentence or of the domain
		{"Purchasing (purchasing@example.com)", "x@elsewhere.example", "purchasing@example.com"}, // an address with other text
		{"Jane Doe <jane@example.com>", "jane@example.com", ""},
		{"Jane Doe <jane@example.com> via List", "list@lists.example", "jane@example.com"},
		{"'boss@bank.example'", "x@elsewhere.example", "boss@bank.example"},
		{"alice@example.com", "bob@example.com", "alice@example.com"}, // same domain, another person: marked
		{"j@bücher.example", "J@xn--bcher-kva.example", ""},           // IDN and its punycode
		{"j@xn--bcher-kva.example", "j@bücher.example", ""},
		{"j@bücher.example", "j@bucher.example", "j@bücher.example"},            // a look-alike domain
		{"pаypal@paypal.com", "paypal@paypal.com", "pаypal@paypal.com"},         // Cyrillic а
		{"boss＠bank.example", "x@elsewhere.example", "boss@bank.example"},       // full-width at sign
		{"boss＠bank.example", "boss@bank.example", ""},                          // full-width, but the same
		{"boss@bank\u200b.example", "boss@bank.example", ""},                    // zero-width space removed: the same
		{"boss@bank\u200b.example", "x@elsewhere.example", "boss@bank.example"}, // and found
		{"boss@bank.example", "", "boss@bank.example"},                          // no address at all
		{"Jane Doe", "x@elsewhere.example", ""},
		{"@jane on Mastodon", "jane@example.com", ""}, // a handle is no address
		{"Team @ Work", "team@example.com", ""},
		{"paypal.com", "x@elsewhere.example", ""}, // a domain is no address (decided)
		{"ceo@", "x@elsewhere.example", ""},
		{"", "x@example.com", ""},
		{"a@b.example, c@d.example", "a@b.example", "c@d.example"}, // every address in the name must be the real one
	}
	for _, tt := range tests {
		a := Address{Name: tt.name, Addr: tt.addr}
		if got := a.Misleading(); got != tt.want {
			t.Errorf("Address{%q, %q}.Misleading() = %q, want %q", tt.name, tt.addr, got, tt.want)
		}
		if got := a.Warning() != ""; got != (tt.want != "") {
			t.Errorf("Address{%q, %q}.Warning() = %q", tt.name, tt.addr, a.Warning())
		}
	}
}

func TestListName(t *testing.T) {
	long := strings.Repeat("\u2800", 100) // invisible, not white space
	tests := []struct {
		name, addr string
		want       string // ListName
		warn       bool   // SenderWarning(ListName) != ""
	}{
		{"purchasing@example.com", "do-not-reply@elsewhere.example", "purchasing@example.com <do-not-reply@elsewhere.example>", true},
		{"Jane Doe", "jane@example.com", "Jane Doe", false},
		{"", "jane@example.com", "jane@example.com", false},
		{"Jane@Example.com", "jane@example.com", "Jane@Example.com", false},
		{"boss@bank.example", "", "boss@bank.example <>", true},
		// A name that ends like "name <addr>" is followed by its address,
		// so that it is not read as one.
		{"Jane <jane@example.com>", "jane@example.com", "Jane <jane@example.com> <jane@example.com>", false},
		{"Team <ops>", "ops@example.com", "Team <ops>", false},
		{"boss@bank.example <team>", "boss@bank.example", "boss@bank.example <team> <boss@bank.example>", false},
		// A broken address with '<' cannot fake the split.
		{"", "x@evil.example <boss@bank.example", "x@evil.example ‹boss@bank.example", false},
		{"boss@bank.example", "a <boss@bank.example", "boss@bank.example <a ‹boss@bank.example>", true},
		// Padding cannot push the real address out of a stored summary.
		{"boss@bank.example" + long, "x@elsewhere.example", "boss@bank.example" + strings.Repeat("\u2800", (200-17)/3) + "… <x@elsewhere.example>", true},
	}
	for _, tt := range tests {
		a := Address{Name: tt.name, Addr: tt.addr}
		got := a.ListName()
		if got != tt.want {
			t.Errorf("Address{%q, %q}.ListName() = %q, want %q", tt.name, tt.addr, got, tt.want)
		}
		if w := SenderWarning(got); (w != "") != tt.warn {
			t.Errorf("SenderWarning(%q) = %q, want a warning %v", got, w, tt.warn)
		}
	}
}

func TestSenderWarningText(t *testing.T) {
	got := SenderWarning("purchasing@example.com <do-not-reply@elsewhere.example>")
	want := "The name shows the address purchasing@example.com, but the message is from do-not-reply@elsewhere.example."
	if got != want {
		t.Errorf("SenderWarning = %q, want %q", got, want)
	}
}

// FuzzListName checks that the warning SenderWarning reads back from a
// list's text is exactly Misleading of what the list shows, for any name
// and address, and that the list's text is valid and bounded.
func FuzzListName(f *testing.F) {
	for _, s := range [][2]string{
		{"purchasing@example.com", "do-not-reply@elsewhere.example"},
		{"Jane <jane@example.com>", "jane@example.com"},
		{"boss@bank.example <team>", "boss@bank.example"},
		{"b@c", "b@c<"},
		{"", "x <y@z>"},
		{"j@bücher.example", "j@xn--bcher-kva.example"},
		{"a ＠ b", "﹤a@b"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, addr string) {
		// Names and addresses come out of parseMailbox as clean lines.
		name, addr = cleanLine(name), cleanLine(addr)
		a := Address{Name: name, Addr: addr}
		got := a.ListName()
		if !utf8.ValidString(got) || len(got) > 2*maxListName+len(" <>")+2*len("…") {
			t.Fatalf("ListName(%q, %q) = %q: invalid or too long", name, addr, got)
		}
		shown := Address{Name: clipText(name, maxListName), Addr: clipText(strings.ReplaceAll(addr, "<", "‹"), maxListName)}
		if (SenderWarning(got) != "") != (shown.Misleading() != "") {
			t.Errorf("ListName(%q, %q) = %q: SenderWarning %q, but Misleading %q", name, addr, got, SenderWarning(got), shown.Misleading())
		}
		if len(name) <= maxListName && len(addr) <= maxListName && !strings.Contains(addr, "<") &&
			(SenderWarning(got) != "") != (a.Misleading() != "") {
			t.Errorf("ListName(%q, %q) = %q: SenderWarning %q, but Misleading %q", name, addr, got, SenderWarning(got), a.Misleading())
		}
	})
}
