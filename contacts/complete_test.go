package contacts

import (
	"fmt"
	"net/mail"
	"strings"
	"syscall"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC)

func testBook(t testing.TB) *Book {
	t.Helper()
	b := &Book{}
	for _, c := range []Contact{
		{Name: "Ann Lee", Nickname: "annie", Emails: []Email{{TypeHome, "ann@example.org"}, {TypeWork, "ann@acme.example"}}, Groups: []string{"Friends"}},
		{Name: "Bob Ray", Emails: []Email{{TypeOther, "bob@example.org"}}, Groups: []string{"friends", "Chess"}},
		{Name: "Jürgen Groß", Emails: []Email{{TypeOther, "jg@example.de"}}},
		{Name: "Lee, Carol", Emails: []Email{{TypeOther, "carol@example.org"}}, Groups: []string{"Chess"}},
		{Name: "No Mail", Phones: []Phone{{TypeCell, "1"}}, Groups: []string{"Phones"}},
	} {
		if _, err := b.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestComplete(t *testing.T) {
	b := testBook(t)
	col := &Collected{Entries: []Seen{{Name: "Bob R.", Address: "bob@example.org", Count: 3}, {Address: "zed@example.net", Count: 1}}}
	tests := []struct {
		prefix string
		max    int
		want   string // Kind:Value items joined with "; "
	}{
		// collected first (the collected name wins), then contacts by name, then groups
		{"b", 10, `collected:"Bob R." <bob@example.org>`},
		{"", 4, `collected:"Bob R." <bob@example.org>; collected:zed@example.net; contact:Ann Lee <ann@example.org>; contact:Ann Lee <ann@acme.example>`},
		// a word of the name, without case; every address of the contact
		{"LEE", 10, `contact:Ann Lee <ann@example.org>; contact:Ann Lee <ann@acme.example>; contact:"Lee, Carol" <carol@example.org>`},
		// the nickname, the address
		{"annie", 10, "contact:Ann Lee <ann@example.org>; contact:Ann Lee <ann@acme.example>"},
		{"carol@", 10, `contact:"Lee, Carol" <carol@example.org>`},
		// UTF-8 folding; the name as typed
		{"grO", 10, "contact:Jürgen Groß <jg@example.de>"},
		{"jür", 10, "contact:Jürgen Groß <jg@example.de>"},
		// groups: by name without case, only those with an address
		{"fri", 10, "group:Friends"},
		{"ch", 10, "group:Chess"},
		{"phones", 10, ""},
		{"  zed ", 10, "collected:zed@example.net"},
		{"nobody", 10, ""},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range Complete(b, col, tt.prefix, tt.max) {
			got = append(got, c.Kind+":"+c.Value)
		}
		if s := strings.Join(got, "; "); s != tt.want {
			t.Errorf("Complete(%q, %d) = %s, want %s", tt.prefix, tt.max, s, tt.want)
		}
	}
	// Every value reads back, with net/mail, as its address.
	for _, c := range Complete(b, col, "", 100) {
		if c.Kind == KindGroup {
			continue
		}
		a, err := mail.ParseAddress(c.Value)
		if err != nil || a.Address != c.Address {
			t.Errorf("mail.ParseAddress(%q) = %v, %v; want %s", c.Value, a, err, c.Address)
		}
	}
}

func TestExpandGroups(t *testing.T) {
	b := testBook(t)
	tests := []struct{ in, want, groups string }{
		{"friends", "Ann Lee <ann@example.org>, Bob Ray <bob@example.org>", "friends"},
		{"x@example.org, Chess ,y@example.org", `x@example.org, Bob Ray <bob@example.org>, "Lee, Carol" <carol@example.org>,y@example.org`, "Chess"},
		// a quoted name with a comma is not split
		{`"Chess, the game" <c@example.org>`, `"Chess, the game" <c@example.org>`, ""},
		// no such group, a group without addresses: left for the parser
		{"nobody, Phones", "nobody, Phones", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		got, groups := ExpandGroups(tt.in, b)
		if got != tt.want || strings.Join(groups, ",") != tt.groups {
			t.Errorf("ExpandGroups(%q) = %q, %q, want %q, %q", tt.in, got, groups, tt.want, tt.groups)
		}
	}
}

func TestFormatAddress(t *testing.T) {
	tests := []struct{ name, addr, want string }{
		{"", "a@example.org", "a@example.org"},
		{"a@example.org", "a@example.org", "a@example.org"},
		{"Ann Lee", "a@example.org", "Ann Lee <a@example.org>"},
		{"Lee, Ann", "a@example.org", `"Lee, Ann" <a@example.org>`},
		{`Ann "A" Lee`, "a@example.org", `"Ann \"A\" Lee" <a@example.org>`},
		{"Jürgen", "j@example.de", "Jürgen <j@example.de>"},
		{"A. Lee", "a@example.org", `"A. Lee" <a@example.org>`},
	}
	for _, tt := range tests {
		got := FormatAddress(tt.name, tt.addr)
		if got != tt.want {
			t.Errorf("FormatAddress(%q, %q) = %q, want %q", tt.name, tt.addr, got, tt.want)
		}
		if a, err := mail.ParseAddress(got); err != nil || a.Address != tt.addr || tt.name != tt.addr && a.Name != tt.name {
			t.Errorf("mail.ParseAddress(%q) = %v, %v", got, a, err)
		}
	}
}

// bigBook is a book of n contacts with two addresses each and a few
// groups, and a full collected list.
func bigBook(b *testing.B, n int) (*Book, *Collected) {
	b.Helper()
	first := []string{"Ann", "Bob", "Carol", "Dan", "Eve", "Frank", "Gina", "Hugo", "Ines", "Jürgen"}
	book := &Book{}
	res := &Result{}
	for i := range n {
		res.Contacts = append(res.Contacts, Contact{
			Name:   fmt.Sprintf("%s Family%d", first[i%len(first)], i),
			Emails: []Email{{TypeHome, fmt.Sprintf("p%d@example.org", i)}, {TypeWork, fmt.Sprintf("w%d@corp.example", i)}},
			Groups: []string{fmt.Sprintf("group%d", i%50)},
		})
	}
	for _, c := range book.Preview(res).Add {
		c.UID = newUID()
		book.Contacts = append(book.Contacts, c)
	}
	col := &Collected{}
	for i := range MaxCollected {
		col.Entries = append(col.Entries, Seen{Address: fmt.Sprintf("seen%d@example.net", i), Count: 1})
	}
	return book, col
}

// BenchmarkComplete: completion at 10,000 contacts (the target is under
// 20 ms a call). "a" matches a tenth of the names; "" the datalist of
// compose, every candidate ranked and the first 200 kept.
func BenchmarkComplete(b *testing.B) {
	book, col := bigBook(b, 10000)
	for _, prefix := range []string{"", "a", "jü", "w99", "group4", "nobody"} {
		b.Run("prefix="+prefix, func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				Complete(book, col, prefix, 200)
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkLoadComplete: what one CGI request pays: Store.Complete reads
// the completion index of 10,000 contacts and the collected list, and
// completes.
func BenchmarkLoadComplete(b *testing.B) {
	book, col := bigBook(b, 10000)
	s := Store{Dir: b.TempDir()}
	if err := s.Update(func(bk *Book) error { bk.Contacts = book.Contacts; return nil }); err != nil {
		b.Fatal(err)
	}
	s.Collect(addrList(col), now)
	for _, prefix := range []string{"", "a", "jü", "w99", "group4", "nobody"} {
		b.Run("prefix="+prefix, func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				if _, err := s.Complete(prefix, 200); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkLoad: reading the vCard book file of 10,000 contacts whole
// (what a contacts page pays; completion reads the index instead).
func BenchmarkLoad(b *testing.B) {
	book, _ := bigBook(b, 10000)
	s := Store{Dir: b.TempDir()}
	if err := s.Update(func(bk *Book) error { bk.Contacts = book.Contacts; return nil }); err != nil {
		b.Fatal(err)
	}
	start := cpuTime()
	for b.Loop() {
		if _, err := s.Load(); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// cpuTime is the CPU time the process has used (user and system). The
// benchmarks report it per operation beside the wall time, which on a
// shared, loaded machine says more about the neighbours than the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

func addrList(col *Collected) []*mail.Address {
	var out []*mail.Address
	for _, e := range col.Entries {
		out = append(out, &mail.Address{Name: e.Name, Address: e.Address})
	}
	return out
}
