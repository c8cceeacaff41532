package index

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"postern/maildir"
	"postern/message"
)

// benchWords make bodies with a realistic spread of terms.
var benchWords = []string{"budget", "meeting", "report", "server", "deploy", "invoice", "Grüße", "kernel", "latency", "release", "review", "ticket"}

func benchMessage(i int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Sender %d <s%d@example.org>\r\nTo: me@example.org\r\nSubject: %s %d\r\n", i%97, i%97, benchWords[i%len(benchWords)], i)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%d@example.org>\r\n", time.Unix(1600000000+int64(i)*600, 0).UTC().Format(time.RFC1123Z), i)
	if i%3 == 1 {
		fmt.Fprintf(&b, "In-Reply-To: <%d@example.org>\r\n", i-1)
	}
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n")
	for j := 0; j < 40; j++ {
		b.WriteString(benchWords[(i*7+j)%len(benchWords)])
		b.WriteString(" words of a line of text\r\n")
	}
	return b.Bytes()
}

// benchBox is a Maildir of n messages, indexed.
func benchBox(b *testing.B, n int) *testBox {
	b.Helper()
	box := newBox(b)
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("%d.M%dP1Q%d.bench", 1600000000+i*600, i, i)
		os.WriteFile(filepath.Join(box.root, "cur", key+":2,S"), benchMessage(i), 0o600)
	}
	box.update()
	time.Sleep(TrustAfter)
	box.update()
	return box
}

func BenchmarkList(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		box := benchBox(b, n)
		b.ResetTimer()
		for _, page := range []struct {
			name string
			off  int
		}{{"first", 0}, {"middle", n / 2}, {"last", n - 50}} {
			b.Run(fmt.Sprintf("%d/%s", n, page.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := box.x.Update(time.Second); err != nil {
						b.Fatal(err)
					}
					if _, _, _, err := box.x.List("INBOX", maildir.SortDate, true, page.off, 50); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkFirstList is the first list of a folder of n messages that
// extraction has not read yet (an index that has only scanned it): List
// reads the list columns of every message first. Compare with
// BenchmarkUpdate, which reads them all for their text.
func BenchmarkFirstList(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		box := benchBox(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				box.fresh()
				if _, err := box.x.Update(1); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, _, _, err := box.x.List("INBOX", maildir.SortDate, true, 0, 50); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkOpenList is a request's work: open the index, scan, list.
func BenchmarkOpenList(b *testing.B) {
	box := benchBox(b, 10000)
	box.x.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, err := Open(Path("", box.root), box.store)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := x.Update(time.Second); err != nil {
			b.Fatal(err)
		}
		if _, _, _, err := x.List("INBOX", maildir.SortSubject, false, 5000, 50); err != nil {
			b.Fatal(err)
		}
		x.Close()
	}
}

func BenchmarkSearch(b *testing.B) {
	box := benchBox(b, 10000)
	b.ResetTimer()
	for _, q := range []string{"budget", "from:s5", `"words of" kernel`, "budget has:attachment"} {
		b.Run(q, func(b *testing.B) {
			pq := ParseQuery(q)
			for i := 0; i < b.N; i++ {
				hits, _, err := box.x.Search(pq, 0, 20)
				if err != nil {
					b.Fatal(err)
				}
				box.x.Excerpts(hits, pq)
			}
		})
	}
}

// BenchmarkUpdate indexes b.N new messages; the rate is messages/s.
func BenchmarkUpdate(b *testing.B) {
	box := newBox(b)
	for i := 0; i < b.N; i++ {
		key := fmt.Sprintf("%d.M%dP1Q%d.bench", 1600000000+i*600, i, i)
		os.WriteFile(filepath.Join(box.root, "new", key), benchMessage(i), 0o600)
	}
	b.ResetTimer()
	p := box.update()
	if p.Indexed != b.N {
		b.Fatalf("indexed %d of %d", p.Indexed, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkParse(b *testing.B) {
	msg := benchMessage(7)
	b.SetBytes(int64(len(msg)))
	for i := 0; i < b.N; i++ {
		v := message.Parse(bytes.NewReader(msg), message.Limits{MaxTextBytes: DefaultLimits.MaxPartText})
		_ = v.BodyText()
	}
}

// BenchmarkRescan is the request after another program changed one flag
// in a folder of n messages: cur/ is read again and compared with the
// rows. (BENCH_RESCAN_N=100000 for the size; it takes a while to
// set up.)
func BenchmarkRescan(b *testing.B) {
	n := 10000
	if s := os.Getenv("BENCH_RESCAN_N"); s != "" {
		fmt.Sscan(s, &n)
	}
	box := benchBox(b, n)
	cur := filepath.Join(box.root, "cur")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key := fmt.Sprintf("%d.M%dP1Q%d.bench", 1600000000+(i%n)*600, i%n, i%n)
		from, to := key+":2,S", key+":2,FS"
		if i/n%2 == 1 {
			from, to = to, from
		}
		if err := os.Rename(filepath.Join(cur, from), filepath.Join(cur, to)); err != nil {
			b.Fatal(err)
		}
		if _, err := box.x.Update(time.Second); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if c, _ := box.x.FolderCounts(); c["INBOX"].Total != n {
		b.Fatalf("INBOX holds %d rows, want %d", c["INBOX"].Total, n)
	}
}

// BenchmarkThreads is a page of a folder's list by conversation, read
// from the threads table (Threads): its cost follows the page, not the
// folder.
func BenchmarkThreads(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		box := benchBox(b, n)
		b.ResetTimer()
		for _, page := range []struct {
			name string
			off  int
		}{{"first", 0}, {"middle", n / 4}} {
			b.Run(fmt.Sprintf("%d/%s", n, page.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, _, err := box.x.Threads("INBOX", page.off, 50); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkAfterDelivery is the request after the first list after new
// mail, in a folder of n messages (BENCH_DELIVERY_N, default 1000 and
// 10000): the Update that follows the one that moved one delivered
// message from new/ to cur/ and indexed it. Its cost must not follow the
// folder: the scan recorded the time its own moves gave cur/, so cur/ is
// not read again.
func BenchmarkAfterDelivery(b *testing.B) {
	sizes := []int{1000, 10000}
	if s := os.Getenv("BENCH_DELIVERY_N"); s != "" {
		var n int
		fmt.Sscan(s, &n)
		sizes = []int{n}
	}
	for _, n := range sizes {
		box := benchBox(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				j := n + i
				key := fmt.Sprintf("%d.M%dP1Q%d.bench", 1600000000+j*600, j, j)
				if err := os.WriteFile(filepath.Join(box.root, "new", key), benchMessage(j), 0o600); err != nil {
					b.Fatal(err)
				}
				if _, err := box.x.Update(time.Second); err != nil { // the first list after new mail
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := box.x.Update(time.Second); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAfterRead is the Update of the request after one message of a
// folder of n messages was marked read (Own, as the message page does):
// its cost must not follow the folder, as cur/ is not read again.
func BenchmarkAfterRead(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		box := benchBox(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				j := i % n
				key := fmt.Sprintf("%d.M%dP1Q%d.bench", 1600000000+j*600, j, j)
				add, remove := "F", ""
				if i/n%2 == 1 {
					add, remove = "", "F"
				}
				err := box.x.Own([]string{"INBOX"}, func() (Change, error) {
					names, err := box.store.Flag("INBOX", []string{key}, add, remove)
					return Change{"INBOX": names}, err
				})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := box.x.Update(time.Second); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
