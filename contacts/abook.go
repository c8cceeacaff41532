package contacts

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ReadAbook reads abook's addressbook file (abook(1), ~/.abook/addressbook),
// at most MaxImportBytes:
//
//	# abook addressbook file
//	[format]
//	program=abook
//	version=0.6.1
//
//	[0]
//	name=Ann Lee
//	email=ann@example.org,ann@work.example
//	nick=ann
//	mobile=+1 555 0100
//	groups=friends,work
//
// Sections other than numbered ones are ignored; keys it does not know
// (address, city, url, custom1, ...) are ignored. The first address is
// taken as "home", the others as "other". QUIRK: abook writes its values
// unescaped to the end of the line and splits email and groups at commas.
func ReadAbook(r io.Reader) (*Result, error) {
	data, err := readLimited(r, MaxImportBytes)
	if err != nil {
		return nil, err
	}
	return readAbook(data)
}

func readAbook(data []byte) (*Result, error) {
	data, conv := utf8Text(data)
	res := &Result{Format: "abook"}
	if conv != "" {
		res.skip("file", "not UTF-8: read as "+conv)
	}
	var cur map[string]string
	var where string
	flush := func() {
		if cur == nil {
			return
		}
		c := Contact{Name: cur["name"], Nickname: cur["nick"], Note: cur["notes"]}
		for i, a := range strings.Split(cur["email"], ",") {
			t := TypeOther
			if i == 0 {
				t = TypeHome
			}
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			if CheckAddress(a) != nil {
				res.skip(where, fmt.Sprintf("address %.60q is not valid and was left out", a))
				continue
			}
			c.Emails = append(c.Emails, Email{Type: t, Address: a})
		}
		for _, p := range []struct{ key, typ string }{{"mobile", TypeCell}, {"phone", TypeHome}, {"workphone", TypeWork}} {
			if v := cur[p.key]; v != "" {
				c.Phones = append(c.Phones, Phone{Type: p.typ, Number: v})
			}
		}
		for _, g := range strings.Split(cur["groups"], ",") {
			if g = strings.TrimSpace(g); g == "" {
				continue
			}
			if CheckGroup(g) != nil {
				res.skip(where, fmt.Sprintf("group %.60q is not a valid group name and was left out", g))
				continue
			}
			c.Groups = append(c.Groups, g)
		}
		res.add(where, c)
		cur = nil
	}
	for i, line := range strings.Split(string(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' && line[len(line)-1] == ']' {
			flush()
			sec := line[1 : len(line)-1]
			if _, err := strconv.Atoi(sec); err == nil {
				cur = map[string]string{}
				where = "entry [" + sec + "] (line " + strconv.Itoa(i+1) + ")"
			}
			continue
		}
		if cur == nil {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			res.skip("line "+strconv.Itoa(i+1), "not key=value; ignored")
			continue
		}
		cur[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	flush()
	return res, nil
}
