package gnupg

import (
	"context"
	"testing"
	"time"

	"postern/internal/gpgtest"
)

var (
	tool        = gpgtest.Tool
	newHome     = gpgtest.NewHome
	gpgCmd      = gpgtest.GPG
	runTool     = gpgtest.Run
	newKey      = gpgtest.NewKey
	fingerprint = gpgtest.Fingerprint
	forget      = gpgtest.Forget
)

// runner returns a Runner for home with the installed programs.
func runner(t *testing.T, home string) *Runner {
	t.Helper()
	return &Runner{GPG: tool(t, "gpg"), GPGSM: tool(t, "gpgsm"), Home: home, Timeout: 30 * time.Second}
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	return t.Context()
}
