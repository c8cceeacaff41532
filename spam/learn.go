package spam

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"postern/internal/childstart"
)

// Limits of Learn.
const (
	LearnTimeout   = 60 * time.Second
	MaxLearnBytes  = 10 << 20 // a larger message is not learned from
	MaxLearnOutput = 4 << 10  // bytes of the command's output kept
)

// ErrTooLarge is returned by Learn for a message over MaxLearnBytes.
var ErrTooLarge = errors.New("spam: message too large to learn from")

// Learn runs argv (argv[0] absolute; no shell) with msg, of size bytes,
// on standard input and env as the environment.
func Learn(argv []string, env []string, msg io.Reader, size int64) error {
	if len(argv) == 0 || !strings.HasPrefix(argv[0], "/") {
		return fmt.Errorf("spam: no learn command")
	}
	if size > MaxLearnBytes {
		return ErrTooLarge
	}
	ctx, cancel := context.WithTimeout(context.Background(), LearnTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdin = io.LimitReader(msg, MaxLearnBytes)
	var out bytes.Buffer
	w := &capped{b: &out, max: MaxLearnOutput}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.WaitDelay = time.Second
	if err := childstart.Run(cmd); err != nil {
		return fmt.Errorf("spam: %s: %w: %s", argv[0], err, strings.TrimSpace(out.String()))
	}
	return nil
}

type capped struct {
	b   *bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.b.Len(); room > 0 {
		c.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
