package message

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNoPart is returned (wrapped) when a part path names no part.
var ErrNoPart = errors.New("message: no such part")

// maxPartPath bounds the length of a part path.
const maxPartPath = 128

// ValidPartPath reports whether p is a part path: numbers from 1 without
// leading zeros, separated by dots, at most 128 bytes.
func ValidPartPath(p string) bool {
	if p == "" || len(p) > maxPartPath {
		return false
	}
	for _, c := range strings.Split(p, ".") {
		if c == "" || len(c) > 6 || c[0] == '0' {
			return false
		}
		for i := 0; i < len(c); i++ {
			if c[i] < '0' || c[i] > '9' {
				return false
			}
		}
	}
	return true
}

// finder is the visitor that stops at one part path.
type finder struct {
	target string
	found  *node
}

func (f *finder) inside(path string) bool {
	return path == "" || strings.HasPrefix(f.target, path+".")
}

func (f *finder) enter(n *node) (bool, error) {
	if n.path == f.target {
		f.found = n
		return false, errStop
	}
	return f.inside(n.path), nil
}

func (f *finder) leave(*node) {}

func (f *finder) leaf(n *node) (bool, error) {
	if n.path == f.target {
		f.found = n
		return false, errStop
	}
	return n.isMessage() && f.inside(n.path), nil
}

// find walks r to the part at path.
func find(r io.Reader, part string, lim Limits) (*node, *problems, error) {
	if !ValidPartPath(part) {
		return nil, nil, fmt.Errorf("message: part %q: %w", part, ErrNoPart)
	}
	lim = lim.withDefaults()
	p := &problems{}
	f := &finder{target: part}
	w := &walker{lim: lim, p: p, v: f}
	_ = w.message(r, "", 0)
	if f.found == nil {
		return nil, nil, fmt.Errorf("message: part %q: %w", part, ErrNoPart)
	}
	return f.found, p, nil
}

// OpenPart walks to the part at path part and returns its description
// (Size -1: not known) and a reader of its decoded body (transfer
// encoding undone, no charset conversion). It streams: the reader reads
// on from r, so it is valid until r is; nothing is held in memory beyond
// a few buffers. A multipart path gives its raw body.
func OpenPart(r io.Reader, part string, lim Limits) (*Attachment, io.Reader, error) {
	n, p, err := find(r, part, lim)
	if err != nil {
		return nil, nil, err
	}
	a := attachmentOf(n)
	a.Size = -1
	return &a, n.decoded(p), nil
}

// ParseEmbedded parses the message/rfc822 part at path part of the
// message in r as a View. Its part paths are those of the outer message
// ("2.1" for the first part of a message at "2"), so they work with
// OpenPart on the outer message.
func ParseEmbedded(r io.Reader, part string, lim Limits) (*View, error) {
	n, p, err := find(r, part, lim)
	if err != nil {
		return nil, err
	}
	if !n.isMessage() {
		return nil, fmt.Errorf("message: part %q is %s, not a message", part, n.typ)
	}
	return parseView(n.decoded(p), part, lim), nil
}
