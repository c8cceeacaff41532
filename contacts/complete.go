package contacts

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
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
	type hit struct {
		key string
		c   *Contact
	}
	var hits []hit
	for i := range b.Contacts {
		c := &b.Contacts[i]
		if len(c.Emails) == 0 {
			continue
		}
		ok := matches(prefix, c.Name) || hasPrefixFold(c.Nickname, prefix)
		for j := 0; !ok && j < len(c.Emails); j++ {
			ok = hasPrefixFold(c.Emails[j].Address, prefix)
		}
		if ok {
			hits = append(hits, hit{strings.ToLower(c.Name), c})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if n := cmp.Compare(a.key, b.key); n != 0 {
			return n
		}
		return cmp.Compare(a.c.UID, b.c.UID)
	})
	for _, h := range hits {
		for _, e := range h.c.Emails {
			if len(out) >= max {
				return out
			}
			k := strings.ToLower(e.Address)
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, Candidate{Kind: KindContact, Name: h.c.Name, Address: e.Address, Value: FormatAddress(h.c.Name, e.Address)})
		}
	}
	for _, g := range b.groupsWithAddress() {
		if len(out) >= max {
			break
		}
		if matches(prefix, g.Name) {
			out = append(out, Candidate{Kind: KindGroup, Name: g.Name, Members: g.Members, Value: g.Name})
		}
	}
	return out
}

// groupsWithAddress is Groups counting only the members with an address,
// without the groups that have none.
func (b *Book) groupsWithAddress() []Group {
	idx := map[string]int{}
	var out []Group
	for i := range b.Contacts {
		c := &b.Contacts[i]
		if len(c.Emails) == 0 {
			continue
		}
		for _, g := range c.Groups {
			k := strings.ToLower(g)
			if j, ok := idx[k]; ok {
				out[j].Members++
				continue
			}
			idx[k] = len(out)
			out = append(out, Group{Name: g, Members: 1})
		}
	}
	slices.SortFunc(out, func(a, b Group) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
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
	items := splitList(list)
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
// quoted when it must be to read back the same (UTF-8 names as they
// are, not RFC 2047 encoded); addr alone when there is no name or the
// name is the address.
func FormatAddress(name, addr string) string {
	if name == "" || name == addr {
		return addr
	}
	if needsQuotes(name) {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + addr + ">"
}

// needsQuotes reports whether a display name must be a quoted-string:
// anything but atext words (UTF-8 allowed, RFC 6532) separated by single
// spaces.
func needsQuotes(name string) bool {
	if strings.HasPrefix(name, " ") || strings.HasSuffix(name, " ") || strings.Contains(name, "  ") || strings.Contains(name, "=?") {
		return true
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 0x80 && c != ' ' && !atext(c) {
			return true
		}
	}
	return false
}

// atext reports whether c is an RFC 5322 atext character.
func atext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}
