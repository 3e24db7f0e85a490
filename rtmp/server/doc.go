// Package server is OnAir Studio's built-in RTMP server, in pure Go: it
// takes pushes from cameras, OBS and ffmpeg, and serves each stream to its
// players from a hub with a GOP cache and a bounded queue per player. It
// checks publish and play keys, bounds connections, handshakes, chunks and
// AMF0, keeps each stream's timeline continuous across publishers, and
// reports stats (HTTPHandler). Readers inside the process use Watch, and
// publishers inside the process (the studio's program) use PublishLocal.
// It builds and tests with CGO_ENABLED=0.
package server
