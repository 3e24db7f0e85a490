package server

import (
	"fmt"
	"log/slog"

	"github.com/seed7c1a73c4/onair/codec/av1"
	"github.com/seed7c1a73c4/onair/codec/hevc"
	"github.com/seed7c1a73c4/onair/codec/vp9"
	"github.com/seed7c1a73c4/onair/media"
)

// serverFourCCs is what the server answers connect with: the Enhanced RTMP
// video codecs it takes from publishers and plays to players that ask.
var serverFourCCs = media.FourCCList()

// codecSet is a set of video codecs, one bit per media.Codec.
type codecSet uint8

// has reports whether c is in the set; H.264 always is.
func (s codecSet) has(c media.Codec) bool { return c == media.CodecH264 || s&(1<<c) != 0 }

// parseFourCCList reads connect's fourCcList (Enhanced RTMP: a strict array
// of FourCC strings, "*" for all) into a codec set. Anything else is empty.
func parseFourCCList(v any) codecSet {
	list, _ := v.([]any)
	var s codecSet
	for _, e := range list {
		switch f, _ := e.(string); f {
		case "*":
			for _, c := range media.Codecs() {
				s |= 1 << c
			}
		default:
			if c, ok := media.CodecByFourCC(f); ok {
				s |= 1 << c
			}
		}
	}
	return s
}

// refusalFor returns why a player that listed codecs cannot be sent video
// of codec c, or "" when it can.
func refusalFor(key string, codecs codecSet, c media.Codec) string {
	if codecs.has(c) {
		return ""
	}
	return fmt.Sprintf("%s is %s video over Enhanced RTMP, and this player did not list %q in connect's fourCcList, so it would not know the codec",
		key, c, c.FourCC())
}

// validEnhancedHeader checks an HEVC, AV1 or VP9 sequence start and records
// what it says in the stream info.
func validEnhancedHeader(log *slog.Logger, ls *liveStream, p *media.Packet) bool {
	var profile string
	var w, h int
	switch p.Codec {
	case media.CodecHEVC:
		cfg, err := hevc.ParseConfig(p.Data)
		if err != nil {
			log.Info("refusing an HEVC sequence start", "err", err)
			return false
		}
		profile, w, h = hevc.ProfileName(cfg.ProfileIDC), cfg.Width, cfg.Height
	case media.CodecAV1:
		cfg, err := av1.ParseConfig(p.Data)
		if err != nil {
			log.Info("refusing an AV1 sequence start", "err", err)
			return false
		}
		profile, w, h = av1.ProfileName(cfg.Profile), cfg.Width, cfg.Height
	case media.CodecVP9:
		cfg, err := vp9.ParseConfig(p.Data)
		if err != nil {
			log.Info("refusing a VP9 sequence start", "err", err)
			return false
		}
		profile = fmt.Sprintf("profile %d", cfg.Profile)
	default:
		return false
	}
	if w > maxIngestDimension || h > maxIngestDimension {
		log.Info("refusing a sequence start", "codec", p.Codec.String(), "width", w, "height", h)
		return false
	}
	ls.setInfo(func(si *streamInfo) {
		si.videoCodec, si.videoProfile = p.Codec.String(), profile
		if w > 0 && h > 0 { // an AV1 record without OBUs and VP9 say nothing of the size
			si.width, si.height = w, h
		}
	})
	return true
}

// validEnhancedFrame checks what players would choke on in a coded frame:
// HEVC frames must be 4-byte-length NAL units that fill the message. An AV1
// or VP9 keyframe says the picture size in band, which wins over the
// sequence start (some publishers send a placeholder AV1 record).
func validEnhancedFrame(ls *liveStream, p *media.Packet) bool {
	var w, h int
	switch p.Codec {
	case media.CodecHEVC:
		return validAVCC(p.Data)
	case media.CodecAV1:
		if p.Key {
			w, h, _ = av1.PictureSize(p.Data)
		}
	case media.CodecVP9:
		_, w, h = vp9.Keyframe(p.Data)
	}
	if w > 0 && h > 0 && w <= maxIngestDimension && h <= maxIngestDimension {
		ls.setInfo(func(si *streamInfo) { si.width, si.height = w, h })
	}
	return len(p.Data) > 0
}
