// Package amf0 encodes and decodes Action Message Format 0, the value
// format of RTMP commands and of FLV script data (onMetaData). Decoding is
// bounded by Limits and never allocates from a count the peer sent.
package amf0

// AMF0 type markers, the first byte of every encoded value.
const (
	MarkerNumber      = 0x00
	MarkerBoolean     = 0x01
	MarkerString      = 0x02
	MarkerObject      = 0x03
	MarkerMovieClip   = 0x04
	MarkerNull        = 0x05
	MarkerUndefined   = 0x06
	MarkerReference   = 0x07
	MarkerECMAArray   = 0x08
	MarkerObjectEnd   = 0x09
	MarkerStrictArray = 0x0A
	MarkerDate        = 0x0B
	MarkerLongString  = 0x0C
	MarkerUnsupported = 0x0D
	MarkerRecordSet   = 0x0E
	MarkerXMLDocument = 0x0F
	MarkerTypedObject = 0x10
	MarkerAVMPlus     = 0x11 // switch to AMF3
)

// Property is one key/value pair of an ordered AMF0 object.
type Property struct {
	Key   string
	Value any
}

// Object is an AMF0 anonymous object whose properties are encoded in order,
// so that commands such as connect go out with a stable key order.
type Object []Property

// ECMAArray is an AMF0 ECMA (associative) array encoded in order; onMetaData
// is sent as one.
type ECMAArray []Property

// Undefined is the AMF0 undefined value when encoding; decoding returns nil
// for both null and undefined.
type Undefined struct{}

// Get returns the value of key and whether it is present.
func (o Object) Get(key string) (any, bool) {
	for _, p := range o {
		if p.Key == key {
			return p.Value, true
		}
	}
	return nil, false
}
