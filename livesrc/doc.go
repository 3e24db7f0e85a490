// Package livesrc is what the HTTP delivery side (HLS, DASH, the monitor
// page) needs from the local server: whether a stream is live, and a
// bounded reader of its packets, in types of its own. Only rtmp.go knows
// the server's packet and hub types, so the muxers do not depend on them.
package livesrc
