package message

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/encoding/ianaindex"

	"postern/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite generated files and golden files")

// TestCharsetLabels checks that every alias of a charset reads as the
// charset does, without an "unknown charset" problem. (It uses toUTF8
// only, so that it runs against older code too.)
func TestCharsetLabels(t *testing.T) {
	tests := []struct {
		label   string
		want    string // the decoding of "ab\xe9" (undeclared: Windows-1252 as it is not UTF-8)
		unknown bool   // a problem is reported
	}{
		// Every IANA alias of US-ASCII, and the Solaris "646": read as
		// undeclared text (8-bit bytes are there all the same), no
		// "unknown charset".
		{"US-ASCII", "abé", false}, {"us-ascii", "abé", false}, {"ascii", "abé", false},
		{"ANSI_X3.4-1968", "abé", false}, {"ansi_x3.4-1986", "abé", false}, {"ISO646-US", "abé", false},
		{"iso-ir-6", "abé", false}, {"ISO_646.irv:1991", "abé", false}, {"us", "abé", false},
		{"IBM367", "abé", false}, {"cp367", "abé", false}, {"csASCII", "abé", false},
		{"646", "abé", false}, {"US_ASCII", "abé", false}, {`"us-ascii"`, "abé", false}, {" ASCII ", "abé", false},
		// UTF-8 and its aliases, with and without punctuation.
		{"utf-8", "abé", false}, {"UTF8", "abé", false}, {"UTF_8", "abé", false},
		{"unicode-1-1-utf-8", "abé", false}, {"x-unicode20utf8", "abé", false}, {"csUTF8", "abé", false},
		// Case and punctuation do not matter (UTS #22).
		{"iso8859_15", "abé", false}, {"ISO8859-1", "abé", false}, {"iso-8859-01", "abé", false},
		{"cp-1252", "abé", false}, {"Windows_1252", "abé", false}, {"EUC_JP", "ab\uFFFD", false},
		{"eucjp", "ab\uFFFD", false}, {"KOI8_R", "abИ", false}, {"ISO_8859-1:1987", "abé", false},
		{"l1", "abé", false}, {"IBM819", "abé", false}, {"latin-1", "abé", false}, {"cp1250", "abé", false},
		{"x-mac-cyrillic", "abй", false}, {"utf-7", "abé", false}, {"x-user-defined", "abé", false},
		// Unknown: shown as undeclared, with a problem.
		{"foo", "abé", true},
		{"iso-2022-kr", "abé", true}, // WHATWG's replacement encoding would show one U+FFFD
		{"", "abé", false},
	}
	for _, tt := range tests {
		p := &problems{}
		got := toUTF8([]byte("ab\xe9"), tt.label, p)
		if got != tt.want || (len(p.list) > 0) != tt.unknown {
			t.Errorf("toUTF8(%q) = %q, problems %q; want %q, a problem %v", tt.label, got, p.list, tt.want, tt.unknown)
		}
	}
}

func TestLookupCharset(t *testing.T) {
	tests := []struct {
		label string
		kind  int
	}{
		{"ANSI_X3.4-1968", csUndeclared}, {"UTF_8", csUndeclared}, {"ascii", csUndeclared},
		{"utf-7", csUTF7}, {"iso8859_15", csEncoding}, {"foo", csUnknown}, {"iso-2022-kr", csUnknown},
	}
	for _, tt := range tests {
		if kind, _ := lookupCharset(tt.label); kind != tt.kind {
			t.Errorf("lookupCharset(%q) = kind %d, want %d", tt.label, kind, tt.kind)
		}
	}
}

// TestLatin1IsWindows1252 checks the QUIRK: ISO-8859-1 text is read as
// Windows-1252, whose curly quotes and dashes mailers send under that name.
func TestLatin1IsWindows1252(t *testing.T) {
	for _, cs := range []string{"iso-8859-1", "ISO_8859-1:1987", "latin1", "l1", "IBM819", "iso8859_1"} {
		if got, want := toUTF8([]byte("\x93quoted\x94 \x96 \x80"), cs, &problems{}), "“quoted” – €"; got != want {
			t.Errorf("toUTF8(%q) = %q, want %q", cs, got, want)
		}
	}
}

func TestLooseCharset(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ISO-8859-1", "iso88591"}, {"iso-8859-01", "iso88591"}, {"ANSI_X3.4-1968", "ansix341968"},
		{"utf-8", "utf8"}, {"windows-1250", "windows1250"}, {"0", "0"}, {"iso-10646", "iso10646"},
		{"x-01", "x1"}, {"x-0-1", "x01"}, // a zero that starts a number is dropped
	}
	for _, tt := range tests {
		if got := looseCharset(tt.in); got != tt.want {
			t.Errorf("looseCharset(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// xtextLabels returns the labels of golang.org/x/text's IANA and WHATWG
// indexes, read from its source, IANA's first.
func xtextLabels(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/text").Output()
	if err != nil {
		testenv.Lacking(t, "go list golang.org/x/text: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	var labels []string
	for _, f := range []struct{ file, table string }{
		{"encoding/ianaindex/tables.go", "var ianaAliases = map[string]int{"},
		{"encoding/htmlindex/tables.go", "var nameMap = map[string]htmlEncoding{"},
	} {
		b, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			testenv.Lacking(t, "x/text source: %v", err)
		}
		i := bytes.Index(b, []byte(f.table))
		if i < 0 {
			t.Fatalf("%s: no %q", f.file, f.table)
		}
		b = b[i:]
		b = b[:bytes.Index(b, []byte("\n}"))]
		for _, m := range regexp.MustCompile(`(?m)^\s*"([^"]+)":`).FindAllSubmatch(b, -1) {
			labels = append(labels, string(m[1]))
		}
		if len(labels) < 100 {
			t.Fatalf("%s: only %d labels", f.file, len(labels))
		}
	}
	return labels
}

// TestLooseCharsets checks charsets_table.go against the indexes of the
// golang.org/x/text in use (go test -run TestLooseCharsets -update
// rewrites it), and that every label of theirs is found, also in upper
// case and with its punctuation changed or dropped.
func TestLooseCharsets(t *testing.T) {
	labels := xtextLabels(t)
	table := map[string]string{}
	for _, l := range labels {
		kind, _ := knownCharset(strings.ToLower(l))
		if kind == csUnknown {
			continue
		}
		key := looseCharset(l)
		if prev, ok := table[key]; ok {
			if !sameCharset(prev, l) {
				t.Logf("loose form %q: %q and %q differ; %q kept", key, prev, l, prev)
			}
			continue
		}
		table[key] = strings.ToLower(l)
	}
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString("// Code generated by TestLooseCharsets -update; DO NOT EDIT.\n\npackage message\n\n" +
		"// looseCharsets maps the loose form (looseCharset) of every label of\n" +
		"// golang.org/x/text's IANA and WHATWG indexes that names a charset\n" +
		"// knownCharset reads to that label, sorted by the loose form.\n" +
		"var looseCharsets = [...]struct{ key, label string }{\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "\t{%q, %q},\n", k, table[k])
	}
	b.WriteString("}\n")
	const file = "charsets_table.go"
	if *update {
		if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if old, err := os.ReadFile(file); err != nil || !bytes.Equal(old, b.Bytes()) {
		t.Fatalf("%s is not what golang.org/x/text gives; run go test -run TestLooseCharsets -update", file)
	}
	for _, l := range labels {
		kind, _ := knownCharset(strings.ToLower(l))
		if kind == csUnknown {
			continue
		}
		for _, v := range []string{l, strings.ToUpper(l), strings.ReplaceAll(l, "-", "_"), strings.ReplaceAll(l, "_", "-"),
			looseCharset(l), " " + l + " ", `"` + l + `"`, strings.Join(strings.Split(l, ""), ".")} {
			if !sameCharset(l, v) {
				k1, e1 := lookupCharset(l)
				k2, e2 := lookupCharset(v)
				t.Errorf("lookupCharset(%q) = %d %v, lookupCharset(%q) = %d %v; want the same", l, k1, e1, v, k2, e2)
			}
		}
	}
}

// sameCharset reports whether two labels are read alike.
func sameCharset(a, b string) bool {
	k1, e1 := lookupCharset(a)
	k2, e2 := lookupCharset(b)
	return k1 == k2 && e1 == e2
}

// TestCharsetAlias checks that each label of charsetAlias finds the
// encoding of the label it stands for.
func TestCharsetAlias(t *testing.T) {
	tests := []struct{ alias, label string }{
		{"cp932", "shift_jis"}, {"x-ms-cp932", "shift_jis"}, {"shift-jis", "shift_jis"},
		{"cp936", "gbk"}, {"ms936", "gbk"}, {"gb2312-80", "gbk"},
		{"cp949", "euc-kr"}, {"ks_c_5601", "euc-kr"}, {"x-euc-kr", "euc-kr"},
		{"x-euc-jp", "euc-jp"}, {"latin-1", "iso-8859-1"}, {"x-mac-roman", "macintosh"},
		{"ascii", "us-ascii"}, {"646", "us-ascii"}, {"ansi_x3.110-1983", "iso-8859-1"},
		{"x-utf_8j", "utf-8"},
	}
	for _, tt := range tests {
		gotKind, got := knownCharset(tt.alias)
		wantKind, want := exactCharset(tt.label)
		if gotKind != wantKind || got != want || wantKind == csUnknown {
			t.Errorf("knownCharset(%q) = %d %v, want %d %v (%s)", tt.alias, gotKind, got, wantKind, want, tt.label)
		}
	}
}

// TestIANACharsets checks charsets_iana.go against golang.org/x/text's
// IANA index (go test -run TestIANACharsets -update rewrites it): every
// label of the index, in lower case, finds with ianaCharset what
// ianaindex.IANA.Encoding finds, and a label it does not know nothing.
func TestIANACharsets(t *testing.T) {
	labels := xtextLabels(t)
	ascii, _ := ianaindex.IANA.Encoding("us-ascii")
	index := map[string]int{}
	for _, l := range labels {
		l = strings.ToLower(l)
		enc, err := ianaindex.IANA.Encoding(l)
		if err != nil || enc == nil {
			continue
		}
		e := 0
		if enc != ascii {
			if e = slices.Index(ianaEncodings[:], enc); e <= 0 {
				t.Fatalf("ianaEncodings lacks the encoding of %q (%v)", l, enc)
			}
		}
		index[l] = e
	}
	keys := make([]string, 0, len(index))
	for k := range index {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString("// Code generated by TestIANACharsets -update; DO NOT EDIT.\n\npackage message\n\n" +
		"// ianaLabels holds every label of golang.org/x/text's IANA index that\n" +
		"// names an encoding, in lower case, sorted, one after the other;\n" +
		"// ianaIndex gives where each ends and its encoding, an index into\n" +
		"// ianaEncodings (0: US-ASCII). Neither holds a pointer: they are\n" +
		"// read-only data, with nothing to build or relocate at start-up.\n" +
		"const ianaLabels = \"\" +\n")
	line := ""
	for i, k := range keys {
		line += k
		if len(line) >= 60 || i == len(keys)-1 {
			sep := " +"
			if i == len(keys)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "\t%q%s\n", line, sep)
			line = ""
		}
	}
	b.WriteString("\nvar ianaIndex = [...]struct {\n\tend uint16\n\tenc uint8\n}{\n")
	end := 0
	for i, k := range keys {
		end += len(k)
		if i%6 == 0 {
			b.WriteString("\t")
		}
		fmt.Fprintf(&b, "{%d, %d},", end, index[k])
		if i%6 == 5 || i == len(keys)-1 {
			b.WriteString("\n")
		} else {
			b.WriteString(" ")
		}
	}
	b.WriteString("}\n")
	if end > 0xffff || len(ianaEncodings) > 0xff {
		t.Fatalf("ianaIndex's fields are too small: %d bytes of labels, %d encodings", end, len(ianaEncodings))
	}
	const file = "charsets_iana.go"
	if *update {
		if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if old, err := os.ReadFile(file); err != nil || !bytes.Equal(old, b.Bytes()) {
		t.Fatalf("%s is not what golang.org/x/text gives; run go test -run TestIANACharsets -update", file)
	}
	for _, l := range append(labels, "", "us", "utf-9", "iso-8859-1x", "zz") {
		l = strings.ToLower(l)
		want, err := ianaindex.IANA.Encoding(l)
		got, isASCII, ok := ianaCharset(l)
		switch {
		case err != nil || want == nil:
			if ok {
				t.Errorf("ianaCharset(%q) = %v, %v, true, want not found", l, got, isASCII)
			}
		case want == ascii:
			if !ok || !isASCII {
				t.Errorf("ianaCharset(%q) = %v, %v, %v, want US-ASCII", l, got, isASCII, ok)
			}
		case !ok || isASCII || got != want:
			t.Errorf("ianaCharset(%q) = %v, %v, %v, want %v", l, got, isASCII, ok, want)
		}
	}
}
