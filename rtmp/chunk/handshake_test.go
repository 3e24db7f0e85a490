package chunk

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// S2 is C1 byte for byte: librtmp (OBS) compares the whole 1536 bytes and
// warns "client signature does not match" otherwise. The C1 here carries a
// non-zero second field, as librtmp's and OBS's do (their version).
func TestServerHandshakeEchoesC1AsS2(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	done := make(chan error, 1)
	go func() {
		defer server.Close()
		_, err := ServerHandshake(server, 5*time.Second)
		done <- err
	}()
	_ = client.SetDeadline(time.Now().Add(5 * time.Second))

	c1 := make([]byte, 1536)
	copy(c1, []byte{0x00, 0x00, 0x12, 0x34, 0x80, 0x00, 0x07, 0x02}) // time, then librtmp's version
	for i := 8; i < len(c1); i++ {
		c1[i] = byte(i * 7)
	}
	go func() { _, _ = client.Write(append([]byte{Version}, c1...)) }()

	s := make([]byte, 1+2*1536)
	if _, err := io.ReadFull(client, s); err != nil {
		t.Fatalf("reading S0, S1, S2: %v", err)
	}
	if s[0] != Version {
		t.Errorf("S0 = %d; want %d", s[0], Version)
	}
	if s1 := s[1 : 1+1536]; !bytes.Equal(s1[4:8], []byte{0, 0, 0, 0}) {
		t.Errorf("S1's second field = % x; the simple handshake wants zeros", s1[4:8])
	}
	if s2 := s[1+1536:]; !bytes.Equal(s2, c1) {
		t.Errorf("S2 differs from C1 (first 8 bytes % x, want % x)", s2[:8], c1[:8])
	}
	if _, err := client.Write(s[1 : 1+1536]); err != nil { // C2 echoes S1
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("ServerHandshake: %v", err)
	}
}
