package filters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"postern/internal/childstart"
	"postern/internal/privfile"
)

// Languages of a Target.
const (
	Sieve        = "sieve"
	MaildropLang = "maildrop"
)

// Limits of a compiler run.
const (
	CompileTimeout  = 10 * time.Second
	MaxCompilerOut  = 16 << 10 // bytes of the compiler's output kept for the user
	maxScriptHeader = 4 << 10  // bytes read of an existing script to find Marker
)

// ErrNotOurs is returned by Install when the script file exists and was
// not written by postern: it is left as it is.
var ErrNotOurs = errors.New("filters: the script file was not written by postern")

// CompileError is a generated script the site's compiler refused; Output
// is what the compiler said (at most MaxCompilerOut bytes).
type CompileError struct {
	Compiler string
	Output   string
	Err      error
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("filters: %s refused the rules: %v: %s", filepath.Base(e.Compiler), e.Err, strings.TrimSpace(e.Output))
}

func (e *CompileError) Unwrap() error { return e.Err }

// Target is where and how a Set is written for the delivery agent.
type Target struct {
	Language string // Sieve or MaildropLang
	Script   string // postern's script, absolute: ~/sieve/postern.sieve or ~/.mailfilter
	// Active is, for Sieve, the active script Dovecot runs
	// (~/.dovecot.sieve), made a symbolic link to Script when it does
	// not exist; "" when the site activates scripts otherwise.
	Active   string
	Compiler string   // sievec or maildrop, absolute
	StateDir string   // <Maildir>/postern, for the vacation's files
	Home     string   // the user's home, HOME of the compiler
	Maildrop Maildrop // MaildropLang: paths in the rules
}

// Result says what Install did beyond writing the script.
type Result struct {
	// Inactive is set when Active is a file or link postern did not
	// make: the script is written but runs only if the user's own
	// active script includes it.
	Inactive bool
}

// Install generates s in t's language, has the compiler check it, and
// only then replaces t.Script (atomically, mode 600) and, for maildrop,
// the vacation's files. A script that does not compile is a
// *CompileError and changes nothing; an existing script without Marker is
// ErrNotOurs and changes nothing.
func Install(t Target, s *Set) (Result, error) {
	var res Result
	var script []byte
	var err error
	switch t.Language {
	case Sieve:
		script, err = s.Sieve()
	case MaildropLang:
		script, err = s.Maildrop(t.Maildrop)
	default:
		return res, fmt.Errorf("filters: unknown language %q", t.Language)
	}
	if err != nil {
		return res, err
	}
	if err := checkOurs(t.Script); err != nil {
		return res, err
	}
	dir := filepath.Dir(t.Script)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, fmt.Errorf("filters: %w", err)
	}
	switch t.Language {
	case Sieve:
		err = checkSieve(t.Compiler, t.Home, dir, script)
	case MaildropLang:
		err = checkMaildrop(t.Compiler, t.Home, dir, script)
	}
	if err != nil {
		return res, err
	}
	if t.Language == MaildropLang {
		for name, data := range s.Vacation.VacationFiles() {
			if err := privfile.WriteAtomic(filepath.Join(t.StateDir, name), data); err != nil {
				return res, fmt.Errorf("filters: %w", err)
			}
		}
	}
	if err := privfile.WriteAtomic(t.Script, script); err != nil {
		return res, fmt.Errorf("filters: %w", err)
	}
	if t.Language == Sieve && t.Active != "" {
		ok, err := activate(t.Active, t.Script)
		if err != nil {
			return res, err
		}
		res.Inactive = !ok
	}
	return res, nil
}

// checkOurs refuses a script file that exists and does not start with
// Marker (or that is not a regular file).
func checkOurs(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrNotOurs, path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a regular file", ErrNotOurs, path)
	}
	head := make([]byte, len(Marker))
	n, _ := f.Read(head)
	if string(head[:n]) != Marker {
		return fmt.Errorf("%w: %s", ErrNotOurs, path)
	}
	return nil
}

// activate makes active a symbolic link to script (relative when script
// is below active's directory) unless something is there already, and
// reports whether active now runs script.
func activate(active, script string) (bool, error) {
	fi, err := os.Lstat(active)
	if err == nil {
		if fi.Mode()&fs.ModeSymlink == 0 {
			return false, nil
		}
		to, err := os.Readlink(active)
		if err != nil {
			return false, fmt.Errorf("filters: %w", err)
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(active), to)
		}
		return filepath.Clean(to) == filepath.Clean(script), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("filters: %w", err)
	}
	target := script
	if rel, err := filepath.Rel(filepath.Dir(active), script); err == nil && !strings.HasPrefix(rel, "..") {
		target = rel
	}
	if err := os.Symlink(target, active); err != nil {
		return false, fmt.Errorf("filters: %w", err)
	}
	return true, nil
}

// checkSieve compiles script with sievec into a temporary binary in dir,
// and removes both.
func checkSieve(sievec, home, dir string, script []byte) error {
	tmp, err := writeTemp(dir, ".postern-check-*.sieve", script)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	bin := strings.TrimSuffix(tmp, ".sieve") + ".svbin"
	defer os.Remove(bin)
	return run(home, nil, sievec, tmp, bin)
}

// checkMaildrop runs maildrop in manual mode on a copy of script whose
// first statement is exit: maildrop parses the whole file first, so a
// syntax error is reported (exit status 75) and nothing is delivered.
func checkMaildrop(maildrop, home, dir string, script []byte) error {
	tmp, err := writeTemp(dir, ".postern-check-*", append([]byte("EXITCODE=0\nexit\n"), script...))
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	msg := []byte("From: postern@localhost\nSubject: check\n\ncheck\n")
	return run(home, msg, maildrop, tmp)
}

func writeTemp(dir, pattern string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("filters: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("filters: %w", err)
	}
	return f.Name(), nil
}

// run runs argv (argv[0] absolute) with stdin, CompileTimeout and a small
// environment, and returns a *CompileError when it fails.
func run(home string, stdin []byte, argv ...string) error {
	prog := argv[0]
	ctx, cancel := context.WithTimeout(context.Background(), CompileTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, argv[1:]...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + home, "LANG=C"}
	cmd.Stdin = bytes.NewReader(stdin)
	var out limited
	out.max = MaxCompilerOut
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = time.Second
	if err := childstart.Run(cmd); err != nil {
		return &CompileError{Compiler: prog, Output: out.String(), Err: err}
	}
	return nil
}

// limited keeps the first max bytes written to it.
type limited struct {
	bytes.Buffer
	max int
}

func (l *limited) Write(p []byte) (int, error) {
	if room := l.max - l.Len(); room > 0 {
		if len(p) > room {
			l.Buffer.Write(p[:room])
		} else {
			l.Buffer.Write(p)
		}
	}
	return len(p), nil
}
