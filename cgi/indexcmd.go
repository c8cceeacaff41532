package main

import (
	"flag"
	"fmt"
	"os"
	"os/user"
	"postern/gate"
	"strconv"
	"time"

	"postern/auth"
	"postern/config"
	"postern/index"
	"postern/maildir"
)

// indexCommand is "postern index": bring the caller's search index up to
// date ahead of time (an admin's cron job, a delivery hook). It runs as
// the calling user only, never root: a setuid run has dropped to the real
// uid and gid (command) before it gets here, and root is refused (run it
// as the user).
func indexCommand(args []string, cfgPath string) int {
	fs := flag.NewFlagSet("postern index", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	quiet := fs.Bool("q", false, "print nothing but errors")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return gate.ExitUsage
	}
	if os.Getuid() == 0 {
		fmt.Fprintln(os.Stderr, "postern: index: run it as the mail's owner, not root (su -s /bin/sh -c 'postern index' USER)")
		return gate.ExitCaller
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "postern: index: %s: %v\n", cfgPath, err)
		return gate.ExitConfig
	}
	u, err := user.LookupId(strconv.Itoa(os.Getuid()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
		return gate.ExitInternal
	}
	acct, err := auth.SystemAccount(u.Username, cfg.Auth, cfg.Maildir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
		return gate.ExitInternal
	}
	store, err := maildir.Open(acct.Maildir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
		return gate.ExitInternal
	}
	start := time.Now()
	x, err := index.Open(index.Path(cfg.IndexDirFor(acct.User), acct.Maildir), store)
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
		return gate.ExitInternal
	}
	defer x.Close()
	before, _ := x.Progress()
	p, err := x.Update(0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
		return gate.ExitInternal
	}
	if !*quiet {
		d := time.Since(start)
		n := p.Indexed - before.Indexed
		fmt.Printf("postern: indexed %d messages in %.1fs (%.0f/s); %d of %d messages indexed\n",
			n, d.Seconds(), float64(n)/max(d.Seconds(), 1e-3), p.Indexed, p.Total)
	}
	sw, err := store.SweepTmp(time.Now(), indexSweep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
	}
	if !*quiet && sw.Removed > 0 {
		fmt.Printf("postern: removed %d files abandoned in tmp/ for more than %.0f hours\n", sw.Removed, maildir.TmpMaxAge.Hours())
	}
	return gate.ExitOK
}

// indexSweep bounds the sweep of tmp/ that postern index does after the
// index: more than a web request's, no request waits for it.
var indexSweep = maildir.SweepLimits{MaxEntries: 100_000, Budget: 10 * time.Second}
