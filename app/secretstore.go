package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// SecretStore keeps stream keys (and local-server keys) apart from the
// settings, under a stable ID. Get returns ErrSecretNotFound for an ID it
// does not hold; Delete of such an ID is not an error. No method's error
// contains a secret.
type SecretStore interface {
	Get(id string) (string, error)
	Set(id, secret string) error
	Delete(id string) error
}

// ErrSecretNotFound is returned by Get for an ID that has no secret.
var ErrSecretNotFound = errors.New("no key is stored under this ID")

// ErrKeyringTimeout is returned when the system keyring does not answer in
// time (typically a D-Bus secret service that is present but stuck).
var ErrKeyringTimeout = errors.New("the system keyring did not answer")

// KeyringService is the service name the studio's items carry in the
// system keyring.
const KeyringService = "OnAir Studio"

// DefaultKeyringTimeout bounds every keyring call.
const DefaultKeyringTimeout = 3 * time.Second

// keyringAPI is the part of go-keyring the store uses; tests replace it.
type keyringAPI struct {
	get func(service, user string) (string, error)
	set func(service, user, secret string) error
	del func(service, user string) error
}

var systemKeyring = keyringAPI{get: keyring.Get, set: keyring.Set, del: keyring.Delete}

// KeyringStore keeps secrets in the system keyring (Secret Service on
// Linux, Keychain on macOS, Credential Manager on Windows) under
// KeyringService. Each call gives up after the timeout with
// ErrKeyringTimeout; the abandoned call finishes on its own goroutine.
//
// The store remembers what it has read and written in this run, so that
// saving an unchanged key (SaveSettings writes every key) makes no keyring
// call. A change made to the same item by another program meanwhile is
// not seen.
type KeyringStore struct {
	timeout time.Duration
	api     keyringAPI

	mu    sync.Mutex
	known map[string]knownSecret
}

// knownSecret is what the keyring holds under one ID, as far as this
// store saw.
type knownSecret struct {
	secret  string
	present bool
}

func (k *KeyringStore) recall(id string) (knownSecret, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.known[id]
	return s, ok
}

func (k *KeyringStore) remember(id string, s knownSecret) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.known == nil {
		k.known = map[string]knownSecret{}
	}
	k.known[id] = s
}

// NewKeyringStore returns a store whose calls give up after timeout
// (DefaultKeyringTimeout when 0 or less).
func NewKeyringStore(timeout time.Duration) *KeyringStore {
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	return &KeyringStore{timeout: timeout, api: systemKeyring}
}

// Get returns the secret stored under id.
func (k *KeyringStore) Get(id string) (string, error) {
	if s, ok := k.recall(id); ok {
		if !s.present {
			return "", ErrSecretNotFound
		}
		return s.secret, nil
	}
	s, err := withTimeout(k.timeout, func() (string, error) { return k.api.get(KeyringService, id) })
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		k.remember(id, knownSecret{})
		return "", ErrSecretNotFound
	case err != nil:
		return "", fmt.Errorf("reading %s from the system keyring: %w", id, err)
	}
	k.remember(id, knownSecret{secret: s, present: true})
	return s, nil
}

// Set stores secret under id, replacing any previous one.
func (k *KeyringStore) Set(id, secret string) error {
	if s, ok := k.recall(id); ok && s.present && s.secret == secret {
		return nil
	}
	_, err := withTimeout(k.timeout, func() (struct{}, error) { return struct{}{}, k.api.set(KeyringService, id, secret) })
	if err != nil {
		return fmt.Errorf("writing %s to the system keyring: %w", id, err)
	}
	k.remember(id, knownSecret{secret: secret, present: true})
	return nil
}

// Delete removes the secret stored under id, if any.
func (k *KeyringStore) Delete(id string) error {
	if s, ok := k.recall(id); ok && !s.present {
		return nil
	}
	_, err := withTimeout(k.timeout, func() (struct{}, error) { return struct{}{}, k.api.del(KeyringService, id) })
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("deleting %s from the system keyring: %w", id, err)
	}
	k.remember(id, knownSecret{})
	return nil
}

// withTimeout runs f on its own goroutine and returns its result, or
// ErrKeyringTimeout once d has passed. The goroutine is not stopped (a
// keyring call cannot be cancelled): it sends into a buffered channel, so
// it ends as soon as f returns, whether or not anyone still waits.
func withTimeout[T any](d time.Duration, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-timer.C:
		var zero T
		return zero, fmt.Errorf("%w within %s", ErrKeyringTimeout, d)
	}
}

// MemorySecretStore keeps secrets in memory only: they last for this run.
type MemorySecretStore struct {
	mu   sync.Mutex
	keys map[string]string
}

// NewMemorySecretStore returns an empty in-memory store.
func NewMemorySecretStore() *MemorySecretStore {
	return &MemorySecretStore{keys: map[string]string{}}
}

// Get returns the secret stored under id.
func (m *MemorySecretStore) Get(id string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.keys[id]
	if !ok {
		return "", ErrSecretNotFound
	}
	return s, nil
}

// Set stores secret under id.
func (m *MemorySecretStore) Set(id, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys[id] = secret
	return nil
}

// Delete removes the secret stored under id, if any.
func (m *MemorySecretStore) Delete(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, id)
	return nil
}

// secretFileMode is the only mode a file holding keys may have.
const secretFileMode fs.FileMode = 0o600

// FileSecretStore keeps secrets in a JSON file readable only by its owner
// (mode 0600, enforced on every write). Writes go to a temporary file that
// is renamed over the old one, so a crash never leaves half a file.
type FileSecretStore struct {
	path      string
	tightened bool

	mu   sync.Mutex
	keys map[string]string
}

// OpenFileSecretStore opens the key file at path, or starts an empty store
// when there is none (the file is created by the first Set). A file that
// group or others may read has its mode reset to 0600 (PermissionsFixed
// reports it); one that cannot be fixed, is not a regular file, or is not
// valid JSON is refused.
func OpenFileSecretStore(path string) (*FileSecretStore, error) {
	f := &FileSecretStore{path: path, keys: map[string]string{}}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f, nil
	case err != nil:
		return nil, fmt.Errorf("opening the key file: %w", err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("the key file %s is not a regular file: remove it or choose another folder", path)
	case fi.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows": // Windows uses ACLs, not these bits
		if err := os.Chmod(path, secretFileMode); err != nil {
			return nil, fmt.Errorf("the key file %s can be read by other users and its mode could not be reset to 0600: %w", path, err)
		}
		f.tightened = true
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the key file: %w", err)
	}
	if len(data) > 0 {
		// json's errors quote at most a character of the input, never a value.
		if err := json.Unmarshal(data, &f.keys); err != nil {
			return nil, fmt.Errorf("the key file %s is damaged (%w): fix or remove it", path, err)
		}
	}
	if f.keys == nil { // the file held "null"
		f.keys = map[string]string{}
	}
	return f, nil
}

// Path returns the key file's path.
func (f *FileSecretStore) Path() string { return f.path }

// PermissionsFixed reports whether opening found the file readable by
// group or others and reset it to 0600. The keys in it may have been seen.
func (f *FileSecretStore) PermissionsFixed() bool { return f.tightened }

// Get returns the secret stored under id.
func (f *FileSecretStore) Get(id string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.keys[id]
	if !ok {
		return "", ErrSecretNotFound
	}
	return s, nil
}

// Set stores secret under id and rewrites the file.
func (f *FileSecretStore) Set(id, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, had := f.keys[id]
	if had && old == secret {
		return nil
	}
	f.keys[id] = secret
	if err := f.writeLocked(); err != nil {
		if had {
			f.keys[id] = old
		} else {
			delete(f.keys, id)
		}
		return err
	}
	return nil
}

// Delete removes the secret stored under id, if any, and rewrites the file.
func (f *FileSecretStore) Delete(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, had := f.keys[id]
	if !had {
		return nil
	}
	delete(f.keys, id)
	if err := f.writeLocked(); err != nil {
		f.keys[id] = old
		return err
	}
	return nil
}

func (f *FileSecretStore) writeLocked() error {
	data, err := json.MarshalIndent(f.keys, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the key file: %w", err)
	}
	if err := writeFileAtomic(f.path, data); err != nil {
		return fmt.Errorf("writing the key file: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file with mode 0600 in the
// same folder (made 0700 if missing), syncs it and renames it over path.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()           // already failed: the write error is the one to report
			_ = os.Remove(tmp.Name()) // best effort; the name is hidden and unique
		}
	}()
	// CreateTemp already uses 0600; Chmod makes it so whatever the umask
	// or platform.
	if err := tmp.Chmod(secretFileMode); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// keyFileName is the file OpenSecretStore uses when there is no keyring.
const keyFileName = "keys.json"

// OpenSecretStore chooses where stream keys live and returns the store
// with one sentence for the UI saying where that is.
//
//   - A key file dir/keys.json left by an earlier run is used as is: the
//     user chose it then, and its keys would be lost otherwise.
//   - Otherwise the system keyring is probed (an item is written, read
//     back and deleted, all within timeout) and used when it works.
//   - Otherwise consent is asked (it may block: call OpenSecretStore off
//     the UI goroutine) whether keys may go in a file only the user can
//     read; yes gives a FileSecretStore at dir/keys.json, no (or a nil
//     consent, or an empty dir) an in-memory store.
//
// The returned store is never nil: when the key file cannot be opened the
// error says why and the store is in memory.
func OpenSecretStore(dir string, timeout time.Duration, consent func() bool) (SecretStore, string, error) {
	path := filepath.Join(dir, keyFileName)
	if dir != "" {
		if _, err := os.Lstat(path); err == nil {
			return openKeyFile(path)
		}
	}
	ks := NewKeyringStore(timeout)
	if err := ks.probe(); err == nil {
		return ks, "Stream keys are kept in the system keyring.", nil
	}
	if dir != "" && consent != nil && consent() {
		return openKeyFile(path)
	}
	return NewMemorySecretStore(), "Stream keys are kept in memory only and are forgotten when the studio quits.", nil
}

// openKeyFile opens the key file for OpenSecretStore.
func openKeyFile(path string) (SecretStore, string, error) {
	f, err := OpenFileSecretStore(path)
	if err != nil {
		return NewMemorySecretStore(), "Stream keys are kept in memory only, because the key file could not be used.", err
	}
	desc := fmt.Sprintf("Stream keys are kept in %s, readable only by you.", path)
	if f.PermissionsFixed() {
		desc = fmt.Sprintf("Stream keys are kept in %s; other users could read it, so it is now readable only by you and the keys in it may need replacing.", path)
	}
	return f, desc, nil
}

// probe checks that the keyring can store, return and delete an item, all
// within the store's timeout.
func (k *KeyringStore) probe() error {
	id := "probe-" + NewDestinationID()
	secret := NewDestinationID()
	_, err := withTimeout(k.timeout, func() (struct{}, error) {
		if err := k.api.set(KeyringService, id, secret); err != nil {
			return struct{}{}, err
		}
		got, err := k.api.get(KeyringService, id)
		if delErr := k.api.del(KeyringService, id); err == nil {
			err = delErr
		}
		if err == nil && got != secret {
			err = errors.New("the keyring returned a different value than it was given")
		}
		return struct{}{}, err
	})
	if err != nil {
		return fmt.Errorf("probing the system keyring: %w", err)
	}
	return nil
}
