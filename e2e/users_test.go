package e2e

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// account is a real Unix user created for the run.
type account struct {
	name, pass string
	uid, gid   int
	home       string
	maildir    string
	mailboxID  string // name.pam
	known      knownMail
}

// newAccount creates user pt<digits><suffix> with a random password and a
// filled Maildir, and pushes `userdel -r` on the cleanup stack.
func newAccount(suffix string) (*account, error) {
	a := &account{
		name: fmt.Sprintf("pt%06d%s", rand.IntN(1000000), suffix),
		pass: "Pw-" + randomHex(8) + "-ü",
	}
	if _, err := run("useradd", "-m", "-s", "/bin/bash", a.name); err != nil {
		return nil, err
	}
	atExit(func() {
		if out, err := run("userdel", "-r", a.name); err != nil && !strings.Contains(out, "mail spool") {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		}
	})
	cmd := exec.Command("chpasswd")
	cmd.Stdin = strings.NewReader(a.name + ":" + a.pass + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("chpasswd: %v: %s", err, out)
	}
	hash, err := shadowHash(a.name)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(hash, "$y$") {
		return nil, fmt.Errorf("shadow entry of %s = %.6q..., want a yescrypt $y$ hash", a.name, hash)
	}
	u, err := user.Lookup(a.name)
	if err != nil {
		return nil, err
	}
	a.uid, _ = strconv.Atoi(u.Uid)
	a.gid, _ = strconv.Atoi(u.Gid)
	a.home = u.HomeDir
	a.maildir = filepath.Join(a.home, "Maildir")
	a.mailboxID = a.name + ".pam"
	if err := fillMaildir(a); err != nil {
		return nil, err
	}
	return a, nil
}

// shadowHash returns the password field of name in /etc/shadow.
func shadowHash(name string) (string, error) {
	f, err := os.Open("/etc/shadow")
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Split(s.Text(), ":")
		if len(fields) > 1 && fields[0] == name {
			return fields[1], nil
		}
	}
	return "", fmt.Errorf("e2e: %s not in /etc/shadow", name)
}

// fillMaildir writes the sample Maildir (from the demo generator when it
// works, else a small one of our own), then the known messages, then gives
// it all to the user with modes 700/600.
func fillMaildir(a *account) error {
	if err := demoGenerate(a.maildir); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: demo generator unusable (%v); writing a small sample Maildir\n", err)
		os.RemoveAll(a.maildir)
		if err := sampleMaildir(a.maildir); err != nil {
			return err
		}
	}
	k, err := writeKnown(a)
	if err != nil {
		return err
	}
	a.known = k
	return chownTree(a, a.maildir)
}

var demoBinary string

// demoGenerate runs `demo -generate dir` built once from ./demo.
func demoGenerate(dir string) error {
	if demoBinary == "" {
		bin := filepath.Join(env.tmp, "demo-generate")
		cmd := exec.Command("go", "build", "-o", bin, "./demo")
		cmd.Dir = env.root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build ./demo: %v: %.300s", err, out)
		}
		demoBinary = bin
	}
	cmd := exec.Command(demoBinary, "-generate", dir)
	done := make(chan error, 1)
	var out []byte
	go func() {
		var err error
		out, err = cmd.CombinedOutput()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("demo -generate: %v: %.300s", err, out)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		return fmt.Errorf("demo -generate: timed out")
	}
	for _, f := range []string{"cur", ".Sent/cur", ".Trash/cur", ".Lists.golang/cur", ".Entw&APw-rfe/cur"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return fmt.Errorf("demo -generate: %v", err)
		}
	}
	return nil
}

// sampleFolders maps on-disk Maildir++ folders to how many messages the
// fallback sample puts in them ("" is INBOX).
var sampleFolders = map[string]int{
	"":              64,
	".Sent":         3,
	".Trash":        2,
	".Lists.golang": 5,
	".Drafts":       1,
	".Entw&APw-rfe": 2, // "Entwürfe" in modified UTF-7 (RFC 3501 5.1.3)
}

var sampleWords = []string{"Quarterly", "apple", "Budget", "zebra", "Meeting", "invoice", "Übersicht", "lunch", "Report", "kite"}

// sampleMaildir writes a small but varied Maildir.
func sampleMaildir(dir string) error {
	n := 0
	for folder, count := range sampleFolders {
		fdir := filepath.Join(dir, folder)
		if err := makeMaildir(fdir); err != nil {
			return err
		}
		if folder != "" {
			if err := os.WriteFile(filepath.Join(fdir, "maildirfolder"), nil, 0o600); err != nil {
				return err
			}
		}
		for i := 0; i < count; i++ {
			n++
			date := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(n) * 7 * time.Hour)
			subj := fmt.Sprintf("%s %s #%d", sampleWords[n%len(sampleWords)], sampleWords[(n*3)%len(sampleWords)], n)
			msg := fmt.Sprintf("From: Sender %d <sender%d@example.org>\r\nTo: you@example.org\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <sample%d@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSample body %d.\r\n",
				n, n, encodeWord(subj), date.Format(time.RFC1123Z), n, n)
			flags := ""
			if n%3 == 0 {
				flags = "S"
			}
			key := fmt.Sprintf("%d.M%dP1.sample", date.Unix(), n)
			if err := os.WriteFile(filepath.Join(fdir, "cur", key+":2,"+flags), []byte(msg), 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

func makeMaildir(dir string) error {
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return err
		}
	}
	return nil
}

// chownTree gives path and everything below it to the account: dirs 0700,
// files 0600.
func chownTree(a *account, path string) error {
	return filepath.Walk(path, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if err := os.Lchown(p, a.uid, a.gid); err != nil {
			return err
		}
		if fi.IsDir() {
			return os.Chmod(p, 0o700)
		}
		return os.Chmod(p, 0o600)
	})
}

// runAs runs argv as the account with a clean environment plus envv.
func runAs(a *account, envv []string, argv ...string) *exec.Cmd {
	args := append([]string{"-u", a.name, "--", "env", "-i"}, envv...)
	return exec.Command("runuser", append(args, argv...)...)
}
