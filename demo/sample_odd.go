package main

import (
	"strings"
	"time"
)

// The odd messages, made once each: what real mailboxes hold and a
// webmail must survive.

// badHeader has a header line without a colon: net/mail refuses it, so
// the list and the reader must show it some other way.
func (g *generator) badHeader() *sample {
	from := g.correspondent()
	raw := g.message(from, []person{me}, "Broken header", g.now, nil,
		textPart("plain", "utf-8", "The header of this message has a line without a colon.\n", false, false))
	raw = []byte(strings.Replace(string(raw), "MIME-Version:", "This line has no colon\nMIME-Version:", 1))
	return &sample{subject: "Broken header", raw: raw, odd: oddBadHeader}
}

// truncated is a multipart message cut in the middle of its attachment:
// no closing boundary, base64 cut short.
func (g *generator) truncated() *sample {
	from := g.correspondent()
	subject := "Truncated attachment"
	body := multipartOf("mixed", g.boundary("cut"),
		textPart("plain", "utf-8", "The attachment of this message was cut off in transit.\n", false, false),
		attachment("image/png", "cut.png", pngFile(g.r, 120, 80), false))
	raw := g.message(from, []person{me}, subject, g.now, nil, body)
	raw = raw[:len(raw)*2/3]
	return &sample{subject: subject, raw: raw, odd: oddTruncated}
}

// noDate has no Date field; the list must fall back to the delivery time.
func (g *generator) noDate() *sample {
	from := g.correspondent()
	subject := "No date on this one"
	raw := g.message(from, []person{me}, subject, time.Time{}, nil,
		textPart("plain", "utf-8", "This message has no Date header.\n", false, false))
	return &sample{subject: subject, raw: raw}
}

// noSubject has no Subject field at all.
func (g *generator) noSubject() *sample {
	from := g.correspondent()
	raw := g.message(from, []person{me}, "", g.now, nil,
		textPart("plain", "utf-8", "This message has no Subject header.\n", false, false))
	return &sample{raw: raw}
}

// unknownCharset declares a charset nobody knows; the text is UTF-8.
func (g *generator) unknownCharset() *sample {
	from := g.correspondent()
	subject := "Unknown charset"
	raw := g.message(from, []person{me}, subject, g.now, nil,
		textPart("plain", "x-klingon-8", "Qapla'! This text is really UTF-8: grüße, ☃.\n", false, false))
	return &sample{subject: subject, raw: raw}
}

// longSubject has a subject of several hundred characters folded over
// several lines.
func (g *generator) longSubject() *sample {
	from := g.correspondent()
	words := make([]string, 0, 60)
	for len(strings.Join(words, " ")) < 400 {
		words = append(words, pick(g.r, subjectTopics))
	}
	subject := "Very long subject: " + strings.Join(words, " ")
	raw := g.message(from, []person{me}, mimeWord(subject), g.now, nil,
		textPart("plain", "utf-8", "The subject says it all.\n", false, false))
	return &sample{subject: subject, raw: raw}
}
