package compose

import (
	"errors"
	"fmt"
)

// Limits bound the compose form and the message built from it. A zero or
// negative field means its default from DefaultLimits.
type Limits struct {
	MaxParts      int   // parts of one form, fields and files together (default 200)
	MaxFields     int   // non-file fields of one form (default 100)
	MaxFieldBytes int64 // one field value (default 1 MiB)
	MaxFormBytes  int64 // all field values of one form together (default 4 MiB)
	MaxFiles      int   // files of one form, and attachments of one message (default 20)
	MaxFileBytes  int64 // one file (default 25 MiB)
	// MaxTotalBytes bounds the whole request body of one form, and the
	// sum of the attachment sizes of one message (default 50 MiB).
	MaxTotalBytes int64
}

// DefaultLimits are the limits used for zero fields of a Limits.
var DefaultLimits = Limits{
	MaxParts:      200,
	MaxFields:     100,
	MaxFieldBytes: 1 << 20,
	MaxFormBytes:  4 << 20,
	MaxFiles:      20,
	MaxFileBytes:  25 << 20,
	MaxTotalBytes: 50 << 20,
}

// withDefaults returns l with zero or negative fields set to their default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxParts <= 0 {
		l.MaxParts = d.MaxParts
	}
	if l.MaxFields <= 0 {
		l.MaxFields = d.MaxFields
	}
	if l.MaxFieldBytes <= 0 {
		l.MaxFieldBytes = d.MaxFieldBytes
	}
	if l.MaxFormBytes <= 0 {
		l.MaxFormBytes = d.MaxFormBytes
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = d.MaxTotalBytes
	}
	return l
}

// ErrTooLarge is matched (errors.Is) by every *TooLargeError.
var ErrTooLarge = errors.New("compose: too large")

// TooLargeError reports which limit was exceeded.
type TooLargeError struct {
	Limit string // "parts", "fields", "field", "form", "files", "file" or "total"
	Max   int64  // the limit's value (bytes or a count)
}

func (e *TooLargeError) Error() string {
	switch e.Limit {
	case "parts", "fields", "files":
		return fmt.Sprintf("compose: too many %s (at most %d)", e.Limit, e.Max)
	}
	return fmt.Sprintf("compose: %s too large (at most %d bytes)", e.Limit, e.Max)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }
