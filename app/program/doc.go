// Package program is the studio's own output: it captures the video and
// audio sources (switchable while running), mixes the audio (gain, mute,
// level meters), places frames on the output's frame grid, encodes once
// (only while someone takes the program, with OnDemand) and interleaves
// the packets into the hub every destination, recording and the local
// server read. OutputConfig is what it encodes to; FrameMailbox hands the
// newest preview picture to the window.
package program
