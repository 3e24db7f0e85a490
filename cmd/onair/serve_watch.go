package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/skip2/go-qrcode"

	"github.com/seed7c1a73c4/onair/app"
)

// printWatch prints where to watch in a browser and, with qr, the same
// address as a QR code. On the LAN with play keys, the phone's URL carries
// the first play key (shown once, like a generated publish key).
func printWatch(w io.Writer, srv *app.LocalServer, cfg app.LocalServerConfig, qr bool) {
	page := srv.WatchURL("")
	if page == "" {
		return
	}
	a := srv.HTTPAddr()
	fmt.Fprintf(w, "watch in a browser: %s (HLS: %slive/NAME/index.m3u8, DASH: %slive/NAME/manifest.mpd)\n", page, page, page)
	fmt.Fprintf(w, "stats: http://%s/api/streams and http://%s/metrics\n", a, a)
	phone := page
	if srv.LAN() && !cfg.OpenPlay && len(cfg.PlayKeys) > 0 {
		phone = srv.WatchURL(cfg.PlayKeys[0])
		fmt.Fprintf(w, "on other devices (the key is shown once and then kept by the browser): %s\n", phone)
	} else if srv.LAN() && !cfg.OpenPlay {
		fmt.Fprintf(w, "other devices need a --play-key (or --open-play) to watch\n")
	}
	if !qr {
		return
	}
	code, err := qrcode.New(phone, qrcode.Medium)
	if err != nil {
		fmt.Fprintf(w, "no QR code: %v\n", err)
		return
	}
	fmt.Fprintln(w, strings.TrimRight(code.ToSmallString(false), "\n"))
}
