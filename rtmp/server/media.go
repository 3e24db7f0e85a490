package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/seed7c1a73c4/onair/codec/aac"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// maxIngestDimension bounds the picture size a publisher may announce.
const maxIngestDimension = 8192

// media handles an audio, video or data message from a publisher.
func (c *serverConn) media(m chunk.Message) error {
	st := c.publishingStream(m.StreamID)
	if st == nil {
		if m.TypeID == chunk.TypeDataAMF0 || m.TypeID == chunk.TypeDataAMF3 {
			return nil // e.g. a player's |RtmpSampleAccess echo
		}
		return fmt.Errorf("%w: media on stream %d, which is not publishing", chunk.ErrProtocol, m.StreamID)
	}
	p, err := chunk.PacketFromMessage(m)
	if err != nil {
		if !errors.Is(err, flv.ErrNotMedia) {
			st.pub.frames.rejected.Add(1)
			c.log.Debug("skipping a media message", "err", err)
		}
		return nil
	}
	if !validPacket(c.log, st.pub, &p) {
		st.pub.frames.rejected.Add(1)
		return nil
	}
	if p.Kind != media.KindData && !p.Header {
		st.media, st.lastMedia = true, time.Now()
	}
	if !st.pub.write(c, p, m.Timestamp, len(m.Payload)) {
		return errors.New("replaced by a new publisher of the same name")
	}
	return nil
}

// publishingStream returns the stream publishing on id or, for clients that
// send media on another id, the connection's only publishing stream.
func (c *serverConn) publishingStream(id uint32) *connStream {
	if st := c.streams[id]; st != nil && st.pub != nil {
		return st
	}
	var found *connStream
	for _, st := range c.streams {
		if st.pub != nil {
			if found != nil {
				return nil
			}
			found = st
		}
	}
	return found
}

// validPacket checks what players would choke on: sequence headers must
// parse (and their picture size be sane), and an access unit's NAL lengths
// must fit its message. It records what headers say in the stream info.
func validPacket(log *slog.Logger, ls *liveStream, p *media.Packet) bool {
	switch {
	case p.Kind == media.KindVideo && p.Codec != media.CodecH264 && p.Header:
		return validEnhancedHeader(log, ls, p)
	case p.Kind == media.KindVideo && p.Codec != media.CodecH264:
		return validEnhancedFrame(ls, p)
	case p.Kind == media.KindVideo && p.Header:
		cfg, err := h264.ParseConfig(p.Data)
		if err == nil && cfg.NALULengthSize != 4 {
			// Frames are checked, and passed on, as 4-byte-length AVCC,
			// which is what every encoder sends over RTMP.
			err = fmt.Errorf("%w: NAL unit length size %d (only 4 is supported)", chunk.ErrUnsupported, cfg.NALULengthSize)
		}
		if err != nil {
			log.Info("refusing an AVC sequence header", "err", err)
			return false
		}
		info, err := cfg.Info()
		if err != nil || info.Width > maxIngestDimension || info.Height > maxIngestDimension {
			log.Info("refusing an AVC sequence header", "err", err, "width", info.Width, "height", info.Height)
			return false
		}
		ls.setInfo(func(si *streamInfo) {
			si.videoCodec, si.videoProfile = "h264", h264ProfileName(info.ProfileIDC)
			si.width, si.height, si.spsFPS = info.Width, info.Height, info.FrameRate
		})
	case p.Kind == media.KindAudio && p.Header:
		cfg, err := aac.ParseConfig(p.Data)
		if err != nil {
			log.Info("refusing an AAC sequence header", "err", err)
			return false
		}
		ls.setInfo(func(si *streamInfo) {
			si.audioCodec, si.sampleRate, si.channels = "aac", cfg.SampleRate, cfg.Channels
		})
	case p.Kind == media.KindVideo:
		return validAVCC(p.Data)
	}
	return true
}

// validAVCC reports whether b is a sequence of 4-byte-length-prefixed NAL
// units that exactly fill it.
func validAVCC(b []byte) bool {
	for len(b) > 0 {
		if len(b) < 4 {
			return false
		}
		n := binary.BigEndian.Uint32(b)
		if n == 0 || uint64(n) > uint64(len(b)-4) {
			return false
		}
		b = b[4+n:]
	}
	return true
}

// h264ProfileName names the common profile_idc values.
func h264ProfileName(idc uint8) string {
	switch idc {
	case 66:
		return "Baseline"
	case 77:
		return "Main"
	case 88:
		return "Extended"
	case 100:
		return "High"
	case 110:
		return "High 10"
	case 122:
		return "High 4:2:2"
	case 244:
		return "High 4:4:4"
	}
	return fmt.Sprintf("profile %d", idc)
}

// aggregate unpacks an aggregate message (type 22): FLV tags, each
// followed by its 4-byte previous-tag size. Sub-message timestamps are
// taken relative to the first one and added to the message's timestamp.
func (c *serverConn) aggregate(m chunk.Message) error {
	b := m.Payload
	var first uint32
	for i := 0; len(b) > 0; i++ {
		if len(b) < 11 {
			return fmt.Errorf("%w: aggregate message truncated in a tag header", chunk.ErrMalformed)
		}
		typ := b[0] & 0x1F
		size := int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		ts := uint32(b[4])<<16 | uint32(b[5])<<8 | uint32(b[6]) | uint32(b[7])<<24
		if len(b) < 11+size {
			return fmt.Errorf("%w: aggregate sub-message of %d bytes overruns the message", chunk.ErrMalformed, size)
		}
		if i == 0 {
			first = ts
		}
		sub := chunk.Message{TypeID: typ, StreamID: m.StreamID, CSID: m.CSID, Timestamp: m.Timestamp + (ts - first), Payload: b[11 : 11+size]}
		switch typ {
		case chunk.TypeAudio, chunk.TypeVideo, chunk.TypeDataAMF0:
			if err := c.media(sub); err != nil {
				return err
			}
		}
		b = b[11+size:]
		if len(b) >= 4 {
			b = b[4:]
		} else {
			b = nil
		}
	}
	return nil
}
