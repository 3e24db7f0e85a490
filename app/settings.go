package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/app/scene"

	"github.com/seed7c1a73c4/onair/app/store"
)

// settingsKey is the one KV key the settings are stored under, as JSON.
const settingsKey = "studio.settings.v1"

// DefaultServerPort is the local server's port unless the user picks another.
const DefaultServerPort = 1935

// KV is where the settings are kept: string values by key.
// fyne.Preferences satisfies it, and so does FileKV.
type KV interface {
	String(key string) string
	SetString(key, value string)
}

// kvStorer is the optional capability of a KV whose writes can fail and
// say so (FileKV); SaveSettings uses it when it is there.
type kvStorer interface {
	Store(key, value string) error
}

// ServerSettings are the saved choices for the built-in server.
type ServerSettings struct {
	On     bool
	LAN    bool     // listen beyond this computer
	Port   int      // RTMP port
	KeyIDs []string // IDs of the publish keys in the SecretStore
}

// Settings are the studio's saved choices. Destination keys are not part
// of the saved JSON: SaveSettings puts them in a SecretStore under the
// destination ID and LoadSettings fills them back in.
type Settings struct {
	Video, Audio string // capture specs; Video "scene" composes Scenes.Current
	// Scenes are the window's scenes; the starters until the user changes them.
	Scenes scene.Collection
	Output program.OutputConfig
	Muted  bool
	GainDB float64
	// Mix holds each mix source's gain and mute, by source name.
	Mix          map[string]MixSetting
	Destinations []dest.Destination
	Server       ServerSettings
	RecordDir    string // where program recordings go; "" is record.DefaultDir
}

// MixSetting is one audio mix source's saved gain (dB) and mute.
type MixSetting struct {
	GainDB float64
	Muted  bool
}

// DefaultSettings returns the test sources, DefaultOutput, no destinations
// and the local server on, on this computer only, at port 1935.
func DefaultSettings() Settings {
	return Settings{
		Video: "test", Audio: "test",
		Scenes: scene.Starters(),
		Output: program.DefaultOutput(),
		Server: ServerSettings{On: true, Port: DefaultServerPort},
	}
}

// storedSettings is Settings as saved: the same fields, keys left out.
type storedSettings struct {
	Video, Audio string
	Scenes       scene.Collection
	Output       program.OutputConfig
	Muted        bool
	GainDB       float64
	Mix          map[string]MixSetting `json:",omitempty"`
	Destinations []storedDestination
	Server       ServerSettings
	RecordDir    string `json:",omitempty"`
}

// storedDestination is Destination without its Key.
type storedDestination struct {
	ID, Name, Service, Server string
	Enabled                   bool
}

func toStored(s Settings) storedSettings {
	st := storedSettings{Video: s.Video, Audio: s.Audio, Scenes: s.Scenes, Output: s.Output, Muted: s.Muted, Mix: s.Mix,
		GainDB: s.GainDB, Server: s.Server, RecordDir: s.RecordDir}
	for _, d := range s.Destinations {
		st.Destinations = append(st.Destinations, storedDestination{ID: d.ID, Name: d.Name,
			Service: d.Service, Server: d.Server, Enabled: d.Enabled})
	}
	return st
}

func (st storedSettings) settings() Settings {
	s := Settings{Video: st.Video, Audio: st.Audio, Scenes: st.Scenes, Output: st.Output, Muted: st.Muted, Mix: st.Mix,
		GainDB: st.GainDB, Server: st.Server, RecordDir: st.RecordDir}
	for _, d := range st.Destinations {
		s.Destinations = append(s.Destinations, dest.Destination{ID: d.ID, Name: d.Name,
			Service: d.Service, Server: d.Server, Enabled: d.Enabled})
	}
	return s
}

// decodeSettings reads the saved JSON over the defaults, so a field the
// JSON lacks (saved by an older version) keeps its default.
func decodeSettings(raw string) (storedSettings, error) {
	st := toStored(DefaultSettings())
	err := json.Unmarshal([]byte(raw), &st)
	return st, err
}

// LoadSettings reads the settings from kv and the destination keys from
// secrets. It always returns usable settings: the defaults when nothing is
// saved, and the defaults with an error when the saved JSON cannot be read.
// A key the store cannot give leaves that Key empty and adds an error
// naming the destination; after a keyring timeout the remaining keys are
// not asked for. A nil secrets loads no keys.
func LoadSettings(kv KV, secrets store.SecretStore) (Settings, error) {
	raw := kv.String(settingsKey)
	if strings.TrimSpace(raw) == "" {
		return DefaultSettings(), nil
	}
	st, err := decodeSettings(raw)
	if err != nil {
		return DefaultSettings(), fmt.Errorf("the saved settings could not be read, so they were reset to the defaults: %w", err)
	}
	s := st.settings()
	var errs []error
	var stuck error
	for i := range s.Destinations {
		d := &s.Destinations[i]
		switch {
		case d.ID == "": // edited by hand: it cannot have a stored key
			d.ID = dest.NewID()
			continue
		case secrets == nil:
			continue
		case stuck != nil:
			errs = append(errs, fmt.Errorf("the key of %q was not read: %w", d.Name, stuck))
			continue
		}
		key, err := secrets.Get(d.ID)
		switch {
		case err == nil:
			d.Key = key
		case errors.Is(err, store.ErrSecretNotFound):
		default:
			errs = append(errs, fmt.Errorf("the key of %q could not be read: %w", d.Name, err))
			if errors.Is(err, store.ErrKeyringTimeout) {
				stuck = store.ErrKeyringTimeout
			}
		}
	}
	return s, errors.Join(errs...)
}

// SaveSettings writes s to kv without the keys, and every destination key
// to secrets under the destination ID: an empty Key deletes the stored
// one, and so does removing a destination (or a server key ID) that the
// previous save had. Every destination needs a unique ID (NewDestinationID).
// After a keyring timeout (or with a nil secrets) the store is not asked
// again in this call.
// The JSON is written even when a key is not; the error names each
// destination whose key failed, never the key.
func SaveSettings(kv KV, secrets store.SecretStore, s Settings) error {
	current := map[string]bool{}
	for _, d := range s.Destinations {
		switch {
		case d.ID == "":
			return fmt.Errorf("the destination %q has no ID: give it one with dest.NewID", d.Name)
		case current[d.ID]:
			return fmt.Errorf("two destinations share the ID %s", d.ID)
		}
		current[d.ID] = true
	}
	for _, id := range s.Server.KeyIDs {
		current[id] = true
	}
	var previous []string
	if st, err := decodeSettings(kv.String(settingsKey)); err == nil {
		for _, d := range st.Destinations {
			previous = append(previous, d.ID)
		}
		previous = append(previous, st.Server.KeyIDs...)
	}

	var errs []error
	var stuck error
	if secrets == nil {
		stuck = errors.New("there is no key store")
	}
	for _, d := range s.Destinations {
		if stuck != nil && d.Key == "" {
			continue // nothing to lose
		}
		if stuck != nil {
			errs = append(errs, fmt.Errorf("the key of %q was not saved: %w", d.Name, stuck))
			continue
		}
		var err error
		if d.Key != "" {
			err = secrets.Set(d.ID, d.Key)
		} else {
			err = secrets.Delete(d.ID)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("the key of %q could not be saved: %w", d.Name, err))
			if errors.Is(err, store.ErrKeyringTimeout) {
				stuck = store.ErrKeyringTimeout
			}
		}
	}

	data, err := json.Marshal(toStored(s))
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("encoding the settings: %w", err))...)
	}
	if ks, ok := kv.(kvStorer); ok {
		if err := ks.Store(settingsKey, string(data)); err != nil {
			errs = append(errs, fmt.Errorf("writing the settings: %w", err))
		}
	} else {
		kv.SetString(settingsKey, string(data))
	}

	for _, id := range previous {
		if current[id] || id == "" || stuck != nil {
			continue
		}
		if err := secrets.Delete(id); err != nil {
			errs = append(errs, fmt.Errorf("the key of a removed destination could not be deleted: %w", err))
			if errors.Is(err, store.ErrKeyringTimeout) {
				stuck = store.ErrKeyringTimeout
			}
		}
	}
	return errors.Join(errs...)
}

// FileKV is a KV kept in a JSON file, for headless use and --profile DIR.
// Every write rewrites the file atomically (temporary file, then rename)
// with mode 0600. It is safe for concurrent use.
type FileKV struct {
	path string

	mu   sync.Mutex
	data map[string]string
	err  error // the last SetString failure
}

// OpenFileKV reads the file at path, or starts empty when there is none
// (the file is created by the first write). A damaged file is moved aside
// to path.damaged: the returned KV is then empty and usable, and the error
// says so.
func OpenFileKV(path string) (*FileKV, error) {
	f := &FileKV{path: path, data: map[string]string{}}
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f, nil
	case err != nil:
		return nil, fmt.Errorf("reading the settings file: %w", err)
	case len(raw) == 0:
		return f, nil
	}
	if jerr := json.Unmarshal(raw, &f.data); jerr != nil {
		f.data = map[string]string{}
		aside := path + ".damaged"
		if err := os.Rename(path, aside); err != nil {
			return nil, fmt.Errorf("the settings file %s is damaged (%w) and could not be moved aside: %w", path, jerr, err)
		}
		return f, fmt.Errorf("the settings file was damaged (%w), so it was moved to %s and the settings start afresh", jerr, aside)
	}
	if f.data == nil { // the file held "null"
		f.data = map[string]string{}
	}
	return f, nil
}

// Path returns the file's path.
func (f *FileKV) Path() string { return f.path }

// String returns the value under key, or "".
func (f *FileKV) String(key string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.data[key]
}

// SetString sets key and rewrites the file. KV has no error result: a
// failure is kept for Err (SaveSettings uses Store and gets it directly).
func (f *FileKV) SetString(key, value string) {
	err := f.Store(key, value)
	f.mu.Lock()
	f.err = err
	f.mu.Unlock()
}

// Store sets key and rewrites the file. On failure the value is not kept.
func (f *FileKV) Store(key, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, had := f.data[key]
	f.data[key] = value
	data, err := json.MarshalIndent(f.data, "", "  ")
	if err == nil {
		err = store.WriteFileAtomic(f.path, data)
	}
	if err != nil {
		if had {
			f.data[key] = old
		} else {
			delete(f.data, key)
		}
		return fmt.Errorf("writing the settings file: %w", err)
	}
	return nil
}

// Err returns the error of the last SetString, or nil when it succeeded.
func (f *FileKV) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
