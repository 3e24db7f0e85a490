package app

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// ProgramStream is the name the program has on the local server.
const ProgramStream = "program"

// SetLocalServer turns the built-in server on or off and picks loopback or
// LAN listening. Turning on LAN mode with no key generates one, since
// anyone on the network could publish otherwise.
func (s *Studio) SetLocalServer(on, lan bool) {
	s.do(func() {
		s.mu.Lock()
		changed := s.settings.Server.On != on || s.settings.Server.LAN != lan
		s.settings.Server.On, s.settings.Server.LAN = on, lan
		if !on { // off by choice: no longer a problem to show
			s.serverErr, s.serverInUse, s.serverFreePort = "", false, 0
		}
		running := s.server != nil
		s.mu.Unlock()
		if !changed && running == on {
			return
		}
		s.stopServer()
		if on {
			s.startServer()
		}
		s.save()
	})
}

// SetLocalServerPort changes the local server's port (1 to 65535) and
// restarts the server on it when it is on: the way out when another
// program holds the port.
func (s *Studio) SetLocalServerPort(port int) {
	if port < 1 || port > 65535 {
		s.setErr(fmt.Errorf("%d is not a port: use a number from 1024 to 65535, e.g. 1936", port))
		return
	}
	s.do(func() {
		s.mu.Lock()
		s.settings.Server.Port = port
		if s.cfg.ServerListen != "" {
			host, _, _ := net.SplitHostPort(s.cfg.ServerListen)
			s.cfg.ServerListen = net.JoinHostPort(host, strconv.Itoa(port))
		}
		on := s.settings.Server.On
		s.mu.Unlock()
		s.stopServer()
		if on {
			s.startServer()
		}
		s.save()
	})
}

// listenPortLocked is the port the local server listens on, or would.
func (s *Studio) listenPortLocked() int {
	if s.server != nil {
		return s.server.Port()
	}
	if s.cfg.ServerListen != "" {
		_, p, _ := net.SplitHostPort(s.cfg.ServerListen)
		if n, err := strconv.Atoi(p); err == nil {
			return n
		}
	}
	return cmpOr(s.settings.Server.Port, DefaultServerPort)
}

// nowhereToGoLocked says why Go Live cannot start with no destination
// enabled: the local server, its only target then, could not start.
func (s *Studio) nowhereToGoLocked() string {
	why := "the local server could not start"
	if s.serverInUse {
		why += fmt.Sprintf(" (port %d is in use by another program)", s.listenPortLocked())
	}
	return "Go Live has nowhere to send the program: no destination is enabled, and " + why +
		". Add a destination, or choose another port on the Local server tab."
}

// startServer (worker) binds the local server from the settings, then
// serves the program on it.
func (s *Studio) startServer() {
	s.mu.Lock()
	st := s.settings.Server
	if st.LAN && len(s.serverKey) == 0 {
		s.addServerKeyLocked()
	}
	keys := s.serverKeysLocked()
	s.watchKey = ""
	if st.LAN { // a play key for phones and tablets, new at each start
		s.watchKey = server.GenerateKey()
	}
	play := s.playKeysLocked()
	s.mu.Unlock()
	listen := s.cfg.ServerListen
	if listen == "" {
		host := "127.0.0.1"
		if st.LAN {
			host = "0.0.0.0"
		}
		listen = net.JoinHostPort(host, strconv.Itoa(cmpOr(st.Port, 1935)))
	}
	srv, err := StartLocalServer(LocalServerConfig{Listen: listen, PublishKeys: keys, PlayKeys: play, Server: server.DefaultConfig()}, s.cfg.Secrets, s.log)
	var inUse *PortInUseError
	free := 0
	if errors.As(err, &inUse) {
		free = inUse.FreePortNear()
	}
	s.mu.Lock()
	if err != nil {
		s.serverErr = store.Sentence(fmt.Errorf("the local server could not start: %w", err))
		s.serverInUse, s.serverFreePort = inUse != nil, free
		s.mu.Unlock()
		s.log.Warn("local server not started", "err", err)
		return
	}
	s.server, s.serverErr, s.serverInUse, s.serverFreePort = srv, "", false, 0
	s.mu.Unlock()
	s.log.Info("local server on", "addr", srv.RTMPAddr())
	s.publishProgramLocally()
	s.save()
}

// stopServer (worker or Close) ends the program's local publish and the server.
func (s *Studio) stopServer() {
	s.stopForwards()
	s.mu.Lock()
	srv, pd := s.server, s.progFeed
	s.server, s.progFeed = nil, nil
	s.mu.Unlock()
	if pd != nil {
		pd.stop()
	}
	if srv != nil {
		srv.Close()
	}
}

// publishProgramLocally (worker) publishes the program on the local
// server as live/program, in-process (no loopback RTMP connection).
func (s *Studio) publishProgramLocally() {
	s.mu.Lock()
	old := s.progFeed
	s.progFeed = nil
	s.mu.Unlock()
	if old != nil { // stopping waits for its goroutine: never under s.mu
		old.stop()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.server == nil || s.prog == nil {
		return
	}
	f, err := startProgramFeed(s.server.RTMP, s.prog, dest.QueueFor(s.settings.Output), s.log)
	if err != nil {
		s.serverErr = store.Sentence(err)
		return
	}
	s.progFeed = f
}

// GenerateServerKey adds a publish key to the local server.
func (s *Studio) GenerateServerKey() {
	s.mu.Lock()
	s.addServerKeyLocked()
	s.applyServerKeysLocked()
	s.mu.Unlock()
	s.saveLater()
}

// RevokeServerKey removes a publish key; publishers using it are refused
// from their next connection on.
func (s *Studio) RevokeServerKey(id string) {
	s.mu.Lock()
	delete(s.serverKey, id)
	s.settings.Server.KeyIDs = slices.DeleteFunc(s.settings.Server.KeyIDs, func(k string) bool { return k == id })
	s.applyServerKeysLocked()
	s.mu.Unlock()
	s.do(func() {
		_ = s.cfg.Keys.Delete(id)
		s.save()
	})
}

// RevealServerKey returns a key in full, for the user who asked to see it.
func (s *Studio) RevealServerKey(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serverKey[id]
}

func (s *Studio) addServerKeyLocked() {
	k := server.GenerateKey()
	id := "server-key-" + dest.NewID()
	s.cfg.Secrets.Add(k)
	s.serverKey[id] = k
	s.settings.Server.KeyIDs = append(s.settings.Server.KeyIDs, id)
	// The keyring can be slow: never under the lock. On the worker, in
	// order with RevokeServerKey's delete, so that a key revoked at once
	// cannot come back.
	s.do(func() { _ = s.cfg.Keys.Set(id, k) })
}

// serverKeysLocked returns the keys in the saved order.
func (s *Studio) serverKeysLocked() []string {
	var keys []string
	for _, id := range s.settings.Server.KeyIDs {
		if k, ok := s.serverKey[id]; ok {
			keys = append(keys, k)
		}
	}
	return keys
}

func (s *Studio) applyServerKeysLocked() {
	if s.server == nil {
		return
	}
	s.server.SetAuth(server.AuthConfig{PublishKeys: s.serverKeysLocked(), PlayKeys: s.playKeysLocked()})
}

// serverStatusLocked describes the local server for a snapshot.
func (s *Studio) serverStatusLocked() LocalServerStatus {
	st := LocalServerStatus{On: s.server != nil, LAN: s.settings.Server.LAN, Error: s.serverErr,
		Port: s.listenPortLocked(), PortInUse: s.serverInUse, FreePort: s.serverFreePort}
	for _, id := range s.settings.Server.KeyIDs {
		if k, ok := s.serverKey[id]; ok {
			st.Keys = append(st.Keys, ServerKey{ID: id, Masked: maskKey(k)})
		}
	}
	if s.server == nil {
		return st
	}
	st.Addr, st.Hosts = s.server.RTMPAddr(), s.server.LANHosts()
	st.WatchURL = s.server.WatchURL("")
	st.PublishURL = "rtmp://" + st.Addr + "/live/NAME"
	if len(st.Keys) > 0 {
		st.PublishURL += "?key=" + st.Keys[0].Masked
	}
	return st
}

// maskKey shows the first four characters of a key, never more.
func maskKey(k string) string {
	if len(k) < 8 {
		return store.Mask
	}
	return k[:4] + "…"
}

// incomingStreams lists the live streams on the server with their stats.
func (s *Studio) incomingStreams(srv *LocalServer) []IncomingStream {
	var out []IncomingStream
	for _, st := range srv.RTMP.Stats().Streams {
		if !st.Live {
			continue
		}
		name := strings.TrimPrefix(st.Name, "live/")
		in := IncomingStream{Name: st.Name, Title: s.cfg.Secrets.Redact(st.Name), Bitrate: st.BitrateIn, Publisher: st.Publisher, Players: st.Players,
			PlayURL: srv.PlayURL(name)}
		in.Uptime = secondsDur(st.UptimeSeconds)
		var codec []string
		if v := st.Video; v != nil {
			in.Width, in.Height, in.FPS = v.Width, v.Height, v.FPS
			codec = append(codec, strings.TrimSpace(v.Codec+" "+v.Profile))
		}
		if a := st.Audio; a != nil {
			codec = append(codec, a.Codec)
		}
		in.Codec = strings.Join(codec, " / ")
		out = append(out, in)
	}
	return out
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

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
