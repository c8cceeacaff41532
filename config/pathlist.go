package config

import (
	"fmt"
	"strings"
)

// PathList splits a list of paths (landlock_send_exec and the like):
// separated by commas or white space, so a path cannot hold either.
func PathList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// pathList accepts a PathList of absolute paths without "..", in which
// "%u" may stand for the user name.
func pathList(v string) error {
	for _, p := range PathList(v) {
		if !strings.HasPrefix(p, "/") || hasDotDot(p) {
			return fmt.Errorf("%q is not an absolute path without ..", p)
		}
		if strings.Contains(strings.ReplaceAll(p, "%u", ""), "%") {
			return fmt.Errorf("%q: only %%u may follow %%", p)
		}
	}
	return nil
}
