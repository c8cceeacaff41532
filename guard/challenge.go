package guard

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"postern/internal/privfile"
)

// Passkey challenges of passwordless logins (see the package doc,
// "Passkey challenges").
const (
	ChallengeBytes = 32              // random bytes of a challenge
	ChallengeTTL   = 2 * time.Minute // a challenge older than this is refused
	MaxChallenges  = 1024            // live at once; more are refused
	challengeDir   = "passkey"
	challengeSize  = ChallengeBytes + 8 // the challenge, then the issue time (unix nanoseconds, big-endian)
	idBytes        = 32
)

// Errors of the passkey challenges.
var (
	ErrNoChallenge       = errors.New("guard: no such passkey challenge (expired, used, or never drawn)")
	ErrTooManyChallenges = errors.New("guard: too many passkey challenges under way")
)

// IssueChallenge draws a challenge for a passwordless login and keeps it
// under a new random id, which the caller gives the browser (a cookie).
// Expired challenges are removed first; with MaxChallenges live, it is
// ErrTooManyChallenges.
func (g *Guard) IssueChallenge() (id string, challenge []byte, err error) {
	dir := filepath.Join(g.Dir, challengeDir)
	if err := privfile.EnsureDir("guard", dir); err != nil {
		return "", nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", nil, fmt.Errorf("guard: %w", err)
	}
	live := 0
	now := g.now()
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > ChallengeTTL {
			os.Remove(filepath.Join(dir, e.Name()))
			continue
		}
		live++
	}
	if live >= MaxChallenges {
		return "", nil, ErrTooManyChallenges
	}
	raw := make([]byte, idBytes+ChallengeBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("guard: %w", err)
	}
	id, challenge = hex.EncodeToString(raw[:idBytes]), raw[idBytes:]
	data := make([]byte, challengeSize)
	copy(data, challenge)
	binary.BigEndian.PutUint64(data[ChallengeBytes:], uint64(now.UnixNano()))
	if err := privfile.WriteAtomicNoSync(challengePath(dir, id), data); err != nil {
		return "", nil, fmt.Errorf("guard: %w", err)
	}
	return id, challenge, nil
}

// TakeChallenge removes the challenge kept under id and returns it with
// the time it was drawn: each is taken once. An id that is not one of
// ours, a challenge taken already or older than ChallengeTTL is
// ErrNoChallenge.
func (g *Guard) TakeChallenge(id string) (challenge []byte, issued time.Time, err error) {
	if b, err := hex.DecodeString(id); err != nil || len(b) != idBytes {
		return nil, time.Time{}, ErrNoChallenge
	}
	dir := filepath.Join(g.Dir, challengeDir)
	path := challengePath(dir, id)
	// The rename is the single use: of two requests with the same id,
	// one renames the file, the other finds none.
	var suffix [8]byte
	rand.Read(suffix[:])
	taken := path + ".taken-" + hex.EncodeToString(suffix[:])
	if err := os.Rename(path, taken); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, time.Time{}, ErrNoChallenge
		}
		return nil, time.Time{}, fmt.Errorf("guard: %w", err)
	}
	defer os.Remove(taken)
	f, err := os.OpenFile(taken, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("guard: %w", err)
	}
	defer f.Close()
	data := make([]byte, challengeSize+1)
	n, _ := io.ReadFull(f, data)
	if n != challengeSize {
		return nil, time.Time{}, fmt.Errorf("guard: passkey challenge of %d bytes", n)
	}
	issued = time.Unix(0, int64(binary.BigEndian.Uint64(data[ChallengeBytes:])))
	if age := g.now().Sub(issued); age > ChallengeTTL || age < -time.Minute {
		return nil, time.Time{}, ErrNoChallenge
	}
	return data[:ChallengeBytes:ChallengeBytes], issued, nil
}

// challengePath is the file of id: the SHA-256 of the id, so that the
// cookie's value is not a file name and the directory's listing does not
// give the ids away.
func challengePath(dir, id string) string {
	sum := sha256.Sum256([]byte(id))
	return filepath.Join(dir, "c-"+hex.EncodeToString(sum[:]))
}
