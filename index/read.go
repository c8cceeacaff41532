package index

import (
	"bytes"
	"io"
	"os"
	"strings"

	"postern/message"
)

// doc is what is kept of one message.
type doc struct {
	message.Summary
	size                   int64
	msgid                  string
	refs                   []string // References then In-Reply-To, oldest first
	rcpt, body, attachment string
	senderAll              string // name and address of the From
}

func (d *doc) senderText() string {
	if d.senderAll != "" {
		return d.senderAll
	}
	return d.From
}

// fileReader reads message files for extraction within the limits. It
// keeps its buffers from one message to the next: one of at most
// Limits.MaxMessageBytes for the file and those of a message.Digester.
type fileReader struct {
	lim Limits
	buf []byte
	g   message.Digester
}

func (x *Index) newFileReader() *fileReader {
	lim := x.Limits
	if lim.MaxMessageBytes <= 0 {
		lim.MaxMessageBytes = DefaultLimits.MaxMessageBytes
	}
	if lim.MaxPartText <= 0 {
		lim.MaxPartText = DefaultLimits.MaxPartText
	}
	return &fileReader{lim: lim}
}

// read reads one message file: at most MaxMessageBytes of it, in one
// read, then parsed in one pass that decodes only its header and text
// parts (message.Digester).
func (fr *fileReader) read(path string) (*doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	n := min(fi.Size(), fr.lim.MaxMessageBytes)
	if int64(cap(fr.buf)) < n {
		fr.buf = make([]byte, n)
	}
	// A file cut short meanwhile gives what was read.
	got, err := io.ReadFull(f, fr.buf[:n])
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	d := &doc{size: fi.Size()}
	d.fill(fr.g.Read(bytes.NewReader(fr.buf[:got]), message.Limits{MaxTextBytes: fr.lim.MaxPartText}))
	return d, nil
}

// fill takes the columns, headers, text and attachment names of a message.
func (d *doc) fill(g *message.Digest) {
	d.Summary = g.Summary
	d.msgid = g.MessageID
	var refs, irt []string
	for _, v := range g.References {
		refs = append(refs, messageIDs(v)...)
	}
	for _, v := range g.InReplyTo {
		irt = append(irt, messageIDs(v)...)
	}
	// RFC 5256 REFERENCES step 1A: References, else the first id of
	// In-Reply-To; a parent given only by In-Reply-To is added last.
	if len(irt) > 0 && (len(refs) == 0 || refs[len(refs)-1] != irt[0]) {
		refs = append(refs, irt[0])
	}
	if len(refs) > maxRefs {
		refs = append(refs[:1], refs[len(refs)-maxRefs+1:]...)
	}
	d.refs = refs
	var rc []string
	for _, a := range append(append([]message.Address{}, g.To...), g.Cc...) {
		rc = append(rc, a.Name, a.Addr)
	}
	d.rcpt = strings.Join(rc, " ")
	if len(g.From) > 0 {
		d.senderAll = g.From[0].Name + " " + g.From[0].Addr
	}
	d.body = g.Text
	d.attachment = strings.Join(g.Attachments, " ")
}
