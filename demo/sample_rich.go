package main

import (
	"fmt"
	"html"
	"strings"
)

// The rich kinds: HTML newsletters, attachments, inline cid images, a
// forwarded message, and text in legacy charsets.

// newsletter is multipart/alternative with a table layout HTML part that
// also carries what a sanitizer must remove (script, event handler, remote
// tracking image).
func (g *generator) newsletter() *sample {
	from := pick(g.r, []person{{"Example Weekly", "news@weekly.example"}, {"Shop Deals", "deals@shop.example"}})
	subject := fmt.Sprintf("%s #%d: %s", from.name, 100+g.n, pick(g.r, subjectTopics))
	var rows, text strings.Builder
	for i := 0; i < 3+g.r.IntN(3); i++ {
		topic := pick(g.r, subjectTopics)
		link := pick(g.r, links)
		fmt.Fprintf(&rows, "<tr><td style=\"padding:8px;border-bottom:1px solid #ddd\"><a href=\"%s\"><b>%s</b></a>"+
			"<br>%s</td><td align=\"right\">%d&nbsp;€</td></tr>\n",
			html.EscapeString(link), html.EscapeString(topic), html.EscapeString(pick(g.r, sentences)), 5+g.r.IntN(95))
		fmt.Fprintf(&text, "* %s\n  %s\n\n", topic, link)
	}
	htmlBody := "<!DOCTYPE html>\n<html><head><style>td{font-family:sans-serif}</style>" +
		"<script>alert('newsletter')</script></head>\n<body bgcolor=\"#f4f4f4\">\n" +
		"<table width=\"600\" cellpadding=\"0\" cellspacing=\"0\" align=\"center\">\n" +
		"<tr><td colspan=\"2\" onclick=\"track()\"><h1 style=\"color:#336\">" + html.EscapeString(from.name) + "</h1></td></tr>\n" +
		rows.String() +
		"<tr><td colspan=\"2\"><img src=\"https://track.example/pixel.gif?id=" + fmt.Sprint(g.n) + "\" width=\"1\" height=\"1\" alt=\"\">" +
		"<small><a href=\"https://weekly.example/unsubscribe\">Unsubscribe</a></small></td></tr>\n" +
		"</table>\n</body></html>\n"
	body := multipartOf("alternative", g.boundary("alt"),
		textPart("plain", "utf-8", text.String()+"Unsubscribe: https://weekly.example/unsubscribe\n", false, false),
		textPart("html", "utf-8", htmlBody, false, false))
	s := &sample{folder: "", subject: subject}
	extra := []field{{"List-Unsubscribe", "<https://weekly.example/unsubscribe>"}}
	s.raw = g.message(from, []person{me}, mimeWord(subject), g.now, extra, body)
	return s
}

// withAttachment is a text message with one or two attachments.
func (g *generator) withAttachment() *sample {
	from := g.correspondent()
	subject := subjectLine(g.r)
	text := wrap(fmt.Sprintf("Hi,\n\nplease find attached the files. %s\n\n%s\n", paragraphs(g.r, 1), firstName(from)), 72)
	parts := []*part{textPart("plain", "utf-8", text, false, false)}
	for i := 0; i < 1+g.r.IntN(2); i++ {
		parts = append(parts, g.randomAttachment())
	}
	s := &sample{subject: subject}
	s.raw = g.message(from, []person{me}, mimeWord(subject), g.now, nil, multipartOf("mixed", g.boundary("mix"), parts...))
	g.startThread(s, from, subject, text)
	return s
}

func (g *generator) randomAttachment() *part {
	switch g.r.IntN(4) {
	case 0:
		return attachment("application/pdf", "report.pdf", pdfFile("Report", []string{pick(g.r, sentences), pick(g.r, sentences)}), false)
	case 1:
		return attachment("image/png", "photo.png", pngFile(g.r, 48+g.r.IntN(64), 32+g.r.IntN(48)), false)
	case 2:
		return attachment("text/csv", "expenses.csv", csvFile(g.r), false)
	default:
		p := textPart("plain", "utf-8", wrap(paragraphs(g.r, 2), 72), false, false)
		p.add("Content-Disposition", `attachment; filename="notes.txt"`)
		return p
	}
}

// nonASCIIFilename has a PDF whose name needs RFC 2231 (filename*=).
func (g *generator) nonASCIIFilename() *sample {
	from := people[7] // Heidi Schäfer
	subject := "Präsentation für Donnerstag"
	text := "Hallo,\n\nim Anhang die Präsentation.\n\nHeidi\n"
	pdf := pdfFile("Praesentation Q3", []string{"Umsatz +12%", "Kosten -3%"})
	body := multipartOf("mixed", g.boundary("mix"),
		textPart("plain", "utf-8", text, false, false),
		attachment("application/pdf", "Präsentation – Q3 Übersicht.pdf", pdf, false))
	s := &sample{subject: subject}
	s.raw = g.message(from, []person{me}, mimeWord(subject), g.now, nil, body)
	return s
}

// related is HTML with an inline image referred by cid (multipart/related,
// RFC 2387) inside multipart/alternative.
func (g *generator) related() *sample {
	from := g.correspondent()
	subject := "Photo from the " + pick(g.r, subjectTopics)
	cid := fmt.Sprintf("img%d.%d@demo.example", g.n, g.seed)
	htmlBody := "<html><body><p>Look at this:</p>\n<p><img src=\"cid:" + cid + "\" alt=\"a picture\"></p>\n" +
		"<p>" + html.EscapeString(pick(g.r, sentences)) + "</p></body></html>\n"
	img := attachment("image/png", "picture.png", pngFile(g.r, 64, 48), true)
	img.add("Content-ID", "<"+cid+">")
	body := multipartOf("alternative", g.boundary("alt"),
		textPart("plain", "utf-8", "Look at this picture (see the HTML version).\n", false, false),
		multipartOf("related", g.boundary("rel"), textPart("html", "utf-8", htmlBody, false, false), img))
	s := &sample{subject: subject}
	s.raw = g.message(from, []person{me}, mimeWord(subject), g.now, nil, body)
	return s
}

// forward wraps an earlier message (with its own attachment) as
// message/rfc822.
func (g *generator) forward() *sample {
	orig := g.correspondent()
	fwd := g.correspondent()
	inner := g.message(orig, []person{fwd}, mimeWord(subjectLine(g.r)), g.now.AddDate(0, 0, -3), nil,
		multipartOf("mixed", g.boundary("inner"),
			textPart("plain", "utf-8", wrap(paragraphs(g.r, 1), 72), false, false),
			attachment("text/csv", "numbers.csv", csvFile(g.r), false)))
	// Both are made at the same step: keep their Message-IDs apart.
	inner = []byte(strings.Replace(string(inner), ".demo@", ".fwd@", 1))
	subject := "Fwd: see below"
	rfc822 := (&part{body: inner}).
		add("Content-Type", "message/rfc822").
		add("Content-Disposition", "inline")
	body := multipartOf("mixed", g.boundary("fwd"),
		textPart("plain", "utf-8", "FYI, forwarding this.\n\n"+firstName(fwd)+"\n", false, false), rfc822)
	s := &sample{subject: subject}
	s.raw = g.message(fwd, []person{me}, subject, g.now, nil, body)
	return s
}

// latin1 is ISO-8859-1 text with a Q-encoded ISO-8859-1 sender name.
func (g *generator) latin1() *sample {
	from := latinPeople[1]
	subject := "Résumé de la réunion"
	s := &sample{subject: subject}
	raw := g.message(from, []person{me}, encodeWord("iso-8859-1", subject), g.now, nil,
		textPart("plain", "iso-8859-1", frenchBody, false, false))
	// The From name in ISO-8859-1 rather than net/mail's UTF-8.
	s.raw = []byte(strings.Replace(string(raw), from.address(),
		encodeWord("iso-8859-1", from.name)+" <"+from.addr+">", 1))
	return s
}

// windows1252 uses characters outside ISO-8859-1 (€, curly quotes).
func (g *generator) windows1252() *sample {
	from := latinPeople[0]
	subject := "Rechnung „final“ – 1.299 €"
	s := &sample{subject: subject}
	s.raw = g.message(from, []person{me}, encodeWord("windows-1252", subject), g.now, nil,
		textPart("plain", "windows-1252", windowsBody, false, false))
	return s
}

// japanese is ISO-2022-JP text (RFC 1468) with B-encoded subject and name.
func (g *generator) japanese() *sample {
	from := japanesePerson
	s := &sample{subject: japaneseSubject}
	raw := g.message(from, []person{me}, encodeWord("iso-2022-jp", japaneseSubject), g.now, nil,
		textPart("plain", "iso-2022-jp", japaneseBody, false, false))
	s.raw = []byte(strings.Replace(string(raw), from.address(),
		encodeWord("iso-2022-jp", from.name)+" <"+from.addr+">", 1))
	return s
}
