// Package testpeer starts and inspects the real peers that OnAir Studio's
// tests run against: nginx with the RTMP module, ffmpeg and ffprobe,
// openssl. A missing peer fails the test with the command that installs it.
// Everything binds to 127.0.0.1 and is stopped by t.Cleanup.
package testpeer
