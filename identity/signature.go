package identity

import (
	"slices"
	"strings"
)

// Separator is the signature separator line, dash dash space (RFC 3676
// section 4.3).
const Separator = "-- "

// forwardMarker starts the block compose.ForwardInline writes.
const forwardMarker = "-------- Forwarded Message --------"

// block is the separator and the signature, each line ended.
func block(sig string) string { return Separator + "\n" + sig + "\n" }

// Present reports whether body holds sig under a separator line, whole
// lines, as Insert writes it.
func Present(body, sig string) bool {
	return sig != "" && strings.Contains("\n"+body+"\n", "\n"+block(sig))
}

// Insert adds the signature sig to body at p, unless sig is empty or
// already Present. In a body without a quote (a new message), and with
// Below, it goes at the end after one blank line; with Above it goes
// before the quote (see quoteStart), after what the user wrote.
func Insert(body, sig string, p Placement) string {
	if sig == "" || Present(body, sig) {
		return body
	}
	if strings.TrimSpace(body) == "" {
		return "\n\n" + block(sig)
	}
	if p == Above {
		if i := quoteStart(body); i >= 0 {
			head := strings.TrimRight(body[:i], "\n")
			if strings.TrimSpace(head) == "" {
				head = ""
			}
			return head + "\n\n" + block(sig) + "\n" + body[i:]
		}
	}
	return strings.TrimRight(body, "\n") + "\n\n" + block(sig)
}

// Swap replaces the signature oldSig by newSig (at p) when the user
// changes identity. When oldSig was there and is no more (the user
// edited or removed it), body is returned as it is: no second signature.
func Swap(body, oldSig, newSig string, p Placement) string {
	if oldSig == newSig {
		return body
	}
	if oldSig != "" {
		if !Present(body, oldSig) {
			return body
		}
		body = remove(body, oldSig)
	}
	return Insert(body, newSig, p)
}

// remove takes the first block of sig (whole lines) out of body, with
// the blank line before it.
func remove(body, sig string) string {
	lines, sl := strings.Split(body, "\n"), strings.Split(sig, "\n")
	for i, l := range lines {
		end := i + 1 + len(sl)
		if l != Separator || end > len(lines) || !slices.Equal(lines[i+1:end], sl) {
			continue
		}
		if i > 0 && lines[i-1] == "" {
			i--
		}
		return strings.Join(append(lines[:i:i], lines[end:]...), "\n")
	}
	return body
}

// quoteStart is the byte offset of the first line of the quote in body:
// the attribution line ending in ":" just above the first "> " line, or
// that line itself, or the forwarded message block; -1 when there is
// none.
func quoteStart(body string) int {
	off, prev, prevOff := 0, "", -1
	for _, line := range strings.SplitAfter(body, "\n") {
		l := strings.TrimSuffix(line, "\n")
		if l == forwardMarker {
			return off
		}
		if strings.HasPrefix(l, ">") {
			if prevOff >= 0 && strings.HasSuffix(prev, ":") && !strings.HasPrefix(prev, ">") {
				return prevOff
			}
			return off
		}
		prev, prevOff = l, off
		off += len(line)
	}
	return -1
}
