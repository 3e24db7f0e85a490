package wiretest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
)

// RTMPEHello returns an RTMPE C0+C1 (version 6) whose digest verifies, in
// the first digest scheme, carrying pub as the client's Diffie-Hellman
// public key (128 bytes) whatever it is: for tests of keys a server must
// refuse.
func RTMPEHello(pub []byte) []byte {
	c1 := make([]byte, 1536)
	_, _ = rand.Read(c1)
	sum := func(b []byte) int { return int(b[0]) + int(b[1]) + int(b[2]) + int(b[3]) }
	copy(c1[sum(c1[1532:1536])%632+772:], pub[:128])
	off := sum(c1[8:12])%728 + 12
	m := hmac.New(sha256.New, []byte("Genuine Adobe Flash Player 001"))
	m.Write(c1[:off])
	m.Write(c1[off+32:])
	copy(c1[off:], m.Sum(nil))
	return append([]byte{6}, c1...)
}
