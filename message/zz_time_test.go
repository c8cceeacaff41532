package message

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestZZTime(t *testing.T) {
	dir := os.Getenv("FUZZDIR")
	if dir == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(dir + "/*/*")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		// file format: go test fuzz v1\n[]byte("...")
		lines := bytes.SplitN(b, []byte("\n"), 2)
		s := string(bytes.TrimSpace(lines[1]))
		s = s[len("[]byte(") : len(s)-1]
		data, err := strconv.Unquote(s)
		if err != nil {
			continue
		}
		start := time.Now()
		done := make(chan bool)
		go func() { Summarize(bytes.NewReader([]byte(data))); Parse(bytes.NewReader([]byte(data)), Limits{}); done <- true }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("hang on %s: %q", f, data)
		}
		if d := time.Since(start); d > 100*time.Millisecond {
			t.Logf("%s took %v", f, d)
		}
	}
}
