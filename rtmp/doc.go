// Package rtmp is OnAir Studio's RTMP client side, in pure Go: the
// publisher (rtmp:// and rtmps://, with its acknowledgement watchdog), the
// player, the URL and key handling of a target, and the load generator that
// `onair bench` drives. The wire layers are rtmp/chunk and rtmp/amf0, the
// media types are in media and flv, and the server is rtmp/server. It
// builds and tests with CGO_ENABLED=0.
package rtmp
