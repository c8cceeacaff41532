package gnupg

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"syscall"
)

// Forget makes the user's gpg-agent for Home forget every passphrase it
// caches (gpgconf --reload gpg-agent; the agent's
// default-cache-ttl would otherwise keep the one typed in a form for
// minutes). It also forgets those cached for the user's shell sessions.
// gpgconf is taken beside Runner.GPG (or GPGSM). An agent that is not
// running is no error.
func (r *Runner) Forget(ctx context.Context) error {
	bin := r.GPG
	if bin == "" {
		bin = r.GPGSM
	}
	if bin == "" {
		return fmt.Errorf("%w: no path configured", ErrMissing)
	}
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(filepath.Dir(bin), "gpgconf"), "--homedir", r.Home, "--reload", "gpg-agent")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "GNUPGHOME=" + r.Home}
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = statusGrace
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gnupg: gpgconf --reload gpg-agent: %v: %.200s", err, out)
	}
	return nil
}
