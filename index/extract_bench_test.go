package index

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// genBox writes n messages of genmaildir.py (seed 42, all in cur/) into a
// new Maildir under dir.
func genBox(b *testing.B, dir string, n int) string {
	b.Helper()
	script := genmaildir(b)
	root := filepath.Join(dir, "Maildir")
	out, err := exec.Command("python3", script, "--maildir", root, "--count", fmt.Sprint(n),
		"--seed", "42", "--new", "0").CombinedOutput()
	if err != nil {
		b.Fatalf("genmaildir.py: %v\n%s", err, out)
	}
	return root
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
// of CPU (run with -cpu 1 for one core). Reproduce with
//
//	go test -tags sqlite_fts5 -run '^$' -bench IndexMaildir -cpu 1 -benchtime 5x ./index
func BenchmarkIndexMaildir(b *testing.B) {
	for _, n := range []int{1000} {
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
			cpu := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				x, err := Open(filepath.Join(dbs, fmt.Sprint(i), "index.sqlite"), store)
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
			}
			b.StopTimer()
			cpu = cpuTime() - cpu
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "msgs/cpu-s")
		})
	}
}
