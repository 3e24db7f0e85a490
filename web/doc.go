// Package web is the HTTP side of the local server: HLS and DASH of every
// live stream under /live/NAME/, the stats (/api/streams, /metrics), and
// the monitor page at / with its scripts, hls.js and dash.js, built in.
// It muxes a stream only while someone watches it: the first request for
// a stream starts its muxer, which stops after a while without requests.
// Playback follows the RTMP play rules: loopback always, other addresses
// with a play (or publish) key, given once as ?key= and kept in a cookie.
package web
