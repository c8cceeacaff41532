package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The sample Maildir: a deterministic set of varied messages (plain,
// flowed, quoted replies and threads, HTML newsletters, attachments, inline
// cid images, a forwarded message, several charsets, RFC 2047 and RFC 2231
// encodings, and a few deliberately odd ones) spread over INBOX and
// Maildir++ folders. The same seed and count always give the same file
// names and bytes.

// Maildir++ folder directories of the sample Maildir; "" is INBOX.
// ".Entw&APw-rfe" is "Entwürfe" in IMAP modified UTF-7 (RFC 3501 5.1.3).
var sampleFolders = []string{
	"", ".Sent", ".Drafts", ".Trash", ".Lists", ".Lists.golang",
	".Lists.debian-devel", ".Entw&APw-rfe",
}

// Why a sample is broken on purpose.
const (
	oddBadHeader = "header line without a colon" // net/mail refuses it
	oddTruncated = "multipart cut short"         // no closing boundary
)

// newCount is how many of the newest INBOX messages are left in new/.
const newCount = 5

// sampleHost is the host part of every Maildir file name.
const sampleHost = "demo"

// sample is one generated message.
type sample struct {
	folder  string    // one of sampleFolders
	date    time.Time // delivery time: the Maildir name and mtime
	flags   string    // Maildir info flags (sorted), for cur/
	isNew   bool      // stored in new/ (no info part)
	raw     []byte
	odd     string // oddBadHeader, oddTruncated or ""
	subject string // for tests and debugging
	name    string // the Maildir file name, set by nameSamples
}

// path returns the path of the message relative to the Maildir root.
func (s *sample) path() string {
	sub := "cur"
	if s.isNew {
		sub = "new"
	}
	return filepath.Join(s.folder, sub, s.name)
}

// generate writes count sample messages for seed into the Maildir dir,
// which must not exist or be empty, and returns them.
func generate(dir string, count int, seed uint64) ([]*sample, error) {
	if count < 0 {
		return nil, fmt.Errorf("demo: negative message count %d", count)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("demo: %s is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("demo: %w", err)
	}
	samples := makeSamples(count, seed)
	if err := writeMaildir(dir, samples); err != nil {
		return nil, err
	}
	return samples, nil
}

// makeSamples builds the messages in memory, oldest first.
func makeSamples(count int, seed uint64) []*sample {
	g := &generator{
		r:    rand.New(rand.NewPCG(seed, 0x706f737465726e)),
		seed: seed,
		// A fixed start derived from the seed, somewhere in 2024.
		now: time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(seed%200) * 24 * time.Hour),
	}
	special := g.specials()
	at := make(map[int]func() *sample)
	for j, f := range special {
		if j >= count {
			break
		}
		pos := j
		if count >= len(special) {
			pos = j * count / len(special)
		}
		at[pos] = f
	}
	samples := make([]*sample, 0, count)
	for i := 0; i < count; i++ {
		g.now = g.now.Add(10*time.Minute + time.Duration(g.r.IntN(20*60))*time.Minute)
		g.n = i
		make := at[i]
		if make == nil {
			make = g.randomKind()
		}
		s := make()
		s.date = g.now
		samples = append(samples, s)
	}
	setFlags(g.r, samples)
	nameSamples(g, samples)
	return samples
}

// setFlags gives old mail its flags and leaves the newest INBOX messages
// in new/. Answered (R) flags set by the generator are kept.
func setFlags(r *rand.Rand, samples []*sample) {
	left := newCount
	for i := len(samples) - 1; i >= 0; i-- {
		s := samples[i]
		flags := map[byte]bool{}
		for _, c := range []byte(s.flags) {
			flags[c] = true
		}
		switch s.folder {
		case ".Sent", ".Trash":
			flags['S'] = true
		case ".Drafts", ".Entw&APw-rfe":
			flags['D'], flags['S'] = true, true
		default:
			if s.folder == "" && left > 0 {
				s.isNew, s.flags = true, ""
				left--
				continue
			}
			if r.IntN(10) != 0 { // about 10% unread
				flags['S'] = true
			}
			if r.IntN(12) == 0 {
				flags['F'] = true
			}
			if r.IntN(12) == 0 {
				flags['R'] = true
			}
		}
		var b []byte
		for _, c := range []byte("DFPRST") { // Maildir wants ASCII order
			if flags[c] {
				b = append(b, c)
			}
		}
		s.flags = string(b)
	}
}

// nameSamples sets the Maildir file names:
// <time>.M<usec>P<pid>Q<n>.<host>,S=<size>[:2,<flags>].
func nameSamples(g *generator, samples []*sample) {
	pid := 1000 + g.seed%30000
	for i, s := range samples {
		usec := g.r.IntN(1000000)
		s.name = fmt.Sprintf("%d.M%dP%dQ%d.%s,S=%d", s.date.Unix(), usec, pid, i+1, sampleHost, len(s.raw))
		if !s.isNew {
			s.name += ":2," + s.flags
		}
	}
}

// writeMaildir creates the folders (cur, new, tmp; maildirfolder for
// Maildir++ subfolders) and writes the messages, mode 600 in 700 dirs.
func writeMaildir(dir string, samples []*sample) error {
	for _, f := range sampleFolders {
		for _, sub := range []string{"cur", "new", "tmp"} {
			if err := os.MkdirAll(filepath.Join(dir, f, sub), 0o700); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
		if f != "" {
			if err := os.WriteFile(filepath.Join(dir, f, "maildirfolder"), nil, 0o600); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
	}
	for _, s := range samples {
		p := filepath.Join(dir, s.path())
		if err := os.WriteFile(p, s.raw, 0o600); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if err := os.Chtimes(p, s.date, s.date); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	return nil
}

// generator holds the state of one sample run.
type generator struct {
	r       *rand.Rand
	seed    uint64
	now     time.Time
	n       int       // index of the message being made
	threads []*thread // conversations that can get a reply
	lists   map[string][]*thread
}

// thread is a conversation: its subject, message ids (oldest first), the
// other party and the last message (to quote and to mark answered).
type thread struct {
	subject string
	ids     []string
	with    person
	body    string
	last    *sample
}

func (t *thread) references() string { return strings.Join(t.ids, " ") }

// kind is one way of making a message, with its weight in the random mix.
type kind struct {
	weight int
	make   func() *sample
}

func (g *generator) randomKind() func() *sample {
	kinds := g.kinds()
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	n := g.r.IntN(total)
	for _, k := range kinds {
		if n < k.weight {
			return k.make
		}
		n -= k.weight
	}
	panic("unreachable")
}

// message assembles a top-level message from header fields and a body
// entity; a zero date leaves out the Date field.
func (g *generator) message(from person, to []person, subject string, date time.Time, extra []field, body *part) []byte {
	top := &part{}
	if !date.IsZero() {
		zones := []*time.Location{time.UTC, time.FixedZone("", 2*3600), time.FixedZone("", -5*3600), time.FixedZone("", 9*3600)}
		top.add("Date", date.In(zones[g.n%len(zones)]).Format(time.RFC1123Z))
	}
	top.add("From", from.address())
	var tos []string
	for _, p := range to {
		tos = append(tos, p.address())
	}
	top.add("To", strings.Join(tos, ", "))
	if subject != "" {
		top.add("Subject", subject)
	}
	top.add("Message-ID", g.messageID(from))
	top.header = append(top.header, extra...)
	top.add("MIME-Version", "1.0")
	top.header = append(top.header, body.header...)
	top.body, top.children, top.boundary, top.truncate = body.body, body.children, body.boundary, body.truncate
	var b bytes.Buffer
	top.render(&b)
	return b.Bytes()
}

// messageID returns the id of the message being made.
func (g *generator) messageID(from person) string {
	domain := from.addr[strings.LastIndexByte(from.addr, '@')+1:]
	return fmt.Sprintf("<%d.%d.demo@%s>", g.seed, g.n, domain)
}

// boundary returns a boundary unique within the run.
func (g *generator) boundary(tag string) string {
	return fmt.Sprintf("=_%s_%d_%08x", tag, g.n, g.r.Uint32())
}
