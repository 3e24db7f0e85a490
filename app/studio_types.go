package app

import (
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/capture"
)

// SourceOption is a selectable capture source.
type SourceOption struct {
	Spec  string // capture spec: test, camera:ID, screen:N, mic:ID, none
	Label string // what the user sees
}

// RecordingStatus is the program recording in a snapshot.
type RecordingStatus struct {
	On       bool
	Path     string        // the file being written, or the last one
	Duration time.Duration // media recorded
	Bytes    int64
	Dropped  uint64 // packets skipped because the disk fell behind
	Error    string // why the last recording stopped by itself, one sentence
	Dir      string // the recording folder
}

// ServerKey is a publish key of the local server, as the UI lists it.
type ServerKey struct {
	ID     string // stable handle for Reveal/Revoke
	Masked string // e.g. "k3F9…" (a short prefix, never the key)
}

// IncomingStream is one live stream pushed into the local server.
type IncomingStream struct {
	Name      string // app/name, e.g. live/cam
	Title     string // Name for people: a stream key in it is masked
	Codec     string // e.g. "H.264 High / AAC"
	Width     int
	Height    int
	FPS       float64
	Bitrate   float64 // bits per second in
	Publisher string  // remote address
	Uptime    time.Duration
	Players   int
	PlayURL   string
	Levels    capture.Levels // audio levels, when a tile decodes it
	// Forwarding lists the destinations this stream is restreamed to
	// (ForwardIncoming), with their states; empty when it is not.
	Forwarding []dest.Status
	// ForwardNote says what the restream re-encodes, e.g. "HEVC re-encoded
	// to H.264 at 6 Mb/s"; empty when it sends the stream on as it is.
	ForwardNote string
}

// LocalServerStatus is the built-in server in a snapshot.
type LocalServerStatus struct {
	On   bool
	LAN  bool   // listening beyond this computer
	Addr string // host:port as it goes into URLs
	// Hosts are, in LAN mode, every address other computers may use (the
	// first is Addr's); none means this computer has no network address.
	Hosts      []string
	PublishURL string // example publish URL for a new source, with the key masked
	WatchURL   string // the monitor page (HLS, DASH) in a browser, without its key
	Keys       []ServerKey
	Streams    []IncomingStream
	Error      string // why it is off, one sentence
	// Port is the port it listens on, or would; PortInUse says that Error
	// is another program holding it, and FreePort is a port found free
	// near it then (0: none found).
	Port      int
	PortInUse bool
	FreePort  int
}

// MixSource is one source of the program's audio mix: its meter (after
// its gain and mute), its controls, and why it stopped, if it did.
type MixSource struct {
	Name   string
	Levels capture.Levels
	GainDB float64
	Muted  bool
	Err    string
}

// StudioSnapshot is everything the window shows, taken at one instant.
type StudioSnapshot struct {
	Live       bool
	Connecting bool
	LiveSince  time.Time

	Video, Audio string // current source specs ("scene" while a scene is on)
	// Scenes are the scenes' names; Scene is the one on air, or "".
	Scenes                     []string
	Scene                      string
	VideoSources, AudioSources []SourceOption
	Output                     program.OutputConfig
	Muted                      bool
	GainDB                     float64
	Levels                     capture.Levels // program audio after gain/mute
	// Mix is each source of the program's audio mix, when it is one.
	Mix []MixSource

	Destinations   []dest.Status
	ProgramPlayURL string // the program on the local server (live/program), when served

	// UploadNeeded is what the live destinations need together (the output
	// bitrate each), and UploadMeasured what they are sending (bits/s).
	UploadNeeded, UploadMeasured float64

	OutputFPS float64
	// EncoderIdle: the encoders are paused because nothing takes the
	// program (no destination live, no recording, no player of
	// live/program); capture and the preview go on.
	EncoderIdle   bool
	FramesDropped uint64
	CPUPercent    float64 // this process, percent of one core

	Server    LocalServerStatus
	Recording RecordingStatus
	Warnings  []dest.Warning
	Error     string // the last studio-level problem, one sentence; "" when fine
}
