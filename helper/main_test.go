package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"postern/directory"
	"postern/passkey"
)

// TestRun: the argv, the limits and the exit statuses of doc.go.
func TestRun(t *testing.T) {
	rp := passkey.Config{ID: "mail.example.org", Origins: []string{"https://mail.example.org"}, Name: "postern"}
	refusal, _ := json.Marshal(passkey.HelperRequest{Op: passkey.OpLogin, RP: rp, User: "bob", Response: "{}"})
	check, _ := json.Marshal(directory.HelperRequest{Op: directory.OpCheck, Config: directory.Config{
		URI: "ldaps://ldap.example.org", Base: "not a dn", Filter: directory.DefaultFilter,
		Attributes: directory.DefaultAttributes, SizeLimit: 1, Timeout: 1}})
	for _, tt := range []struct {
		name   string
		args   []string
		stdin  string
		status int
		out    string // in stdout
	}{
		{"no argument", []string{"postern-helper"}, "", exitUsage, ""},
		{"two", []string{"postern-helper", "passkey", "directory"}, "", exitUsage, ""},
		{"unknown kind", []string{"postern-helper", "shell"}, "", exitUsage, ""},
		{"too long", []string{"postern-helper", "passkey"}, strings.Repeat(" ", MaxRequestBytes+1), exitBadInput, ""},
		{"not json", []string{"postern-helper", "passkey"}, "{", exitBadInput, ""},
		{"unknown op", []string{"postern-helper", "passkey"}, `{"op":"sign","rp":{"id":"mail.example.org","origins":["https://mail.example.org"],"name":"x"}}`, exitBadInput, ""},
		{"bad relying party", []string{"postern-helper", "passkey"}, `{"op":"login","rp":{"id":"192.0.2.1"}}`, exitBadInput, ""},
		{"directory not json", []string{"postern-helper", "directory"}, "[]", exitBadInput, ""},
		// A failed ceremony and a configuration that cannot work are answers.
		{"refused", []string{"postern-helper", "passkey"}, string(refusal), exitOK, `"refused":`},
		{"check", []string{"postern-helper", "directory"}, string(check), exitOK, `"config":["base \"not a dn\" is not a DN"]`},
	} {
		var out, errOut bytes.Buffer
		status := run(tt.args, strings.NewReader(tt.stdin), &out, &errOut)
		if status != tt.status || !strings.Contains(out.String(), tt.out) {
			t.Errorf("%s: run = %d, stdout %q, stderr %q; want %d, %q", tt.name, status, out.String(), errOut.String(), tt.status, tt.out)
		}
		if status != exitOK && (out.Len() != 0 || errOut.Len() == 0) {
			t.Errorf("%s: status %d with stdout %q, stderr %q; want one line on stderr only", tt.name, status, out.String(), errOut.String())
		}
	}
}
