package directory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"postern/internal/helperrun"
)

// Entry is a person found in the directory.
type Entry struct {
	DN           string
	Name         string
	Mail         []string // addr-specs, at least one
	Organisation string
	Phone        string
}

// Result is what a search found.
type Result struct {
	Entries []Entry
	// Truncated: the directory had more than the size limit.
	Truncated bool
	// Skipped counts the entries left out: without a usable address.
	Skipped int
}

// The protocol of `postern-helper directory` (helper/doc.go): one
// HelperRequest on its stdin, one HelperAnswer on its stdout. Package
// directory/ldapsearch answers it.

// Limits of the exchange with the helper.
const (
	// HelperMargin is the time the helper is given beyond
	// Config.Timeout, which bounds the lookup itself: its start and its
	// answer.
	HelperMargin = time.Second
	// MaxHelperAnswerBytes bounds an answer: MaxSizeLimit entries of
	// MaxMails addresses and three values of MaxValueBytes, with their
	// DNs.
	MaxHelperAnswerBytes = 16 << 20
)

// Operations of the directory helper.
const (
	OpSearch = "search" // look Text up
	OpCheck  = "check"  // check the configuration (CheckAll), connect nowhere
)

// HelperRequest is what the helper is asked.
type HelperRequest struct {
	Op     string `json:"op"`
	Config Config `json:"config"`
	Text   string `json:"text,omitempty"`
}

// HelperAnswer is what it answers: a Result, or why there is none. Both
// Unavailable (ErrUnavailable) and Config (ErrConfig, one line a reason)
// are for the log.
type HelperAnswer struct {
	Result      *Result  `json:"result,omitempty"`
	Unavailable string   `json:"unavailable,omitempty"`
	Config      []string `json:"config,omitempty"`
}

// Search looks text up in the directory of c, within c.Timeout (and the
// deadline of ctx, when sooner), by running the helper (c.Helper). An
// empty text finds nothing, without running it. A helper that could not
// be run or did not answer wraps ErrUnavailable too: the user is told
// that the directory did not answer, the log says why.
func Search(ctx context.Context, c *Config, text string) (*Result, error) {
	text = strings.TrimSpace(text)
	if len(text) > MaxQuery {
		return nil, fmt.Errorf("directory: search text longer than %d bytes", MaxQuery)
	}
	if text == "" {
		return &Result{}, nil
	}
	if _, err := c.Plan(text); err != nil {
		return nil, err
	}
	a, err := ask(ctx, c, HelperRequest{Op: OpSearch, Config: *c, Text: text}, c.Timeout+HelperMargin)
	if err != nil {
		return nil, err
	}
	if a.Result == nil {
		return nil, fmt.Errorf("%w: the helper answered no result", ErrUnavailable)
	}
	if len(a.Result.Entries) > c.SizeLimit {
		return nil, fmt.Errorf("%w: the helper answered %d entries, more than %d", ErrUnavailable, len(a.Result.Entries), c.SizeLimit)
	}
	return a.Result, nil
}

// CheckAll is Check and the helper's checks (ldapsearch.Check): the DNs
// parse, the filter compiles, the CA file holds certificates. It runs
// the helper (c.Helper), which connects nowhere; postern -check-config
// calls it.
func (c *Config) CheckAll(ctx context.Context) error {
	if err := c.Check(); err != nil {
		return err
	}
	_, err := ask(ctx, c, HelperRequest{Op: OpCheck, Config: *c}, 5*time.Second)
	return err
}

// ask runs the helper and reads its answer: ErrConfig, ErrUnavailable.
func ask(ctx context.Context, c *Config, req HelperRequest, timeout time.Duration) (*HelperAnswer, error) {
	in, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	out, err := helperrun.Run(ctx, c.Helper, "directory", in, timeout, MaxHelperAnswerBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	var a HelperAnswer
	if err := json.Unmarshal(out, &a); err != nil {
		return nil, fmt.Errorf("%w: the helper's answer: %v", ErrUnavailable, err)
	}
	if len(a.Config) > 0 {
		var errs []error
		for _, s := range a.Config {
			errs = append(errs, fmt.Errorf("%w: %s", ErrConfig, s))
		}
		return nil, errors.Join(errs...)
	}
	if a.Unavailable != "" {
		return nil, fmt.Errorf("%w: %s", ErrUnavailable, a.Unavailable)
	}
	return &a, nil
}
