// Package ui is the studio window, built with Fyne. It holds no media
// logic: it draws app.StudioSnapshot values and calls the Studio interface.
package ui

import (
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/app/scene"
)

// Studio is what the window needs from the studio core (app.Studio). Every
// method returns quickly: slow work (opening a camera, connecting to a
// server) runs on the studio's own goroutines and shows up in later
// snapshots.
type Studio interface {
	// Snapshot returns the current state; the window polls it a few times a second.
	Snapshot() app.StudioSnapshot
	// GoLive starts sending the program to every enabled destination, or
	// to the local server as live/program when none is enabled.
	GoLive()
	// Stop ends every destination.
	Stop()
	// ReconnectNow skips a reconnecting destination's wait.
	ReconnectNow(destID string)

	// SetVideoSource and SetAudioSource switch the program's sources, live or not.
	SetVideoSource(spec string)
	SetAudioSource(spec string)
	// SwitchScene puts a scene on air (by name) with a cut (fade 0) or a fade.
	SwitchScene(name string, fade time.Duration)
	// Scenes returns a copy of the scenes, for the editor; SaveScenes
	// checks and keeps edited ones (the error names the scene and layer).
	Scenes() scene.Collection
	SaveScenes(c scene.Collection) error
	// SetMixGain, SetMixMuted, AddMixSource and RemoveMixSource work the
	// program's audio mix, source by source (by name; added by spec).
	SetMixGain(name string, db float64)
	SetMixMuted(name string, muted bool)
	AddMixSource(spec string)
	RemoveMixSource(name string)
	// SetMuted and SetGain control the program audio (gain in dB, −30 to +20).
	SetMuted(muted bool)
	SetGain(db float64)
	// ApplyOutput validates and applies the output settings; the error
	// lists every problem, one sentence each.
	ApplyOutput(o program.OutputConfig) error

	// Destinations returns the saved destinations, keys included, for the editor.
	Destinations() []dest.Destination
	// SaveDestination adds (empty ID) or updates a destination after validating it.
	SaveDestination(d dest.Destination) error
	// RemoveDestination deletes a destination and its stored key.
	RemoveDestination(id string)
	// SetDestinationEnabled turns a destination on or off for the next Go Live.
	SetDestinationEnabled(id string, enabled bool)
	// Services lists the platform presets.
	Services() []dest.Service

	// SetLocalServer turns the built-in server on or off and chooses
	// loopback or LAN listening.
	SetLocalServer(on, lan bool)
	// SetLocalServerPort moves the built-in server to another port (it
	// restarts when on): the way out when another program holds its port.
	SetLocalServerPort(port int)
	// GenerateServerKey adds a publish key; RevokeServerKey removes one;
	// RevealServerKey returns a key in full, for the user who asked.
	GenerateServerKey()
	RevokeServerKey(id string)
	RevealServerKey(id string) string
	// WatchLink is the monitor page's address for a phone or a tablet
	// (with the play key in LAN mode), for the QR code and the clipboard.
	WatchLink() string

	// ShowInScene puts an incoming stream in the scene on air as a picture
	// in picture (and that scene on air); the error is one sentence.
	ShowInScene(stream string) error

	// ForwardIncoming restreams an incoming stream, as it arrives, to the
	// saved destinations with these IDs; StopForward ends that.
	ForwardIncoming(stream string, destIDs []string)
	StopForward(stream string)

	// StartRecording and StopRecording record the program to a file in
	// the recording folder, live or not.
	StartRecording()
	StopRecording()

	// Preview is the program preview.
	Preview() *program.FrameMailbox
	// WatchIncoming starts decoding an incoming stream for its tile; the
	// returned stop function ends it. The mailbox is the tile's picture.
	WatchIncoming(name string) (*program.FrameMailbox, func())
}
