// Package rtmp is OnAir Studio's pure-Go RTMP layer: the FLV-shaped media
// packet that the whole studio passes around, the bounded chunk and AMF0
// codecs, the publisher client (rtmp:// and rtmps://), the fan-out queues and
// the built-in server. It builds and tests with CGO_ENABLED=0.
package rtmp
