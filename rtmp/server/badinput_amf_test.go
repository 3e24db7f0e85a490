package server

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// TestServerHostileAMF checks AMF0 bodies built to exhaust the decoder or
// smuggle bad names: each is refused with the connection closed, or (long
// strings, AMF3 envelope, NaN transaction) handled correctly.
func TestServerHostileAMF(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	e := newHostileEnv(t, hostileConfig())
	head := rtmptest.MustAMF(t, "connect", 1.0)

	// Refused at once, the connection closed.
	deep := append([]byte{}, head...)
	for range 100000 {
		deep = append(deep, amf0.MarkerObject, 0, 1, 'a')
	}
	deepArrays := append([]byte{}, head...)
	for range 100000 {
		deepArrays = append(deepArrays, amf0.MarkerStrictArray, 0, 0, 0, 1)
	}
	huge := append(amfKey(append(append([]byte{}, head...), amf0.MarkerObject), "app"), rtmptest.MustAMF(t, "live")...)
	huge = append(amfKey(huge, "x"), amf0.MarkerStrictArray, 0x7F, 0xFF, 0xFF, 0xFF)
	huge = append(huge, 0, 0, amf0.MarkerObjectEnd)
	for _, c := range []struct {
		name string
		m    chunk.Message
	}{
		{"strict array of 0x7FFFFFFF", commandWith(huge)},
		{"objects nested 100000 deep", commandWith(deep)},
		{"arrays nested 100000 deep", commandWith(deepArrays)},
		{"AMF3 value in a type-17 command", chunk.Message{TypeID: chunk.TypeCommandAMF3, CSID: chunk.CSIDCommand,
			Payload: append(append([]byte{0}, head...), amf0.MarkerAVMPlus, 0x0A, 0x0B, 0x01, 0x01)}},
		{"empty type-17 command", chunk.Message{TypeID: chunk.TypeCommandAMF3, CSID: chunk.CSIDCommand, Payload: []byte{}}},
		{"command name not a string", commandWith(rtmptest.MustAMF(t, 1.0, 1.0, connectObject("live")))},
		{"truncated object", commandWith(append(append([]byte{}, head...), amf0.MarkerObject, 0, 3, 'a', 'p', 'p', amf0.MarkerString, 0, 9))},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			_ = rc.send(c.m)
			rc.requireClosed(closedSoon)
			e.requireFlowing(t, c.name)
		})
	}

	// Refused with a connect _error, then closed: no command object, and
	// app names that are not allowed.
	for _, c := range []struct {
		name string
		m    chunk.Message
	}{
		{"connect without an object", commandWith(head)},
		{"connect with a null object", commandWith(rtmptest.MustAMF(t, "connect", 1.0, nil))},
		{"connect with a string object", commandWith(rtmptest.MustAMF(t, "connect", 1.0, "live"))},
		{"app of 64 KiB", cmd(t, chunk.CSIDCommand, 0, "connect", 1, connectObject(strings.Repeat("a", 65535)))},
		{"app of invalid UTF-8", cmd(t, chunk.CSIDCommand, 0, "connect", 1, connectObject("li\xff\xfeve"))},
		{"app with NUL", cmd(t, chunk.CSIDCommand, 0, "connect", 1, connectObject("li\x00ve"))},
		{"app with a NUL query", cmd(t, chunk.CSIDCommand, 0, "connect", 1, connectObject("live\x00?key=x"))},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			rc.mustSend(c.m)
			rc.expect("_error", chunk.StatusConnectRejected)
			rc.requireClosed(closedSoon)
			e.requireFlowing(t, c.name)
		})
	}

	// Strings and keys of 64 KiB and a long string are within the limits:
	// connect succeeds.
	t.Run("64 KiB strings", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		obj := append(connectObject("live"),
			amf0.Property{Key: "flashVer2", Value: strings.Repeat("v", 65535)},
			amf0.Property{Key: strings.Repeat("k", 65535), Value: "x"},
			amf0.Property{Key: "long", Value: strings.Repeat("l", 100000)})
		rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "connect", 1, obj, strings.Repeat("s", 65535)))
		rc.expect("_result", chunk.StatusConnectSuccess)
		rc.createStream(2)
		e.requireFlowing(t, "64 KiB strings")
	})

	// A type-17 command with its AMF0 body after the format byte works.
	t.Run("AMF3 envelope", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		m := cmd(t, chunk.CSIDCommand, 0, "connect", 1, connectObject("live"))
		m.TypeID, m.Payload = chunk.TypeCommandAMF3, append([]byte{0}, m.Payload...)
		rc.mustSend(m)
		rc.expect("_result", chunk.StatusConnectSuccess)
		rc.createStream(2)
		e.requireFlowing(t, "an AMF3 command")
	})

	// NaN and infinite transaction ids are answered as transaction 0.
	for _, txn := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		t.Run(fmt.Sprintf("transaction %v", txn), func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "connect", txn, connectObject("live")))
			if c := rc.expect("_result", chunk.StatusConnectSuccess); c.TransactionID != 0 {
				t.Errorf("connect with transaction %v answered with transaction %v", txn, c.TransactionID)
			}
			rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "createStream", txn, nil)) // answered with nothing
			rc.createStream(2)
			e.requireFlowing(t, "a NaN transaction id")
		})
	}
}
