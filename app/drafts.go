package app

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"postern/quota"
	"time"

	"postern/compose"
	"postern/index"
	"postern/maildir"
	"postern/message"
)

// resumeDraft loads the draft key of the Drafts folder: its fields and
// copies of its attachments in the upload directory. The draft stays in
// Drafts until the message is sent or saved again. A draft stored
// encrypted is a *lockedDraft error: composeUnlock opens it.
func (a *app) resumeDraft(key string) (*compose.Draft, error) {
	raw, path, err := a.readDraft(key)
	if err != nil {
		return nil, err
	}
	if it, ok := encryptedItem(raw); ok {
		return nil, &lockedDraft{method: methodOf(it.Kind)}
	}
	v := message.Parse(bytes.NewReader(raw), message.DefaultLimits)
	d := compose.ResumeDraft(v)
	if d.Attachments, err = a.copyParts(path, v.Attachments); err != nil {
		return nil, err
	}
	return d, nil
}

// saveDraft stores d in the Drafts folder with the D flag (Bcc kept), or
// sealed when not nil (an encrypted draft), and then removes the draft it
// replaces (old, may be ""). It returns the new key.
func (a *app) saveDraft(d *compose.Draft, old string, sealed []byte) (string, error) {
	key, err := a.deliverCopy(a.cfg.Drafts, d, "DS", sealed)
	if err != nil {
		return "", err
	}
	if old != "" && old != key {
		a.removeDraft(old)
	}
	return key, nil
}

// removeDraft deletes a draft for good (it was sent or saved anew).
func (a *app) removeDraft(key string) {
	if maildir.ValidKey(key) != nil {
		return
	}
	path, err := a.store.MessagePath(a.cfg.Drafts, key)
	if err != nil {
		return
	}
	b, n := a.sizeOf(a.cfg.Drafts, []string{key})
	if err := os.Remove(path); err != nil {
		logf("removing draft %s of %s: %v", key, a.acct.User, err)
		return
	}
	a.quotaChange(-b, -n)
}

// deliverCopy writes BuildDraft's message (with Bcc), or msg when not
// nil (a sealed message), into folder, which is created when missing,
// with flags.
func (a *app) deliverCopy(folder string, d *compose.Draft, flags string, msg []byte) (string, error) {
	if err := a.ensureFolder(folder); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(a.uploadDir(), "out-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if msg != nil {
		_, err = tmp.Write(msg)
	} else {
		_, err = d.BuildDraft(tmp, time.Now(), "")
	}
	if err != nil {
		return "", fmt.Errorf("building the copy for %s: %w", folder, err)
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return "", err
	}
	if err := quota.Check(a.acct.Maildir, size); err != nil {
		return "", err
	}
	if _, err := tmp.Seek(0, 0); err != nil {
		return "", err
	}
	var key string
	err = a.own([]string{folder}, func() (index.Change, error) {
		var err error
		key, err = a.store.Deliver(folder, tmp, flags)
		return index.Change{folder: {key: maildir.DeliveredName(key, flags)}}, err
	})
	if err == nil {
		a.quotaChange(size, 1)
	}
	return key, err
}
