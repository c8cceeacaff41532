package contacts

import (
	"bytes"
	"fmt"
	"io"
	"net/mail"
	"postern/internal/addrlist"
	"strconv"
	"strings"
)

// ReadMutt reads a mutt alias file (muttrc(5), "alias"), at most
// MaxImportBytes:
//
//	# comment
//	alias ann Ann Lee <ann@example.org>
//	alias -group work bob "Lee, Bob" <bob@example.org>  # a comment
//	alias team ann@example.org, \
//	           bob@example.org
//
// A "\" at the end of a line joins the next. An alias with one address is
// one contact, named by the address's name or else the key, with the key
// as nickname; an alias with several is one contact per address, all in a
// group named after the key. "-group name" puts the contacts in that
// group. QUIRK: mutt runs the commands between backquotes and reads the
// files of "source" lines; a line with either is skipped and reported,
// never run or read. Other commands (set, unalias, ...) are skipped.
func ReadMutt(r io.Reader) (*Result, error) {
	data, err := readLimited(r, MaxImportBytes)
	if err != nil {
		return nil, err
	}
	return readMutt(data)
}

func readMutt(data []byte) (*Result, error) {
	data, conv := utf8Text(data)
	res := &Result{Format: "mutt aliases"}
	if conv != "" {
		res.skip("file", "not UTF-8: read as "+conv)
	}
	lines := strings.Split(string(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))), "\n")
	for i := 0; i < len(lines); i++ {
		n := i + 1
		line := lines[i]
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			line = line[:len(line)-1] + " " + lines[i]
		}
		where := "line " + strconv.Itoa(n)
		line = strings.TrimSpace(stripComment(line))
		if line == "" {
			continue
		}
		if strings.Contains(line, "`") {
			res.skip(where, "has a `backquoted` command, which is never run")
			continue
		}
		cmd, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch {
		case cmd == "source":
			res.skip(where, "a source line: other files are not read")
			continue
		case cmd != "alias":
			res.skip(where, fmt.Sprintf("%.30q is not an alias", cmd))
			continue
		}
		var groups []string
		for strings.HasPrefix(rest, "-group ") {
			var g string
			g, rest = word(strings.TrimPrefix(rest, "-group "))
			groups = append(groups, g)
		}
		key, addrs := word(rest)
		if key == "" || addrs == "" {
			res.skip(where, "an alias needs a key and an address")
			continue
		}
		list, bad := parseList(addrs)
		for _, b := range bad {
			res.skip(where, fmt.Sprintf("address %.60q is not valid and was left out", b))
		}
		for _, g := range groups {
			if err := CheckGroup(g); err != nil {
				res.skip(where, strings.TrimPrefix(err.Error(), "contacts: ")+"; left out")
			}
		}
		groups = validGroups(groups)
		switch len(list) {
		case 0:
			if len(bad) == 0 {
				res.skip(where, "no address")
			}
		case 1:
			name := list[0].Name
			if name == "" {
				name = key
			}
			res.add(where, Contact{Name: name, Nickname: key, Emails: []Email{{TypeOther, list[0].Address}}, Groups: groups})
		default:
			if CheckGroup(key) == nil {
				groups = append(groups, key)
			} else {
				res.skip(where, fmt.Sprintf("alias %.30q cannot be a group name; its addresses are imported without it", key))
			}
			for _, a := range list {
				res.add(where, Contact{Name: a.Name, Emails: []Email{{TypeOther, a.Address}}, Groups: append([]string(nil), groups...)})
			}
		}
	}
	return res, nil
}

// add normalises and checks c, then adds it or reports why not.
func (r *Result) add(where string, c Contact) {
	c.Normalize()
	if c.Name == "" {
		r.skip(where, "no name and no e-mail address")
		return
	}
	if err := c.Check(); err != nil {
		r.skip(where, strings.TrimPrefix(err.Error(), "contacts: "))
		return
	}
	r.Contacts = append(r.Contacts, c)
}

func validGroups(groups []string) []string {
	var out []string
	for _, g := range groups {
		if CheckGroup(g) == nil {
			out = append(out, g)
		}
	}
	return out
}

// word splits off the first word of s: up to a space, or a "quoted" or
// 'quoted' string.
func word(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == '"' || s[0] == '\'') {
		if end := strings.IndexByte(s[1:], s[0]); end >= 0 {
			return s[1 : end+1], strings.TrimSpace(s[end+2:])
		}
	}
	w, rest, _ := strings.Cut(s, " ")
	return w, strings.TrimSpace(rest)
}

// stripComment removes a "#" comment, outside double quotes.
func stripComment(s string) string {
	quote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case c == '"':
			quote = !quote
		case c == '#' && !quote:
			return s[:i]
		}
	}
	return s
}

// parseList reads an address list the way a user writes it, entry by
// entry: the addresses net/mail reads (their addr-specs checked by
// CheckAddress), and the entries it cannot.
func parseList(s string) (list []*mail.Address, bad []string) {
	for _, item := range addrlist.Split(s) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		as, err := mail.ParseAddressList(item)
		if err != nil {
			bad = append(bad, item)
			continue
		}
		for _, a := range as {
			if CheckAddress(a.Address) != nil {
				bad = append(bad, a.Address)
				continue
			}
			list = append(list, a)
		}
	}
	return list, bad
}
