package media

// Kind says whether a Packet carries audio or video.
type Kind uint8

const (
	// KindVideo is a video packet: H.264 (FLV video tag, codec id 7) or,
	// from Enhanced RTMP, another Codec.
	KindVideo Kind = iota + 1
	// KindAudio is an AAC packet (FLV audio tag, sound format 10).
	KindAudio
	// KindData is a script-data message: Data holds the AMF0-encoded
	// "onMetaData" name and object (what @setDataFrame carries).
	KindData
)

// String returns "video" or "audio".
func (k Kind) String() string {
	switch k {
	case KindVideo:
		return "video"
	case KindAudio:
		return "audio"
	case KindData:
		return "data"
	}
	return "unknown"
}

// Codec names a packet's video codec. The zero value is H.264, the codec of
// legacy FLV and of everything the studio encodes; the others arrive over
// Enhanced RTMP. Audio is always AAC.
type Codec uint8

const (
	// CodecH264 is H.264/AVC (FLV codec id 7, or FourCC "avc1").
	CodecH264 Codec = iota
	// CodecHEVC is H.265/HEVC (FourCC "hvc1").
	CodecHEVC
	// CodecAV1 is AV1 (FourCC "av01").
	CodecAV1
	// CodecVP9 is VP9 (FourCC "vp09").
	CodecVP9
)

// String returns the codec's common short name: h264, hevc, av1 or vp9.
func (c Codec) String() string {
	switch c {
	case CodecH264:
		return "h264"
	case CodecHEVC:
		return "hevc"
	case CodecAV1:
		return "av1"
	case CodecVP9:
		return "vp9"
	}
	return "unknown"
}

// Name returns the codec's name for people: H.264, HEVC, AV1 or VP9.
func (c Codec) Name() string {
	switch c {
	case CodecH264:
		return "H.264"
	case CodecHEVC:
		return "HEVC"
	case CodecAV1:
		return "AV1"
	case CodecVP9:
		return "VP9"
	}
	return "an unknown codec"
}

// FourCC returns the codec's Enhanced RTMP FourCC ("avc1", "hvc1", "av01",
// "vp09").
func (c Codec) FourCC() string {
	switch c {
	case CodecHEVC:
		return "hvc1"
	case CodecAV1:
		return "av01"
	case CodecVP9:
		return "vp09"
	}
	return "avc1"
}

// codecs is every video codec, H.264 first.
var codecs = [...]Codec{CodecH264, CodecHEVC, CodecAV1, CodecVP9}

// Codecs returns every video codec, H.264 first.
func Codecs() []Codec { return append([]Codec(nil), codecs[:]...) }

// FourCCList is every codec's FourCC as an AMF0 strict array, what a
// connect's fourCcList holds.
func FourCCList() []any {
	var l []any
	for _, c := range codecs {
		l = append(l, c.FourCC())
	}
	return l
}

// CodecByFourCC returns the codec of an Enhanced RTMP FourCC ("hvc1"…).
func CodecByFourCC(fourCC string) (Codec, bool) {
	for _, c := range codecs { // no allocation: flv calls it for every enhanced video tag
		if c.FourCC() == fourCC {
			return c, true
		}
	}
	return 0, false
}

// Packet is the media unit the studio passes around: one FLV-shaped
// video or AAC access unit, or a sequence header. It knows no protocol.
//
// For H.264 video, Data is either the AVCDecoderConfigurationRecord (Header)
// or one access unit as 4-byte-length-prefixed NAL units (AVCC). HEVC is the
// same with the HEVCDecoderConfigurationRecord; AV1 is the
// AV1CodecConfigurationRecord or one temporal unit of OBUs; VP9 is the
// VPCodecConfigurationRecord or one frame. For audio, Data is
// either the AudioSpecificConfig (Header) or one raw AAC frame. Data is
// immutable once the packet is handed on: consumers on other goroutines share
// it without copying.
type Packet struct {
	Kind   Kind
	Codec  Codec // video only: the zero value is H.264
	Header bool  // sequence header rather than a coded frame
	Key    bool  // video keyframe (IDR); always true for audio and headers
	DTS    int64 // decode timestamp, milliseconds
	PTS    int64 // presentation timestamp, milliseconds (PTS-DTS is the FLV composition time)
	Data   []byte
}

// CompositionTime returns PTS-DTS, the FLV composition time offset in ms.
func (p *Packet) CompositionTime() int32 { return int32(p.PTS - p.DTS) }

// Unit is what a Hub and a Queue carry: a Packet, or a consumer's own type
// that embeds one next to data of its own (the RTMP server keeps its chunk
// encoding there), so the hub needs to know nothing of its consumers.
type Unit[T any] interface {
	// Media returns the packet the unit carries.
	Media() Packet
	// Retimed returns a copy of the unit whose packet has decode time dts
	// (and its presentation time moved by as much): a hub gives a late
	// joiner the stream's headers at the time of its first media.
	Retimed(dts int64) T
}

// Media returns p itself: a Packet is a Unit.
func (p Packet) Media() Packet { return p }

// Retimed returns p with decode time dts, PTS-DTS kept.
func (p Packet) Retimed(dts int64) Packet {
	p.PTS, p.DTS = dts+(p.PTS-p.DTS), dts
	return p
}
