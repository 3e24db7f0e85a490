// Package capture finds capture devices and opens sources: cameras,
// microphones and screens through pion/mediadevices, plus the built-in test
// pattern and test tone. Every frame carries a capture time from one Clock
// that audio and video share. It knows nothing of codecs.
package capture
