package amf0

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// Decode decodes every AMF0 value in b. It returns float64 for numbers,
// bool, string (bytes kept as sent, even invalid UTF-8 or NUL), nil for null
// and undefined, map[string]any for objects, typed objects and ECMA arrays,
// []any for strict arrays and time.Time for dates. It never allocates from a
// count the peer sent: containers grow only as elements arrive, and depth,
// elements per container and string sizes are bounded by lim. AMF3
// (avmplus), references, movie clips and record sets are errors.
func Decode(b []byte, lim Limits) ([]any, error) {
	d := decoder{b: b, lim: lim.WithDefaults()}
	var out []any
	for len(d.b) > 0 {
		if len(out) >= d.lim.MaxElements {
			return nil, fmt.Errorf("%w: more than %d AMF0 values", ErrLimit, d.lim.MaxElements)
		}
		v, err := d.value(0)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

type decoder struct {
	b   []byte
	lim Limits
}

func (d *decoder) take(n int) ([]byte, error) {
	if n < 0 || n > len(d.b) {
		return nil, fmt.Errorf("%w: AMF0 value truncated (need %d bytes, have %d)", ErrMalformed, n, len(d.b))
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p, nil
}

func (d *decoder) u16() (int, error) {
	p, err := d.take(2)
	if err != nil {
		return 0, err
	}
	return int(binary.BigEndian.Uint16(p)), nil
}

func (d *decoder) u32() (uint32, error) {
	p, err := d.take(4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(p), nil
}

// shortString reads a string with a 16-bit length (values and keys).
func (d *decoder) shortString() (string, error) {
	n, err := d.u16()
	if err != nil {
		return "", err
	}
	if n > d.lim.MaxString {
		return "", fmt.Errorf("%w: AMF0 string of %d bytes exceeds %d", ErrLimit, n, d.lim.MaxString)
	}
	p, err := d.take(n)
	return string(p), err
}

// longString reads a string with a 32-bit length, bounded by the input.
func (d *decoder) longString() (string, error) {
	n, err := d.u32()
	if err != nil {
		return "", err
	}
	if uint64(n) > uint64(len(d.b)) {
		return "", fmt.Errorf("%w: AMF0 long string of %d bytes, only %d left", ErrMalformed, n, len(d.b))
	}
	p, err := d.take(int(n))
	return string(p), err
}

func (d *decoder) value(depth int) (any, error) {
	mk, err := d.take(1)
	if err != nil {
		return nil, err
	}
	switch mk[0] {
	case MarkerNumber:
		p, err := d.take(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(p)), nil
	case MarkerBoolean:
		p, err := d.take(1)
		if err != nil {
			return nil, err
		}
		return p[0] != 0, nil
	case MarkerString:
		return d.shortString()
	case MarkerLongString, MarkerXMLDocument:
		return d.longString()
	case MarkerNull, MarkerUndefined, MarkerUnsupported:
		return nil, nil
	case MarkerDate:
		p, err := d.take(10)
		if err != nil {
			return nil, err
		}
		ms := math.Float64frombits(binary.BigEndian.Uint64(p))
		if math.IsNaN(ms) || math.IsInf(ms, 0) || math.Abs(ms) > 8.64e15 {
			return nil, fmt.Errorf("%w: AMF0 date out of range", ErrMalformed)
		}
		return time.UnixMilli(int64(ms)).UTC(), nil
	case MarkerObject:
		return d.properties(depth)
	case MarkerTypedObject:
		if _, err := d.shortString(); err != nil { // class name, dropped
			return nil, err
		}
		return d.properties(depth)
	case MarkerECMAArray:
		// The count is a hint that real encoders get wrong; it is never
		// used to allocate. Properties run until the object end marker.
		if _, err := d.u32(); err != nil {
			return nil, err
		}
		return d.properties(depth)
	case MarkerStrictArray:
		return d.strictArray(depth)
	case MarkerAVMPlus:
		return nil, fmt.Errorf("%w: AMF3 value inside AMF0", ErrUnsupported)
	case MarkerReference, MarkerMovieClip, MarkerRecordSet:
		return nil, fmt.Errorf("%w: AMF0 marker 0x%02x", ErrUnsupported, mk[0])
	case MarkerObjectEnd:
		return nil, fmt.Errorf("%w: AMF0 object end outside an object", ErrMalformed)
	}
	return nil, fmt.Errorf("%w: unknown AMF0 marker 0x%02x", ErrMalformed, mk[0])
}

func (d *decoder) enter(depth int) error {
	if depth >= d.lim.MaxDepth {
		return fmt.Errorf("%w: AMF0 nesting deeper than %d", ErrLimit, d.lim.MaxDepth)
	}
	return nil
}

// properties reads key/value pairs up to the empty key and object end.
func (d *decoder) properties(depth int) (map[string]any, error) {
	if err := d.enter(depth); err != nil {
		return nil, err
	}
	m := map[string]any{}
	for n := 0; ; n++ {
		key, err := d.shortString()
		if err != nil {
			return nil, err
		}
		if key == "" && len(d.b) > 0 && d.b[0] == MarkerObjectEnd {
			d.b = d.b[1:]
			return m, nil
		}
		if n >= d.lim.MaxElements {
			return nil, fmt.Errorf("%w: AMF0 object with more than %d properties", ErrLimit, d.lim.MaxElements)
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
}

func (d *decoder) strictArray(depth int) ([]any, error) {
	if err := d.enter(depth); err != nil {
		return nil, err
	}
	count, err := d.u32()
	if err != nil {
		return nil, err
	}
	if int64(count) > int64(d.lim.MaxElements) {
		return nil, fmt.Errorf("%w: AMF0 strict array of %d elements exceeds %d", ErrLimit, count, d.lim.MaxElements)
	}
	if int64(count) > int64(len(d.b)) { // every element takes at least one byte
		return nil, fmt.Errorf("%w: AMF0 strict array of %d elements in %d bytes", ErrMalformed, count, len(d.b))
	}
	var out []any
	for range count {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if out == nil {
		out = []any{}
	}
	return out, nil
}
