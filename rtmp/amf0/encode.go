package amf0

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"time"
)

const maxEncodeDepth = 64

// Encode encodes vals one after another. It accepts nil (null),
// Undefined, bool, string (long string past 65535 bytes), every Go integer
// and float type, time.Time (date), Object (ordered object), ECMAArray
// (ordered ECMA array), map[string]any (object with sorted keys, for a stable
// encoding), []any (strict array) and []string.
func Encode(vals ...any) ([]byte, error) {
	return Append(nil, vals...)
}

// Append is Encode appending to dst.
func Append(dst []byte, vals ...any) ([]byte, error) {
	var err error
	for _, v := range vals {
		if dst, err = appendValue(dst, v, 0); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

func appendValue(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxEncodeDepth {
		return nil, fmt.Errorf("rtmp: AMF0 value nested deeper than %d", maxEncodeDepth)
	}
	switch x := v.(type) {
	case nil:
		return append(b, MarkerNull), nil
	case Undefined:
		return append(b, MarkerUndefined), nil
	case bool:
		if x {
			return append(b, MarkerBoolean, 1), nil
		}
		return append(b, MarkerBoolean, 0), nil
	case string:
		return appendString(b, x), nil
	case float64:
		return appendNumber(b, x), nil
	case float32:
		return appendNumber(b, float64(x)), nil
	case int:
		return appendNumber(b, float64(x)), nil
	case int8:
		return appendNumber(b, float64(x)), nil
	case int16:
		return appendNumber(b, float64(x)), nil
	case int32:
		return appendNumber(b, float64(x)), nil
	case int64:
		return appendNumber(b, float64(x)), nil
	case uint:
		return appendNumber(b, float64(x)), nil
	case uint8:
		return appendNumber(b, float64(x)), nil
	case uint16:
		return appendNumber(b, float64(x)), nil
	case uint32:
		return appendNumber(b, float64(x)), nil
	case uint64:
		return appendNumber(b, float64(x)), nil
	case time.Time:
		b = append(b, MarkerDate)
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(float64(x.UnixMilli())))
		return append(b, 0, 0), nil
	case Object:
		return appendProps(append(b, MarkerObject), x, depth)
	case ECMAArray:
		b = append(b, MarkerECMAArray)
		b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
		return appendProps(b, x, depth)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		props := make([]Property, len(keys))
		for i, k := range keys {
			props[i] = Property{k, x[k]}
		}
		return appendProps(append(b, MarkerObject), props, depth)
	case []any:
		b = append(b, MarkerStrictArray)
		b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
		var err error
		for _, e := range x {
			if b, err = appendValue(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case []string:
		b = append(b, MarkerStrictArray)
		b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
		for _, e := range x {
			b = appendString(b, e)
		}
		return b, nil
	}
	return nil, fmt.Errorf("rtmp: cannot encode %T as AMF0", v)
}

func appendNumber(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, MarkerNumber), math.Float64bits(f))
}

func appendString(b []byte, s string) []byte {
	if len(s) > math.MaxUint16 {
		b = binary.BigEndian.AppendUint32(append(b, MarkerLongString), uint32(len(s)))
		return append(b, s...)
	}
	b = binary.BigEndian.AppendUint16(append(b, MarkerString), uint16(len(s)))
	return append(b, s...)
}

// appendProps appends properties and the object end marker.
func appendProps(b []byte, props []Property, depth int) ([]byte, error) {
	var err error
	for _, p := range props {
		// An empty key is legal: only an empty key followed by the
		// object-end marker ends an object, and no value starts with it.
		if len(p.Key) > math.MaxUint16 {
			return nil, fmt.Errorf("rtmp: AMF0 property key of %d bytes", len(p.Key))
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(p.Key)))
		b = append(b, p.Key...)
		if b, err = appendValue(b, p.Value, depth+1); err != nil {
			return nil, err
		}
	}
	return append(b, 0, 0, MarkerObjectEnd), nil
}
