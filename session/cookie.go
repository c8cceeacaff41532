package session

import (
	"crypto/subtle"
	"strings"
)

// Lengths of the hex strings of a session.
const (
	IDLen     = 16 // 64 bits
	SecretLen = 32 // 128 bits
	CSRFLen   = 32 // 128 bits
)

// MaxMailboxIDBytes is the longest mailbox id ParseCookie accepts: a user
// name of at most 64 bytes, a dot and a method name of at most 16.
const MaxMailboxIDBytes = 64 + 1 + 16

// FormatCookie returns the cookie value mailboxID:id:secret.
func FormatCookie(mailboxID, id, secret string) string {
	return mailboxID + ":" + id + ":" + secret
}

// ParseCookie splits a cookie value made by FormatCookie and checks each
// part's syntax: the mailbox id is "user.method" with the user name
// [A-Za-z0-9_@+-][A-Za-z0-9._@+-]* (at most 64 bytes) and the method
// [a-z0-9]+ (at most 16 bytes); id and secret are lower-case hex of the
// right length. Whether the session exists is for Store.Check to say.
func ParseCookie(v string) (mailboxID, id, secret string, err error) {
	parts := strings.Split(v, ":")
	if len(parts) != 3 || !validMailboxID(parts[0]) || !isHex(parts[1], IDLen) || !isHex(parts[2], SecretLen) {
		return "", "", "", ErrBadCookie
	}
	return parts[0], parts[1], parts[2], nil
}

func validMailboxID(s string) bool {
	if len(s) > MaxMailboxIDBytes {
		return false
	}
	dot := strings.LastIndexByte(s, '.')
	if dot < 1 {
		return false
	}
	user, method := s[:dot], s[dot+1:]
	if len(user) > 64 || user[0] == '.' || method == "" || len(method) > 16 {
		return false
	}
	for i := 0; i < len(user); i++ {
		c := user[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._@+-", c) >= 0) {
			return false
		}
	}
	for i := 0; i < len(method); i++ {
		c := method[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// isHex reports whether s is exactly n lower-case hex digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// ValidCSRF reports whether token is the CSRF token of sess, comparing in
// constant time. A nil session or a malformed token is never valid.
func ValidCSRF(sess *Session, token string) bool {
	if sess == nil || !isHex(token, CSRFLen) || !isHex(sess.CSRF, CSRFLen) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) == 1
}
