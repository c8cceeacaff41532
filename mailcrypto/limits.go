package mailcrypto

// Limits bound the work done on one message. A zero field means its
// default from DefaultLimits.
type Limits struct {
	// MaxMessageBytes is read of a message; the rest is ignored
	// (default 64 MiB).
	MaxMessageBytes int64
	// MaxPartBytes is kept of a signed part, a signature or a
	// ciphertext; a longer one is recognised (Item.Truncated) but not
	// handed to GnuPG (default 32 MiB).
	MaxPartBytes int64
	// MaxParts is the number of MIME entities parsed (default 500).
	MaxParts int
	// MaxDepth is the nesting of multipart and message/rfc822 (default 20).
	MaxDepth int
}

// DefaultLimits are the limits used for zero fields of a Limits.
var DefaultLimits = Limits{
	MaxMessageBytes: 64 << 20,
	MaxPartBytes:    32 << 20,
	MaxParts:        500,
	MaxDepth:        20,
}

// withDefaults returns l with zero or negative fields set to their default.
func (l Limits) withDefaults() Limits {
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = DefaultLimits.MaxMessageBytes
	}
	if l.MaxPartBytes <= 0 {
		l.MaxPartBytes = DefaultLimits.MaxPartBytes
	}
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultLimits.MaxParts
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	return l
}
