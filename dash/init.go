package dash

import (
	"bytes"
	"fmt"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

// videoInit returns the init segment and the codecs string of an H.264
// track with one SPS and PPS.
func videoInit(sps, pps []byte) ([]byte, string, error) {
	if len(sps) < 4 {
		return nil, "", fmt.Errorf("SPS of %d bytes", len(sps))
	}
	init := mp4.CreateEmptyInit()
	init.AddEmptyTrack(videoTimescale, "video", "und")
	if err := init.Moov.Trak.SetAVCDescriptor("avc1", [][]byte{sps}, [][]byte{pps}, true); err != nil {
		return nil, "", fmt.Errorf("avcC: %w", err)
	}
	b, err := encodeInit(init)
	return b, fmt.Sprintf("avc1.%02x%02x%02x", sps[1], sps[2], sps[3]), err
}

// audioInit returns the init segment and the codecs string of an AAC
// track, with the stream's own AudioSpecificConfig.
func audioInit(asc []byte, cfg mpeg4audio.AudioSpecificConfig) ([]byte, string, error) {
	init := mp4.CreateEmptyInit()
	init.AddEmptyTrack(uint32(cfg.SampleRate), "audio", "und")
	esds := mp4.CreateEsdsBox(asc)
	entry := mp4.CreateAudioSampleEntryBox("mp4a", uint16(cfg.ChannelCount), 16, uint16(cfg.SampleRate), esds)
	init.Moov.Trak.Mdia.Minf.Stbl.Stsd.AddChild(entry)
	b, err := encodeInit(init)
	return b, fmt.Sprintf("mp4a.40.%d", cfg.Type), err
}

func encodeInit(init *mp4.InitSegment) ([]byte, error) {
	var buf bytes.Buffer
	if err := init.Encode(&buf); err != nil {
		return nil, fmt.Errorf("encoding the init segment: %w", err)
	}
	return buf.Bytes(), nil
}
