package main

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// noAddressHost stands in the URLs for an address this computer does not
// have yet.
const noAddressHost = "YOUR-COMPUTER-IP"

// serverURLs is what onair serve prints once it listens: where it is, the
// publish URLs of each generated key and the play URL.
type serverURLs struct {
	addr  string   // host:port for URLs on this computer, or of the one listen host
	lan   bool     // listening beyond this computer
	hosts []string // LAN mode: every address other computers may use
	port  int
	keys  []string // generated publish keys, shown once
}

// print writes the URLs. In LAN mode on a wildcard address it prints every
// usable address of this computer, and when there is none says so and
// what to put in their place.
func (u serverURLs) print(w io.Writer) {
	hosts := u.hosts
	switch {
	case !u.lan:
		fmt.Fprintf(w, "OnAir Studio RTMP server on %s\n", u.addr)
		hosts = []string{hostOf(u.addr)}
	case len(hosts) == 0:
		fmt.Fprintf(w, "OnAir Studio RTMP server on port %d, open to the network, but this computer has no network address "+
			"other than 127.0.0.1 (is it connected?): in the URLs below, put in place of %s the address it gets on the "+
			"cameras' network (`hostname -I` shows it)\n", u.port, noAddressHost)
		hosts = []string{noAddressHost}
	default:
		fmt.Fprintf(w, "OnAir Studio RTMP server on port %d, open to the network at %s\n", u.port, strings.Join(hosts, ", "))
	}
	for _, k := range u.keys {
		fmt.Fprintln(w, "publish key generated (shown once, keep it secret):")
		for _, h := range hosts {
			base := u.url(h) + "/live/NAME"
			fmt.Fprintf(w, "  %s?key=%s\n  %s_%s   (for cameras: the key inside the stream name)\n", base, k, base, k)
		}
	}
	play := u.url(hosts[0]) + "/live/NAME"
	if u.lan {
		play += fmt.Sprintf("   (rtmp://127.0.0.1:%d/live/NAME on this computer)", u.port)
	}
	fmt.Fprintf(w, "play: %s\n", play)
}

// url is rtmp://host:port.
func (u serverURLs) url(host string) string {
	return "rtmp://" + net.JoinHostPort(host, strconv.Itoa(u.port))
}

// hostOf is the host of host:port.
func hostOf(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}
