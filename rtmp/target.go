package rtmp

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Default ports of the two schemes.
const (
	DefaultPortRTMP  = 1935
	DefaultPortRTMPS = 443
)

// mask replaces secrets in redacted text.
const mask = "••••"

// Target is where a Publisher sends a stream. Name and Query are secret:
// they are never printed. String, GoString, LogValue and MarshalJSON all
// give Redacted.
type Target struct {
	Scheme string // "rtmp" or "rtmps"
	Host   string // host name or IP address, without brackets
	Port   int
	App    string // application path, e.g. "live2" or "app/instance"; may end in "?query" from the server URL
	Name   string // stream name: the stream key (secret)
	Query  string // query after the stream name, without '?' (secret)
	TCURL  string // tcUrl sent in connect: scheme://host[:port]/app
}

// ParseTarget parses a publish destination. rawURL is either a full URL,
// rtmp[s]://host[:port]/app[/…]/streamkey[?query], or, when key is not
// empty, the server URL a platform shows (rtmp[s]://host[:port]/app[/…]
// [?query]) with the stream key given separately (it may carry its own
// ?query). The default ports are 1935 for rtmp and 443 for rtmps. Errors
// never contain the key.
func ParseTarget(rawURL, key string) (Target, error) {
	raw, key := strings.TrimSpace(rawURL), strings.TrimPrefix(strings.TrimSpace(key), "/")
	if raw == "" {
		return Target{}, errors.New("missing server URL (for example rtmp://live.example.com/app)")
	}
	sep := strings.Index(raw, "://")
	if sep <= 0 {
		return Target{}, errors.New("malformed URL: it must start with rtmp:// or rtmps://")
	}
	t := Target{Scheme: strings.ToLower(raw[:sep])}
	switch t.Scheme {
	case "rtmp":
		t.Port = DefaultPortRTMP
	case "rtmps":
		t.Port = DefaultPortRTMPS
	default:
		if strings.ContainsAny(t.Scheme, "/?@ ") || len(t.Scheme) > 16 {
			return Target{}, errors.New("malformed URL: it must start with rtmp:// or rtmps://")
		}
		return Target{}, fmt.Errorf("unsupported scheme %q: use rtmp:// or rtmps://", t.Scheme)
	}
	rest := raw[sep+3:]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority, pathQuery := rest[:end], strings.TrimPrefix(rest[end:], "/")
	if err := t.parseAuthority(authority); err != nil {
		return Target{}, err
	}
	path, query, _ := strings.Cut(pathQuery, "?")
	var segs []string
	for s := range strings.SplitSeq(path, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	keyName, keyQuery, _ := strings.Cut(key, "?")
	if key != "" && len(segs) > 1 && segs[len(segs)-1] == keyName {
		segs = segs[:len(segs)-1] // the full URL was pasted along with the key
	}
	switch {
	case len(segs) == 0:
		return Target{}, errors.New("missing app name: the URL path must name the application, as in rtmp://host/live")
	case key != "":
		t.App = strings.Join(segs, "/")
		if query != "" {
			t.App += "?" + query
		}
		t.Name, t.Query = keyName, keyQuery
	case len(segs) == 1:
		return Target{}, errors.New("missing stream key: put it at the end of the URL (rtmp://host/app/KEY) or pass it separately")
	default:
		t.App = strings.Join(segs[:len(segs)-1], "/")
		t.Name, t.Query = segs[len(segs)-1], query
	}
	if t.Name == "" {
		return Target{}, errors.New("missing stream key")
	}
	t.TCURL = t.Scheme + "://" + authority + "/" + t.App
	return t, nil
}

// parseAuthority sets Host and Port from host[:port].
func (t *Target) parseAuthority(authority string) error {
	if strings.Contains(authority, "@") {
		return errors.New("user names and passwords in the URL are not supported")
	}
	u, err := url.Parse("rtmp://" + authority)
	if err != nil || u.Hostname() == "" {
		// url's errors quote the input; keep them out of the message.
		return errors.New("malformed URL: missing or invalid host (it must look like rtmp://host[:port]/app/streamkey)")
	}
	t.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("invalid port %q in URL", p)
		}
		t.Port = n
	}
	return nil
}

// Addr returns host:port for net.Dial.
func (t Target) Addr() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

// PublishName returns the name sent in publish: the key and its query.
func (t Target) PublishName() string {
	if t.Query == "" {
		return t.Name
	}
	return t.Name + "?" + t.Query
}

// Redacted returns the URL with the stream key and every query value masked,
// e.g. rtmp://host:1935/live/••••.
func (t Target) Redacted() string {
	app, appQuery, hasQuery := strings.Cut(t.App, "?")
	s := t.Scheme + "://" + t.Addr() + "/" + app
	if hasQuery {
		s += "?" + maskQuery(appQuery)
	}
	s += "/" + mask
	if t.Query != "" {
		s += "?" + maskQuery(t.Query)
	}
	return s
}

// String returns Redacted.
func (t Target) String() string { return t.Redacted() }

// GoString returns Redacted, so %#v does not print the key either.
func (t Target) GoString() string { return t.Redacted() }

// LogValue makes slog log the redacted URL whatever the handler.
func (t Target) LogValue() slog.Value { return slog.StringValue(t.Redacted()) }

// MarshalJSON encodes the redacted URL, so a Target nested in a logged or
// exported struct cannot leak the key. Store the URL and key, not a Target.
func (t Target) MarshalJSON() ([]byte, error) { return json.Marshal(t.Redacted()) }

// scrub replaces the key and query values in text from the server or the
// network stack, which may echo them.
func (t Target) scrub(s string) string {
	for _, secret := range t.secrets() {
		s = strings.ReplaceAll(s, secret, mask)
	}
	return s
}

// secrets lists the strings that must never be printed, longest first.
func (t Target) secrets() []string {
	var out []string
	add := func(q string) {
		for kv := range strings.SplitSeq(q, "&") {
			_, v, ok := strings.Cut(kv, "=")
			if !ok {
				v = kv
			}
			if len(v) >= 3 {
				out = append(out, v)
			}
		}
	}
	if t.Query != "" {
		out = append(out, t.PublishName())
		add(t.Query)
	}
	if t.Name != "" {
		out = append(out, t.Name)
	}
	if _, q, ok := strings.Cut(t.App, "?"); ok {
		add(q)
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// maskQuery masks every value of a query string.
func maskQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, kv := range parts {
		if k, _, ok := strings.Cut(kv, "="); ok {
			parts[i] = k + "=" + mask
		} else {
			parts[i] = mask
		}
	}
	return strings.Join(parts, "&")
}
