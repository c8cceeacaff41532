package app

import "postern/httpcgi"

// sessionCheck answers POST /session-check (gate.SessionCheckPath), which
// the root room asks before a PAM password change: 204 when the request
// got here, that is its session is proved (userRequest), full (factorGate sends
// a pending one to the code form) and its CSRF token right (route).
func (a *app) sessionCheck(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if a.sess.Pending { // factorGate has answered already; never 204 for it
		return &httpError{status: httpcgi.StatusForbidden, public: "The login is not complete."}
	}
	w.WriteHeader(httpcgi.StatusNoContent)
	return nil
}
