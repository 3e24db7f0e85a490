package h264

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"time"
)

// stampUUID marks the SEI message (user data unregistered) in which the
// load generator's publisher writes the wall-clock time each frame was
// sent, so players can measure publish→receive latency through any server.
var stampUUID = []byte("OnAirStudioTime!")

// stampNALSize is the size of the stamp NAL unit: header, payload type,
// payload size, 16-byte UUID, 16 hex digits of Unix nanoseconds, and the
// RBSP trailing byte. The payload holds no zero byte, so it needs no
// emulation prevention.
const stampNALSize = 1 + 1 + 1 + 16 + 16 + 1

// AppendStamp returns a new access unit: an SEI NAL unit carrying t,
// followed by the NAL units of avcc (4-byte length prefixes).
func AppendStamp(avcc []byte, t time.Time) []byte {
	out := make([]byte, 0, 4+stampNALSize+len(avcc))
	out = binary.BigEndian.AppendUint32(out, stampNALSize)
	out = append(out, 6, 5, 32)
	out = append(out, stampUUID...)
	hex := strconv.FormatUint(uint64(t.UnixNano()), 16)
	for range 16 - len(hex) {
		out = append(out, '0')
	}
	out = append(out, hex...)
	out = append(out, 0x80)
	return append(out, avcc...)
}

// StampOf returns the time carried by AppendStamp's SEI in avcc, if any.
func StampOf(avcc []byte) (time.Time, bool) {
	for len(avcc) >= 4 {
		n := int(binary.BigEndian.Uint32(avcc))
		if n > len(avcc)-4 || n < 0 {
			return time.Time{}, false
		}
		nal := avcc[4 : 4+n]
		if n == stampNALSize && nal[0]&0x1F == 6 && nal[1] == 5 && nal[2] == 32 && bytes.Equal(nal[3:19], stampUUID) {
			v, err := strconv.ParseUint(string(nal[19:35]), 16, 64)
			if err != nil {
				return time.Time{}, false
			}
			return time.Unix(0, int64(v)), true
		}
		avcc = avcc[4+n:]
	}
	return time.Time{}, false
}
