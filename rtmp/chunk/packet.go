package chunk

import (
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
)

// PacketFromMessage converts an audio, video or data message into a
// Packet (see flv.PacketFromTag; an AMF3 data message's envelope byte is
// dropped first). Data aliases m.Payload.
func PacketFromMessage(m Message) (media.Packet, error) {
	switch m.TypeID {
	case TypeDataAMF3:
		body := m.Payload
		if len(body) > 0 && body[0] == 0 {
			body = body[1:]
		}
		return flv.PacketFromTag(flv.TagScript, m.Timestamp, body)
	case TypeVideo, TypeAudio, TypeDataAMF0:
		return flv.PacketFromTag(m.TypeID, m.Timestamp, m.Payload)
	}
	return flv.PacketFromTag(0, m.Timestamp, nil) // not media
}

// MessageFromPacket returns the message carrying p, with a freshly
// allocated payload, the chunk stream this package uses for its kind and the
// DTS wrapped to 32 bits. The caller sets StreamID.
func MessageFromPacket(p *media.Packet) Message {
	return PacketMessage(p, flv.AppendPayload(nil, p))
}

// packetMessage returns the message of p with payload (p's RTMP body): the
// message type and chunk stream of its kind, and the DTS wrapped to 32
// bits. The caller sets StreamID.
func PacketMessage(p *media.Packet, payload []byte) Message {
	m := Message{Timestamp: media.WrapTimestamp(p.DTS), Payload: payload}
	m.TypeID, m.CSID = KindRoute(p.Kind)
	return m
}

// kindRoute is the message type and the chunk stream a packet kind is sent
// with.
func KindRoute(k media.Kind) (typeID uint8, csid uint32) {
	switch k {
	case media.KindVideo:
		return TypeVideo, CSIDVideo
	case media.KindAudio:
		return TypeAudio, CSIDAudio
	}
	return TypeDataAMF0, CSIDData
}
