package chunk

// RTMP message type ids.
const (
	TypeSetChunkSize     uint8 = 1  // protocol control: new chunk size
	TypeAbort            uint8 = 2  // protocol control: drop a partial message
	TypeAck              uint8 = 3  // protocol control: bytes received
	TypeUserControl      uint8 = 4  // user control event (StreamBegin, ping…)
	TypeWindowAckSize    uint8 = 5  // protocol control: acknowledgement window
	TypeSetPeerBandwidth uint8 = 6  // protocol control: output bandwidth
	TypeAudio            uint8 = 8  // FLV audio tag body
	TypeVideo            uint8 = 9  // FLV video tag body
	TypeDataAMF3         uint8 = 15 // data message, AMF3
	TypeSharedObjAMF3    uint8 = 16 // shared object, AMF3
	TypeCommandAMF3      uint8 = 17 // command, AMF3 envelope
	TypeDataAMF0         uint8 = 18 // data message (@flv.SetDataFrame, onMetaData)
	TypeSharedObjAMF0    uint8 = 19 // shared object, AMF0
	TypeCommandAMF0      uint8 = 20 // command (connect, publish, _result…)
	TypeAggregate        uint8 = 22 // aggregate of FLV tags
)

// Chunk stream ids this package uses when it sends.
const (
	// CSIDControl carries protocol control and user control messages.
	CSIDControl uint32 = 2
	// CSIDCommand carries NetConnection commands (connect, createStream…).
	CSIDCommand uint32 = 3
	// CSIDAudio carries audio messages.
	CSIDAudio uint32 = 4
	// CSIDData carries data messages (@flv.SetDataFrame).
	CSIDData uint32 = 5
	// CSIDVideo carries video messages.
	CSIDVideo uint32 = 6
	// CSIDStream carries NetStream commands (publish, play).
	CSIDStream uint32 = 8
)

// Message is one reassembled RTMP message.
type Message struct {
	TypeID    uint8
	StreamID  uint32 // message stream id (0 for the connection)
	Timestamp uint32 // absolute timestamp in ms, wrapping at 2^32
	CSID      uint32 // chunk stream id it arrived on or is sent on
	Payload   []byte
}
