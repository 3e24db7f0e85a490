package media

// TimestampUnwrapper turns RTMP's 32-bit millisecond timestamps, which wrap
// after about 49.7 days, into a continuous int64 timeline. Each step is taken
// as the signed 32-bit difference to the previous timestamp, so a wrap moves
// forward and a small jump back (interleaving jitter) stays small. The zero
// value starts at the first timestamp it sees. Not safe for concurrent use.
type TimestampUnwrapper struct {
	last    uint32
	ext     int64
	started bool
}

// Unwrap returns ts on the continuous timeline.
func (u *TimestampUnwrapper) Unwrap(ts uint32) int64 {
	if !u.started {
		u.started = true
		u.last, u.ext = ts, int64(ts)
		return u.ext
	}
	u.ext += int64(int32(ts - u.last))
	u.last = ts
	return u.ext
}

// WrapTimestamp converts a millisecond timestamp to RTMP's 32-bit field
// (modulo 2^32). Negative values become 0.
func WrapTimestamp(ms int64) uint32 {
	if ms < 0 {
		return 0
	}
	return uint32(ms)
}
