package identity

import "testing"

const reply = "\n\nOn Mon, 1 Jan 2026 10:00 +0000, Bob <bob@example.net> wrote:\n> hello\n> there\n"

// TestInsert: where a signature goes, and when it is not added again.
func TestInsert(t *testing.T) {
	tests := []struct {
		name, body, sig string
		p               Placement
		want            string
	}{
		{"new message", "", "Ann", Below, "\n\n-- \nAnn\n"},
		{"new message, above", "", "Ann\nSales", Above, "\n\n-- \nAnn\nSales\n"},
		{"no signature", reply, "", Below, reply},
		{"reply below", reply, "Ann", Below, reply + "\n-- \nAnn\n"},
		{"reply above", reply, "Ann", Above, "\n\n-- \nAnn\n\nOn Mon, 1 Jan 2026 10:00 +0000, Bob <bob@example.net> wrote:\n> hello\n> there\n"},
		{"reply above, text typed", "Thanks!\n" + reply, "Ann", Above, "Thanks!\n\n-- \nAnn\n\nOn Mon, 1 Jan 2026 10:00 +0000, Bob <bob@example.net> wrote:\n> hello\n> there\n"},
		// A quote without an attribution line.
		{"bare quote above", "hi\n> q\n", "Ann", Above, "hi\n\n-- \nAnn\n\n> q\n"},
		{"forward above", "\n\n-------- Forwarded Message --------\nSubject: x\n\ntext\n", "Ann", Above, "\n\n-- \nAnn\n\n-------- Forwarded Message --------\nSubject: x\n\ntext\n"},
		{"no quote, above is below", "Hello", "Ann", Above, "Hello\n\n-- \nAnn\n"},
		// Already there: not added twice (a resumed draft, a second Switch).
		{"already present", "Hello\n\n-- \nAnn\n", "Ann", Below, "Hello\n\n-- \nAnn\n"},
		{"present at the end without LF", "Hello\n-- \nAnn", "Ann", Below, "Hello\n-- \nAnn"},
		{"present above the quote", "\n\n-- \nAnn\n" + reply, "Ann", Below, "\n\n-- \nAnn\n" + reply},
		// "--" without the space is no separator: the signature is added.
		{"dash dash only", "Hello\n--\nAnn\n", "Ann", Below, "Hello\n--\nAnn\n\n-- \nAnn\n"},
		// Only whole lines count.
		{"part of a line", "Hello\n-- \nAnna\n", "Ann", Below, "Hello\n-- \nAnna\n\n-- \nAnn\n"},
		// A quoted signature of the original is not ours.
		{"quoted separator", "> -- \n> Ann\n", "Ann", Below, "> -- \n> Ann\n\n-- \nAnn\n"},
	}
	for _, tt := range tests {
		if got := Insert(tt.body, tt.sig, tt.p); got != tt.want {
			t.Errorf("%s: Insert(%q, %q, %s) = %q, want %q", tt.name, tt.body, tt.sig, tt.p, got, tt.want)
		}
	}
}

// TestSwap: changing identity swaps an unchanged signature, leaves an
// edited one, and never leaves two.
func TestSwap(t *testing.T) {
	tests := []struct {
		name, body, old, new string
		p                    Placement
		want                 string
	}{
		{"new message", "Hi\n\n-- \nAnn\n", "Ann", "Sales\nDesk", Below, "Hi\n\n-- \nSales\nDesk\n"},
		{"to none", "Hi\n\n-- \nAnn\n", "Ann", "", Below, "Hi\n"},
		{"from none", "Hi\n", "", "Sales", Below, "Hi\n\n-- \nSales\n"},
		{"below to above", reply + "\n-- \nAnn\n", "Ann", "Sales", Above, "\n\n-- \nSales\n\nOn Mon, 1 Jan 2026 10:00 +0000, Bob <bob@example.net> wrote:\n> hello\n> there\n"},
		{"above to below", "Ok\n\n-- \nAnn\n" + reply[1:], "Ann", "Sales", Below, "Ok\n" + reply[1:] + "\n-- \nSales\n"},
		{"edited: left alone", "Hi\n\n-- \nAnn (edited)\n", "Ann", "Sales", Below, "Hi\n\n-- \nAnn (edited)\n"},
		{"removed: nothing added", "Hi\n", "Ann", "Sales", Below, "Hi\n"},
		{"same signature", "Hi\n\n-- \nAnn\n", "Ann", "Ann", Above, "Hi\n\n-- \nAnn\n"},
		{"empty message", "\n\n-- \nAnn\n", "Ann", "Sales", Below, "\n\n-- \nSales\n"},
	}
	for _, tt := range tests {
		if got := Swap(tt.body, tt.old, tt.new, tt.p); got != tt.want {
			t.Errorf("%s: Swap(%q, %q, %q, %s) = %q, want %q", tt.name, tt.body, tt.old, tt.new, tt.p, got, tt.want)
		}
	}
	// Swapping back and forth gives the first text again.
	start := Insert(reply, "Ann", Above)
	if got := Swap(Swap(start, "Ann", "Sales", Below), "Sales", "Ann", Above); got != start {
		t.Errorf("Swap there and back = %q, want %q", got, start)
	}
}
