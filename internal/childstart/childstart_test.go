package childstart

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStart: without Use, Start and Run start the program themselves;
// with Use, every start goes through the function given, which Run then
// waits for.
func TestStart(t *testing.T) {
	defer Use(nil)
	cmd := exec.Command("/bin/sh", "-c", "echo plain")
	var out strings.Builder
	cmd.Stdout = &out
	if err := Run(cmd); err != nil || out.String() != "plain\n" {
		t.Fatalf("Run without Use = %v, output %q", err, out.String())
	}
	var used int
	Use(func(c *exec.Cmd) error {
		used++
		c.Env = append(c.Env, "PT_CHILDSTART=hooked")
		return c.Start()
	})
	cmd = exec.Command("/bin/sh", "-c", "echo $PT_CHILDSTART")
	out.Reset()
	cmd.Stdout = &out
	if err := Run(cmd); err != nil || out.String() != "hooked\n" || used != 1 {
		t.Fatalf("Run with Use = %v, output %q, the function used %d times; want hooked, once", err, out.String(), used)
	}
	cmd = exec.Command("/bin/sh", "-c", "exit 3")
	if err := Start(cmd); err != nil || used != 2 {
		t.Fatalf("Start with Use = %v, the function used %d times; want nil, twice", err, used)
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("Wait = %v, want exit status 3", err)
	}
}
