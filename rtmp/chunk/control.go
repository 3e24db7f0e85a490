package chunk

import (
	"encoding/binary"
	"fmt"
)

// User control event types (message type 4).
const (
	EventStreamBegin      uint16 = 0
	EventStreamEOF        uint16 = 1
	EventStreamDry        uint16 = 2
	EventSetBufferLength  uint16 = 3
	EventStreamIsRecorded uint16 = 4
	EventPingRequest      uint16 = 6
	EventPingResponse     uint16 = 7
)

// Limit types of SetPeerBandwidth.
const (
	BandwidthHard    uint8 = 0
	BandwidthSoft    uint8 = 1
	BandwidthDynamic uint8 = 2
)

func controlMessage(typeID uint8, payload []byte) Message {
	return Message{TypeID: typeID, CSID: CSIDControl, Payload: payload}
}

func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// SetChunkSizeMessage returns the SetChunkSize protocol control message.
func SetChunkSizeMessage(n uint32) Message {
	return controlMessage(TypeSetChunkSize, be32(n&0x7FFFFFFF))
}

// AbortMessage returns the Abort message for chunk stream csid.
func AbortMessage(csid uint32) Message { return controlMessage(TypeAbort, be32(csid)) }

// AckMessage returns an Acknowledgement carrying the bytes received so far.
func AckMessage(seq uint32) Message { return controlMessage(TypeAck, be32(seq)) }

// WindowAckSizeMessage returns the Window Acknowledgement Size message.
func WindowAckSizeMessage(n uint32) Message { return controlMessage(TypeWindowAckSize, be32(n)) }

// SetPeerBandwidthMessage returns the Set Peer Bandwidth message.
func SetPeerBandwidthMessage(n uint32, limitType uint8) Message {
	return controlMessage(TypeSetPeerBandwidth, append(be32(n), limitType))
}

// UserControlMessage returns a user control event carrying one 32-bit value
// (a stream id, or a timestamp for pings).
func UserControlMessage(event uint16, value uint32) Message {
	b := binary.BigEndian.AppendUint16(nil, event)
	return controlMessage(TypeUserControl, binary.BigEndian.AppendUint32(b, value))
}

// ParseUint32Payload reads the 4-byte big-endian value of a SetChunkSize,
// Abort, Ack, WindowAckSize or SetPeerBandwidth message.
func ParseUint32Payload(m Message) (uint32, error) {
	if len(m.Payload) < 4 {
		return 0, fmt.Errorf("%w: control message type %d has %d bytes, want 4", ErrProtocol, m.TypeID, len(m.Payload))
	}
	return binary.BigEndian.Uint32(m.Payload), nil
}

// ParseUserControl returns the event type and its first 32-bit value (0 when
// the event carries none).
func ParseUserControl(m Message) (event uint16, value uint32, err error) {
	if len(m.Payload) < 2 {
		return 0, 0, fmt.Errorf("%w: user control message has %d bytes", ErrProtocol, len(m.Payload))
	}
	event = binary.BigEndian.Uint16(m.Payload)
	if len(m.Payload) >= 6 {
		value = binary.BigEndian.Uint32(m.Payload[2:])
	}
	return event, value, nil
}
