package ui

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// uiLoop stands in for Fyne's event loop in tests that run the window's
// goroutines: everything handed to post runs in order on one goroutine, so
// widgets are touched from one place as with the real driver (the test
// driver's fyne.Do would run them on the caller's goroutine instead).
type uiLoop struct {
	mu   sync.Mutex
	q    []func()
	wake chan struct{}
	quit chan struct{}
	done chan struct{}
}

func newUILoop(t *testing.T) *uiLoop {
	l := &uiLoop{wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go l.loop()
	t.Cleanup(func() {
		close(l.quit)
		<-l.done
	})
	return l
}

// post queues f without waiting, like fyne.Do.
func (l *uiLoop) post(f func()) {
	l.mu.Lock()
	l.q = append(l.q, f)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run runs f on the loop and waits, like fyne.DoAndWait.
func (l *uiLoop) run(f func()) {
	done := make(chan struct{})
	l.post(func() {
		defer close(done)
		f()
	})
	<-done
}

func (l *uiLoop) loop() {
	defer close(l.done)
	for {
		l.mu.Lock()
		q := l.q
		l.q = nil
		l.mu.Unlock()
		for _, f := range q {
			f()
		}
		if len(q) > 0 {
			continue
		}
		select {
		case <-l.wake:
		case <-l.quit:
			return
		}
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// assertNoWindowGoroutines fails when a goroutine started by the package's
// own (non-test) code is still running.
func assertNoWindowGoroutines(t *testing.T) {
	t.Helper()
	var left []string
	for range 200 {
		left = left[:0]
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		for _, g := range strings.Split(string(buf), "\n\n") {
			_, after, ok := strings.Cut(g, "\ncreated by github.com/seed7c1a73c4/onair/ui.")
			if !ok {
				continue
			}
			if lines := strings.SplitN(after, "\n", 3); len(lines) > 1 && strings.Contains(lines[1], "_test.go:") {
				continue
			}
			left = append(left, g)
		}
		if len(left) == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d window goroutines still running:\n%s", len(left), strings.Join(left, "\n\n"))
}
