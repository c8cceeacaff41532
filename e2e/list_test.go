package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestListPagedAndMarked(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	k := a.known
	// Earlier requests may have moved the fixture in new/: deliver another.
	fresh := addMessage(t, a, "INBOX", "new", "", "Delivered just now "+randomHex(3), "body")
	r := c.get("/list?f=INBOX")
	wantStatus(t, r, http.StatusOK)
	first := listRows(r.doc)
	total, _ := countMail(a, "INBOX")
	if len(first) == 0 || len(first) >= total {
		t.Errorf("%s: %d rows on page 1 of %d messages, want a partial first page", r, len(first), total)
	}
	// The list request moved the new message to cur/.
	if sub, _, ok := findKey(a, "INBOX", fresh); !ok || sub != "cur" {
		t.Errorf("after %s: %s is in %q (found %v), want cur/", r, fresh, sub, ok)
	}

	all := c.allRows("/list?f=INBOX")
	seen := map[string]bool{}
	for _, row := range all {
		if seen[row.id] {
			t.Errorf("GET /list?f=INBOX pages: id %s listed twice", row.id)
		}
		seen[row.id] = true
	}
	if total, _ := countMail(a, "INBOX"); len(seen) != total {
		t.Errorf("GET /list?f=INBOX pages: %d distinct rows, want %d (files on disk)", len(seen), total)
	}
	for _, tc := range []struct {
		id              string
		unread, flagged bool
		what            string
	}{
		{k.plainKey, true, true, "flags F"},
		{k.attKey, false, false, "flags S"},
		{k.newKey, true, false, "was in new/"},
		{fresh, true, false, "was in new/ just now"},
		// Malformed, but listed.
		{k.badKey, true, false, "malformed"},
	} {
		row, ok := findRow(all, tc.id)
		if !ok {
			t.Errorf("GET /list?f=INBOX: no tr.msg[data-id=%s] (%s)", tc.id, tc.what)
			continue
		}
		if row.has("unread") != tc.unread || row.has("flagged") != tc.flagged {
			t.Errorf("row %s (%s): classes %v, want unread=%v flagged=%v", tc.id, tc.what, row.classes, tc.unread, tc.flagged)
		}
	}
	if row, ok := findRow(all, k.attKey); ok && byClass(row.node, "att") == nil {
		t.Errorf("row %s: no .att mark for a message with an attachment", k.attKey)
	}
	if row, ok := findRow(all, k.plainKey); ok && row.subject != k.plainSubject {
		t.Errorf("row %s: subject %q, want %q (RFC 2047 decoded)", k.plainKey, row.subject, k.plainSubject)
	}
}

func TestListSortBySubject(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	var subjects []string
	path := "/list?f=INBOX&sort=subject&order=asc"
	for i := 0; i < 2 && path != ""; i++ {
		r := c.get(path)
		wantStatus(t, r, http.StatusOK)
		for _, row := range listRows(r.doc) {
			subjects = append(subjects, row.subject)
		}
		if next := nextLink(r.doc); next != "" {
			path = relPath(t, next)
		} else {
			path = ""
		}
	}
	if len(subjects) < 2 {
		t.Fatalf("GET /list?f=INBOX&sort=subject&order=asc: %d rows, want several", len(subjects))
	}
	for i := 1; i < len(subjects); i++ {
		if sortKey(subjects[i-1]) > sortKey(subjects[i]) {
			t.Errorf("GET /list?f=INBOX&sort=subject&order=asc: row %d %q before row %d %q, want ascending subjects", i-1, subjects[i-1], i, subjects[i])
			break
		}
	}
}

// sortKey is the collation the list promises: case-insensitive; an empty
// subject (shown as "(no subject)") sorts first.
func sortKey(s string) string {
	if s == "(no subject)" {
		return ""
	}
	return strings.ToLower(s)
}

func TestPrefsPageSize(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	tok := c.csrf()
	r := c.post("/prefs", url.Values{"csrf": {tok}, "pagesize": {"10"}})
	if r.status != http.StatusSeeOther && r.status != http.StatusOK {
		t.Fatalf("%s pagesize=10: status = %d, want 303 or 200", r, r.status)
	}
	t.Cleanup(func() { c.post("/prefs", url.Values{"csrf": {tok}, "pagesize": {"50"}}) })
	r = c.get("/list?f=INBOX&page=2")
	wantStatus(t, r, http.StatusOK)
	if n := len(listRows(r.doc)); n != 10 {
		t.Errorf("%s with pagesize 10: %d rows, want 10", r, n)
	}
}

// TestListPagesWhileIndexing pages through a folder of 600 messages whose
// dates, senders, subjects and sizes tie, each order with a new index
// and an index_budget of 50ms: each request indexes some dozens of
// messages, and the one that finds at most 500 left finishes the folder
// (a smaller budget is spent on the scan alone). Every message must be
// listed once, whatever each request indexed before its page.
func TestListPagesWhileIndexing(t *testing.T) {
	a := env.a
	const n = 600
	dir := folderDir(a, "Bulk")
	if err := makeMaildir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for i := 0; i < n; i++ {
		msg := fmt.Sprintf("From: %s\r\nSubject: %s\r\nDate: %s\r\n\r\n%s",
			[]string{"Bob <b@x.org>", "bob <b@x.org>", "alice@x.org"}[i%3],
			[]string{"Budget", "budget", "Zeta", ""}[i%4],
			[]string{"Mon, 1 Jan 2001 10:00:00 +0000", "Tue, 2 Jan 2001 10:00:00 +0000"}[i%2],
			strings.Repeat("text\r\n", 1+i%5))
		// Delivered in a burst, in no order of the dates.
		name := fmt.Sprintf("%d.M%dP1.bulk:2,S", 1700000000+(i*37%n)/100, i)
		if err := os.WriteFile(filepath.Join(dir, "cur", name), []byte(msg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := chownTree(a, dir); err != nil {
		t.Fatal(err)
	}
	withConfig(t, env.baseConf+"index_budget = 50ms\n")
	c := loggedIn(t, a)
	for _, sort := range []string{"sort=date&order=desc", "sort=date&order=asc", "sort=from&order=asc", "sort=subject&order=desc", "sort=size&order=asc"} {
		idx := filepath.Join(a.maildir, "postern", "index.sqlite")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(idx + suffix)
		}
		path := "/list?f=Bulk&" + sort
		seen := map[string]int{}
		rows := c.allRows(path)
		for _, r := range rows {
			seen[r.id]++
		}
		twice := 0
		for _, k := range seen {
			twice += k - 1
		}
		if len(seen) != n || twice != 0 {
			t.Errorf("GET %s, every page: %d rows, %d messages, %d listed twice; want each of %d once", path, len(rows), len(seen), twice, n)
		}
	}
}

// TestListFollowsOwnChanges: what postern itself changes in a folder
// (a message opened and so marked read, a flag set, a move) shows on the
// next list, which takes it from the index without reading cur/ again
// (index.Own); a change by another program after that still shows.
func TestListFollowsOwnChanges(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	tok := c.csrf()
	tag := randomHex(3)
	key := addMessage(t, a, "INBOX", "cur", "", "own changes "+tag, "body")
	rowOf := func(folder string) (row, bool) {
		t.Helper()
		return findRow(c.allRows("/list?f="+url.QueryEscape(folder)), key)
	}
	if r, ok := rowOf("INBOX"); !ok || !r.has("unread") {
		t.Fatalf("new message %s: listed %v, classes %v, want an unread row", key, ok, r.classes)
	}
	time.Sleep(200 * time.Millisecond) // past index.TrustAfter: cur/'s time is trusted

	wantStatus(t, c.get("/msg?f=INBOX&id="+key), http.StatusOK)
	if r, ok := rowOf("INBOX"); !ok || r.has("unread") {
		t.Errorf("after GET /msg: row %s listed %v, classes %v, want read", key, ok, r.classes)
	}
	c.action(tok, "INBOX", "flag", "", key)
	if r, ok := rowOf("INBOX"); !ok || !r.has("flagged") {
		t.Errorf("after op=flag: row %s listed %v, classes %v, want flagged", key, ok, r.classes)
	}

	// Another program clears the flag: the next list shows it.
	time.Sleep(200 * time.Millisecond)
	_, flags, _ := findKey(a, "INBOX", key)
	cur := filepath.Join(folderDir(a, "INBOX"), "cur")
	if err := os.Rename(filepath.Join(cur, key+":2,"+flags), filepath.Join(cur, key+":2,S")); err != nil {
		t.Fatal(err)
	}
	if r, ok := rowOf("INBOX"); !ok || r.has("flagged") {
		t.Errorf("after another program's rename: row %s listed %v, classes %v, want not flagged", key, ok, r.classes)
	}

	c.action(tok, "INBOX", "move", "Lists.golang", key)
	if _, ok := rowOf("INBOX"); ok {
		t.Errorf("after op=move: %s still listed in INBOX", key)
	}
	if _, ok := rowOf("Lists.golang"); !ok {
		t.Errorf("after op=move: %s not listed in Lists.golang", key)
	}
}
