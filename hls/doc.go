// Package hls is the Low-Latency HLS output of one live stream: fMP4/CMAF
// segments cut on keyframes, LL-HLS parts, blocking playlist reload and
// preload hints. It muxes once per stream, whatever the number of viewers,
// with bluenviron/gohlslib (the muxer MediaMTX uses); this package owns
// what gohlslib leaves to its user: the reader of the stream, the blocking
// (bounded by the request and a deadline), EXT-X-ENDLIST when the stream
// ends, and a plain 404 or 400 for what does not exist.
package hls
