package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

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
	if err := WriteFileAtomic(f.path, data); err != nil {
		return fmt.Errorf("writing the key file: %w", err)
	}
	return nil
}

// WriteFileAtomic writes data to a temporary file with mode 0600 in the
// same folder (made 0700 if missing), syncs it and renames it over path.
func WriteFileAtomic(path string, data []byte) (err error) {
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
