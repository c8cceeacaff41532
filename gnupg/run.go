package gnupg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"postern/internal/childstart"
)

// Defaults of a Runner's limits.
const (
	DefaultTimeout   = 10 * time.Second
	DefaultMaxOutput = 32 << 20
	// maxStderr is kept of gpg's human messages, for the log only.
	maxStderr = 4 << 10
	// statusGrace is how long the status and output pipes may stay open
	// after gpg has exited.
	statusGrace = 2 * time.Second
)

// Errors a caller branches on.
var (
	// ErrMissing: the program is not there or not executable.
	ErrMissing = errors.New("gnupg: program missing")
	// ErrTimeout: the call took longer than Runner.Timeout and was killed.
	ErrTimeout = errors.New("gnupg: time limit reached")
	// ErrTooLarge: the output was longer than Runner.MaxOutput; the call
	// was killed and its output thrown away.
	ErrTooLarge = errors.New("gnupg: output over the size limit")
)

// Runner runs gpg and gpgsm as the current (already dropped) user.
type Runner struct {
	GPG   string // path of gpg, e.g. /usr/bin/gpg
	GPGSM string // path of gpgsm
	// Home is the GnuPG home (--homedir), e.g. /home/alice/.gnupg.
	Home string
	// Timeout bounds each call (default DefaultTimeout).
	Timeout time.Duration
	// MaxOutput bounds the data read from each call's standard output
	// (default DefaultMaxOutput).
	MaxOutput int64
}

// result is what one call gave.
type result struct {
	status []Status
	out    []byte
	stderr []byte // the last maxStderr bytes, for the log
	exit   int
}

// commonArgs are given to every call, before the command's own.
func commonArgs(home string) []string {
	return []string{"--homedir", home, "--batch", "--no-tty", "--status-fd", "3", "--with-colons",
		"--enable-special-filenames", "--no-greeting"}
}

// run runs prog with the common arguments and --pinentry-mode loopback,
// then args; stdin is the data, extra (if not nil) is readable on fd 4
// ("-&4") and the passphrase (if not nil) on fd 5 (--passphrase-fd 5). The passphrase is never in argv nor in the
// environment.
func (r *Runner) run(ctx context.Context, prog string, args []string, stdin, extra, passphrase []byte) (*result, error) {
	if prog == "" {
		return nil, fmt.Errorf("%w: no path configured", ErrMissing)
	}
	if st, err := os.Stat(prog); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("%w: %s", ErrMissing, prog)
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	maxOut := r.MaxOutput
	if maxOut <= 0 {
		maxOut = DefaultMaxOutput
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// Always loopback: no pinentry is ever started (it would wait for
	// a terminal or a display); without a passphrase gpg asks for one
	// with NEED_PASSPHRASE and gives up.
	argv := append(commonArgs(r.Home), "--pinentry-mode", "loopback")
	if passphrase != nil {
		argv = append(argv, "--passphrase-fd", "5")
	}
	argv = append(argv, args...)
	cmd := exec.Command(prog, argv...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "GNUPGHOME=" + r.Home}
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdin = bytes.NewReader(stdin)
	// A gpg-agent started by gpg must not keep a response waiting: it
	// closes its descriptors, but should one keep stdout or stderr, the
	// wait ends this long after gpg itself.
	cmd.WaitDelay = statusGrace

	statusR, statusW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("gnupg: %w", err)
	}
	defer statusR.Close()
	files := []*os.File{statusW}
	var feeders []*os.File // parent ends to write, closed when written
	var feedData [][]byte
	for _, data := range [][]byte{extra, passphrase} {
		pr, pw, err := os.Pipe()
		if err != nil {
			closeAll(files)
			closeAll(feeders)
			return nil, fmt.Errorf("gnupg: %w", err)
		}
		files = append(files, pr)
		feeders = append(feeders, pw)
		feedData = append(feedData, data)
	}
	cmd.ExtraFiles = files
	stdout := &limitBuffer{max: maxOut, full: make(chan struct{})}
	stderr := &tailBuffer{max: maxStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := childstart.Start(cmd); err != nil {
		closeAll(files)
		closeAll(feeders)
		return nil, fmt.Errorf("%w: %s: %v", ErrMissing, prog, err)
	}
	closeAll(files) // the child's ends
	var wg sync.WaitGroup
	for i, w := range feeders {
		wg.Add(1)
		go func(w *os.File, data []byte) {
			defer wg.Done()
			defer w.Close()
			if data != nil {
				_, _ = w.Write(data) // a child that stops reading gets EPIPE here, not us a signal
			}
		}(w, feedData[i])
	}
	var status []Status
	statusDone := make(chan struct{})
	go func() {
		status = ParseStatus(statusR)
		_, _ = io.Copy(io.Discard, statusR)
		close(statusDone)
	}()
	waitDone := make(chan error, 1)
	go func() { waitDone <- cmd.Wait() }()
	var werr error
	timedOut := false
	select {
	case werr = <-waitDone:
	case <-ctx.Done():
		timedOut = true
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		werr = <-waitDone
	case <-stdout.full:
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		werr = <-waitDone
	}
	wg.Wait()
	select {
	case <-statusDone:
	case <-time.After(statusGrace):
		_ = statusR.Close() // someone kept the status pipe open
		<-statusDone
	}
	if timedOut {
		return nil, fmt.Errorf("%w (%s, %v)", ErrTimeout, prog, timeout)
	}
	if stdout.over {
		return nil, fmt.Errorf("%w (%s, %d bytes)", ErrTooLarge, prog, maxOut)
	}
	res := &result{status: status, out: stdout.buf.Bytes(), stderr: stderr.bytes()}
	var ee *exec.ExitError
	switch {
	case werr == nil:
	case errors.As(werr, &ee):
		res.exit = ee.ExitCode()
	default:
		return nil, fmt.Errorf("gnupg: %s: %w", prog, werr)
	}
	return res, nil
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		_ = f.Close()
	}
}

// limitBuffer keeps at most max bytes and signals once when more come.
type limitBuffer struct {
	buf  bytes.Buffer
	max  int64
	over bool
	full chan struct{} // closed when the limit is passed
}

func (b *limitBuffer) Write(p []byte) (int, error) {
	if b.over {
		return 0, ErrTooLarge
	}
	if int64(b.buf.Len()+len(p)) > b.max {
		b.over = true
		b.buf.Reset()
		close(b.full)
		return 0, ErrTooLarge
	}
	return b.buf.Write(p)
}

// tailBuffer keeps the last max bytes written.
type tailBuffer struct {
	buf []byte
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if len(b.buf) > b.max {
		b.buf = b.buf[len(b.buf)-b.max:]
	}
	return len(p), nil
}

func (b *tailBuffer) bytes() []byte { return b.buf }
