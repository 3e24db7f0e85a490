package dest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/rtmp"
)

// Validate checks a destination as the user edited it and returns every
// problem, one sentence each. No message contains the stream key.
func (d Destination) Validate() error {
	var errs []error
	if strings.TrimSpace(d.Name) == "" {
		errs = append(errs, errors.New("the destination has no name: give it one, e.g. My YouTube"))
	}
	svc, known := ServiceByID(d.Service)
	if !known {
		errs = append(errs, fmt.Errorf("unknown service %q: use one of %s", d.Service, strings.Join(serviceIDs(), ", ")))
	}
	if err := checkServer(d.Server, svc, known); err != nil {
		errs = append(errs, err)
	}
	switch {
	case !known:
	case isPlatform(svc) && strings.TrimSpace(d.Key) == "":
		errs = append(errs, fmt.Errorf("the stream key is empty: %s", svc.KeyHelp))
	case !isPlatform(svc) && strings.TrimSpace(d.Key) == "" && strings.TrimSpace(d.Server) != "":
		if _, err := rtmp.ParseTarget(d.Server, ""); err != nil {
			errs = append(errs, errors.New("the stream key is empty: put it in the key field or at the end of the URL (rtmp://host/app/KEY)"))
		}
	}
	if err := CheckStreamKey(d.Key); err != nil {
		errs = append(errs, err)
	}
	return ScrubKey(errors.Join(errs...), d.Key)
}

// CheckStreamKey refuses a stream key that no platform issues: one with a
// space, tab, line break or other control character inside (a copy that
// took too much, or two keys pasted together). Leading and trailing spaces
// are for the caller to trim. The message names the key, never shows it.
func CheckStreamKey(key string) error {
	for _, r := range strings.TrimSpace(key) {
		switch {
		case r == ' ' || r == '\u00a0':
			return errors.New("the stream key has a space in it: copy it again from the platform's dashboard, without spaces")
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return errors.New("the stream key has a tab, a line break or another invisible character in it: copy it again from the platform's dashboard")
		}
	}
	return nil
}

// checkServer checks the server URL: scheme, RTMPS when the service needs
// it, then host, port and app.
func checkServer(server string, svc Service, known bool) error {
	server = strings.TrimSpace(server)
	lower := strings.ToLower(server)
	switch {
	case server == "" && known && isPlatform(svc) && svc.Server == "":
		return fmt.Errorf("the server URL is empty: %s", svc.KeyHelp)
	case server == "":
		return errors.New("the server URL is empty: use rtmp://host/app or rtmps://host/app")
	case known && svc.RequiresRTMPS && strings.HasPrefix(lower, "rtmp://"):
		return errors.New(needsRTMPS(svc))
	case !strings.HasPrefix(lower, "rtmp://") && !strings.HasPrefix(lower, "rtmps://"):
		return errors.New("the server URL must start with rtmp:// or rtmps://")
	}
	// A placeholder key checks the host, port and app without the real one.
	if _, err := rtmp.ParseTarget(server, "placeholder"); err != nil {
		return fmt.Errorf("the server URL is not usable: %w", err)
	}
	return nil
}

// needsRTMPS is the sentence for a service that refuses plain RTMP.
func needsRTMPS(svc Service) string {
	if svc.Server != "" {
		return fmt.Sprintf("%s needs RTMPS: use %s", svc.Name, svc.Server)
	}
	return fmt.Sprintf("%s needs RTMPS: use the rtmps:// URL it gives you", svc.Name)
}

// ScrubKey is the backstop that keeps the key out of a message even if it
// was typed into another field (see redactKeyIn).
func ScrubKey(err error, key string) error {
	if err == nil || len(key) < store.MinSecretLen || !strings.Contains(err.Error(), key) {
		return err
	}
	return errors.New(redactKeyIn(err.Error(), key))
}

func serviceIDs() []string {
	ids := make([]string, len(services))
	for i, s := range services {
		ids[i] = s.ID
	}
	return ids
}

// Config returns the destination as the broadcast takes it.
func (d Destination) Config() Config {
	return Config{Name: d.Name, URL: d.Server, Key: d.Key}
}

// MaskedKey returns Mask when the destination has a key and "" otherwise,
// for labels that must not show the key.
func (d Destination) MaskedKey() string {
	if d.Key == "" {
		return ""
	}
	return store.Mask
}

// NewID returns a random ID for a new destination: 16 hex digits.
func NewID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // it does not since Go 1.24
	}
	return hex.EncodeToString(b[:])
}
