package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"sync"
)

// errNoWindow is the class of a window that could not open although the
// display check passed: the graphics toolkit (GLFW) did not start.
var errNoWindow = errors.New("the studio window could not open")

// openWindow runs build, which creates the studio window, and turns the
// toolkit's failure to start into an error. GLFW (through go-gl) reports a
// platform error on the standard logger and carries on uninitialised, and
// Fyne then panics on its first GLFW call; the logged line is the reason,
// so it goes into the error's one sentence.
func openWindow[W any](build func() W) (w W, err error) {
	tap := &lastLogLine{}
	prev := log.Writer()
	log.SetOutput(io.MultiWriter(prev, tap))
	defer log.SetOutput(prev)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		reason := tap.get()
		if reason == "" {
			reason = fmt.Sprint(r)
		}
		err = fmt.Errorf("%w: the graphics system did not start (%s); "+
			"check that the display works for other OpenGL programs", errNoWindow, reason)
	}()
	return build(), nil
}

// lastLogLine keeps the last line written to the standard logger, without
// its date prefix.
type lastLogLine struct {
	mu   sync.Mutex
	line string
}

func (l *lastLogLine) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(p))
	if i := strings.Index(line, " "); i > 0 && strings.Count(line[:i], "/") == 2 { // "2026/12/06 22:58:53 "
		if j := strings.Index(line[i+1:], " "); j > 0 {
			line = line[i+1+j+1:]
		}
	}
	l.mu.Lock()
	l.line = line
	l.mu.Unlock()
	return len(p), nil
}

func (l *lastLogLine) get() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.line
}
