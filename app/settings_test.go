package app

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/internal/testpeer"

	"github.com/seed7c1a73c4/onair/app/store"
)

// mapKV is a KV like fyne.Preferences: writes cannot fail.
type mapKV map[string]string

func (m mapKV) String(key string) string    { return m[key] }
func (m mapKV) SetString(key, value string) { m[key] = value }

// fakeSecrets is a SecretStore made of function fields; nil ones act as a
// store that holds nothing.
type fakeSecrets struct {
	get func(id string) (string, error)
	set func(id, secret string) error
	del func(id string) error
}

func (f fakeSecrets) Get(id string) (string, error) {
	if f.get == nil {
		return "", store.ErrSecretNotFound
	}
	return f.get(id)
}

func (f fakeSecrets) Set(id, secret string) error {
	if f.set == nil {
		return nil
	}
	return f.set(id, secret)
}

func (f fakeSecrets) Delete(id string) error {
	if f.del == nil {
		return nil
	}
	return f.del(id)
}

const testKey = "live_123456789_AbCdEfGhIjKlMnOp"

const otherKey = "upload_987654321_ZyXwVuTsRqPoNm"

func sampleSettings() Settings {
	s := DefaultSettings()
	s.Video, s.Audio = "camera:0", "mic:default"
	s.Output.FPS, s.Output.KeyInt = 60, 1*time.Second
	s.Muted, s.GainDB = true, -3.5
	s.Destinations = []dest.Destination{
		{ID: dest.NewID(), Name: "My YouTube", Service: "youtube", Server: "rtmp://a.rtmp.youtube.com/live2", Key: testKey, Enabled: true},
		{ID: dest.NewID(), Name: "Twitch", Service: "twitch", Server: "rtmp://live.twitch.tv/app", Key: otherKey},
		{ID: dest.NewID(), Name: "Relay", Service: "custom", Server: "rtmp://relay.example/live/inline"},
	}
	s.Server = ServerSettings{On: false, LAN: true, Port: 19350, KeyIDs: []string{"srv1"}}
	return s
}

func TestDefaultSettings(t *testing.T) {
	s := DefaultSettings()
	if s.Video != "test" || s.Audio != "test" || s.Output != program.DefaultOutput() ||
		!s.Server.On || s.Server.LAN || s.Server.Port != 1935 || s.Muted || s.GainDB != 0 || len(s.Destinations) != 0 {
		t.Fatalf("DefaultSettings() = %+v", s)
	}
}

func TestSettingsRoundTripThroughFiles(t *testing.T) {
	dir := t.TempDir()
	settingsPath, keysPath := filepath.Join(dir, "settings.json"), filepath.Join(dir, "keys.json")
	kv, err := OpenFileKV(settingsPath)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := store.OpenFileSecretStore(keysPath)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleSettings()
	if err := SaveSettings(kv, keys, want); err != nil {
		t.Fatal(err)
	}

	// Reopen both from disk, as a new run would.
	kv2, err := OpenFileKV(settingsPath)
	if err != nil {
		t.Fatal(err)
	}
	keys2, err := store.OpenFileSecretStore(keysPath)
	if err != nil {
		t.Fatal(err)
	}
	got, err := LoadSettings(kv2, keys2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}

	raw, err := os.ReadFile(settingsPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{testKey, otherKey} {
		if strings.Contains(string(raw), k) {
			t.Errorf("the settings file contains a key:\n%s", raw)
		}
	}
	if !strings.Contains(string(raw), "My YouTube") {
		t.Errorf("the settings file lacks the destination:\n%s", raw)
	}
	testpeer.AssertMode(t, settingsPath, 0o600)
	testpeer.AssertMode(t, keysPath, 0o600)
	if k, err := keys2.Get(want.Destinations[1].ID); err != nil || k != otherKey {
		t.Errorf("the key store holds %q, %v", k, err)
	}
}

func TestSaveSettingsDeletesRemovedKeys(t *testing.T) {
	kv, keys := mapKV{}, store.NewMemorySecretStore()
	s := sampleSettings()
	if err := keys.Set("srv1", "server-key-0123456789"); err != nil {
		t.Fatal(err)
	}
	if err := SaveSettings(kv, keys, s); err != nil {
		t.Fatal(err)
	}
	yt, tw := s.Destinations[0].ID, s.Destinations[1].ID

	s.Destinations = s.Destinations[1:] // YouTube removed
	s.Destinations[0].Key = ""          // Twitch key cleared
	s.Server.KeyIDs = nil               // server key revoked
	if err := SaveSettings(kv, keys, s); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{yt, tw, "srv1"} {
		if _, err := keys.Get(id); !errors.Is(err, store.ErrSecretNotFound) {
			t.Errorf("key %s still stored (err %v)", id, err)
		}
	}
	got, err := LoadSettings(kv, keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Destinations) != 2 || got.Destinations[0].Key != "" {
		t.Errorf("loaded %+v", got.Destinations)
	}
}

func TestLoadSettingsMissingGivesDefaults(t *testing.T) {
	got, err := LoadSettings(mapKV{}, store.NewMemorySecretStore())
	if err != nil || !reflect.DeepEqual(got, DefaultSettings()) {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestLoadSettingsCorruptGivesDefaultsAndSaysSo(t *testing.T) {
	for _, raw := range []string{"{not json", `{"Video": 5}`, `[1,2]`} {
		got, err := LoadSettings(mapKV{settingsKey: raw}, store.NewMemorySecretStore())
		if err == nil || !strings.Contains(err.Error(), "reset to the defaults") {
			t.Errorf("%q: error %v, want one saying the settings were reset", raw, err)
		}
		if !reflect.DeepEqual(got, DefaultSettings()) {
			t.Errorf("%q: got %+v, want the defaults", raw, got)
		}
	}
}

func TestLoadSettingsOldJSONKeepsDefaults(t *testing.T) {
	got, err := LoadSettings(mapKV{settingsKey: `{"Video":"screen:0","Output":{"FPS":60}}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultSettings()
	want.Video, want.Output.FPS = "screen:0", 60
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestLoadSettingsGivesAnIDToAHandEditedDestination(t *testing.T) {
	got, err := LoadSettings(mapKV{settingsKey: `{"Destinations":[{"Name":"x","Service":"custom"}]}`}, store.NewMemorySecretStore())
	if err != nil || len(got.Destinations) != 1 || len(got.Destinations[0].ID) != 16 {
		t.Fatalf("got %+v, %v", got.Destinations, err)
	}
}

func TestLoadSettingsFailingSecretStore(t *testing.T) {
	kv := mapKV{}
	s := sampleSettings()
	if err := SaveSettings(kv, store.NewMemorySecretStore(), s); err != nil {
		t.Fatal(err)
	}
	failing := fakeSecrets{get: func(id string) (string, error) {
		return "", errors.New("org.freedesktop.secrets is locked")
	}}
	got, err := LoadSettings(kv, failing)
	if err == nil {
		t.Fatal("no error from a failing store")
	}
	for _, d := range got.Destinations {
		if d.Key != "" {
			t.Errorf("%s has key %q", d.Name, d.Key)
		}
		if !strings.Contains(err.Error(), d.Name) {
			t.Errorf("the error does not name %q: %v", d.Name, err)
		}
	}
	if got.Video != s.Video || len(got.Destinations) != 3 {
		t.Errorf("the rest of the settings was lost: %+v", got)
	}
}

func TestLoadSettingsStopsAskingAfterATimeout(t *testing.T) {
	kv := mapKV{}
	s := sampleSettings()
	if err := SaveSettings(kv, store.NewMemorySecretStore(), s); err != nil {
		t.Fatal(err)
	}
	calls := 0
	stuck := fakeSecrets{get: func(id string) (string, error) {
		calls++
		return "", store.ErrKeyringTimeout
	}}
	_, err := LoadSettings(kv, stuck)
	if calls != 1 {
		t.Errorf("the store was asked %d times after a timeout, want 1", calls)
	}
	for _, d := range s.Destinations {
		if !strings.Contains(err.Error(), d.Name) {
			t.Errorf("the error does not name %q: %v", d.Name, err)
		}
	}
}

func TestSaveSettingsFailingSecretStore(t *testing.T) {
	kv := mapKV{}
	failing := fakeSecrets{set: func(id, secret string) error {
		return errors.New("the collection is locked")
	}}
	s := sampleSettings()
	err := SaveSettings(kv, failing, s)
	if err == nil || !strings.Contains(err.Error(), "My YouTube") || !strings.Contains(err.Error(), "Twitch") {
		t.Fatalf("error %v, want one naming both destinations", err)
	}
	for _, k := range []string{testKey, otherKey} {
		if strings.Contains(err.Error(), k) || strings.Contains(kv[settingsKey], k) {
			t.Errorf("a key leaked: %v / %s", err, kv[settingsKey])
		}
	}
	// The rest is saved anyway.
	got, _ := LoadSettings(kv, nil)
	if got.Video != s.Video || len(got.Destinations) != 3 {
		t.Errorf("the settings were not saved: %+v", got)
	}
}

func TestSaveSettingsNeedsUniqueIDs(t *testing.T) {
	s := sampleSettings()
	s.Destinations[1].ID = ""
	if err := SaveSettings(mapKV{}, store.NewMemorySecretStore(), s); err == nil || !strings.Contains(err.Error(), "Twitch") {
		t.Errorf("missing ID: %v", err)
	}
	s = sampleSettings()
	s.Destinations[1].ID = s.Destinations[0].ID
	if err := SaveSettings(mapKV{}, store.NewMemorySecretStore(), s); err == nil {
		t.Error("duplicate IDs accepted")
	}
}

func TestSaveSettingsWithoutAKeyStore(t *testing.T) {
	kv := mapKV{}
	err := SaveSettings(kv, nil, sampleSettings())
	if err == nil || !strings.Contains(err.Error(), "My YouTube") || strings.Contains(err.Error(), "Relay") {
		t.Fatalf("error %v, want one naming the destinations that have keys", err)
	}
	if kv[settingsKey] == "" {
		t.Error("the settings were not saved")
	}
}

func TestFileKV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profile", "settings.json")
	kv, err := OpenFileKV(path)
	if err != nil {
		t.Fatal(err)
	}
	if kv.String("a") != "" {
		t.Fatal("a new KV is not empty")
	}
	kv.SetString("a", "1")
	if err := kv.Err(); err != nil {
		t.Fatal(err)
	}
	if err := kv.Store("b", "2"); err != nil {
		t.Fatal(err)
	}
	kv2, err := OpenFileKV(path)
	if err != nil {
		t.Fatal(err)
	}
	if kv2.String("a") != "1" || kv2.String("b") != "2" {
		t.Errorf("reopened: a=%q b=%q", kv2.String("a"), kv2.String("b"))
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestFileKVConcurrentUse(t *testing.T) {
	kv, err := OpenFileKV(filepath.Join(t.TempDir(), "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			key := string(rune('a' + i))
			for j := range 10 {
				kv.SetString(key, strings.Repeat("x", j))
				_ = kv.String(key)
			}
		})
	}
	wg.Wait()
	if err := kv.Err(); err != nil {
		t.Fatal(err)
	}
	kv2, err := OpenFileKV(kv.Path())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		if got := kv2.String(string(rune('a' + i))); got != strings.Repeat("x", 9) {
			t.Errorf("key %c = %q", 'a'+i, got)
		}
	}
}

func TestFileKVDamagedFileIsMovedAside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(path, []byte("{oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	kv, err := OpenFileKV(path)
	if err == nil || kv == nil {
		t.Fatalf("OpenFileKV = %v, %v; want an empty KV and an error", kv, err)
	}
	if _, err := os.Stat(path + ".damaged"); err != nil {
		t.Errorf("the damaged file was not kept: %v", err)
	}
	if kv.String(settingsKey) != "" {
		t.Error("the KV is not empty")
	}
	if err := kv.Store("a", "1"); err != nil {
		t.Fatal(err)
	}
}

func TestFileKVWriteFailure(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "profile")
	kv, err := OpenFileKV(filepath.Join(blocker, "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The folder turns out to be a file when the settings are written.
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	kv.SetString("a", "1")
	if kv.Err() == nil {
		t.Fatal("SetString into an impossible path reported no error")
	}
	if kv.String("a") != "" {
		t.Error("a failed write was kept")
	}
	if err := SaveSettings(kv, store.NewMemorySecretStore(), DefaultSettings()); err == nil {
		t.Error("SaveSettings did not report the write failure")
	}
}
