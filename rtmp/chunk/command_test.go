package chunk

import (
	"testing"

	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

func TestCommandParse(t *testing.T) {
	m, err := CommandMessage(CSIDCommand, 0, "onStatus", 0, nil, amf0.Object{{Key: "level", Value: "error"}, {Key: "code", Value: "NetStream.Publish.BadName"}, {Key: "description", Value: "bad"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCommand(m, Limits{})
	if err != nil || c.Name != "onStatus" || StatusOf(c) != (StatusInfo{"error", "NetStream.Publish.BadName", "bad"}) {
		t.Fatalf("%+v %v", c, err)
	}
	m.TypeID, m.Payload = TypeCommandAMF3, append([]byte{0}, m.Payload...)
	if c2, err := ParseCommand(m, Limits{}); err != nil || c2.Name != "onStatus" {
		t.Fatalf("AMF3 envelope: %v", err)
	}
	if c, err := ParseCommand(Message{TypeID: TypeCommandAMF0, Payload: mustAMF(t, "onFCPublish")}, Limits{}); err != nil || c.Name != "onFCPublish" {
		t.Fatalf("bare command name: %v", err)
	}
	for _, bad := range [][]byte{nil, mustAMF(t, 1, 2), {0x02, 0}} {
		if _, err := ParseCommand(Message{TypeID: TypeCommandAMF0, Payload: bad}, Limits{}); err == nil {
			t.Errorf("ParseCommand(%x) accepted", bad)
		}
	}
}

func mustAMF(t testing.TB, vals ...any) []byte {
	t.Helper()
	b, err := amf0.Encode(vals...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
