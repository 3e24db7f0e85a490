// Package dash is the low-latency DASH output of one live stream: CMAF
// (fMP4) segments cut on keyframes, each made of chunks (moof+mdat) that
// a viewer gets as they are made, with HTTP chunked transfer, and a
// manifest with a SegmentTemplate whose availabilityTimeOffset lets a
// player ask for a segment as soon as it starts. The boxes are written
// with Eyevinn/mp4ff. Segments are kept in memory, a few per track, and
// shared by every viewer.
package dash
