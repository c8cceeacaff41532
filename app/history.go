package app

import (
	"bytes"
	"os"
	"path/filepath"
	"time"

	"postern/auth"
	"postern/config"
	"postern/gate"
	"postern/guard"
	"postern/loginlog"
	"postern/maildir"
	"postern/templates"
	"postern/useragent"
)

// The login history and the last-login notice (package loginlog). Every
// write is best effort: a history that cannot be written is logged, and
// the login or the action goes on.

// historyLog is the user's history (the process is in their Maildir).
func historyLog() *loginlog.Log {
	return &loginlog.Log{Path: filepath.Join(maildirPath(), "postern", "loginlog")}
}

// noticePath is the file of the one-time notice after a login.
func noticePath() string { return filepath.Join(maildirPath(), "postern", "loginnotice") }

func maildirPath() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	return wd
}

// event is an entry of kind by the client of this request.
func event(req *gate.Request, kind string) loginlog.Entry {
	return loginlog.Entry{Time: time.Now(), Kind: kind, IP: req.RemoteAddr,
		Browser: useragent.Short(os.Getenv("HTTP_USER_AGENT"))}
}

// foldFailures appends the failed logins the root room took from the
// guard's record (gate.Login.Failures) to the history, for a login that
// waits for its second factor.
func foldFailures(acct *auth.Account, fs []guard.Failure) {
	if len(fs) == 0 {
		return
	}
	if _, err := historyLog().Append(failureEntries(fs)...); err != nil {
		logf("login history of %s: %v", acct.User, err)
	}
}

// failureEntries are the history's entries of the guard's failures.
func failureEntries(fs []guard.Failure) []loginlog.Entry {
	es := make([]loginlog.Entry, 0, len(fs))
	for _, f := range fs {
		ip := f.IP
		if ip == "-" {
			ip = ""
		}
		es = append(es, loginlog.Entry{Time: f.Time, Kind: loginlog.Failed, IP: ip, Browser: f.Browser, Reason: f.Reason})
	}
	return es
}

// loginWhole records a login that is complete (with factors), after the
// failures handed over with it (one write), and keeps the notice for the
// session sid's next page: the login before this one and the failures
// since, those handed over included.
func loginWhole(cfg *config.Config, acct *auth.Account, req *gate.Request, sid, factors string, fs []guard.Failure) {
	e := event(req, loginlog.Login)
	e.Factors = factors
	fails := failureEntries(fs)
	before, err := historyLog().Append(append(fails, e)...)
	if err != nil {
		logf("login history of %s: %v", acct.User, err)
	}
	loginAlert(cfg, acct, before, e)
	text := loginlog.Summarize(append(before, fails...)).Text()
	if text == "" {
		return
	}
	if err := loginlog.SaveNotice(noticePath(), sid, text); err != nil {
		logf("login notice of %s: %v", acct.User, err)
	}
}

// recordEvent appends an event of the logged-in user (kind Failed with
// reason, LogoutOthers, Password).
func (a *app) recordEvent(kind, reason string) {
	e := event(a.req, kind)
	e.Reason = reason
	if _, err := historyLog().Append(e); err != nil {
		logf("login history of %s: %v", a.acct.User, err)
	}
}

// loginNotice is the notice of this session's login, once.
func (a *app) loginNotice() string {
	if a.sess == nil {
		return ""
	}
	text, _, err := loginlog.TakeNotice(noticePath(), a.sess.ID)
	if err != nil {
		logf("login notice of %s: %v", a.acct.User, err)
	}
	return text
}

// historyRows is the history for the security page, newest first.
func (a *app) historyRows() []templates.HistoryRow {
	es, err := historyLog().Read()
	if err != nil {
		logf("login history of %s: %v", a.acct.User, err)
	}
	rows := make([]templates.HistoryRow, 0, len(es))
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		r := templates.HistoryRow{Time: e.Time.Local().Format(time.DateTime), What: e.What(), IP: e.IP,
			Browser: e.Browser, Factors: e.Factors, Failed: e.Kind == loginlog.Failed}
		if r.Failed {
			r.Why = e.Why()
		}
		rows = append(rows, r)
	}
	return rows
}

// loginAlert puts a message in the user's INBOX, when their preferences
// ask for it (login_alert), about a login from a network or browser not
// seen among the logins of the last 90 days (loginlog.Unusual). It is
// delivered into the Maildir, not sent: no program runs at a login.
func loginAlert(cfg *config.Config, acct *auth.Account, before []loginlog.Entry, e loginlog.Entry) {
	if !readPrefs(cfg.PageSize).LoginAlert {
		return
	}
	newNet, newBrowser := loginlog.Unusual(before, e)
	if !newNet && !newBrowser {
		return
	}
	store, err := maildir.Open(maildirPath())
	if err == nil {
		addr := acct.User + "@" + mailDomain(cfg)
		_, err = store.Deliver("INBOX", bytes.NewReader(loginlog.AlertMessage(cfg.SiteName, addr, e, newNet, newBrowser, time.Now())), "")
	}
	if err != nil {
		logf("login alert of %s: %v", acct.User, err)
	}
}
