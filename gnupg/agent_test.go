package gnupg

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestParseAgentOptions reads real gpgconf 2.2 output: the defaults, and
// a value set in gpg-agent.conf.
func TestParseAgentOptions(t *testing.T) {
	const defaults = "default-cache-ttl:24:0:expire cached PINs after N seconds:3:3:N:600::\n" +
		"default-cache-ttl-ssh:24:1:expire SSH keys after N seconds:3:3:N:1800::\n" +
		"max-cache-ttl:24:2:set maximum PIN cache lifetime to N seconds:3:3:N:7200::\n"
	tests := []struct {
		name, in string
		want     AgentCache
		ok       bool
	}{
		{"defaults", defaults, AgentCache{600 * time.Second, 7200 * time.Second}, true},
		{"set", "default-cache-ttl:24:0:expire cached PINs after N seconds:3:3:N:600::300\nmax-cache-ttl:24:2:x:3:3:N:7200::\n",
			AgentCache{300 * time.Second, 7200 * time.Second}, true},
		{"missing max", "default-cache-ttl:24:0:x:3:3:N:600::\n", AgentCache{}, false},
		{"garbage value", "default-cache-ttl:24:0:x:3:3:N:600::soon\nmax-cache-ttl:24:2:x:3:3:N:7200::\n", AgentCache{}, false},
		{"empty", "", AgentCache{}, false},
	}
	for _, tt := range tests {
		got, ok := parseAgentOptions([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: parseAgentOptions = %+v, %v, want %+v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestAgentCache asks the real gpgconf, before and after gpg-agent.conf
// sets a cache time.
func TestAgentCache(t *testing.T) {
	home := newHome(t)
	r := runner(t, home)
	c, err := r.AgentCache(ctx(t))
	if err != nil || c.DefaultTTL <= 0 || c.MaxTTL < c.DefaultTTL {
		t.Fatalf("AgentCache = %+v, %v, want GnuPG's defaults", c, err)
	}
	if err := os.WriteFile(filepath.Join(home, "gpg-agent.conf"), []byte("default-cache-ttl 42\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := r.AgentCache(ctx(t)); err != nil || c.DefaultTTL != 42*time.Second {
		t.Errorf("AgentCache with default-cache-ttl 42 = %+v, %v", c, err)
	}
}
