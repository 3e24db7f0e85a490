// Package media is the bottom of the studio: the Packet that capture's
// encoders produce and every consumer takes (destinations, the local
// server, recorders, tiles, web muxers), the Hub that fans one live stream
// out to many readers, each reader's bounded Queue (which skips to the next
// keyframe rather than ever making the producer wait), the stream Metadata,
// and timestamp helpers. It imports no other package of the studio and no
// protocol: the RTMP, FLV, HLS and DASH packages build on it.
package media
