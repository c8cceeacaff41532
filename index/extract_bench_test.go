package index

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"postern/maildir"
)

// genmaildir is the generator of realistic mail shared by the benchmarks
// (../shared/bench/genmaildir.py from the repository root); the
// environment variable POSTERN_GENMAILDIR names another copy.
func genmaildir(b *testing.B) string {
	b.Helper()
	script := os.Getenv("POSTERN_GENMAILDIR")
	if script == "" {
		script = filepath.Join("..", "..", "shared", "bench", "genmaildir.py")
	}
	if _, err := os.Stat(script); err != nil {
		b.Skipf("genmaildir.py not found (%v): set POSTERN_GENMAILDIR", err)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 not found: it runs genmaildir.py")
	}
	return script
}

// genBox returns a Maildir of n messages of genmaildir.py (seed 42, all
// in cur/), written under dir, or kept under $POSTERN_BENCH_CACHE from
// one run to the next when that is set (100,000 messages take minutes
// to write).
func genBox(b *testing.B, dir string, n int) string {
	b.Helper()
	script := genmaildir(b)
	if cache := os.Getenv("POSTERN_BENCH_CACHE"); cache != "" {
		dir = filepath.Join(cache, fmt.Sprintf("genmaildir-seed42-%d", n))
		if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
			return filepath.Join(dir, "Maildir")
		}
		os.RemoveAll(dir)
	}
	root := filepath.Join(dir, "Maildir")
	out, err := exec.Command("python3", script, "--maildir", root, "--count", fmt.Sprint(n),
		"--seed", "42", "--new", "0").CombinedOutput()
	if err != nil {
		b.Fatalf("genmaildir.py: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "complete"), nil, 0o600); err != nil {
		b.Fatal(err)
	}
	return root
}

// benchSizes are the Maildir sizes of BenchmarkIndexMaildir: 1000, or
// the numbers in POSTERN_BENCH_SIZES ("1000 10000").
func benchSizes(b *testing.B) []int {
	env := os.Getenv("POSTERN_BENCH_SIZES")
	if env == "" {
		return []int{1000}
	}
	var out []int
	for _, f := range strings.Fields(env) {
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			b.Fatalf("POSTERN_BENCH_SIZES: %q is not a size", f)
		}
		out = append(out, n)
	}
	return out
}

// mailSize is the size of the messages in a Maildir's cur/.
func mailSize(b *testing.B, root string) int64 {
	b.Helper()
	files, err := filepath.Glob(filepath.Join(root, "cur", "*"))
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// cpuTime is the user and system CPU time used by the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIndexMaildir builds the whole index of a genmaildir.py
// Maildir, as "postern index" does: one op is the whole Maildir, from an
// empty index. msgs/s is per second of wall time, msgs/cpu-s per second
// of CPU (run with -cpu 1 for one core), %mail the index's size in
// percent of the mail's; read/N is reading and parsing alone. Reproduce
// with
//
//	go test -tags sqlite_fts5 -run '^$' -bench IndexMaildir -cpu 1 -benchtime 5x ./index
//	POSTERN_BENCH_SIZES=100000 POSTERN_BENCH_CACHE=/var/tmp go test ... -benchtime 1x ./index
func BenchmarkIndexMaildir(b *testing.B) {
	for _, n := range benchSizes(b) {
		root := genBox(b, b.TempDir(), n)
		store, err := maildir.Open(root)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("read/%d", n), func(b *testing.B) {
			// Reading alone: what extraction costs without SQLite.
			fr := (&Index{}).newFileReader()
			files, _ := filepath.Glob(filepath.Join(root, "cur", "*"))
			if len(files) != n {
				b.Fatalf("%d files in cur/, want %d", len(files), n)
			}
			b.ReportAllocs()
			cpu := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, f := range files {
					if _, err := fr.read(f); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.StopTimer()
			cpu = cpuTime() - cpu
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "msgs/cpu-s")
		})
		b.Run(fmt.Sprintf("index/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			dbs := b.TempDir()
			var cpu time.Duration
			var size int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				path := filepath.Join(dbs, fmt.Sprint(i), "index.sqlite")
				c := cpuTime()
				x, err := Open(path, store)
				if err != nil {
					b.Fatal(err)
				}
				p, err := x.Update(0)
				if err != nil {
					b.Fatal(err)
				}
				if p.Indexed != n || p.Total != n {
					b.Fatalf("Update = %+v, want %d of %d", p, n, n)
				}
				x.Close()
				cpu += cpuTime() - c
				b.StopTimer()
				fi, err := os.Stat(path)
				if err != nil {
					b.Fatal(err)
				}
				size = fi.Size()
				os.RemoveAll(filepath.Dir(path))
				b.StartTimer()
			}
			b.StopTimer()
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "msgs/cpu-s")
			b.ReportMetric(100*float64(size)/float64(mailSize(b, root)), "%mail")
		})
	}
}
