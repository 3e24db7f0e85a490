package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestWatchLinkAndQR: the Local server tab shows the monitor page's
// address without its key, copies the link with the key, and shows the
// QR code of that link (which decodes back to it).
func TestWatchLinkAndQR(t *testing.T) {
	f := newFakeStudio(serverSnapshot())
	w := newTestWindow(t, f)
	w.tabs.SelectIndex(2)
	w.tick()
	wr := w.server.watch
	if wr.url.Text != "http://192.168.1.10:1936/" || !wr.qrCell.Visible() || wr.link != f.WatchLink() {
		t.Fatalf("watch row: %q, QR shown %v, QR link %q", wr.url.Text, wr.qrCell.Visible(), wr.link)
	}
	if b := wr.qr.Image.Bounds(); b.Dx() < 100 {
		t.Errorf("QR image of %v", b)
	}
	assertNoKey(t, w, testWatchKey)
	for _, o := range test.LaidOutObjects(wr.obj) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Copy" {
			test.Tap(b)
		}
	}
	if got := w.app.Clipboard().Content(); got != "http://192.168.1.10:1936/?key="+testWatchKey {
		t.Errorf("copied %q", got)
	}
	// This computer only: the address, no QR code (a phone cannot reach it).
	s := serverSnapshot()
	s.Server.LAN, s.Server.WatchURL = false, "http://127.0.0.1:1936/"
	f.mu.Lock()
	f.snap = s
	f.mu.Unlock()
	w.apply(f.Snapshot())
	if !strings.HasPrefix(wr.url.Text, "http://127.0.0.1:1936/ ") || wr.qrCell.Visible() {
		t.Errorf("loopback only: %q, QR shown %v", wr.url.Text, wr.qrCell.Visible())
	}
	// Off: no address, no QR code.
	s = serverSnapshot()
	s.Server.WatchURL = ""
	f.mu.Lock()
	f.snap, f.watchLink = s, ""
	f.mu.Unlock()
	w.apply(f.Snapshot())
	if wr.url.Text != "off" || wr.qrCell.Visible() {
		t.Errorf("with the web side off: %q, QR shown %v", wr.url.Text, wr.qrCell.Visible())
	}
}
