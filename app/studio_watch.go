package app

// WatchLink returns the monitor page's address for another device: in LAN
// mode it carries the server's play key once (?key=), which the page moves
// into a cookie at once. It is "" while the server or its web side is off.
// It is for the QR code and the clipboard only: never log or show it.
func (s *Studio) WatchLink() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.server == nil {
		return ""
	}
	return s.server.WatchURL(s.watchKey)
}

// playKeysLocked is the play key of the watch link, if there is one.
func (s *Studio) playKeysLocked() []string {
	if s.watchKey == "" {
		return nil
	}
	return []string{s.watchKey}
}
