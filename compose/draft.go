package compose

import (
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"strings"
)

// Attachment is a file attached to a draft. The bytes are in the file
// at Path (in an upload directory, see ParseForm); Build streams them.
type Attachment struct {
	Name        string // file name shown and sent, UTF-8
	ContentType string // media type, e.g. "application/pdf"; "" means application/octet-stream
	Size        int64  // bytes, as uploaded
	Path        string // the file holding the bytes
}

// Draft is everything the user wrote. Nothing in it is changed by Build
// or a failed send, so the form can be shown again as it was.
type Draft struct {
	From        mail.Address // the identity chosen among those allowed, never free text
	ReplyTo     string       // the identity's Reply-To, an address list; "" for none
	To, Cc, Bcc string       // address lists as typed, see ParseAddressList
	Subject     string
	Body        string   // plain text as typed; sent as format=flowed (see Flow)
	InReplyTo   string   // message id without <>, "" if none
	References  []string // message ids without <>, oldest first
	Attachments []Attachment
	Token       string // idempotency token of the compose form (see Tokens)
	// MessageID, when set, is the Message-ID (without <>) Build writes
	// instead of a new one: the Sent copy carries the id of the message
	// that was sent, so that replies thread with it.
	MessageID string
	// SevenBit makes the body safe to sign (RFC 3156 section 3, RFC
	// 8551 section 3.1.1): the text always quoted-printable (so that
	// the trailing spaces of format=flowed survive any transport), and
	// a message/rfc822 attachment that is not 7bit sent as base64
	// application/octet-stream. Set it for a message that package seal
	// signs or encrypts.
	SevenBit bool
}

// maxReferences bounds the References field: the first id and the last
// ones are kept (RFC 5322 section 3.6.4 allows trimming).
const maxReferences = 30

// Validate checks every header value of the draft for header injection,
// the address lists, the message ids and the attachment count and total
// size against lim (the zero Limits means DefaultLimits). It does not
// require a recipient (a draft may have none); Recipients does.
func (d *Draft) Validate(lim Limits) error {
	lim = lim.withDefaults()
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(checkField("From", d.From.Name))
	add(checkField("From", d.From.Address))
	if d.From.Address != "" {
		if _, err := asciiAddress(d.From.Address); err != nil {
			add(&AddressError{Addr: d.From.Address, Reason: err.Error()})
		}
	}
	for _, f := range []struct{ name, v string }{{"Reply-To", d.ReplyTo}, {"To", d.To}, {"Cc", d.Cc}, {"Bcc", d.Bcc}} {
		if err := checkField(f.name, f.v); err != nil {
			add(err)
			continue
		}
		_, err := ParseAddressList(f.v)
		add(err)
	}
	add(checkField("Subject", d.Subject))
	if strings.ContainsRune(d.Body, 0) {
		add(errors.New("compose: the text contains a NUL byte"))
	}
	if d.InReplyTo != "" {
		add(checkMsgID("In-Reply-To", d.InReplyTo))
	}
	for _, id := range d.References {
		add(checkMsgID("References", id))
	}
	if len(d.Attachments) > lim.MaxFiles {
		add(&TooLargeError{Limit: "files", Max: int64(lim.MaxFiles)})
	}
	var total int64
	for _, a := range d.Attachments {
		total += a.Size
		add(checkField("attachment name", a.Name))
		if a.ContentType != "" {
			if t, _, err := mime.ParseMediaType(a.ContentType); err != nil || !strings.Contains(t, "/") {
				add(fmt.Errorf("compose: attachment %q: bad content type %q", a.Name, a.ContentType))
			}
		}
		if a.Path == "" {
			add(fmt.Errorf("compose: attachment %q has no file", a.Name))
		}
	}
	if total > lim.MaxTotalBytes {
		add(&TooLargeError{Limit: "total", Max: lim.MaxTotalBytes})
	}
	return errors.Join(errs...)
}

// checkMsgID checks a message id given without <>.
func checkMsgID(field, id string) error {
	if err := checkField(field, id); err != nil {
		return err
	}
	if id == "" || len(id) > 998 || strings.ContainsAny(id, "<> \t") {
		return fmt.Errorf("compose: %s: bad message id %q", field, id)
	}
	return nil
}

// Recipients returns the envelope recipients: the addresses of To, Cc and
// Bcc, domains in ASCII, each once (compared without case). It is an
// error when there is none.
func (d *Draft) Recipients() ([]string, error) {
	var rcpts []string
	seen := map[string]bool{}
	for _, f := range []string{d.To, d.Cc, d.Bcc} {
		list, err := ParseAddressList(f)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if k := strings.ToLower(a.Address); !seen[k] {
				seen[k] = true
				rcpts = append(rcpts, a.Address)
			}
		}
	}
	if len(rcpts) == 0 {
		return nil, errors.New("compose: no recipient")
	}
	return rcpts, nil
}

// EnvelopeFrom returns the From address with its domain in ASCII, the
// envelope sender.
func (d *Draft) EnvelopeFrom() (string, error) {
	if err := checkField("From", d.From.Address); err != nil {
		return "", err
	}
	a, err := asciiAddress(d.From.Address)
	if err != nil {
		return "", &AddressError{Addr: d.From.Address, Reason: err.Error()}
	}
	return a, nil
}

// references returns d.References trimmed to maxReferences ids.
func (d *Draft) references() []string {
	r := d.References
	if len(r) > maxReferences {
		r = append([]string{r[0]}, r[len(r)-maxReferences+1:]...)
	}
	return r
}
