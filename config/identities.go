package config

import (
	"fmt"
	"strings"
)

// maxIdentities bounds the identities key's list.
const maxIdentities = 50

// domainName accepts a mail domain: letters, digits, '-', '.' and
// non-ASCII letters (an IDN, converted by the compose package), no '@',
// no white space, not starting or ending with '.'.
func domainName(v string) error {
	if v == "" || strings.HasPrefix(v, ".") || strings.HasSuffix(v, ".") || strings.Contains(v, "..") ||
		strings.ContainsAny(v, "@ \t,;<>()[]\\\"/%") {
		return fmt.Errorf("%q is not a mail domain", v)
	}
	return nil
}

// identityList accepts the identities key: "" or addresses separated by
// commas, each local@domain where the local part may hold "%u" (the
// user name) and no other '%'.
func identityList(v string) error {
	if v == "" {
		return nil
	}
	items := SplitIdentities(v)
	if len(items) > maxIdentities {
		return fmt.Errorf("more than %d identities", maxIdentities)
	}
	for _, a := range items {
		local, domain, ok := strings.Cut(a, "@")
		if !ok || local == "" || strings.ContainsAny(local, "@ \t<>()[]\\\",;:") ||
			strings.Contains(strings.ReplaceAll(local, "%u", ""), "%") || domainName(domain) != nil {
			return fmt.Errorf("%q is not an address like %%u@example.org", a)
		}
	}
	return nil
}

// SplitIdentities splits the value of the identities key at commas and
// trims each address; empty items are dropped. "%u" is left for the
// caller to replace with the user name.
func SplitIdentities(v string) []string {
	var out []string
	for _, a := range strings.Split(v, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}
