package app

import (
	"net/url"
	"os"
	"strconv"

	"postern/config"
	"postern/httpcgi"
	"postern/maildir"
	"postern/spam"
)

// maxLearn bounds how many messages one click teaches the spam filter
// (each is one run of the learn command); the rest are only moved.
const maxLearn = 20

// spamOp is POST /spam: learn = spam moves the selected messages to the
// junk folder, ham moves them to INBOX; both run the configured learn
// command on each (at most maxLearn) before the move.
func (a *app) spamOp(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	f := r.PostForm
	folder, ids, err := a.selection(f)
	if err != nil {
		return err
	}
	var dest, command string
	switch op := f.Get("learn"); op {
	case "spam":
		dest, command = a.cfg.Junk, a.cfg.LearnSpam
	case "ham":
		dest, command = maildir.Inbox, a.cfg.LearnHam
	default:
		return badRequest("Unknown action.", nil)
	}
	if dest == folder {
		return badRequest("The messages are in that folder already.", nil)
	}
	if !a.store.Exists(dest) {
		if err := a.store.CreateFolder(dest); err != nil {
			return err
		}
	}
	failed := 0
	if argv := config.Command(command); len(argv) > 0 {
		env := []string{"PATH=/usr/bin:/bin", "HOME=" + a.acct.Home, "USER=" + a.acct.User, "LOGNAME=" + a.acct.User,
			"TMPDIR=" + os.Getenv("TMPDIR"), "LANG=C"}
		for i, id := range ids {
			if i == maxLearn {
				failed += len(ids) - maxLearn
				break
			}
			if err := a.learn(argv, env, folder, id); err != nil {
				logf("learn for %s: %v", a.acct.User, err)
				failed++
			}
		}
	}
	if err := a.move(folder, ids, dest); err != nil {
		return err
	}
	back := backTo(r, link(r, "/list", url.Values{"f": {folder}}))
	u := withNotice(back, f.Get("learn"), len(ids), dest)
	if failed > 0 {
		u += "&lf=" + strconv.Itoa(failed)
	}
	httpcgi.Redirect(w, r, u, httpcgi.StatusSeeOther)
	return nil
}

// learn runs argv on one message.
func (a *app) learn(argv, env []string, folder, id string) error {
	path, err := a.store.MessagePath(folder, id)
	if err != nil {
		return err
	}
	m, err := os.Open(path)
	if err != nil {
		return err
	}
	defer m.Close()
	fi, err := m.Stat()
	if err != nil {
		return err
	}
	return spam.Learn(argv, env, m, fi.Size())
}
