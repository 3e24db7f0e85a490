package server

import (
	"errors"
	"net/url"
	"strings"
)

// maxNameLength bounds an app or stream name.
const maxNameLength = 128

// errBadName is the reason given for a name that is not allowed.
var errBadName = errors.New("names may use only letters, digits and . _ ~ - in segments separated by /")

// checkName validates an app or stream name: at most 128 bytes of
// letters, digits and ._~- in non-empty '/'-separated segments, none of
// them "." or "..". This keeps names safe as file names for recordings.
func checkName(s string) error {
	if s == "" || len(s) > maxNameLength {
		return errBadName
	}
	for _, seg := range strings.Split(s, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return errBadName
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
				c == '.' || c == '_' || c == '~' || c == '-'
			if !ok {
				return errBadName
			}
		}
	}
	return nil
}

// splitQuery splits "name?query" and returns the key=… value of the query.
func splitQuery(s string) (name, key string) {
	name, q, ok := strings.Cut(s, "?")
	if !ok {
		return name, ""
	}
	v, err := url.ParseQuery(q)
	if err != nil {
		return name, ""
	}
	return name, v.Get("key")
}

// streamCredentials takes the name a client sent with publish or play and
// returns the stream name and the key it carries: from ?key=KEY, or, when
// keys is not empty, from a trailing _KEY that matches one of keys.
func streamCredentials(raw string, keys []string) (name, key string) {
	name, key = splitQuery(raw)
	if key != "" || len(keys) == 0 {
		return name, key
	}
	if i := strings.LastIndexByte(name, '_'); i > 0 && KeyMatches(name[i+1:], keys) {
		return name[:i], name[i+1:]
	}
	return name, ""
}

// StreamKey returns the key ("app/name") a player asking for stream raw
// in app gets, with any key the two carry (?key=…, or a trailing _KEY
// that is one of the server's keys) taken off; ok is false for a name the
// server would refuse.
func (s *Server) StreamKey(app, raw string) (key string, ok bool) {
	app, _ = splitQuery(strings.Trim(app, "/"))
	name, _ := streamCredentials(raw, s.auth.Load().playKeys())
	if checkName(app) != nil || checkName(name) != nil {
		return "", false
	}
	return app + "/" + name, true
}
