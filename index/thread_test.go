package index

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// tm builds a ThreadInput: id, date (minutes), subject and references.
func tm(id string, minute int, subject string, refs ...string) ThreadInput {
	return ThreadInput{MessageID: id, Refs: refs, Subject: subject, Date: time.Date(2024, 1, 1, 0, minute, 0, 0, time.UTC), Ref: id}
}

// shape renders threads as "a(b(c) d) e".
func shape(nodes []*Node) string {
	var parts []string
	for _, n := range nodes {
		s := "?"
		if n.Msg != nil {
			s = n.Msg.Ref.(string)
		}
		if len(n.Children) > 0 {
			s += "(" + shape(n.Children) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestBuildThreads(t *testing.T) {
	tests := []struct {
		name string
		in   []ThreadInput
		want string
	}{
		{"single", []ThreadInput{tm("a", 0, "hi")}, "a"},
		{"reply chain", []ThreadInput{tm("a", 0, "x"), tm("b", 1, "Re: x", "a"), tm("c", 2, "Re: x", "a", "b")}, "a(b(c))"},
		// children arrive before their parent
		{"out of order", []ThreadInput{tm("c", 2, "Re: x", "a", "b"), tm("b", 1, "Re: x", "a"), tm("a", 0, "x")}, "a(b(c))"},
		// the parent is missing: a dummy holds the siblings at the root
		{"missing parent, siblings", []ThreadInput{tm("b", 1, "Re: x", "a"), tm("c", 2, "Re: x", "a")}, "?(b c)"},
		// a dummy with one child at the root is pruned
		{"missing parent, one child", []ThreadInput{tm("b", 1, "Re: x", "a")}, "b"},
		// a missing message in the middle: its child moves up
		{"missing middle", []ThreadInput{tm("a", 0, "x"), tm("c", 2, "Re: x", "a", "b")}, "a(c)"},
		// truncated References: the last reference wins (step 1C)
		{"truncated references", []ThreadInput{tm("a", 0, "x"), tm("b", 1, "Re: x", "a"), tm("c", 2, "Re: x", "b")}, "a(b(c))"},
		// a references loop is not followed: the first link made stays
		{"loop", []ThreadInput{tm("a", 0, "x", "b"), tm("b", 1, "x", "a")}, "b(a)"},
		// self-reference is ignored
		{"self reference", []ThreadInput{tm("a", 0, "x", "a")}, "a"},
		// duplicate message-ids: the second is its own message
		{"duplicate id", []ThreadInput{tm("a", 0, "x"), tm("a", 1, "x")}, "a a"},
		// subject fallback only for a reply without headers
		{"subject fallback", []ThreadInput{tm("a", 0, "Budget"), tm("b", 1, "Re: budget")}, "a(b)"},
		// no fallback for a non-reply with the same subject
		{"same subject, not a reply", []ThreadInput{tm("a", 0, "Budget"), tm("b", 1, "Budget")}, "a b"},
		// no fallback when headers exist (they point elsewhere)
		{"headers beat subject", []ThreadInput{tm("a", 0, "Budget"), tm("z", 1, "other"), tm("b", 2, "Re: budget", "z")}, "a z(b)"},
		// roots sorted by date, children by date
		{"order", []ThreadInput{tm("b", 5, "y"), tm("a", 0, "x"), tm("a2", 9, "Re: x", "a"), tm("a1", 3, "Re: x", "a")}, "a(a1 a2) b"},
		// messages without Message-ID
		{"no ids", []ThreadInput{tm("", 0, "x"), tm("", 1, "y")}, "? ?"},
	}
	for _, tt := range tests {
		for i := range tt.in {
			if tt.in[i].MessageID == "" {
				tt.in[i].Ref = "?"
			}
		}
		got := shape(BuildThreads(tt.in))
		if got != tt.want {
			t.Errorf("BuildThreads(%s) = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestBaseSubject(t *testing.T) {
	tests := []struct {
		in    string
		base  string
		reply bool
	}{
		{"Hello", "hello", false},
		{"Re: Hello", "hello", true},
		{"RE: re: Fwd: hello  world", "hello world", true},
		{"[list] Re: [list] topic", "topic", true},
		{"topic (fwd)", "topic", true},
		// a subject that is only a tag keeps it
		{"[list]", "[list]", false},
		{"AW: Frage", "frage", true},
		{"", "", false},
	}
	for _, tt := range tests {
		base, reply := baseSubject(tt.in)
		if base != tt.base || reply != tt.reply {
			t.Errorf("baseSubject(%q) = %q, %v, want %q, %v", tt.in, base, reply, tt.base, tt.reply)
		}
	}
}

func TestMessageIDs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"<a@x> <b@y>", []string{"a@x", "b@y"}},
		{"<a@x>\t(comment) <b@y>", []string{"a@x", "b@y"}},
		{"garbage", nil},
		// an unclosed id is dropped
		{"<a@x> <b@", []string{"a@x"}},
		{"<> <a b>", nil},
	}
	for _, tt := range tests {
		if got := messageIDs(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("messageIDs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestThreadWithSent checks the conversation of a message includes the
// user's replies from Sent, in order.
func TestThreadWithSent(t *testing.T) {
	b := newBox(t)
	b.folder("Sent")
	b.put("INBOX", "cur", "S", mail("a@x.org", "me@x.org", "plan", "first", "Message-ID: <1@x>", "Date: Mon, 1 Jan 2024 10:00:00 +0000"))
	b.put("Sent", "cur", "S", mail("me@x.org", "a@x.org", "Re: plan", "> first\nmine", "Message-ID: <2@x>", "In-Reply-To: <1@x>"))
	k3 := b.put("INBOX", "cur", "", mail("a@x.org", "me@x.org", "Re: plan", "third", "Message-ID: <3@x>", "References: <1@x> <2@x>"))
	b.put("INBOX", "cur", "", mail("c@x.org", "me@x.org", "other", "unrelated", "Message-ID: <4@x>"))
	b.update()
	th, err := b.x.Thread("INBOX", k3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range th {
		got = append(got, fmt.Sprintf("%s:%s:%d", m.Folder, m.Subject, m.Depth))
	}
	want := []string{"INBOX:plan:0", "Sent:Re: plan:1", "INBOX:Re: plan:2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Thread = %q, want %q", got, want)
	}
	rows, total, err := b.x.Threads("INBOX", 0, 10)
	if err != nil || total != 2 || len(rows) != 2 || rows[0].Count != 2 && rows[1].Count != 2 {
		t.Errorf("Threads = %+v, %d, %v; want 2 threads, one of 2 messages", rows, total, err)
	}
}
