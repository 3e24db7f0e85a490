// Package record writes a stream to a file as it plays: the studio's
// program, or a stream pushed into the local server (serve --record). A
// recording reads packets from its own queue, hands them to encode's
// recorder (crash-safe fragmented MP4), and stops by itself, with one
// sentence saying why, when the disk fails; the stream goes on.
package record
