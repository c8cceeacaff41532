// Command postern-login is the login helper of postern's root room: it
// holds PAM and libc's name service switch, which the static request
// binary does not link, and answers one question per run. The protocol
// (arguments, the fields on the standard input, the exit statuses, the
// output) is auth/checkpass's; this program only implements its Ops:
//
//   - pam SERVICE auth: pam_authenticate and pam_acct_mgmt (auth/pam's
//     Backend.Check);
//   - pam SERVICE account: pam_acct_mgmt alone (Backend.CheckAccount);
//   - pam SERVICE chauthtok: the password change (Backend.Change);
//   - lookup: the user's passwd entry and groups through NSS (os/user with
//     cgo: getpwnam_r and getgrouplist).
//
// It is installed as LIBEXECDIR/postern-login, mode 0700 root: only the
// root room runs it, as root (real uid the web server's, as for the
// in-process PAM of before), with an empty environment, the working
// directory /, and a time limit (checkpass.DefaultTimeout). It reads no
// configuration of its own: the PAM service comes in its arguments, and
// nothing else is needed.
//
// Like the request binary it links privdrop/rtenv: no GO* variable
// reaches its runtime (its environment is empty anyway; rtenv.Check makes
// sure), and the runtime starts with one P, so that it spends no CPU on
// idle Ps while pam_unix hashes the password (yescrypt: most of a login).
package main

import (
	"errors"
	"os"
	"os/user"
	"strconv"

	gopam "github.com/msteinert/pam/v2"

	"postern/auth/checkpass"
	"postern/auth/pam"
	"postern/privdrop/rtenv"
)

func main() {
	if err := rtenv.Check(); err != nil {
		os.Stdout.Write(checkpass.Detail(err))
		os.Exit(checkpass.StatusInternal)
	}
	os.Exit(checkpass.Serve(os.Args[1:], os.Stdin, os.Stdout, ops{}))
}

// ops does each operation with libpam and libc.
type ops struct{}

func (ops) Authenticate(service, user, password, rhost string) error {
	return classify(pam.New(service).Check(user, password, rhost))
}

func (ops) Account(service, user string) error {
	return classify(pam.New(service).CheckAccount(user))
}

func (ops) ChangePassword(service, user, old, new, rhost string) error {
	return classify(pam.New(service).Change(user, old, new, rhost))
}

func (ops) Lookup(name string) (*checkpass.Entry, error) {
	u, err := user.Lookup(name)
	if err != nil {
		var unknown user.UnknownUserError
		if errors.As(err, &unknown) {
			return nil, &checkpass.StatusError{Status: checkpass.StatusNoUser, Err: err}
		}
		return nil, err
	}
	return entry(u)
}

// entry converts os/user's answer.
func entry(u *user.User) (*checkpass.Entry, error) {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, err
	}
	ids, err := u.GroupIds()
	if err != nil {
		return nil, err
	}
	e := &checkpass.Entry{UID: uid, GID: gid, Home: u.HomeDir}
	for _, s := range ids {
		g, err := strconv.Atoi(s)
		if err != nil {
			return nil, err
		}
		e.Groups = append(e.Groups, g)
	}
	return e, nil
}

// classify gives PAM's refusal its exit status.
func classify(err error) error {
	status := checkpass.StatusRefused
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pam.ErrStart):
		status = checkpass.StatusInternal
	case errors.Is(err, gopam.ErrNewAuthtokReqd):
		status = checkpass.StatusMustChange
	case errors.Is(err, gopam.ErrAcctExpired), errors.Is(err, gopam.ErrAuthtokExpired), errors.Is(err, gopam.ErrPermDenied):
		status = checkpass.StatusUnusable
	}
	return &checkpass.StatusError{Status: status, Err: err}
}
