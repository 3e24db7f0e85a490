package rtmp

// AMF0 type markers.
const (
	amf0Number      = 0x00
	amf0Boolean     = 0x01
	amf0String      = 0x02
	amf0Object      = 0x03
	amf0MovieClip   = 0x04
	amf0Null        = 0x05
	amf0Undefined   = 0x06
	amf0Reference   = 0x07
	amf0ECMAArray   = 0x08
	amf0ObjectEnd   = 0x09
	amf0StrictArray = 0x0A
	amf0Date        = 0x0B
	amf0LongString  = 0x0C
	amf0Unsupported = 0x0D
	amf0RecordSet   = 0x0E
	amf0XMLDocument = 0x0F
	amf0TypedObject = 0x10
	amf0AVMPlus     = 0x11 // switch to AMF3
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
