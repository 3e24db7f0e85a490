package store

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	id, secret := "probe-"+rand.Text(), rand.Text()
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
