package media

// Metadata describes a stream for the @setDataFrame onMetaData message that a
// publisher sends before media, and that the server caches for players.
type Metadata struct {
	Width, Height   int
	FrameRate       float64
	VideoBitrate    int // bits per second
	AudioBitrate    int // bits per second
	AudioSampleRate int
	AudioChannels   int
	VideoCodec      Codec // H.264 (the zero value), or an Enhanced RTMP codec
	HasVideo        bool
	HasAudio        bool
	Encoder         string // e.g. "OnAir Studio (libx264)"
}
