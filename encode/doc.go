// Package encode is the studio's only user of libav (FFmpeg 5.1, through
// go-astiav plus a few small cgo helpers where go-astiav v0.16.0 has no
// binding): pixel conversion and scaling (swscale), audio resampling and
// re-framing (swresample and an audio FIFO), the H.264 encoder (libx264, or
// a hardware encoder where the machine has one) and the AAC encoder.
//
// Encoders turn capture frames into media.Packet values: FLV-shaped access
// units with millisecond DTS/PTS and fresh, immutable Data. Every codec
// context has one owner goroutine: Encode and Flush must be called from one
// goroutine at a time, while Close (safe twice) and ForceKeyFrame may be
// called from any goroutine.
package encode
