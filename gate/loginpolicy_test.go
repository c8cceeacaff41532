package gate

import (
	"testing"

	"postern/config"
)

func TestClientCertProblem(t *testing.T) {
	for _, tt := range []struct {
		mode, verify, email, cn, user string
		ok                            bool
	}{
		{"off", "", "", "", "alice", true},
		{"require", "SUCCESS", "", "anyone", "alice", true},
		{"require", "NONE", "", "", "alice", false},
		{"require", "FAILED:unable to get local issuer certificate", "", "alice", "alice", false},
		{"match", "SUCCESS", "", "alice", "alice", true},
		{"match", "SUCCESS", "Alice@Example.org", "x", "alice@example.org", true}, // e-mail case-insensitive
		{"match", "SUCCESS", "bob@example.org", "bob", "alice", false},
		{"match", "SUCCESS", "", "Alice", "alice", false}, // CN exactly
		{"match", "SUCCESS", "", "bob", "", true},         // before the user is known: verification only
	} {
		t.Setenv("SSL_CLIENT_VERIFY", tt.verify)
		t.Setenv("SSL_CLIENT_S_DN_Email", tt.email)
		t.Setenv("SSL_CLIENT_S_DN_CN", tt.cn)
		cfg := config.Default()
		cfg.ClientCert = tt.mode
		if got := clientCertProblem(cfg, tt.user); (got == "") != tt.ok {
			t.Errorf("clientCertProblem(%s, verify %q, email %q, cn %q, user %q) = %q, want ok %v", tt.mode, tt.verify, tt.email, tt.cn, tt.user, got, tt.ok)
		}
	}
}
