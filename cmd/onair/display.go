package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// noDisplay is what onair says, instead of opening the window, where there
// is no graphical session: one sentence, with the commands that need none.
const noDisplay = "the studio window needs a graphical session, and %s; " +
	"without one, use `onair serve` (the RTMP server) or `onair publish` (capture and stream), see `onair -h`"

// displayTimeout bounds the check that the X server answers.
const displayTimeout = 2 * time.Second

// xDisplayProblem says why an X11 window cannot open with this DISPLAY
// ("" when it can): unset, or nothing listening where it points. It only
// connects to the X server's socket, without speaking X, so that nothing
// (the local server, the program, devices) starts before the answer.
func xDisplayProblem(display, wayland string) string {
	if display == "" {
		if wayland != "" {
			return "only Wayland is running (DISPLAY is not set: start XWayland, or log in to an X11 session)"
		}
		return "there is none here (DISPLAY is not set)"
	}
	host, rest, ok := cutLast(display, ":")
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 0 || strings.Contains(host, "/") {
		return "" // a form we do not know (XQuartz's launchd path…): let the toolkit try
	}
	var dials [][2]string
	switch host {
	case "", "unix":
		path := "/tmp/.X11-unix/X" + num
		dials = [][2]string{{"unix", path}, {"unix", "@" + path}}
	default:
		dials = [][2]string{{"tcp", net.JoinHostPort(host, strconv.Itoa(6000+n))}}
	}
	for _, d := range dials {
		if c, err := net.DialTimeout(d[0], d[1], displayTimeout); err == nil {
			c.Close()
			return ""
		}
	}
	return fmt.Sprintf("the display %s (DISPLAY) does not answer", display)
}

// cutLast is strings.Cut at the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
