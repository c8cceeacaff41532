package mailcrypto

import (
	"bytes"
	"mime"
	"strconv"
	"strings"
)

// entity is one MIME entity of the raw message, with byte offsets into
// it, so that a signed part can be handed to the verifier exactly as it
// was sent.
type entity struct {
	path      string // IMAP part path; "" for a message's own multipart at the top
	start     int    // first byte of its header (== bodyStart when it has none)
	bodyStart int
	end       int // one past its last byte (the CRLF before a boundary excluded)
	typ       string
	params    map[string]string
	disp      string
	filename  string
	cte       string // lower-case Content-Transfer-Encoding
	header    map[string]string
	children  []*entity
	embedded  *entity // the message inside a message/rfc822 entity
	isTop     bool    // the entity of a message (top level or embedded)
}

// treeBuilder parses a raw message into entities within limits.
type treeBuilder struct {
	raw   []byte
	lim   Limits
	parts int
}

// parseTree returns the top entity of raw.
func parseTree(raw []byte, lim Limits) *entity {
	b := &treeBuilder{raw: raw, lim: lim}
	return b.message(0, len(raw), "", 0)
}

// message parses the message in raw[start:end]; prefix is the path of
// the message/rfc822 holding it.
func (b *treeBuilder) message(start, end int, prefix string, depth int) *entity {
	e := b.entity(start, end, prefix, true, "", depth)
	return e
}

// headerEnd finds the end of the header block starting at start: the
// index of the body. A missing blank line makes everything a header.
func headerEnd(raw []byte, start, end int) int {
	i := start
	for i < end {
		nl := bytes.IndexByte(raw[i:end], '\n')
		line := raw[i:end]
		next := end
		if nl >= 0 {
			line = raw[i : i+nl]
			next = i + nl + 1
		}
		if len(bytes.TrimRight(line, "\r")) == 0 {
			return next
		}
		i = next
	}
	return end
}

// parseHeader reads the fields of raw[start:end] (unfolded, last wins
// except that the first Content-Type counts), names lower-case.
func parseHeader(h []byte) map[string]string {
	fields := map[string]string{}
	var name string
	var val strings.Builder
	flush := func() {
		if name != "" {
			if _, dup := fields[name]; !dup {
				fields[name] = strings.TrimSpace(val.String())
			}
		}
		name = ""
		val.Reset()
	}
	for _, line := range bytes.Split(h, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if name != "" {
				val.WriteByte(' ')
				val.Write(bytes.TrimSpace(line))
			}
			continue
		}
		flush()
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(string(line[:i])))
		val.Write(line[i+1:])
	}
	flush()
	return fields
}

// mediaType parses a Content-Type or Content-Disposition value leniently.
func mediaType(v string) (string, map[string]string) {
	typ, params, err := mime.ParseMediaType(v)
	if err != nil && typ == "" {
		t, _, _ := strings.Cut(v, ";")
		typ = strings.ToLower(strings.TrimSpace(t))
	}
	if params == nil {
		params = map[string]string{}
	}
	return typ, params
}

// joinPath returns the path of child i of path.
func joinPath(path string, i int) string {
	if path == "" {
		return strconv.Itoa(i)
	}
	return path + "." + strconv.Itoa(i)
}

// entity parses the entity in raw[start:end]. top is set for a message's
// own entity, whose single part is numbered path.1 (RFC 3501 section
// 6.4.5), as package message numbers them.
func (b *treeBuilder) entity(start, end int, path string, top bool, parent string, depth int) *entity {
	b.parts++
	bs := headerEnd(b.raw, start, end)
	e := &entity{path: path, start: start, bodyStart: bs, end: end, isTop: top}
	e.header = parseHeader(b.raw[start:bs])
	def := "text/plain"
	if parent == "multipart/digest" {
		def = "message/rfc822"
	}
	e.typ, e.params = def, map[string]string{}
	if ct, ok := e.header["content-type"]; ok && ct != "" {
		typ, params := mediaType(ct)
		e.params = params
		if i := strings.IndexByte(typ, '/'); i > 0 && i < len(typ)-1 && !strings.ContainsAny(typ, " \t\"") {
			e.typ = typ
		}
	}
	if cd := e.header["content-disposition"]; cd != "" {
		var dp map[string]string
		e.disp, dp = mediaType(cd)
		e.filename = dp["filename"]
	}
	if e.filename == "" {
		e.filename = e.params["name"]
	}
	e.cte = strings.ToLower(strings.TrimSpace(e.header["content-transfer-encoding"]))
	multi := strings.HasPrefix(e.typ, "multipart/") && e.params["boundary"] != ""
	if strings.HasPrefix(e.typ, "multipart/") && !multi {
		e.typ = "text/plain"
	}
	if multi && depth >= b.lim.MaxDepth {
		e.typ, multi = "application/octet-stream", false
	}
	if !multi {
		if top {
			e.path = joinPath(path, 1)
		}
		if isMessage(e.typ) && identity(e.cte) && depth < b.lim.MaxDepth && b.parts < b.lim.MaxParts {
			e.embedded = b.message(bs, end, e.path, depth+1)
		}
		return e
	}
	for i, span := range splitMultipart(b.raw, bs, end, e.params["boundary"]) {
		if b.parts >= b.lim.MaxParts {
			break
		}
		e.children = append(e.children, b.entity(span[0], span[1], joinPath(e.path, i+1), false, e.typ, depth+1))
	}
	return e
}

// isMessage reports whether typ holds a whole message.
func isMessage(typ string) bool { return typ == "message/rfc822" || typ == "message/global" }

// identity reports whether a transfer encoding leaves the bytes as they are.
func identity(cte string) bool {
	switch cte {
	case "", "7bit", "8bit", "binary":
		return true
	}
	return false
}

// splitMultipart returns the spans of the parts of the multipart body
// raw[start:end] with boundary b (RFC 2046 section 5.1.1): each part
// starts after its delimiter line and ends before the line break that
// precedes the next delimiter. A missing close delimiter ends the last
// part at end.
func splitMultipart(raw []byte, start, end int, boundary string) [][2]int {
	delim := []byte("--" + boundary)
	var spans [][2]int
	partStart := -1
	i := start
	for i < end {
		nl := bytes.IndexByte(raw[i:end], '\n')
		lineEnd, next := end, end
		if nl >= 0 {
			lineEnd, next = i+nl, i+nl+1
		}
		line := bytes.TrimRight(raw[i:lineEnd], " \t\r")
		if bytes.HasPrefix(line, delim) {
			rest := line[len(delim):]
			closing := bytes.Equal(rest, []byte("--"))
			if len(rest) == 0 || closing {
				if partStart >= 0 {
					spans = append(spans, [2]int{partStart, trimBreak(raw, partStart, i)})
				}
				if closing {
					return spans
				}
				partStart = next
			}
		}
		i = next
	}
	if partStart >= 0 && partStart <= end {
		spans = append(spans, [2]int{partStart, end})
	}
	return spans
}

// trimBreak removes the line break before a delimiter at i, which
// belongs to the delimiter (RFC 2046 section 5.1.1).
func trimBreak(raw []byte, start, i int) int {
	if i > start && raw[i-1] == '\n' {
		i--
		if i > start && raw[i-1] == '\r' {
			i--
		}
	}
	return i
}
