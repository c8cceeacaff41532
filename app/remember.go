package app

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"postern/internal/privfile"
)

// "Remember my passphrase for this session" (POST /decrypt with
// remember=1): postern never keeps a passphrase itself. After a
// decryption with a typed passphrase the user's gpg-agent holds it in
// its cache; without the box it is dropped at once (gnupg.Forget). With
// the box it is left there when the agent forgets an unused passphrase
// no later than the session's idle timeout (its default-cache-ttl, read
// with gpgconf, is at most session_idle, or public_idle): when the
// session ends by going idle, the agent has forgotten it too. A
// passphrase cached this way is marked by the file rememberFile, and
// logout (POST /logout, which may run GnuPG when crypto is on) reloads
// the agent when it is there. GnuPG's PRESET_PASSPHRASE, which takes a
// cache time of its own, needs allow-preset-passphrase in the user's
// gpg-agent.conf, which postern does not write.

// rememberFile, in <Maildir>/postern/, says that the user's agent may
// hold a passphrase remembered for a session: logout then reloads it.
const rememberFile = "gnupg-remembered"

func (a *app) rememberPath() string {
	return filepath.Join(a.store.Root, "postern", rememberFile)
}

// sessionIdle is the idle timeout of this session.
func (a *app) sessionIdle() time.Duration {
	if a.sess.Public {
		return a.cfg.PublicIdle
	}
	return a.cfg.SessionIdle
}

// minutes is a duration for a reader: "30 minutes".
func minutes(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m == 1 {
		return "1 minute"
	}
	return strconv.Itoa(m) + " minutes"
}

// keepOrForget leaves the passphrase just used in the user's agent when
// keep is asked and the agent's cache time allows it, and makes the
// agent forget it otherwise; it returns what the page says of it.
func (a *app) keepOrForget(ctx context.Context, keep bool) string {
	run := a.gnupgRunner()
	if keep {
		c, err := run.AgentCache(ctx)
		switch {
		case err != nil:
			logf("remembering a passphrase: %v", err)
		case c.DefaultTTL > 0 && c.DefaultTTL <= a.sessionIdle():
			if err := privfile.WriteAtomic(a.rememberPath(), []byte(a.sess.ID+"\n")); err != nil {
				logf("remembering a passphrase: %v", err)
				break
			}
			return " Your gpg-agent keeps the passphrase for this session: it forgets it " + minutes(c.DefaultTTL) + " after its last use, and when you log out."
		default:
			if err := run.Forget(ctx); err != nil {
				logf("%v", err)
			}
			return " The passphrase was not remembered: your gpg-agent keeps an unused passphrase for " + minutes(c.DefaultTTL) +
				" (default-cache-ttl in gpg-agent.conf), longer than this session's idle timeout of " + minutes(a.sessionIdle()) + "."
		}
	}
	if err := run.Forget(ctx); err != nil {
		logf("%v", err)
	}
	return ""
}

// forgetRemembered, at logout, reloads the user's agent when a
// passphrase was remembered for a session (rememberFile), and removes
// the mark. Nothing runs otherwise.
func (a *app) forgetRemembered(ctx context.Context) {
	if !a.cfg.Crypto {
		return
	}
	if _, err := os.Lstat(a.rememberPath()); errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err := a.gnupgRunner().Forget(ctx); err != nil {
		logf("forgetting the remembered passphrase at logout: %v", err)
		return
	}
	if err := os.Remove(a.rememberPath()); err != nil {
		logf("%v", err)
	}
}
