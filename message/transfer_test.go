package message

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
)

// qpRef decodes quoted-printable one byte at a time through byteIn, as
// qpReader did before its fast path; qpReader must give the same bytes.
func qpRef(in []byte) []byte {
	q := &qpReader{}
	for _, c := range in {
		q.byteIn(c)
	}
	if q.state == qpHex {
		q.out = append(q.out, '=', q.hex1)
	}
	return q.out
}

func readQP(t *testing.T, r io.Reader) []byte {
	t.Helper()
	out, err := io.ReadAll(&qpReader{r: r})
	if err != nil {
		t.Fatalf("qpReader: %v", err)
	}
	return out
}

func TestQPReader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Gr=FC=DFe", "Gr\xfc\xdfe"},
		{"soft =\r\nbreak", "soft break"},
		{"trailing space   \r\nnext", "trailing space\r\nnext"},
		{"bad =ZZ and =4", "bad =ZZ and =4"},
		// A final "=" is a soft line break; the space before it goes too.
		{"eq at end =", "eq at end"},
		{"=  \r\nspace after soft break", "space after soft break"},
		{"==41", "=A"},
		{"tab\tin\tline", "tab\tin\tline"},
	}
	for _, tt := range tests {
		for _, r := range []io.Reader{bytes.NewReader([]byte(tt.in)), iotest.OneByteReader(bytes.NewReader([]byte(tt.in)))} {
			if got := readQP(t, r); string(got) != tt.want {
				t.Errorf("qpReader(%q) = %q, want %q", tt.in, got, tt.want)
			}
		}
		if ref := qpRef([]byte(tt.in)); string(ref) != tt.want {
			t.Errorf("qpRef(%q) = %q, want %q", tt.in, ref, tt.want)
		}
	}
}

// FuzzQPReader checks that qpReader, read whole or a byte at a time,
// agrees with the byte-at-a-time reference.
func FuzzQPReader(f *testing.F) {
	for _, s := range []string{"a=3D=\r\nb  \r\n", "=4", "x =\n\t=ZZ", "long line without anything special"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		want := qpRef(in)
		if got := readQP(t, bytes.NewReader(in)); !bytes.Equal(got, want) {
			t.Errorf("qpReader(%q) = %q, want %q", in, got, want)
		}
		if got := readQP(t, iotest.OneByteReader(bytes.NewReader(in))); !bytes.Equal(got, want) {
			t.Errorf("qpReader(%q) byte by byte = %q, want %q", in, got, want)
		}
	})
}
