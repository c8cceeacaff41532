package identity

import (
	"net/mail"
	"strings"

	"postern/message"
)

// maxHeaderRecipients bounds the Delivered-To and X-Original-To fields
// read from one message.
const maxHeaderRecipients = 20

// Recipients are the addresses a message was sent to, in the order
// ForReply tries them: To, Cc, then every Delivered-To and
// X-Original-To field (the aliases a message reached the user through,
// added by the delivery agent), each field read as one address.
func Recipients(v *message.View) []string {
	var out []string
	for _, l := range [][]message.Address{v.To, v.Cc} {
		for _, a := range l {
			out = append(out, a.Addr)
		}
	}
	for _, name := range []string{"Delivered-To", "X-Original-To"} {
		n := 0
		for _, f := range v.Headers {
			if !strings.EqualFold(f.Name, name) {
				continue
			}
			if n++; n > maxHeaderRecipients {
				break
			}
			if a := headerAddress(f.Value); a != "" {
				out = append(out, a)
			}
		}
	}
	return out
}

// headerAddress reads "addr" or "<addr>" (or a full address).
func headerAddress(s string) string {
	s = strings.TrimSpace(s)
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	return strings.Trim(s, "<>")
}
