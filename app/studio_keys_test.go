package app

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/seed7c1a73c4/onair/app/store"
)

// slowKeyring is a key store whose writes wait for release (a keyring
// behind a slow D-Bus service).
type slowKeyring struct {
	*store.MemorySecretStore
	release chan struct{}
}

func (k slowKeyring) Set(id, secret string) error {
	<-k.release
	return k.MemorySecretStore.Set(id, secret)
}

// A key revoked right after it was generated stays revoked: the keyring
// write of the new key and the delete of the revoked one happen in that
// order (the write used to run on a goroutine of its own, so it could land
// after the delete and bring the key back).
func TestRevokedServerKeyDoesNotComeBack(t *testing.T) {
	keys := slowKeyring{store.NewMemorySecretStore(), make(chan struct{})}
	kv, err := OpenFileKV(filepath.Join(t.TempDir(), "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStudio(StudioConfig{Settings: kv, Keys: keys, ServerListen: "127.0.0.1:0", Log: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	s.GenerateServerKey()
	s.mu.Lock()
	ids := s.settings.Server.KeyIDs
	id := ids[len(ids)-1]
	s.mu.Unlock()
	s.RevokeServerKey(id)
	close(keys.release) // the keyring answers now
	done := make(chan struct{})
	s.do(func() { close(done) })
	<-done
	if _, err := keys.Get(id); !errors.Is(err, store.ErrSecretNotFound) {
		t.Errorf("the revoked key %s is in the keyring (err %v)", id, err)
	}
}
