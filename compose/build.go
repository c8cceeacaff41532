package compose

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"strconv"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"
)

// Build writes the message to send to w: Date (now), a new Message-ID
// at host (the domain of From when host is ""), From, Reply-To (when
// set), To, Cc, Subject,
// In-Reply-To, References, MIME-Version and the body, in a
// multipart/mixed with the attachments when there are some. It never
// writes a Bcc field. It returns the Message-ID without <>.
func (d *Draft) Build(w io.Writer, now time.Time, host string) (messageID string, err error) {
	return d.build(w, now, host, false)
}

// BuildDraft is Build with the Bcc field kept: the copy for the user's
// own Drafts and Sent folders, never for sending.
func (d *Draft) BuildDraft(w io.Writer, now time.Time, host string) (messageID string, err error) {
	return d.build(w, now, host, true)
}

func (d *Draft) build(w io.Writer, now time.Time, host string, withBcc bool) (string, error) {
	if err := d.Validate(Limits{MaxFiles: 1 << 30, MaxTotalBytes: 1 << 62}); err != nil {
		return "", err
	}
	from, err := d.EnvelopeFrom()
	if err != nil {
		return "", err
	}
	if host == "" {
		host = from[strings.LastIndexByte(from, '@')+1:]
	}
	if err := CheckHeaderValue(host); err != nil || host == "" || strings.ContainsAny(host, "<>@ \t") {
		return "", fmt.Errorf("compose: bad host name %q", host)
	}
	id := d.MessageID
	if id == "" {
		if id, err = newMessageID(now, host); err != nil {
			return "", err
		}
	} else if err := CheckHeaderValue(id); err != nil || strings.ContainsAny(id, "<> \t") || !strings.Contains(id, "@") {
		return "", fmt.Errorf("compose: bad message id %q", id)
	}
	h, err := d.header(now, id, from, withBcc)
	if err != nil {
		return "", err
	}
	lw := &lfWriter{w: bufio.NewWriter(w)}
	if err := d.writeBody(lw, h); err != nil {
		return "", err
	}
	if err := lw.Flush(); err != nil {
		return "", fmt.Errorf("compose: write: %w", err)
	}
	return id, nil
}

// header makes the message header. The lists were checked by Validate.
func (d *Draft) header(now time.Time, id, from string, withBcc bool) (gomail.Header, error) {
	var h gomail.Header
	h.SetDate(now)
	h.SetMessageID(id)
	h.SetAddressList("From", []*gomail.Address{{Name: d.From.Name, Address: from}})
	fields := []struct{ name, v string }{{"To", d.To}, {"Cc", d.Cc}}
	if d.ReplyTo != "" {
		fields = append([]struct{ name, v string }{{"Reply-To", d.ReplyTo}}, fields...)
	}
	if withBcc {
		fields = append(fields, struct{ name, v string }{"Bcc", d.Bcc})
	}
	for _, f := range fields {
		list, err := ParseAddressList(f.v)
		if err != nil {
			return h, err
		}
		h.SetAddressList(f.name, list)
	}
	h.SetSubject(d.Subject)
	if d.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{d.InReplyTo})
	}
	h.SetMsgIDList("References", d.references())
	h.Set("MIME-Version", "1.0")
	return h, nil
}

// writeBody writes the header and the body: one text part, or a
// multipart/mixed with the text first and the attachments.
func (d *Draft) writeBody(w io.Writer, h gomail.Header) error {
	text := Flow(d.Body)
	var th gomail.InlineHeader
	th.Set("Content-Type", "text/plain; charset=utf-8; format=flowed")
	if d.SevenBit {
		th.Set("Content-Transfer-Encoding", "quoted-printable")
	} else {
		th.Set("Content-Transfer-Encoding", textEncoding(text))
	}
	if len(d.Attachments) == 0 {
		h.Set("Content-Type", th.Get("Content-Type"))
		h.Set("Content-Transfer-Encoding", th.Get("Content-Transfer-Encoding"))
		tw, err := gomail.CreateSingleInlineWriter(w, h)
		if err != nil {
			return fmt.Errorf("compose: %w", err)
		}
		return closeAfter(tw, strings.NewReader(text))
	}
	mw, err := gomail.CreateWriter(w, h)
	if err != nil {
		return fmt.Errorf("compose: %w", err)
	}
	tw, err := mw.CreateSingleInline(th)
	if err != nil {
		return fmt.Errorf("compose: %w", err)
	}
	if err := closeAfter(tw, strings.NewReader(text)); err != nil {
		return err
	}
	for _, a := range d.Attachments {
		if err := writeAttachment(mw, a, d.SevenBit); err != nil {
			return err
		}
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("compose: %w", err)
	}
	return nil
}

// writeAttachment streams one attachment from its file; with sevenBit, a
// message/rfc822 that is not 7bit goes as base64.
func writeAttachment(mw *gomail.Writer, a Attachment, sevenBit bool) error {
	f, err := os.Open(a.Path)
	if err != nil {
		return fmt.Errorf("compose: attachment %q: %w", a.Name, err)
	}
	defer f.Close()
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	t, params, _ := mime.ParseMediaType(ct)
	name := a.Name
	if name == "" {
		name = "attachment"
	}
	var ah gomail.AttachmentHeader
	if t == "message/rfc822" {
		// RFC 2046 section 5.2.1: no base64 for message/rfc822, when
		// the message allows it.
		enc, err := messageEncoding(f)
		if err != nil {
			return fmt.Errorf("compose: attachment %q: %w", a.Name, err)
		}
		if enc == "base64" || sevenBit && enc != "7bit" {
			enc, t, params = "base64", "application/octet-stream", nil
		}
		ah.Set("Content-Transfer-Encoding", enc)
	}
	if params == nil {
		params = map[string]string{}
	}
	params["name"] = name
	// mime.FormatMediaType writes RFC 2231 parameters for non-ASCII
	// values (go-message's setters would write RFC 2047 words).
	ah.Set("Content-Type", mime.FormatMediaType(t, params))
	ah.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	pw, err := mw.CreateAttachment(ah)
	if err != nil {
		return fmt.Errorf("compose: %w", err)
	}
	return closeAfter(pw, f)
}

// closeAfter copies r to w and closes w.
func closeAfter(w io.WriteCloser, r io.Reader) error {
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return fmt.Errorf("compose: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("compose: write: %w", err)
	}
	return nil
}

// textEncoding is 7bit for ASCII text with short lines, else
// quoted-printable.
func textEncoding(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			n = 0
			continue
		}
		n++
		if c >= 0x80 || c == '\r' || n > 998 {
			return "quoted-printable"
		}
	}
	return "7bit"
}

// messageEncoding scans a message file: 7bit, 8bit, or base64 when it
// has NUL bytes or lines longer than 998 bytes. It leaves f at its start.
func messageEncoding(f *os.File) (string, error) {
	enc, n := "7bit", 0
	br := bufio.NewReader(f)
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch {
		case c == '\n':
			n = 0
			continue
		case c == 0:
			enc = "base64"
		case c >= 0x80 && enc == "7bit":
			enc = "8bit"
		}
		if n++; n > 998 {
			enc = "base64"
		}
		if enc == "base64" {
			break
		}
	}
	_, err := f.Seek(0, io.SeekStart)
	return enc, err
}

// newMessageID makes "<time>.<random>@host" (without <>), base 36.
func newMessageID(now time.Time, host string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", errors.New("compose: no randomness for the Message-ID")
	}
	return strconv.FormatUint(uint64(now.UnixNano()), 36) + "." +
		strconv.FormatUint(binary.BigEndian.Uint64(b[:]), 36) + "@" + host, nil
}

// lfWriter turns CRLF into LF (go-message writes CRLF).
type lfWriter struct {
	w  *bufio.Writer
	cr bool // a CR is held back
}

func (l *lfWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		if l.cr {
			l.cr = false
			if c != '\n' {
				l.w.WriteByte('\r')
			}
		}
		if c == '\r' {
			l.cr = true
			continue
		}
		if err := l.w.WriteByte(c); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes what is held back.
func (l *lfWriter) Flush() error {
	if l.cr {
		l.cr = false
		l.w.WriteByte('\r')
	}
	return l.w.Flush()
}
