package rtmp

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"time"
)

const maxEncodeDepth = 64

// EncodeAMF0 encodes vals one after another. It accepts nil (null),
// Undefined, bool, string (long string past 65535 bytes), every Go integer
// and float type, time.Time (date), Object (ordered object), ECMAArray
// (ordered ECMA array), map[string]any (object with sorted keys, for a stable
// encoding), []any (strict array) and []string.
func EncodeAMF0(vals ...any) ([]byte, error) {
	return AppendAMF0(nil, vals...)
}

// AppendAMF0 is EncodeAMF0 appending to dst.
func AppendAMF0(dst []byte, vals ...any) ([]byte, error) {
	var err error
	for _, v := range vals {
		if dst, err = appendAMF0Value(dst, v, 0); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

func appendAMF0Value(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxEncodeDepth {
		return nil, fmt.Errorf("rtmp: AMF0 value nested deeper than %d", maxEncodeDepth)
	}
	switch x := v.(type) {
	case nil:
		return append(b, amf0Null), nil
	case Undefined:
		return append(b, amf0Undefined), nil
	case bool:
		if x {
			return append(b, amf0Boolean, 1), nil
		}
		return append(b, amf0Boolean, 0), nil
	case string:
		return appendAMF0String(b, x), nil
	case float64:
		return appendAMF0Number(b, x), nil
	case float32:
		return appendAMF0Number(b, float64(x)), nil
	case int:
		return appendAMF0Number(b, float64(x)), nil
	case int8:
		return appendAMF0Number(b, float64(x)), nil
	case int16:
		return appendAMF0Number(b, float64(x)), nil
	case int32:
		return appendAMF0Number(b, float64(x)), nil
	case int64:
		return appendAMF0Number(b, float64(x)), nil
	case uint:
		return appendAMF0Number(b, float64(x)), nil
	case uint8:
		return appendAMF0Number(b, float64(x)), nil
	case uint16:
		return appendAMF0Number(b, float64(x)), nil
	case uint32:
		return appendAMF0Number(b, float64(x)), nil
	case uint64:
		return appendAMF0Number(b, float64(x)), nil
	case time.Time:
		b = append(b, amf0Date)
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(float64(x.UnixMilli())))
		return append(b, 0, 0), nil
	case Object:
		return appendAMF0Props(append(b, amf0Object), x, depth)
	case ECMAArray:
		b = append(b, amf0ECMAArray)
		b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
		return appendAMF0Props(b, x, depth)
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
		return appendAMF0Props(append(b, amf0Object), props, depth)
	case []any:
		b = append(b, amf0StrictArray)
		b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
		var err error
		for _, e := range x {
			if b, err = appendAMF0Value(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case []string:
		b = append(b, amf0StrictArray)
		b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
		for _, e := range x {
			b = appendAMF0String(b, e)
		}
		return b, nil
	}
	return nil, fmt.Errorf("rtmp: cannot encode %T as AMF0", v)
}

func appendAMF0Number(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, amf0Number), math.Float64bits(f))
}

func appendAMF0String(b []byte, s string) []byte {
	if len(s) > math.MaxUint16 {
		b = binary.BigEndian.AppendUint32(append(b, amf0LongString), uint32(len(s)))
		return append(b, s...)
	}
	b = binary.BigEndian.AppendUint16(append(b, amf0String), uint16(len(s)))
	return append(b, s...)
}

// appendAMF0Props appends properties and the object end marker.
func appendAMF0Props(b []byte, props []Property, depth int) ([]byte, error) {
	var err error
	for _, p := range props {
		// An empty key is legal: only an empty key followed by the
		// object-end marker ends an object, and no value starts with it.
		if len(p.Key) > math.MaxUint16 {
			return nil, fmt.Errorf("rtmp: AMF0 property key of %d bytes", len(p.Key))
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(p.Key)))
		b = append(b, p.Key...)
		if b, err = appendAMF0Value(b, p.Value, depth+1); err != nil {
			return nil, err
		}
	}
	return append(b, 0, 0, amf0ObjectEnd), nil
}
