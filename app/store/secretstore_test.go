package store

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"

	"github.com/zalando/go-keyring"
)

func TestMemorySecretStore(t *testing.T) {
	testSecretStore(t, NewMemorySecretStore())
}

func TestFileSecretStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profile", "keys.json")
	f, err := OpenFileSecretStore(path)
	if err != nil {
		t.Fatal(err)
	}
	testSecretStore(t, f)
	if err := f.Set("kept", testKey); err != nil {
		t.Fatal(err)
	}
	testpeer.AssertMode(t, path, 0o600)

	f2, err := OpenFileSecretStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f2.Get("kept"); err != nil || got != testKey {
		t.Errorf("reopened Get = %q, %v", got, err)
	}
	if f2.PermissionsFixed() {
		t.Error("PermissionsFixed on a 0600 file")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// testSecretStore is the behaviour every SecretStore shares.
func testSecretStore(t *testing.T, s SecretStore) {
	t.Helper()
	if _, err := s.Get("a"); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("Get of a missing ID: %v", err)
	}
	if err := s.Delete("a"); err != nil {
		t.Errorf("Delete of a missing ID: %v", err)
	}
	if err := s.Set("a", testKey); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("b", otherKey); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("a"); err != nil || got != testKey {
		t.Errorf("Get = %q, %v", got, err)
	}
	if err := s.Set("a", "replaced-key-0000"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get("a"); got != "replaced-key-0000" {
		t.Errorf("Set did not replace: %q", got)
	}
	if err := s.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("a"); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if got, _ := s.Get("b"); got != otherKey {
		t.Errorf("Delete removed another ID: %q", got)
	}
}

func TestFileSecretStoreFixesAReadableFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows protects files with ACLs, not mode bits")
	}
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(path, []byte(`{"a":"`+testKey+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	f, err := OpenFileSecretStore(path)
	if err != nil {
		t.Fatal(err)
	}
	testpeer.AssertMode(t, path, 0o600)
	if !f.PermissionsFixed() {
		t.Error("PermissionsFixed is false after fixing a 0644 file")
	}
	if got, _ := f.Get("a"); got != testKey {
		t.Errorf("Get = %q", got)
	}
}

func TestFileSecretStoreRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	damaged := filepath.Join(dir, "damaged.json")
	if err := os.WriteFile(damaged, []byte(`{"a":"`+testKey), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := OpenFileSecretStore(damaged)
	if err == nil {
		t.Error("a damaged key file was accepted")
	} else if strings.Contains(err.Error(), testKey) {
		t.Errorf("the error shows a key: %v", err)
	}
	if _, err := OpenFileSecretStore(dir); err == nil {
		t.Error("a folder was accepted as a key file")
	}
}

func TestFileSecretStoreKeepsStateOnWriteFailure(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "profile")
	f, err := OpenFileSecretStore(filepath.Join(blocker, "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The folder turns out to be a file when the key is written.
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err = f.Set("a", testKey)
	if err == nil {
		t.Fatal("Set into an impossible path reported no error")
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("the error shows the key: %v", err)
	}
	if _, err := f.Get("a"); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("a failed Set was kept: %v", err)
	}
}

func TestWithTimeoutGivesUpOnABlockedCall(t *testing.T) {
	release, finished := make(chan struct{}), make(chan struct{})
	start := time.Now()
	_, err := withTimeout(50*time.Millisecond, func() (string, error) {
		defer close(finished)
		<-release
		return testKey, nil
	})
	if !errors.Is(err, ErrKeyringTimeout) {
		t.Fatalf("err = %v, want ErrKeyringTimeout", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond || d > time.Second {
		t.Errorf("gave up after %v, want about 50ms", d)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("the error shows the secret: %v", err)
	}
	// The abandoned call ends on its own once it returns: its send never blocks.
	close(release)
	select {
	case <-finished:
	case <-time.After(time.Second):
		t.Fatal("the abandoned call did not finish")
	}
}

func TestWithTimeoutReturnsTheResult(t *testing.T) {
	got, err := withTimeout(time.Second, func() (string, error) { return "v", nil })
	if got != "v" || err != nil {
		t.Errorf("got %q, %v", got, err)
	}
	boom := errors.New("boom")
	if _, err := withTimeout(time.Second, func() (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
}

// fakeKeyring is an in-memory keyring whose calls can be made to block.
type fakeKeyring struct {
	mu    sync.Mutex
	items map[string]string
	block chan struct{} // when not nil, every call waits for it
	calls atomic.Int32
}

func (f *fakeKeyring) api() keyringAPI {
	wait := func() func() {
		f.calls.Add(1)
		if f.block != nil {
			<-f.block
		}
		f.mu.Lock()
		return f.mu.Unlock
	}
	return keyringAPI{
		get: func(service, user string) (string, error) {
			defer wait()()
			s, ok := f.items[service+"/"+user]
			if !ok {
				return "", keyring.ErrNotFound
			}
			return s, nil
		},
		set: func(service, user, secret string) error {
			defer wait()()
			f.items[service+"/"+user] = secret
			return nil
		},
		del: func(service, user string) error {
			defer wait()()
			if _, ok := f.items[service+"/"+user]; !ok {
				return keyring.ErrNotFound
			}
			delete(f.items, service+"/"+user)
			return nil
		},
	}
}

func TestKeyringStoreWithAFakeKeyring(t *testing.T) {
	fk := &fakeKeyring{items: map[string]string{}}
	ks := NewKeyringStore(time.Second)
	ks.api = fk.api()
	testSecretStore(t, ks)
	fk.mu.Lock()
	stored := fk.items[KeyringService+"/b"]
	fk.mu.Unlock()
	if stored != otherKey {
		t.Errorf("items are not under the service name: %v", fk.items)
	}
	// An unchanged key is not written again, and a known one not read again.
	before := fk.calls.Load()
	if err := ks.Set("b", otherKey); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Get("b"); err != nil {
		t.Fatal(err)
	}
	if err := ks.Delete("never-stored"); err != nil {
		t.Fatal(err)
	}
	if err := ks.Delete("never-stored"); err != nil {
		t.Fatal(err)
	}
	if n := fk.calls.Load() - before; n != 1 {
		t.Errorf("%d keyring calls, want 1 (the first Delete)", n)
	}
}

func TestKeyringStoreTimesOut(t *testing.T) {
	fk := &fakeKeyring{items: map[string]string{}, block: make(chan struct{})}
	defer close(fk.block)
	ks := NewKeyringStore(100 * time.Millisecond)
	ks.api = fk.api()
	start := time.Now()
	err := ks.Set("a", testKey)
	if !errors.Is(err, ErrKeyringTimeout) {
		t.Fatalf("Set: %v, want ErrKeyringTimeout", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("the error shows the key: %v", err)
	}
	if _, err := ks.Get("a"); !errors.Is(err, ErrKeyringTimeout) {
		t.Errorf("Get: %v, want ErrKeyringTimeout", err)
	}
	if err := ks.Delete("a"); !errors.Is(err, ErrKeyringTimeout) {
		t.Errorf("Delete: %v, want ErrKeyringTimeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("three timed-out calls took %v", d)
	}
}

// noSecretService points go-keyring at a D-Bus socket that does not exist,
// so the keyring fails the same way on every machine.
func noSecretService(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the keyring fallback is exercised through D-Bus, on Linux")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-such-bus"))
}

func TestOpenSecretStoreFallsBackToAFileWithConsent(t *testing.T) {
	noSecretService(t)
	dir := t.TempDir()
	const timeout = time.Second
	var asked atomic.Int32
	start := time.Now()
	store, desc, err := OpenSecretStore(dir, timeout, func() bool { asked.Add(1); return true })
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if elapsed > timeout+time.Second {
		t.Errorf("falling back took %v, want under %v", elapsed, timeout+time.Second)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("consent asked %d times, want 1", n)
	}
	f, ok := store.(*FileSecretStore)
	if !ok {
		t.Fatalf("store is %T, want *FileSecretStore", store)
	}
	if f.Path() != filepath.Join(dir, "keys.json") || !strings.Contains(desc, f.Path()) {
		t.Errorf("path %s, description %q", f.Path(), desc)
	}
	if err := store.Set("a", testKey); err != nil {
		t.Fatal(err)
	}
	testpeer.AssertMode(t, f.Path(), 0o600)

	// The next run uses the file it finds, without asking again.
	store2, _, err := OpenSecretStore(dir, timeout, func() bool { asked.Add(1); return false })
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := store2.Get("a"); got != testKey || asked.Load() != 1 {
		t.Errorf("second run: key %q, consent asked %d times in all", got, asked.Load())
	}
}

func TestOpenSecretStoreFallsBackToMemoryWithoutConsent(t *testing.T) {
	noSecretService(t)
	dir := t.TempDir()
	const timeout = time.Second
	var asked atomic.Int32
	start := time.Now()
	store, desc, err := OpenSecretStore(dir, timeout, func() bool { asked.Add(1); return false })
	if elapsed := time.Since(start); elapsed > timeout+time.Second {
		t.Errorf("falling back took %v", elapsed)
	}
	if err != nil {
		t.Fatal(err)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("consent asked %d times, want 1", n)
	}
	if _, ok := store.(*MemorySecretStore); !ok {
		t.Errorf("store is %T, want *MemorySecretStore", store)
	}
	if !strings.Contains(desc, "memory") {
		t.Errorf("description %q", desc)
	}
	if err := store.Set("a", testKey); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "keys.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key file was written without consent: %v", err)
	}
}

func TestOpenSecretStoreUnusableKeyFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keys.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	store, desc, err := OpenSecretStore(dir, time.Second, func() bool { t.Error("consent asked"); return true })
	if err == nil || store == nil || desc == "" {
		t.Fatalf("got %T, %q, %v; want a memory store, a description and an error", store, desc, err)
	}
	if _, ok := store.(*MemorySecretStore); !ok {
		t.Errorf("store is %T", store)
	}
}

// testKey looks like a platform's stream key.
const testKey = "live_123456789_AbCdEfGhIjKlMnOp"

// otherKey is a second one.
const otherKey = "upload_987654321_ZyXwVuTsRqPoNm"
