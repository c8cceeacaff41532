package index

import (
	"bytes"
	"os"
	"strings"
	"syscall"

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
	data, size, err := readHead(path, &fr.buf, fr.lim.MaxMessageBytes)
	if err != nil {
		return nil, err
	}
	d := &doc{size: size}
	d.fill(fr.g.Read(bytes.NewReader(data), message.Limits{MaxTextBytes: fr.lim.MaxPartText}))
	return d, nil
}

// readHead reads at most max bytes of the file at path into *buf (grown
// as needed) and returns them with the file's size. It uses the system
// calls directly: os.Open would also try to add each file to the network
// poller, four more calls per message. A file cut short meanwhile gives
// what was read.
func readHead(path string, buf *[]byte, max int64) (data []byte, size int64, err error) {
	fd, err := openRead(path)
	if err != nil {
		return nil, 0, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, 0, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	n := min(st.Size, max)
	if int64(cap(*buf)) < n {
		*buf = make([]byte, n)
	}
	b := (*buf)[:n]
	got := 0
	for got < len(b) {
		m, err := syscall.Read(fd, b[got:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, 0, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			break
		}
		got += m
	}
	return b[:got], st.Size, nil
}

// openRead opens path for reading, retrying when interrupted.
func openRead(path string) (int, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
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
