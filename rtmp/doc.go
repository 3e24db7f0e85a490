// Package rtmp is OnAir Studio's RTMP client side, in pure Go: the
// publisher (rtmp:// and rtmps://, with its acknowledgement watchdog), the
// player, and the URL and key handling of a target. The wire layers are
// rtmp/chunk and rtmp/amf0, the media types are in media and flv, and the
// server is rtmp/server. It builds and tests with CGO_ENABLED=0.
package rtmp
