package contacts

import (
	"bytes"
	"cmp"
	"postern/internal/addrlist"
	"slices"
	"strings"
	"unicode/utf8"

	"postern/internal/privfile"
)

// Kinds of Candidate, in the order Complete ranks them.
const (
	KindCollected = "collected"
	KindContact   = "contact"
	KindGroup     = "group"
)

// Candidate is one completion of what the user typed.
type Candidate struct {
	Kind    string
	Name    string
	Address string // "" for a group
	Members int    // a group's number of members with an address
	Value   string // what goes in the field: "Name <addr>", or the group's name
}

// Complete returns at most max candidates for prefix, ranked: collected
// addresses (most used first), then the addresses of contacts (by name;
// one candidate per address, an address already offered is not offered
// again), then groups with at least one address (by name). A candidate
// matches when prefix (without case, surrounding space ignored) begins
// its name, a word of its name, its nickname or its address; every
// candidate matches an empty prefix. col may be nil.
func Complete(b *Book, col *Collected, prefix string, max int) []Candidate {
	data := b.indexBytes("")
	_, rest, _ := bytes.Cut(data, []byte("\n"))
	return completeIndex(string(rest), col, prefix, max)
}

// Complete is Complete of the store's book and collected addresses,
// read from the completion index (IndexFile) without building the
// book: what a request for completion pays.
func (s Store) Complete(prefix string, max int) ([]Candidate, error) {
	col := s.LoadCollected()
	if rest, ok := s.indexData(); ok {
		return completeIndex(rest, col, prefix, max), nil
	}
	b, err := s.LoadIndex()
	if err != nil {
		return nil, err
	}
	return Complete(b, col, prefix, max), nil
}

// indexData returns the lines of the index after its header, when the
// index belongs to the book file there.
func (s Store) indexData() (string, bool) {
	stamp := s.bookStamp()
	if stamp == "none" {
		return "", true
	}
	data, err := privfile.Read(s.path(IndexFile), MaxBookBytes)
	if err != nil {
		return "", false
	}
	head, rest, ok := strings.Cut(string(data), "\n")
	return rest, ok && head == indexMagic+" "+stamp
}

// Known reports which of addrs a contact has (without case), from the
// completion index.
func (s Store) Known(addrs []string) (map[string]bool, error) {
	known := map[string]bool{}
	rest, ok := s.indexData()
	if !ok {
		b, err := s.LoadIndex()
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			known[a] = b.ByAddress(a) != nil
		}
		return known, nil
	}
	eachEntry(rest, func(e *entry) {
		for item := range strings.SplitSeq(e.emails, recordSep) {
			_, addr, _ := strings.Cut(item, " ")
			for _, a := range addrs {
				if strings.EqualFold(a, addr) {
					known[a] = true
				}
			}
		}
	})
	return known, nil
}

// entry is a line of the index, its fields not split further.
type entry struct {
	uid, name, nick, org, emails, groups string
}

// eachEntry calls fn for every well-formed line of index lines data.
func eachEntry(data string, fn func(*entry)) {
	var e entry
	for data != "" {
		var line string
		line, data, _ = strings.Cut(data, "\n")
		var ok [5]bool
		e.uid, line, ok[0] = strings.Cut(line, unitSep)
		e.name, line, ok[1] = strings.Cut(line, unitSep)
		e.nick, line, ok[2] = strings.Cut(line, unitSep)
		e.org, line, ok[3] = strings.Cut(line, unitSep)
		e.emails, e.groups, ok[4] = strings.Cut(line, unitSep)
		if ok == [5]bool{true, true, true, true, true} {
			fn(&e)
		}
	}
}

// completeIndex is Complete over index lines.
func completeIndex(data string, col *Collected, prefix string, max int) []Candidate {
	prefix = strings.TrimSpace(prefix)
	var out []Candidate
	seen := map[string]bool{}
	if col != nil {
		for _, e := range col.Entries {
			if len(out) >= max {
				return out
			}
			if matches(prefix, e.Name) || hasPrefixFold(e.Address, prefix) {
				seen[strings.ToLower(e.Address)] = true
				out = append(out, Candidate{Kind: KindCollected, Name: e.Name, Address: e.Address, Value: FormatAddress(e.Name, e.Address)})
			}
		}
	}
	type hit struct{ key, uid, name, emails string }
	var hits []hit
	groupIdx := map[string]int{}
	var groups []Group
	eachEntry(data, func(e *entry) {
		if e.emails == "" {
			return
		}
		for g := range strings.SplitSeq(e.groups, recordSep) {
			if g == "" {
				continue
			}
			k := strings.ToLower(g)
			if j, ok := groupIdx[k]; ok {
				groups[j].Members++
				continue
			}
			groupIdx[k] = len(groups)
			groups = append(groups, Group{Name: g, Members: 1})
		}
		ok := matches(prefix, e.name) || hasPrefixFold(e.nick, prefix)
		for item := range strings.SplitSeq(e.emails, recordSep) {
			if ok {
				break
			}
			_, addr, _ := strings.Cut(item, " ")
			ok = hasPrefixFold(addr, prefix)
		}
		if ok {
			hits = append(hits, hit{strings.ToLower(e.name), e.uid, e.name, e.emails})
		}
	})
	slices.SortFunc(hits, func(a, b hit) int {
		if n := cmp.Compare(a.key, b.key); n != 0 {
			return n
		}
		return cmp.Compare(a.uid, b.uid)
	})
	for _, h := range hits {
		for item := range strings.SplitSeq(h.emails, recordSep) {
			if len(out) >= max {
				return out
			}
			_, addr, _ := strings.Cut(item, " ")
			k := strings.ToLower(addr)
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, Candidate{Kind: KindContact, Name: h.name, Address: addr, Value: FormatAddress(h.name, addr)})
		}
	}
	slices.SortFunc(groups, func(a, b Group) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	for _, g := range groups {
		if len(out) >= max {
			break
		}
		if matches(prefix, g.Name) {
			out = append(out, Candidate{Kind: KindGroup, Name: g.Name, Members: g.Members, Value: g.Name})
		}
	}
	return out
}

// matches reports whether prefix begins s or one of its words.
func matches(prefix, s string) bool {
	if hasPrefixFold(s, prefix) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if isSep(s[i]) && hasPrefixFold(s[i+1:], prefix) {
			return true
		}
	}
	return false
}

func isSep(c byte) bool {
	return c == ' ' || c == '-' || c == '.' || c == '_' || c == '"' || c == '(' || c == ','
}

// hasPrefixFold is strings.HasPrefix without case (Unicode simple folding).
func hasPrefixFold(s, prefix string) bool {
	for prefix != "" {
		if s == "" {
			return false
		}
		r1, n1 := utf8.DecodeRuneInString(s)
		r2, n2 := utf8.DecodeRuneInString(prefix)
		if r1 != r2 && !equalFoldRune(r1, r2) {
			return false
		}
		s, prefix = s[n1:], prefix[n2:]
	}
	return true
}

func equalFoldRune(a, b rune) bool {
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	return strings.EqualFold(string(a), string(b))
}

// ExpandGroups replaces, in an address list as typed in To/Cc/Bcc, every
// entry that is the name of a group of b (without case, no "@") by the
// first address of each of its members. Other entries are left as they
// are, for the address parser to judge. It returns the list and the
// groups it expanded.
func ExpandGroups(list string, b *Book) (string, []string) {
	items := addrlist.Split(list)
	var groups []string
	changed := false
	for i, item := range items {
		name := strings.TrimSpace(item)
		if name == "" || strings.ContainsAny(name, "@<>\"") {
			continue
		}
		var members []string
		for _, c := range b.Contacts {
			if len(c.Emails) > 0 && c.InGroup(name) {
				members = append(members, FormatAddress(c.Name, c.Emails[0].Address))
			}
		}
		if len(members) == 0 {
			continue
		}
		items[i] = " " + strings.Join(members, ", ")
		groups = append(groups, name)
		changed = true
	}
	if !changed {
		return list, nil
	}
	return strings.TrimSpace(strings.Join(items, ",")), groups
}

// FormatAddress writes an address for a form: "Name <addr>", the name
// quoted when it must be to read back the same (addrlist.Format); addr
// alone when there is no name or the name is the address.
func FormatAddress(name, addr string) string {
	if name == addr {
		return addr
	}
	return addrlist.Format(name, addr)
}
