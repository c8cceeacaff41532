package maildir

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"
)

// CacheFile is the name of the list cache in each folder directory.
const CacheFile = "postern-list.cache"

// Limits on the list cache and on what is read of each message.
const (
	// MaxSummarizeBytes bounds the bytes of a message Summarize may read.
	MaxSummarizeBytes = 256 << 10
	// MaxCacheBytes bounds the cache file read; a larger one is rebuilt.
	MaxCacheBytes = 64 << 20
	// MaxSummaryText bounds From and Subject as stored in the cache.
	MaxSummaryText = 1024
)

// cacheMagic starts every cache file; change the version to invalidate all
// (2: the sender is message.Address.ListName, decoded more leniently).
const cacheMagic = "PSTRNLC2"

// crcTable is made on first use: building it costs more than a whole
// list request's other package initialisation.
var crcTable = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// cached is the cache's record of one message.
type cached struct {
	Summary
	Size int64
}

// encodeCache serializes the cache: magic, uvarint count, the records
// (uvarint-length-prefixed key, time, from, subject; varint size; one flag
// byte), then a CRC-32C of all that.
func encodeCache(c map[string]*cached) []byte {
	b := make([]byte, 0, 16+len(c)*96)
	b = append(b, cacheMagic...)
	b = binary.AppendUvarint(b, uint64(len(c)))
	for k, e := range c {
		tb, err := e.Date.MarshalBinary()
		if err != nil {
			tb, _ = e.Date.UTC().MarshalBinary()
		}
		b = appendString(b, k)
		b = appendString(b, string(tb))
		b = appendString(b, e.From)
		b = appendString(b, e.Subject)
		b = binary.AppendVarint(b, e.Size)
		var fl byte
		if e.HasAttachment {
			fl |= 1
		}
		if e.Malformed {
			fl |= 2
		}
		b = append(b, fl)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable()))
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

var errCorrupt = errors.New("maildir: corrupt list cache")

// decodeCache parses what encodeCache wrote; any damage is an error.
func decodeCache(b []byte) (map[string]*cached, error) {
	if len(b) < len(cacheMagic)+4 || string(b[:len(cacheMagic)]) != cacheMagic {
		return nil, errCorrupt
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, crcTable()) != sum {
		return nil, errCorrupt
	}
	d := newDecoder(body[len(cacheMagic):])
	n := d.uvarint()
	if n > uint64(d.left()) {
		return nil, errCorrupt
	}
	c := make(map[string]*cached, n)
	slab := make([]cached, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		key := d.string()
		tb := d.string()
		e := &slab[i]
		e.From = d.string()
		e.Subject = d.string()
		e.Size = d.varint()
		fl := d.byte()
		if d.err == nil && e.Date.UnmarshalBinary([]byte(tb)) != nil {
			d.err = errCorrupt
		}
		e.HasAttachment, e.Malformed = fl&1 != 0, fl&2 != 0
		c[key] = e
	}
	if d.err != nil || d.left() != 0 {
		return nil, errCorrupt
	}
	return c, nil
}

// decoder reads the cache's primitives; the first error sticks. s holds the
// same bytes as b, so that the strings it returns share one allocation.
type decoder struct {
	b   []byte
	s   string
	pos int
	err error
}

func newDecoder(b []byte) *decoder { return &decoder{b: b, s: string(b)} }

func (d *decoder) fail() {
	d.err, d.pos = errCorrupt, len(d.b)
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b[d.pos:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.pos += n
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b[d.pos:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.pos += n
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)-d.pos) {
		d.fail()
		return ""
	}
	s := d.s[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return s
}

func (d *decoder) byte() byte {
	if d.pos >= len(d.b) {
		d.fail()
		return 0
	}
	d.pos++
	return d.b[d.pos-1]
}

func (d *decoder) left() int { return len(d.b) - d.pos }

// loadCache reads the cache of the folder at dir; a missing, oversized or
// damaged cache reads as empty.
func loadCache(dir string) map[string]*cached {
	f, err := os.Open(filepath.Join(dir, CacheFile))
	if err != nil {
		return map[string]*cached{}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxCacheBytes+1))
	if err != nil || len(b) > MaxCacheBytes {
		return map[string]*cached{}
	}
	c, err := decodeCache(b)
	if err != nil {
		return map[string]*cached{}
	}
	return c
}

// saveCache writes the cache atomically: a file in the folder's tmp/, fsynced,
// renamed over the old cache. Concurrent writers each install a complete
// file; the last one wins.
func saveCache(dir string, c map[string]*cached) error {
	key, err := newKey()
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "tmp", "postern-list-cache."+key)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("maildir: save list cache: %w", err)
	}
	_, err = f.Write(encodeCache(c))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, CacheFile))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("maildir: save list cache: %w", err)
	}
	return nil
}

// summarize reads the summary of one message file through at most
// MaxSummarizeBytes. ok is false when the file could not be opened or read,
// so the result should not be cached. A panicking summarizer marks the
// message malformed instead of breaking the folder.
func summarize(fn func(io.Reader) Summary, path string) (c cached, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		c.Malformed = true
		return c, false
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil {
		c.Size = fi.Size()
	}
	r := &errReader{r: io.LimitReader(f, MaxSummarizeBytes)}
	func() {
		defer func() {
			if recover() != nil {
				c.Summary = Summary{Malformed: true}
			}
		}()
		c.Summary = fn(r)
	}()
	if r.err != nil {
		c.Malformed = true
		return c, false
	}
	c.From = clip(c.From)
	c.Subject = clip(c.Subject)
	return c, true
}

// errReader remembers a read error other than EOF.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// clip makes s valid UTF-8 of at most MaxSummaryText bytes.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= MaxSummaryText {
		return s
	}
	s = s[:MaxSummaryText]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
