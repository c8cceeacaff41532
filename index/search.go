package index

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"

	"postern/maildir"
	"postern/message"
)

// ExcerptRunes is the length of an excerpt around the first match.
const ExcerptRunes = 160

// MaxExcerptBytes bounds what is read of a message to make its excerpt.
const MaxExcerptBytes = 256 << 10

// manyMatches is the number of matches above which results are found by
// walking the date index rather than by sorting the matches.
const manyMatches = 2000

// Hit is one search result.
type Hit struct {
	Folder string
	maildir.Entry
	Excerpt []Segment // set by Excerpts
}

// Segment is a run of excerpt text; Mark is set on the matched terms.
type Segment struct {
	Text string
	Mark bool
}

// Search returns one page of the messages matching q, newest first, and
// how many match in all.
func (x *Index) Search(q Query, offset, limit int) ([]Hit, int, error) {
	if q.Empty() {
		return nil, 0, nil
	}
	var where []string
	var args []any
	if m := q.match(); m != "" {
		where = append(where, `id IN (SELECT rowid FROM fts WHERE fts MATCH ?)`)
		args = append(args, m)
	}
	for _, t := range q.Terms {
		if t.Neg {
			t.Neg = false
			where = append(where, `id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)`)
			args = append(args, t.fts())
		}
	}
	if q.Folder != "" {
		where = append(where, `folder = ?`)
		args = append(args, q.Folder)
	}
	if q.HasAttachment {
		where = append(where, `attach = 1`)
	}
	if q.Unread {
		where = append(where, `instr(flags, 'S') = 0`)
	}
	if q.Read {
		where = append(where, `instr(flags, 'S') > 0`)
	}
	if q.Flagged {
		where = append(where, `instr(flags, 'F') > 0`)
	}
	if !q.Before.IsZero() {
		where = append(where, `date < ?`)
		args = append(args, q.Before.Unix())
	}
	if !q.After.IsZero() {
		where = append(where, `date >= ?`)
		args = append(args, q.After.Unix())
	}
	cond := strings.Join(where, " AND ")
	var total int
	countQ := `SELECT count(*) FROM msgs WHERE ` + cond
	if len(where) == 1 && len(args) == 1 && strings.HasPrefix(where[0], "id IN") {
		// Words only: count in the full-text index alone.
		countQ = `SELECT count(*) FROM fts WHERE fts MATCH ?`
	}
	if err := x.db.QueryRow(countQ, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("index: search: %w", err)
	}
	// Many matches: walk the messages newest first and keep those that
	// match, rather than sort every match.
	from := "msgs"
	if total > manyMatches {
		from = "msgs INDEXED BY msgs_alldate"
	}
	rs, err := x.db.Query(`SELECT `+entryCols+` FROM `+from+` WHERE `+cond+` ORDER BY date DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, max(limit, 1), max(offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("index: search: %w", err)
	}
	defer rs.Close()
	var hits []Hit
	for rs.Next() {
		r, err := scanEntry(rs)
		if err != nil {
			return nil, 0, fmt.Errorf("index: search: %w", err)
		}
		hits = append(hits, Hit{Folder: r.folder, Entry: r.Entry})
	}
	return hits, total, rs.Err()
}

// Excerpts fills the excerpt of each hit from its message's text (read
// again within the limits), with the query's words marked.
func (x *Index) Excerpts(hits []Hit, q Query) {
	var words []string
	for _, t := range q.Terms {
		if !t.Neg && (t.Field == "" || t.Field == "subject") {
			words = append(words, t.Text)
		}
	}
	for i := range hits {
		path, err := x.store.MessagePath(hits[i].Folder, hits[i].Key)
		if err != nil {
			continue
		}
		hits[i].Excerpt = excerpt(x.bodyText(path), words)
	}
}

// bodyText reads the shown text of a message file within the limits.
func (x *Index) bodyText(path string) string {
	f, err := os.Open(filepath.Clean(path))
	if err != nil {
		return ""
	}
	defer f.Close()
	lim := x.Limits
	if lim.MaxPartText <= 0 {
		lim = DefaultLimits
	}
	v := message.Parse(io.LimitReader(f, MaxExcerptBytes), message.Limits{MaxTextBytes: lim.MaxPartText})
	return v.BodyText()
}

// fold lower-cases a rune and drops its diacritic when it has a plain
// Latin base, as the index's tokenizer does.
func fold(r rune) rune {
	r = unicode.ToLower(r)
	if b, ok := latinBase()[r]; ok {
		return b
	}
	return r
}

var latinBase = sync.OnceValue(func() map[rune]rune {
	return map[rune]rune{
		'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a', 'ç': 'c', 'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e',
		'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ñ': 'n', 'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o', 'ø': 'o',
		'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'ý': 'y', 'ÿ': 'y',
	}
})

// excerpt cuts about ExcerptRunes of text around the first word found and
// marks every occurrence of the words in it. Without a match it is the
// start of the text.
func excerpt(text string, words []string) []Segment {
	rs := []rune(strings.Join(strings.Fields(text), " "))
	folded := make([]rune, len(rs))
	for i, r := range rs {
		folded[i] = fold(r)
	}
	var pats [][]rune
	for _, w := range words {
		for _, f := range strings.Fields(w) {
			p := []rune(f)
			for i := range p {
				p[i] = fold(p[i])
			}
			pats = append(pats, p)
		}
	}
	first := -1
	for _, p := range pats {
		if i := indexRunes(folded, p, 0); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	start := 0
	if first > ExcerptRunes/3 {
		start = first - ExcerptRunes/3
	}
	end := min(len(rs), start+ExcerptRunes)
	var out []Segment
	plain := start
	for i := start; i < end; {
		n := 0
		for _, p := range pats {
			if len(p) > 0 && i+len(p) <= len(folded) && equalRunes(folded[i:i+len(p)], p) {
				n = max(n, len(p))
			}
		}
		if n == 0 {
			i++
			continue
		}
		if plain < i {
			out = append(out, Segment{Text: string(rs[plain:i])})
		}
		out = append(out, Segment{Text: string(rs[i : i+n]), Mark: true})
		i += n
		plain = i
	}
	if plain < end {
		out = append(out, Segment{Text: string(rs[plain:end])})
	}
	if start > 0 && len(out) > 0 {
		out[0].Text = "…" + out[0].Text
	}
	if end < len(rs) && len(out) > 0 {
		out[len(out)-1].Text += "…"
	}
	return out
}

func indexRunes(s, p []rune, from int) int {
	if len(p) == 0 {
		return -1
	}
	for i := from; i+len(p) <= len(s); i++ {
		if equalRunes(s[i:i+len(p)], p) {
			return i
		}
	}
	return -1
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
