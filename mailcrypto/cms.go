package mailcrypto

import (
	"encoding/asn1"
	"io"
)

// CMS content types (RFC 5652 section 3, RFC 5083).
var (
	oidSignedData        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidEnvelopedData     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 3}
	oidAuthEnvelopedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 23}
)

type cmsKind int

const (
	cmsUnknown cmsKind = iota
	cmsSigned
	cmsEnveloped
)

// cmsType reads the contentType of a DER (or BER, definite or indefinite
// outer length) ContentInfo; it looks at the OID only.
func cmsType(data []byte) cmsKind {
	// ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, ... }
	if len(data) < 4 || data[0] != 0x30 {
		return cmsUnknown
	}
	i := 2
	if data[1]&0x80 != 0 {
		i += int(data[1] & 0x7f)
	}
	if i+2 > len(data) || data[i] != 0x06 {
		return cmsUnknown
	}
	n := int(data[i+1])
	if n > 32 || i+2+n > len(data) {
		return cmsUnknown
	}
	var oid asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(data[i:i+2+n], &oid); err != nil {
		return cmsUnknown
	}
	switch {
	case oid.Equal(oidSignedData):
		return cmsSigned
	case oid.Equal(oidEnvelopedData), oid.Equal(oidAuthEnvelopedData):
		return cmsEnveloped
	}
	return cmsUnknown
}

// base64Cleaner drops the bytes a base64 body may hold that are not
// base64 (line breaks, spaces, stray characters), as mail readers do.
type base64Cleaner struct {
	r io.Reader
}

func (c *base64Cleaner) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		j := 0
		for _, b := range p[:n] {
			if b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '+' || b == '/' || b == '=' {
				p[j] = b
				j++
			}
		}
		if j > 0 || err != nil {
			if err == io.EOF && j > 0 {
				return j, nil
			}
			return j, err
		}
	}
}
