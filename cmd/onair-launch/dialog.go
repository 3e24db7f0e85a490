package main

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// dialogTimeout bounds how long the launcher waits for the user to close
// the dialog before it exits anyway.
const dialogTimeout = 10 * time.Minute

// dialogTitle is the title of the error dialog.
const dialogTitle = "OnAir Studio"

// dialogTool is one program that can show an error to a desktop user.
type dialogTool struct {
	name string
	args func(msg string) []string
}

// dialogTools are tried in order; the first found on PATH is used.
var dialogTools = []dialogTool{
	{"zenity", func(msg string) []string {
		return []string{"--error", "--title", dialogTitle, "--width", "480", "--text", pangoEscape(msg)}
	}},
	{"kdialog", func(msg string) []string { return []string{"--title", dialogTitle, "--error", msg} }},
	{"xmessage", func(msg string) []string { return []string{"-center", wrap(msg, 72)} }},
	{"notify-send", func(msg string) []string { return []string{"--urgency", "critical", dialogTitle, msg} }},
}

// pickDialog returns the command line of the first dialog tool lookPath
// finds, or nil when there is none.
func pickDialog(msg string, lookPath func(string) (string, error)) []string {
	for _, d := range dialogTools {
		if path, err := lookPath(d.name); err == nil {
			return append([]string{path}, d.args(msg)...)
		}
	}
	return nil
}

// showDialog shows msg with the first dialog tool on PATH and waits until
// the user closes it (at most timeout). With none, stderr has said it all.
func showDialog(msg string, timeout time.Duration) {
	argv := pickDialog(msg, exec.LookPath)
	if argv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = time.Second
	_ = cmd.Run() // the sentence is on stderr already; a failed dialog adds nothing to say
}

// pangoEscape escapes the characters zenity's --text reads as markup.
func pangoEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// wrap breaks s into lines of at most width bytes at spaces, for xmessage,
// which does not wrap.
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(s) {
		if i > 0 {
			if n+1+len(w) > width {
				b.WriteByte('\n')
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
