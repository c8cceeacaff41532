// Package checkpass is the protocol between postern's root room and
// postern-login, the small program that holds what the request binary does
// not link: PAM, and libc's name service switch (NSS) for user lookups. It
// follows the checkpassword tradition of qmail: the privileged caller runs
// a separate program with a fixed argument vector, hands it the secret on a
// pipe, and reads a narrow answer from its exit status.
//
// Why: the request binary is linked static (static-pie glibc, SQLite,
// libxcrypt inside), so that no dynamic loader runs and relocates shared
// libraries at each of its starts, and so that the set-user-ID program
// never loads a shared object chosen by a configuration file. PAM modules
// (pam.d) and NSS modules (nsswitch.conf) are such objects; they live in
// postern-login, which the root room runs only for a PAM login
// (PAM.AuthenticateFrom), a PAM password change
// (PAM.ChangePassword), a PAM account check when root's account cache
// has no fresh entry (PAM.Lookup), and the lookup of a user that the
// pure-Go reading of /etc/passwd does not find (Lookup: sssd, LDAP and
// other NSS-only accounts). Every other request runs nothing.
//
// # The program's interface
//
// The argument vector is one of
//
//	postern-login pam SERVICE auth       stdin: user, password, rhost
//	postern-login pam SERVICE account    stdin: user
//	postern-login pam SERVICE chauthtok  stdin: user, old, new, rhost
//	postern-login lookup                 stdin: user
//
// SERVICE is a PAM service name (ValidService). The standard input holds
// the fields in this order, each ended by a NUL byte, nothing after the
// last, at most MaxInputBytes in all; user must pass auth.ValidUser,
// passwords are 1 to pwhash.MaxPasswordBytes bytes without NUL (so
// carried by the framing), rhost is "" or the client's address. Nothing
// secret is ever in the arguments or the environment, which is empty.
//
// The answer is the exit status (StatusOK, StatusRefused, StatusUnusable,
// StatusMustChange, StatusNoUser, StatusUsage, StatusBadInput,
// StatusInternal) and, on standard output, at most MaxOutputBytes: for a
// refusal one line of detail for the log (the same text the in-process
// backend wrote before, so the audit lines do not change), for a lookup
// the entry as NUL-ended fields (uid, gid, home, the group ids separated
// by commas). The caller gives the program Timeout to answer and kills
// it after; any status, signal or output outside this contract is an
// internal error.
//
// What it does not do: it opens no session and sets no credentials (the
// caller drops to the account itself), it does not look at the shadow
// file itself (auth/shadow does, in the request binary, with libxcrypt),
// and it trusts its caller: it is installed mode 0700 root, so only root
// runs it.
package checkpass

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"postern/auth"
	"postern/auth/pwhash"
)

// Exit statuses of postern-login.
const (
	StatusOK         = 0  // the password is right and the account usable; the lookup found the user
	StatusRefused    = 1  // wrong password, unknown user, or a conversation PAM could not finish
	StatusUnusable   = 2  // the account is locked or expired
	StatusMustChange = 3  // the password has expired and must be changed first
	StatusNoUser     = 4  // lookup: no such user
	StatusUsage      = 64 // the argument vector is not one of the four (sysexits EX_USAGE)
	StatusBadInput   = 65 // the standard input breaks the framing or a field's rule (EX_DATAERR)
	StatusInternal   = 70 // PAM or the name service failed (EX_SOFTWARE)
)

// Limits.
const (
	MaxInputBytes   = 2048 // the standard input: user, two passwords, an address, their NULs
	MaxOutputBytes  = 4096 // the standard output: a lookup entry, or a line of detail
	MaxDetailBytes  = 512  // one line of detail
	MaxServiceBytes = 64   // a PAM service name
	MaxRhostBytes   = 256  // the client's address
	MaxGroups       = 1024 // group ids of a lookup
)

// Operations, the last argument of `postern-login pam SERVICE OP`.
const (
	OpAuth      = "auth"
	OpAccount   = "account"
	OpChauthtok = "chauthtok"
	OpLookup    = "lookup"
)

// fields is the number of input fields of each operation.
var fields = map[string]int{OpAuth: 3, OpAccount: 1, OpChauthtok: 4, OpLookup: 1}

// ValidService reports whether s may be a PAM service name: 1 to
// MaxServiceBytes bytes of [a-z0-9._-], not starting with a dot (a file
// name in /etc/pam.d).
func ValidService(s string) error {
	if s == "" || len(s) > MaxServiceBytes || s[0] == '.' {
		return fmt.Errorf("checkpass: PAM service %q: want 1 to %d bytes, not starting with a dot", s, MaxServiceBytes)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("checkpass: invalid byte %q in PAM service %q", c, s)
		}
	}
	return nil
}

// Args returns the argument vector (without the program name) of op; service
// is ignored for OpLookup.
func Args(service, op string) []string {
	if op == OpLookup {
		return []string{OpLookup}
	}
	return []string{"pam", service, op}
}

// ParseArgs checks an argument vector (without the program name) and
// returns the service ("" for a lookup) and the operation.
func ParseArgs(args []string) (service, op string, err error) {
	switch {
	case len(args) == 1 && args[0] == OpLookup:
		return "", OpLookup, nil
	case len(args) == 3 && args[0] == "pam":
		if err := ValidService(args[1]); err != nil {
			return "", "", err
		}
		switch args[2] {
		case OpAuth, OpAccount, OpChauthtok:
			return args[1], args[2], nil
		}
	}
	return "", "", fmt.Errorf("checkpass: usage: pam SERVICE auth|account|chauthtok, or lookup; got %q", args)
}

// Encode returns the standard input of op for the fields.
func Encode(op string, f ...string) ([]byte, error) {
	if len(f) != fields[op] {
		return nil, fmt.Errorf("checkpass: %s takes %d fields, not %d", op, fields[op], len(f))
	}
	if err := checkFields(op, f); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for _, s := range f {
		b.WriteString(s)
		b.WriteByte(0)
	}
	if b.Len() > MaxInputBytes {
		return nil, fmt.Errorf("checkpass: input of %d bytes, more than %d", b.Len(), MaxInputBytes)
	}
	return b.Bytes(), nil
}

// Decode splits the standard input of op into its fields and checks each.
func Decode(op string, in []byte) ([]string, error) {
	n, ok := fields[op]
	if !ok {
		return nil, fmt.Errorf("checkpass: unknown operation %q", op)
	}
	if len(in) > MaxInputBytes {
		return nil, fmt.Errorf("checkpass: input longer than %d bytes", MaxInputBytes)
	}
	if len(in) == 0 || in[len(in)-1] != 0 {
		return nil, errors.New("checkpass: input does not end with a NUL")
	}
	f := strings.Split(string(in[:len(in)-1]), "\x00")
	if len(f) != n {
		return nil, fmt.Errorf("checkpass: %s takes %d fields, got %d", op, n, len(f))
	}
	if err := checkFields(op, f); err != nil {
		return nil, err
	}
	return f, nil
}

// checkFields applies each field's rule.
func checkFields(op string, f []string) error {
	if err := auth.ValidUser(f[0]); err != nil {
		return err
	}
	var passwords []string
	rhost := ""
	switch op {
	case OpAuth:
		passwords, rhost = f[1:2], f[2]
	case OpChauthtok:
		passwords, rhost = f[1:3], f[3]
	}
	for _, p := range passwords {
		if p == "" || len(p) > pwhash.MaxPasswordBytes || strings.IndexByte(p, 0) >= 0 {
			return fmt.Errorf("checkpass: user %q: unusable password", f[0])
		}
	}
	if len(rhost) > MaxRhostBytes || strings.IndexFunc(rhost, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
		return fmt.Errorf("checkpass: invalid client address %q", rhost)
	}
	return nil
}

// Entry is a user as the name service knows it.
type Entry = auth.UserEntry

// EncodeEntry returns the standard output of a lookup.
func EncodeEntry(e *Entry) []byte {
	gs := make([]string, len(e.Groups))
	for i, g := range e.Groups {
		gs[i] = strconv.Itoa(g)
	}
	return []byte(strconv.Itoa(e.UID) + "\x00" + strconv.Itoa(e.GID) + "\x00" + e.Home + "\x00" + strings.Join(gs, ",") + "\x00")
}

// DecodeEntry parses the standard output of a lookup.
func DecodeEntry(out []byte) (*Entry, error) {
	if len(out) > MaxOutputBytes || len(out) == 0 || out[len(out)-1] != 0 {
		return nil, errors.New("checkpass: lookup answer not NUL-ended or too long")
	}
	f := strings.Split(string(out[:len(out)-1]), "\x00")
	if len(f) != 4 {
		return nil, fmt.Errorf("checkpass: lookup answer has %d fields, want 4", len(f))
	}
	e := &Entry{Home: f[2]}
	var err error
	if e.UID, err = id(f[0]); err != nil {
		return nil, err
	}
	if e.GID, err = id(f[1]); err != nil {
		return nil, err
	}
	if f[3] != "" {
		gs := strings.Split(f[3], ",")
		if len(gs) > MaxGroups {
			return nil, fmt.Errorf("checkpass: more than %d groups", MaxGroups)
		}
		for _, s := range gs {
			g, err := id(s)
			if err != nil {
				return nil, err
			}
			e.Groups = append(e.Groups, g)
		}
	}
	return e, nil
}

// id parses a decimal uid or gid (0 to 2^32-2: (uid_t)-1 is no id).
func id(s string) (int, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 1<<32-1 || s != strconv.FormatUint(n, 10) {
		return 0, fmt.Errorf("checkpass: invalid id %q", s)
	}
	return int(n), nil
}

// Detail returns the line of detail for an error: its text, every byte
// outside printable ASCII as '?', cut to MaxDetailBytes, with a newline.
func Detail(err error) []byte {
	s := []byte(err.Error())
	if len(s) > MaxDetailBytes {
		s = s[:MaxDetailBytes]
	}
	for i, c := range s {
		if c < ' ' || c > '~' {
			s[i] = '?'
		}
	}
	return append(s, '\n')
}
