package server

import (
	"testing"
	"time"
)

// Changed wakes its watcher when a name is published, when it is gone and
// when the server closes; a name published again is a new Session, and a
// channel taken before a change is never left open by it.
func TestChangedAnnouncesPublishSessions(t *testing.T) {
	srv, _ := startServer(t, hostileConfig())
	woken := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		case <-time.After(5 * time.Second):
			return false
		}
	}
	quiet := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return false
		default:
			return true
		}
	}
	ch := srv.Changed()
	if !quiet(ch) {
		t.Fatal("Changed is closed before anything was published")
	}
	pub, err := srv.PublishLocal("live/cam", "test")
	if err != nil {
		t.Fatal(err)
	}
	if !woken(ch) {
		t.Fatal("publishing did not close the channel taken before it")
	}
	first := srv.Stats().Streams[0]
	if !first.Live || first.Session == 0 {
		t.Fatalf("stats after publish: %+v; want live with a session", first)
	}
	ch = srv.Changed()
	pub.Close()
	if !woken(ch) {
		t.Fatal("the publisher leaving did not close the channel")
	}
	ch = srv.Changed()
	if !quiet(ch) {
		t.Fatal("a fresh channel is closed with no change")
	}
	pub2, err := srv.PublishLocal("live/cam", "test")
	if err != nil {
		t.Fatal(err)
	}
	defer pub2.Close()
	if !woken(ch) {
		t.Fatal("publishing the name again did not close the channel")
	}
	if again := srv.Stats().Streams[0]; again.Session == first.Session {
		t.Errorf("the name published again kept session %d; want a new one", again.Session)
	}
	ch = srv.Changed()
	srv.Close()
	if !woken(ch) || !woken(srv.Changed()) {
		t.Error("closing the server left Changed open")
	}
}
