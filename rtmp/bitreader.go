package rtmp

import "fmt"

// bitReader reads big-endian bit fields and Exp-Golomb codes from a byte
// slice. Every read is bounds-checked; past the end it returns ErrMalformed.
type bitReader struct {
	b   []byte
	pos int // bit position
}

func (r *bitReader) bitsLeft() int { return len(r.b)*8 - r.pos }

// bits reads n ≤ 32 bits.
func (r *bitReader) bits(n int) (uint32, error) {
	if n < 0 || n > 32 || n > r.bitsLeft() {
		return 0, fmt.Errorf("%w: bitstream truncated", ErrMalformed)
	}
	var v uint32
	for range n {
		v = v<<1 | uint32(r.b[r.pos>>3]>>(7-r.pos&7)&1)
		r.pos++
	}
	return v, nil
}

func (r *bitReader) flag() (bool, error) {
	v, err := r.bits(1)
	return v == 1, err
}

func (r *bitReader) skip(n int) error {
	if n < 0 || n > r.bitsLeft() {
		return fmt.Errorf("%w: bitstream truncated", ErrMalformed)
	}
	r.pos += n
	return nil
}

// ue reads an unsigned Exp-Golomb code of at most 32 bits of value.
func (r *bitReader) ue() (uint32, error) {
	zeros := 0
	for {
		b, err := r.bits(1)
		if err != nil {
			return 0, err
		}
		if b == 1 {
			break
		}
		zeros++
		if zeros > 31 {
			return 0, fmt.Errorf("%w: Exp-Golomb code too long", ErrMalformed)
		}
	}
	v, err := r.bits(zeros)
	if err != nil {
		return 0, err
	}
	return uint32(uint64(1)<<zeros - 1 + uint64(v)), nil
}

// ueMax reads an Exp-Golomb code and checks it against a bound.
func (r *bitReader) ueMax(name string, limit uint32) (uint32, error) {
	v, err := r.ue()
	if err != nil {
		return 0, err
	}
	if v > limit {
		return 0, fmt.Errorf("%w: %s %d exceeds %d", ErrMalformed, name, v, limit)
	}
	return v, nil
}

// se reads a signed Exp-Golomb code.
func (r *bitReader) se() (int32, error) {
	v, err := r.ue()
	if err != nil {
		return 0, err
	}
	if v&1 == 1 {
		return int32(v/2 + 1), nil
	}
	return -int32(v / 2), nil
}
