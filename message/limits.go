package message

// Limits bound the work done on one message. A zero field means its
// default from DefaultLimits.
type Limits struct {
	MaxHeaderBytes int   // per header block; the rest of the block is skipped (default 256 KiB)
	MaxTextBytes   int64 // decoded text shown per text part; the rest is cut (default 1 MiB)
	MaxParts       int   // MIME parts walked; later parts are ignored (default 500)
	MaxDepth       int   // nesting levels of multipart and message/rfc822 (default 20)
}

// DefaultLimits are the limits used for zero fields of a Limits.
var DefaultLimits = Limits{
	MaxHeaderBytes: 256 << 10,
	MaxTextBytes:   1 << 20,
	MaxParts:       500,
	MaxDepth:       20,
}

// withDefaults returns l with zero or negative fields set to their default.
func (l Limits) withDefaults() Limits {
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultLimits.MaxHeaderBytes
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = DefaultLimits.MaxTextBytes
	}
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultLimits.MaxParts
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	return l
}
