package server

import (
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// failingListener returns an error from every Accept (like EMFILE) and
// counts the calls.
type failingListener struct {
	mu     sync.Mutex
	calls  int
	closed chan struct{}
	once   sync.Once
}

func (l *failingListener) Accept() (net.Conn, error) {
	select {
	case <-l.closed:
		return nil, net.ErrClosed
	default:
	}
	l.mu.Lock()
	l.calls++
	l.mu.Unlock()
	return nil, errors.New("accept: too many open files")
}

func (l *failingListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *failingListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// TestServerAcceptBackoff checks that accept errors back off (5 ms doubling
// to 1 s) instead of spinning, and that Close still stops Serve at once.
func TestServerAcceptBackoff(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	l := &failingListener{closed: make(chan struct{})}
	s := New(Config{})
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	time.Sleep(1500 * time.Millisecond)
	start := time.Now()
	s.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Serve returned %v, want ErrClosed", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Serve did not return after Close")
	}
	if took := time.Since(start); took > 100*time.Millisecond {
		t.Errorf("Close took %s while backing off", took)
	}
	l.mu.Lock()
	calls := l.calls
	l.mu.Unlock()
	// 5+10+20+…+640 ms is 1275 ms for 8 calls; a spinning loop makes millions.
	if calls < 5 || calls > 12 {
		t.Errorf("%d accept calls in 1.5 s, want about 9 with backoff", calls)
	}
}
