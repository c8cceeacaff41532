package message

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
)

// node is one MIME entity met while walking.
type node struct {
	path    string            // IMAP part path; "" for a message's own multipart at the top
	h       header            // its header
	typ     string            // lower-case media type
	params  map[string]string // Content-Type parameters
	disp    string            // lower-case disposition type, "" if none
	dparams map[string]string // Content-Disposition parameters
	body    io.Reader         // raw (transfer-encoded) body
	parent  string            // media type of the enclosing multipart, "" if none
	bufs    *decodeBufs       // lent to the decoder of the body, if set
	guessed bool              // its Content-Type was missing or unreadable: typ is the default
}

// filename returns the decoded file name, from Content-Disposition or
// (older mailers) the Content-Type name parameter.
func (n *node) filename() string {
	f := n.dparams["filename"]
	if f == "" {
		f = n.params["name"]
	}
	return strings.TrimSpace(cleanLine(f))
}

// contentID returns Content-ID without the angle brackets.
func (n *node) contentID() string {
	id := strings.TrimSpace(n.h.get("Content-Id"))
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	return cleanLine(strings.TrimSpace(id))
}

// decoded returns the body with its transfer encoding undone.
func (n *node) decoded(p *problems) io.Reader {
	return decodeTransfer(n.h.get("Content-Transfer-Encoding"), n.body, p, n.bufs)
}

// isMessage reports whether the node holds a whole message.
func (n *node) isMessage() bool {
	return n.typ == "message/rfc822" || n.typ == "message/global"
}

// visitor receives the entities of a walk in order.
type visitor interface {
	// enter is called at a multipart; descend false skips its parts.
	enter(n *node) (descend bool, err error)
	// leave is called after the parts of an entered multipart.
	leave(n *node)
	// leaf is called for every other entity; descend true on a
	// message/rfc822 walks the embedded message.
	leaf(n *node) (descend bool, err error)
}

// errStop ends a walk early without a problem being recorded.
var errStop = errors.New("message: walk stopped")

// walker walks the MIME structure of a message within limits.
type walker struct {
	lim   Limits
	p     *problems
	v     visitor
	parts int
	// headerSeen, if set, gets the header of the message walked.
	headerSeen func(header)
	// pool, if set, gets back the line readers of finished entities; only
	// for walks whose visitor reads every body it wants before returning.
	pool *readerPool
}

// message reads a message header and walks its body. prefix is the part
// path of the message/rfc822 holding it ("" at the top).
func (w *walker) message(r io.Reader, prefix string, depth int) error {
	lr := w.pool.get(r)
	br := &lr.Reader
	h, rest := readHeader(br, w.lim.MaxHeaderBytes, prefix == "", w.p)
	if depth == 0 && w.headerSeen != nil {
		w.headerSeen(h)
	}
	var body io.Reader = br
	if len(rest) > 0 {
		body = io.MultiReader(bytes.NewReader(rest), br)
	}
	err := w.entity(h, body, prefix, true, "", depth)
	w.pool.put(lr)
	return err
}

// joinPath returns the path of child i of path.
func joinPath(path string, i int) string {
	if path == "" {
		return strconv.Itoa(i)
	}
	return path + "." + strconv.Itoa(i)
}

// entity walks one entity. top is set for a message's own entity, whose
// single part is numbered path.1 (RFC 3501 section 6.4.5).
func (w *walker) entity(h header, body io.Reader, path string, top bool, parent string, depth int) error {
	w.parts++
	if w.parts > w.lim.MaxParts {
		w.p.add("too many parts, rest not shown")
		return errStop
	}
	n := &node{h: h, body: body, parent: parent, path: path}
	def := "text/plain"
	if parent == "multipart/digest" {
		def = "message/rfc822"
	}
	n.typ, n.params = def, map[string]string{}
	if ct := h.get("Content-Type"); ct != "" {
		typ, params := parseMediaType(ct, w.p)
		n.params = params
		if i := strings.IndexByte(typ, '/'); i > 0 && i < len(typ)-1 && !strings.ContainsAny(typ, " \t\"") {
			n.typ = typ
		} else {
			w.p.add("bad content type")
			n.guessed = true
		}
	} else {
		n.guessed = true
	}
	n.dparams = map[string]string{}
	if cd := h.get("Content-Disposition"); cd != "" {
		n.disp, n.dparams = parseMediaType(cd, w.p)
	}
	multi := strings.HasPrefix(n.typ, "multipart/")
	if multi && n.params["boundary"] == "" {
		w.p.add("multipart without boundary")
		n.typ, multi = "text/plain", false
	}
	if multi && depth >= w.lim.MaxDepth {
		w.p.add("nested too deeply")
		n.typ, multi = "application/octet-stream", false
	}
	if !multi {
		if top {
			n.path = joinPath(path, 1)
		}
		return w.leaf(n, depth)
	}
	descend, err := w.v.enter(n)
	if err != nil || !descend {
		return err
	}
	err = w.multipart(n, depth)
	w.v.leave(n)
	return err
}

// leaf hands n to the visitor and walks into an embedded message.
func (w *walker) leaf(n *node, depth int) error {
	descend, err := w.v.leaf(n)
	if err != nil || !descend || !n.isMessage() {
		return err
	}
	if depth >= w.lim.MaxDepth {
		w.p.add("nested too deeply")
		return nil
	}
	return w.message(n.decoded(w.p), n.path, depth+1)
}

// multipart walks the parts of n.
func (w *walker) multipart(n *node, depth int) error {
	mr := newMultipartReader(n.body, n.params["boundary"], int(w.lim.MaxTextBytes), w.pool)
	defer w.pool.put(mr.lr)
	i := 0
	for mr.next() {
		i++
		lr := w.pool.get(mr)
		br := &lr.Reader
		h, rest := readHeader(br, w.lim.MaxHeaderBytes, false, w.p)
		var body io.Reader = br
		if len(rest) > 0 {
			body = io.MultiReader(bytes.NewReader(rest), br)
		}
		err := w.entity(h, body, joinPath(n.path, i), false, n.typ, depth+1)
		w.pool.put(lr)
		if err != nil {
			return err
		}
	}
	if i == 0 {
		w.p.add("multipart boundary not found")
		// Show the body as text rather than nothing.
		if len(bytes.TrimSpace(mr.preamble)) > 0 {
			t := &node{path: joinPath(n.path, 1), typ: "text/plain", params: map[string]string{},
				dparams: map[string]string{}, body: bytes.NewReader(mr.preamble), parent: n.typ}
			return w.leaf(t, depth+1)
		}
		return nil
	}
	if !mr.terminated() {
		w.p.add("multipart not terminated")
	}
	return nil
}
