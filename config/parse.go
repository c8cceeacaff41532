package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// Parse reads a configuration in postern.conf syntax from r. Keys not in r
// keep their Default value. On error it returns nil and every problem
// found, each naming its line.
func Parse(r io.Reader) (*Config, error) {
	return parse(r, "config: ")
}

// parse is Parse with the prefix of each error message ("config: " or
// "config: /etc/postern/postern.conf: ").
func parse(r io.Reader, prefix string) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s%w", prefix, err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%sfile is larger than %d bytes", prefix, MaxBytes)
	}
	index := make(map[string]int, len(keys))
	for i, k := range keys {
		index[k.name] = i
	}
	c := Default()
	seen := make(map[string]int) // key -> line
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%sline %d: %s", prefix, line, fmt.Sprintf(format, args...)))
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 512), MaxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		name, value, ok := strings.Cut(text, "=")
		if !ok {
			fail(line, "missing '=' (want key = value)")
			continue
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		i, ok := index[name]
		if !ok {
			fail(line, "unknown key %q", name)
			continue
		}
		if first, dup := seen[name]; dup {
			fail(line, "duplicate key %s (first set on line %d)", name, first)
			continue
		}
		seen[name] = line
		if strings.ContainsFunc(value, unicode.IsControl) {
			fail(line, "%s: control character in value", name)
			continue
		}
		if err := keys[i].set(c, value); err != nil {
			fail(line, "%s: %v", name, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			fail(line+1, "line longer than %d bytes", MaxLineBytes)
		} else {
			errs = append(errs, fmt.Errorf("%s%w", prefix, err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// Format writes c in postern.conf syntax, every key in Keys order.
func Format(c *Config) string {
	var b strings.Builder
	for _, k := range keys {
		v := k.get(c)
		if v == "" {
			fmt.Fprintf(&b, "%s =\n", k.name)
		} else {
			fmt.Fprintf(&b, "%s = %s\n", k.name, v)
		}
	}
	return b.String()
}
