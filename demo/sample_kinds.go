package main

import (
	"fmt"
	"strings"
	"time"
)

// The everyday messages of the random mix: plain and flowed text, threads
// with quoted replies, sent mail, drafts, trash and mailing lists.

// kinds returns the random mix; the rarer rich kinds live in sample_rich.go.
func (g *generator) kinds() []kind {
	return []kind{
		{20, g.plain},
		{8, g.flowed},
		{14, g.reply},
		{10, g.sentReply},
		{8, g.newsletter},
		{10, g.withAttachment},
		{3, g.related},
		{3, g.forward},
		{3, g.latin1},
		{2, g.windows1252},
		{2, g.japanese},
		{3, g.draft},
		{2, g.germanDraft},
		{4, g.trash},
		{8, g.golangList},
		{8, g.debianList},
		{4, g.listAnnouncement},
	}
}

// specials are made once each, spread over the run, so that even a small
// count holds the odd cases.
func (g *generator) specials() []func() *sample {
	return []func() *sample{
		g.badHeader, g.truncated, g.noDate, g.noSubject, g.unknownCharset,
		g.longSubject, g.nonASCIIFilename, g.japanese, g.windows1252,
		g.latin1, g.forward, g.related, g.newsletter, g.flowed, g.reply,
	}
}

func (g *generator) correspondent() person { return pick(g.r, people) }

// startThread records a new conversation with p.
func (g *generator) startThread(s *sample, p person, subject, body string) {
	t := &thread{subject: subject, ids: []string{g.messageID(p)}, with: p, body: body, last: s}
	g.threads = append(g.threads, t)
}

// plain is a short text/plain message that starts a thread.
func (g *generator) plain() *sample {
	from := g.correspondent()
	subject := subjectLine(g.r)
	text := fmt.Sprintf("Hi %s,\n\n%s\n\n%s\n", firstName(me), paragraphs(g.r, 1+g.r.IntN(3)), firstName(from))
	text = wrap(text, 72)
	s := &sample{subject: subject}
	s.raw = g.message(from, []person{me}, mimeWord(subject), g.now, nil, textPart("plain", "utf-8", text, false, false))
	g.startThread(s, from, subject, text)
	return s
}

// flowed is a format=flowed message (RFC 3676) with a link.
func (g *generator) flowed() *sample {
	from := g.correspondent()
	subject := subjectLine(g.r)
	text := fmt.Sprintf("Hello,\n\n%s See %s for more.\n\n%s\n\n-- \n%s\n",
		paragraphs(g.r, 1), pick(g.r, links), paragraphs(g.r, 1), from.name)
	s := &sample{subject: subject}
	s.raw = g.message(from, []person{me}, mimeWord(subject), g.now, nil, textPart("plain", "utf-8", flow(text, 66), true, false))
	g.startThread(s, from, subject, text)
	return s
}

// pickThread returns a conversation to reply to, starting one if none.
func (g *generator) pickThread() *thread {
	if len(g.threads) == 0 {
		g.plain()
	}
	// Prefer recent conversations.
	n := len(g.threads)
	return g.threads[n-1-g.r.IntN(min(n, 6))]
}

// reply is the other party's answer in a thread, quoting the last message.
func (g *generator) reply() *sample {
	t := g.pickThread()
	subject := "Re: " + strings.TrimPrefix(t.subject, "Re: ")
	text := fmt.Sprintf("%s\n\nOn %s, %s wrote:\n%s\n%s\n",
		wrap(paragraphs(g.r, 1), 72), g.now.Add(-3*time.Hour).Format("Mon, 2 Jan 2006"),
		me.name, quote(t.body), firstName(t.with))
	s := &sample{subject: subject}
	extra := []field{{"In-Reply-To", t.ids[len(t.ids)-1]}, {"References", t.references()}}
	s.raw = g.message(t.with, []person{me}, mimeWord(subject), g.now, extra, textPart("plain", "utf-8", text, false, false))
	t.ids = append(t.ids, g.messageID(t.with))
	t.subject, t.body, t.last = subject, text, s
	return s
}

// sentReply is the demo user's answer in .Sent; it marks the message it
// answers as answered (R).
func (g *generator) sentReply() *sample {
	t := g.pickThread()
	subject := "Re: " + strings.TrimPrefix(t.subject, "Re: ")
	text := fmt.Sprintf("Hi %s,\n\n%s\n\n%s\n\nDemo\n", firstName(t.with),
		wrap(paragraphs(g.r, 1), 72), quote(t.body))
	s := &sample{folder: ".Sent", subject: subject}
	extra := []field{{"In-Reply-To", t.ids[len(t.ids)-1]}, {"References", t.references()}}
	s.raw = g.message(me, []person{t.with}, mimeWord(subject), g.now, extra, textPart("plain", "utf-8", text, false, false))
	if t.last != nil && t.last.folder != ".Sent" && !strings.Contains(t.last.flags, "R") {
		t.last.flags += "R"
	}
	t.ids = append(t.ids, g.messageID(me))
	t.subject, t.body, t.last = subject, text, s
	return s
}

func (g *generator) draft() *sample {
	to := g.correspondent()
	subject := subjectLine(g.r)
	text := wrap(fmt.Sprintf("Dear %s,\n\n%s\n", firstName(to), paragraphs(g.r, 1)), 72)
	s := &sample{folder: ".Drafts", subject: subject}
	s.raw = g.message(me, []person{to}, mimeWord(subject), g.now, nil, textPart("plain", "utf-8", text, false, false))
	return s
}

// germanDraft goes to the folder stored as ".Entw&APw-rfe" (Entwürfe).
func (g *generator) germanDraft() *sample {
	to := pick(g.r, latinPeople)
	subject := pick(g.r, germanDrafts)
	s := &sample{folder: ".Entw&APw-rfe", subject: subject}
	s.raw = g.message(me, []person{to}, mimeWord(subject), g.now, nil, textPart("plain", "utf-8", germanBody, false, false))
	return s
}

func (g *generator) trash() *sample {
	from := g.correspondent()
	subject := pick(g.r, []string{"You have won!!!", "Invoice overdue", "Re: lunch", "Out of office", "Newsletter"})
	s := &sample{folder: ".Trash", subject: subject}
	text := wrap(paragraphs(g.r, 1), 72)
	s.raw = g.message(from, []person{me}, subject, g.now, nil, textPart("plain", "utf-8", text, false, false))
	return s
}

// listMessage makes a mailing list message in folder, starting or
// continuing a thread of that list.
func (g *generator) listMessage(folder, listID, tag string, topics []string) *sample {
	if g.lists == nil {
		g.lists = map[string][]*thread{}
	}
	from := g.correspondent()
	threads := g.lists[folder]
	var t *thread
	subject := ""
	extra := []field{{"List-Id", listID}, {"List-Unsubscribe", "<mailto:unsubscribe@" + strings.Trim(listID[strings.Index(listID, "<"):], "<>") + ">"}}
	if len(threads) > 0 && g.r.IntN(2) == 0 {
		t = threads[g.r.IntN(len(threads))]
		subject = "Re: " + strings.TrimPrefix(t.subject, "Re: ")
		extra = append(extra, field{"In-Reply-To", t.ids[len(t.ids)-1]}, field{"References", t.references()})
	} else {
		subject = tag + pick(g.r, topics)
	}
	text := wrap(paragraphs(g.r, 1+g.r.IntN(2)), 72)
	if t != nil {
		text += "\n" + quote(t.body)
	}
	text += "\n-- \nYou received this message because you are subscribed to the list.\n"
	s := &sample{folder: folder, subject: subject}
	list := person{"", "list@" + strings.Trim(listID[strings.Index(listID, "<"):], "<>")}
	s.raw = g.message(from, []person{list}, mimeWord(subject), g.now, extra, textPart("plain", "utf-8", text, false, false))
	if t == nil {
		t = &thread{subject: subject}
		g.lists[folder] = append(threads, t)
	}
	t.ids = append(t.ids, g.messageID(from))
	t.subject, t.body, t.last = subject, text, s
	return s
}

func (g *generator) golangList() *sample {
	return g.listMessage(".Lists.golang", "golang-nuts <golang-nuts.googlegroups.example>", "[go-nuts] ", golangTopics)
}

func (g *generator) debianList() *sample {
	return g.listMessage(".Lists.debian-devel", "<debian-devel.lists.debian.example>", "", debianTopics)
}

func (g *generator) listAnnouncement() *sample {
	return g.listMessage(".Lists", "Announcements <announce.lists.example.org>", "[announce] ", listAnnouncements)
}

// mimeWord encodes a UTF-8 header text as RFC 2047 words when needed.
func mimeWord(s string) string { return encodeWord("utf-8", s) }
