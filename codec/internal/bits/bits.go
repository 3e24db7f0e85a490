// Package bits reads the bit fields and Exp-Golomb codes of codec
// configuration records and parameter sets, bounds-checking every read.
package bits

import "fmt"

// Reader reads big-endian bit fields and Exp-Golomb codes from a byte
// slice. Every read is bounds-checked; past the end it returns an error
// wrapping the sentinel it was made with (the codec's "malformed").
type Reader struct {
	b   []byte
	pos int // bit position
	bad error
}

// NewReader reads b; its errors wrap bad.
func NewReader(b []byte, bad error) *Reader { return &Reader{b: b, bad: bad} }

// BitsLeft returns how many bits are left to read.
func (r *Reader) BitsLeft() int { return len(r.b)*8 - r.pos }

// Bits reads n ≤ 32 bits.
func (r *Reader) Bits(n int) (uint32, error) {
	if n < 0 || n > 32 || n > r.BitsLeft() {
		return 0, fmt.Errorf("%w: bitstream truncated", r.bad)
	}
	var v uint32
	for range n {
		v = v<<1 | uint32(r.b[r.pos>>3]>>(7-r.pos&7)&1)
		r.pos++
	}
	return v, nil
}

// Flag reads one bit.
func (r *Reader) Flag() (bool, error) {
	v, err := r.Bits(1)
	return v == 1, err
}

// Skip skips n bits.
func (r *Reader) Skip(n int) error {
	if n < 0 || n > r.BitsLeft() {
		return fmt.Errorf("%w: bitstream truncated", r.bad)
	}
	r.pos += n
	return nil
}

// UE reads an unsigned Exp-Golomb code of at most 32 bits of value.
func (r *Reader) UE() (uint32, error) {
	zeros := 0
	for {
		b, err := r.Bits(1)
		if err != nil {
			return 0, err
		}
		if b == 1 {
			break
		}
		zeros++
		if zeros > 31 {
			return 0, fmt.Errorf("%w: Exp-Golomb code too long", r.bad)
		}
	}
	v, err := r.Bits(zeros)
	if err != nil {
		return 0, err
	}
	return uint32(uint64(1)<<zeros - 1 + uint64(v)), nil
}

// UEMax reads an Exp-Golomb code and checks it against a bound.
func (r *Reader) UEMax(name string, limit uint32) (uint32, error) {
	v, err := r.UE()
	if err != nil {
		return 0, err
	}
	if v > limit {
		return 0, fmt.Errorf("%w: %s %d exceeds %d", r.bad, name, v, limit)
	}
	return v, nil
}

// SE reads a signed Exp-Golomb code.
func (r *Reader) SE() (int32, error) {
	v, err := r.UE()
	if err != nil {
		return 0, err
	}
	if v&1 == 1 {
		return int32(v/2 + 1), nil
	}
	return -int32(v / 2), nil
}
