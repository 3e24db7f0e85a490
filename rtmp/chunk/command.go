package chunk

import (
	"errors"
	"fmt"

	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// Command is a decoded AMF0 command message: connect, createStream,
// publish, _result, onStatus…
type Command struct {
	Name          string
	TransactionID float64
	Object        any   // command object or null (nil); usually map[string]any
	Args          []any // the values after the command object
}

// Arg returns the i-th argument after the command object, or nil.
func (c Command) Arg(i int) any {
	if i < 0 || i >= len(c.Args) {
		return nil
	}
	return c.Args[i]
}

// ParseCommand decodes a command message (type 20, or 17 whose AMF0 body
// follows one format byte). A missing or non-numeric transaction id reads
// as 0.
func ParseCommand(m Message, lim Limits) (Command, error) {
	body := m.Payload
	switch m.TypeID {
	case TypeCommandAMF0:
	case TypeCommandAMF3:
		if len(body) == 0 {
			return Command{}, fmt.Errorf("%w: empty AMF3 command", ErrMalformed)
		}
		body = body[1:]
	default:
		return Command{}, fmt.Errorf("rtmp: message type %d is not a command", m.TypeID)
	}
	vals, err := amf0.Decode(body, lim.AMF)
	if err != nil {
		return Command{}, fmt.Errorf("%w: decoding command: %w", amfClass(err), err)
	}
	if len(vals) < 1 {
		return Command{}, fmt.Errorf("%w: empty command", ErrMalformed)
	}
	name, ok := vals[0].(string)
	if !ok {
		return Command{}, fmt.Errorf("%w: command name is %T, not a string", ErrMalformed, vals[0])
	}
	// Some servers (ffmpeg's onFCPublish) send a bare name, or a null
	// transaction id: both count as transaction 0.
	var txn float64
	if len(vals) > 1 {
		txn, _ = vals[1].(float64)
	}
	c := Command{Name: name, TransactionID: txn}
	if len(vals) > 2 {
		c.Object, c.Args = vals[2], vals[3:]
	}
	return c, nil
}

// CommandMessage encodes a command: its name, transaction id, command object
// (nil for null) and arguments, for chunk stream csid and message stream
// streamID.
func CommandMessage(csid, streamID uint32, name string, txn float64, object any, args ...any) (Message, error) {
	b, err := amf0.Encode(name, txn, object)
	if err != nil {
		return Message{}, err
	}
	if b, err = amf0.Append(b, args...); err != nil {
		return Message{}, err
	}
	return Message{TypeID: TypeCommandAMF0, CSID: csid, StreamID: streamID, Payload: b}, nil
}

// StatusInfo is the level, code and description of an onStatus or _error
// information object.
type StatusInfo struct {
	Level, Code, Description string
}

// StatusOf extracts the information object of onStatus (first argument) or
// of _result/_error (first argument, else the command object).
func StatusOf(c Command) StatusInfo {
	cands := make([]any, 0, len(c.Args)+1)
	cands = append(append(cands, c.Args...), c.Object)
	for _, v := range cands {
		if m, ok := v.(map[string]any); ok {
			s := StatusInfo{}
			s.Level, _ = m["level"].(string)
			s.Code, _ = m["code"].(string)
			s.Description, _ = m["description"].(string)
			if s.Level != "" || s.Code != "" {
				return s
			}
		}
	}
	return StatusInfo{}
}

// amfClass is the sentinel of this package that an AMF0 error falls under,
// so that a command's AMF bomb is an ErrLimit like any other RTMP limit.
func amfClass(err error) error {
	switch {
	case errors.Is(err, amf0.ErrLimit):
		return ErrLimit
	case errors.Is(err, amf0.ErrUnsupported):
		return ErrUnsupported
	}
	return ErrMalformed
}
