package main

import (
	"flag"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"time"

	"postern/auth"
	"postern/config"
	"postern/index"
	"postern/maildir"
	"postern/privdrop"
)

// indexCommand is "postern index": bring the caller's search index up to
// date ahead of time (an admin's cron job, a delivery hook). It runs as
// the calling user only: a setuid run first drops to the real uid and
// gid, before reading anything; root is refused (run it as the user).
func indexCommand(args []string, setuid bool, cfgPath string) int {
	if setuid {
		groups, err := os.Getgroups()
		if err == nil {
			err = privdrop.Drop(os.Getuid(), os.Getgid(), groups)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "postern: index: privilege drop failed:", err)
			return exitDrop
		}
	}
	fs := flag.NewFlagSet("postern index", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	quiet := fs.Bool("q", false, "print nothing but errors")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return exitUsage
	}
	if os.Getuid() == 0 {
		fmt.Fprintln(os.Stderr, "postern: index: run it as the mail's owner, not root (su -s /bin/sh -c 'postern index' USER)")
		return exitCaller
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "postern: index: %s: %v\n", cfgPath, err)
		return exitConfig
	}
	u, err := user.LookupId(strconv.Itoa(os.Getuid()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
		return exitInternal
	}
	acct, err := auth.SystemAccount(u.Username, cfg.Auth, cfg.Maildir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
		return exitInternal
	}
	store, err := maildir.Open(acct.Maildir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
		return exitInternal
	}
	start := time.Now()
	x, err := index.Open(index.Path(cfg.IndexDir, acct.Maildir, acct.User), store)
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
		return exitInternal
	}
	defer x.Close()
	before, _ := x.Progress()
	p, err := x.Update(0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern: index:", err)
		return exitInternal
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
	return exitOK
}

// indexSweep bounds the sweep of tmp/ that postern index does after the
// index: more than a web request's, no request waits for it.
var indexSweep = maildir.SweepLimits{MaxEntries: 100_000, Budget: 10 * time.Second}
