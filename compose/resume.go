package compose

import (
	"fmt"
	"io"
	"net/mail"
	"os"

	"postern/message"
)

// ResumeDraft restores a draft saved with BuildDraft from its View: From,
// To, Cc, Bcc, Subject, the text, In-Reply-To and References. The
// attachments are left to the caller (see SavePart), as is checking that
// From is still an allowed identity.
func ResumeDraft(v *message.View) *Draft {
	conv := func(list []message.Address) []*mail.Address {
		var out []*mail.Address
		for _, a := range list {
			out = append(out, &mail.Address{Name: a.Name, Address: a.Addr})
		}
		return out
	}
	d := &Draft{
		To:      formatList(conv(v.To)),
		Cc:      formatList(conv(v.Cc)),
		Subject: v.Subject,
		Body:    v.BodyText(),
	}
	if len(v.From) > 0 {
		d.From = mail.Address{Name: v.From[0].Name, Address: v.From[0].Addr}
	}
	d.Bcc = header(v, "Bcc")
	if list, err := mail.ParseAddressList(d.Bcc); err == nil {
		d.Bcc = formatList(list)
	}
	if ids := msgIDs(header(v, "In-Reply-To")); len(ids) > 0 {
		d.InReplyTo = ids[0]
	}
	d.References = msgIDs(header(v, "References"))
	return d
}

// SavePart copies the attachment a of the stored message read from r
// into a new mode-600 file in dir (at most lim.MaxFileBytes) and returns
// it as an Attachment, to forward it. The file is removed on error.
func SavePart(r io.Reader, a message.Attachment, dir string, lim Limits) (Attachment, error) {
	lim = lim.withDefaults()
	_, body, err := message.OpenPart(r, a.Part, message.Limits{})
	if err != nil {
		return Attachment{}, fmt.Errorf("compose: %w", err)
	}
	name := cleanFilename(a.Filename)
	f, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return Attachment{}, fmt.Errorf("compose: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(body, lim.MaxFileBytes+1))
	if err == nil && n > lim.MaxFileBytes {
		err = &TooLargeError{Limit: "file", Max: lim.MaxFileBytes}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return Attachment{}, fmt.Errorf("compose: attachment %q: %w", name, err)
	}
	return Attachment{Name: name, ContentType: a.ContentType, Size: n, Path: f.Name()}, nil
}
