package gnupg

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"postern/internal/childstart"
)

// Forget makes the user's gpg-agent for Home forget every passphrase it
// caches (gpgconf --reload gpg-agent; the agent's
// default-cache-ttl would otherwise keep the one typed in a form for
// minutes). It also forgets those cached for the user's shell sessions.
// gpgconf is taken beside Runner.GPG (or GPGSM). An agent that is not
// running is no error.
func (r *Runner) Forget(ctx context.Context) error {
	_, err := r.gpgconf(ctx, "--reload", "gpg-agent")
	return err
}

// AgentCache is how long the user's gpg-agent keeps a passphrase it
// was given: DefaultTTL after its last use, MaxTTL at most
// (default-cache-ttl and max-cache-ttl).
type AgentCache struct {
	DefaultTTL, MaxTTL time.Duration
}

// AgentCache reads the cache times of the agent of Home from gpgconf
// --list-options gpg-agent: the agent's configuration (gpg-agent.conf,
// else GnuPG's defaults). An agent already running was started with the
// configuration of its start; gpgconf does not ask it.
func (r *Runner) AgentCache(ctx context.Context) (AgentCache, error) {
	out, err := r.gpgconf(ctx, "--list-options", "gpg-agent")
	if err != nil {
		return AgentCache{}, err
	}
	c, ok := parseAgentOptions(out)
	if !ok {
		return AgentCache{}, fmt.Errorf("gnupg: gpgconf --list-options gpg-agent: no cache times")
	}
	return c, nil
}

// parseAgentOptions reads default-cache-ttl and max-cache-ttl from the
// colon format of gpgconf --list-options (doc/tools.texi, "Format
// conventions"): NAME:FLAGS:LEVEL:DESCRIPTION:TYPE:ALT-TYPE:ARGNAME:
// DEFAULT:ARGDEF:VALUE; VALUE when set, else DEFAULT; seconds.
func parseAgentOptions(out []byte) (AgentCache, bool) {
	var c AgentCache
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) < 10 || f[0] != "default-cache-ttl" && f[0] != "max-cache-ttl" {
			continue
		}
		v := f[9]
		if v == "" {
			v = f[7]
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return AgentCache{}, false
		}
		d := time.Duration(n) * time.Second
		if f[0] == "default-cache-ttl" {
			c.DefaultTTL = d
		} else {
			c.MaxTTL = d
		}
		found++
	}
	if found != 2 {
		return AgentCache{}, false
	}
	return c, true
}

// gpgconf runs gpgconf (beside Runner.GPG, or GPGSM) for Home with args,
// within the Runner's time limit, and returns its output.
func (r *Runner) gpgconf(ctx context.Context, args ...string) ([]byte, error) {
	bin := r.GPG
	if bin == "" {
		bin = r.GPGSM
	}
	if bin == "" {
		return nil, fmt.Errorf("%w: no path configured", ErrMissing)
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(filepath.Dir(bin), "gpgconf"), append([]string{"--homedir", r.Home}, args...)...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "GNUPGHOME=" + r.Home}
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = statusGrace
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &limitWriter{w: &out, n: 1 << 20}, &limitWriter{w: &errb, n: 4 << 10}
	if err := childstart.Run(cmd); err != nil {
		return nil, fmt.Errorf("gnupg: gpgconf %s: %v: %.200s", strings.Join(args, " "), err, errb.Bytes())
	}
	return out.Bytes(), nil
}

// limitWriter keeps the first n bytes and drops the rest.
type limitWriter struct {
	w *bytes.Buffer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if room := l.n - l.w.Len(); room > 0 {
		l.w.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
