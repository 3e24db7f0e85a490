package chunk

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rc4"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"sync"
	"time"
)

// RTMPE is Adobe's "encrypted" RTMP, as librtmp (rtmpdump, GStreamer's
// rtmpsrc/rtmpsink) and Flash Media Server speak it: C0 announces version
// 6, C1 and S1 carry HMAC-SHA256 digests keyed with the published "Genuine
// Adobe" strings and 1024-bit Diffie-Hellman public keys, and after the
// handshake both directions are RC4, keyed from the shared secret. The
// keys and the algorithm are public, so it hides a stream from a casual
// look at the wire and nothing more: RTMPS is the real encryption.

// VersionEncrypted is the C0/S0 byte of RTMPE's handshake.
const VersionEncrypted = 6

// sigSize is the size of C1, S1, C2 and S2.
const sigSize = 1536

// dhKeySize is a Diffie-Hellman public key's size in C1 and S1.
const dhKeySize = 128

// adobeTail is the 32 bytes that follow the "Genuine Adobe" strings in the
// handshake's HMAC keys.
var adobeTail = []byte{
	0xf0, 0xee, 0xc2, 0x4a, 0x80, 0x68, 0xbe, 0xe8, 0x2e, 0x00, 0xd0, 0xd1, 0x02, 0x9e, 0x7e, 0x57,
	0x6e, 0xec, 0x5d, 0x2d, 0x29, 0x80, 0x6f, 0xab, 0x93, 0xb8, 0xe6, 0x36, 0xcf, 0xeb, 0x31, 0xae,
}

var (
	// playerKey signs C1 (its first 30 bytes) and keys C2 (all 62).
	playerKey = append([]byte("Genuine Adobe Flash Player 001"), adobeTail...)
	// serverKey signs S1 (its first 36 bytes) and keys S2 (all 68).
	serverKey = append([]byte("Genuine Adobe Flash Media Server 001"), adobeTail...)
)

// dhPrime is the 1024-bit MODP group of RFC 2409 (Oakley group 2), with
// generator 2, which RTMPE uses.
var dhPrime, _ = new(big.Int).SetString(
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"+
		"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"+
		"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"+
		"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)

// ErrRTMPE marks an RTMPE handshake that does not verify: a C1 with no
// valid digest, or a Diffie-Hellman key outside the group.
var ErrRTMPE = errors.New("RTMPE handshake failed")

// The two places C1 and S1 may hold their digest and DH key. Each offset is
// read from four bytes outside the region it points into.
func digestOffset(sig []byte, scheme int) int {
	if scheme == 0 {
		return sumOf(sig[8:12])%728 + 12
	}
	return sumOf(sig[772:776])%728 + 776
}

func dhOffset(sig []byte, scheme int) int {
	if scheme == 0 {
		return sumOf(sig[1532:1536])%632 + 772
	}
	return sumOf(sig[768:772])%632 + 8
}

func sumOf(b []byte) int { return int(b[0]) + int(b[1]) + int(b[2]) + int(b[3]) }

// sigDigest is the HMAC-SHA256, keyed with key, of sig without the 32
// bytes at off.
func sigDigest(sig []byte, off int, key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(sig[:off])
	m.Write(sig[off+sha256.Size:])
	return m.Sum(nil)
}

func hmacSHA256(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// findClientScheme returns the scheme whose digest verifies in c1.
func findClientScheme(c1 []byte) (int, bool) {
	for scheme := range 2 {
		off := digestOffset(c1, scheme)
		if hmac.Equal(sigDigest(c1, off, playerKey[:30]), c1[off:off+sha256.Size]) {
			return scheme, true
		}
	}
	return 0, false
}

// validPublicKey reports whether y is a usable key of the group: 1 < y <
// p-1 and in the subgroup of order (p-1)/2, as librtmp checks.
func validPublicKey(y *big.Int) bool {
	pMinus1 := new(big.Int).Sub(dhPrime, big.NewInt(1))
	if y.Cmp(big.NewInt(1)) <= 0 || y.Cmp(pMinus1) >= 0 {
		return false
	}
	q := new(big.Int).Rsh(pMinus1, 1)
	return new(big.Int).Exp(y, q, dhPrime).Cmp(big.NewInt(1)) == 0
}

// serverHandshakeRTMPE answers an RTMPE client whose C0 (version 6) was
// read: it reads C1, sends S0, S1 and S2, reads C2, and returns conn
// wrapped in the session's RC4 streams.
func serverHandshakeRTMPE(conn net.Conn, r io.Reader, w io.Writer) (net.Conn, error) {
	c1 := make([]byte, sigSize)
	if _, err := io.ReadFull(r, c1); err != nil {
		return nil, err
	}
	scheme, ok := findClientScheme(c1)
	if !ok {
		return nil, fmt.Errorf("%w: the client's digest does not verify", ErrRTMPE)
	}
	clientPubBytes := c1[dhOffset(c1, scheme):][:dhKeySize]
	clientPub := new(big.Int).SetBytes(clientPubBytes)
	if !validPublicKey(clientPub) {
		return nil, fmt.Errorf("%w: the client's Diffie-Hellman key is not in the group", ErrRTMPE)
	}
	priv, err := rand.Int(rand.Reader, new(big.Int).Sub(dhPrime, big.NewInt(3)))
	if err != nil {
		return nil, err
	}
	priv.Add(priv, big.NewInt(2))
	serverPub := new(big.Int).Exp(big.NewInt(2), priv, dhPrime).FillBytes(make([]byte, dhKeySize))
	secret := new(big.Int).Exp(clientPub, priv, dhPrime).FillBytes(make([]byte, dhKeySize))

	s1 := make([]byte, sigSize)
	if _, err := rand.Read(s1); err != nil {
		return nil, err
	}
	binary.BigEndian.PutUint32(s1[0:4], uint32(time.Now().UnixMilli()))
	copy(s1[4:8], []byte{4, 5, 0, 1}) // a server version: FP9-style digests follow
	copy(s1[dhOffset(s1, scheme):], serverPub)
	off := digestOffset(s1, scheme)
	copy(s1[off:], sigDigest(s1, off, serverKey[:36]))

	s2 := make([]byte, sigSize)
	if _, err := rand.Read(s2); err != nil {
		return nil, err
	}
	clientDigest := c1[digestOffset(c1, scheme):][:sha256.Size]
	copy(s2[sigSize-sha256.Size:], hmacSHA256(hmacSHA256(serverKey, clientDigest), s2[:sigSize-sha256.Size]))

	if _, err := w.Write(append(append([]byte{VersionEncrypted}, s1...), s2...)); err != nil {
		return nil, err
	}
	c2 := make([]byte, sigSize)
	if _, err := io.ReadFull(r, c2); err != nil {
		return nil, err
	}
	// The client's C2 is not checked, as in the plain handshake.
	in, _ := rc4.NewCipher(hmacSHA256(secret, serverPub)[:16])
	out, _ := rc4.NewCipher(hmacSHA256(secret, clientPubBytes)[:16])
	skip := make([]byte, sigSize) // both sides start the streams 1536 bytes in
	in.XORKeyStream(skip, skip)
	out.XORKeyStream(skip, skip)
	return &rc4Conn{Conn: conn, in: in, out: out}, nil
}

// rc4Conn is an RTMPE session: what it reads is decrypted, what it writes
// encrypted, in order (writes are serialised under wmu).
type rc4Conn struct {
	net.Conn
	in *rc4.Cipher // used by the one reader

	wmu sync.Mutex
	out *rc4.Cipher
	buf []byte
}

// Read decrypts what arrives.
func (c *rc4Conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.XORKeyStream(p[:n], p[:n])
	return n, err
}

// Write encrypts p into a buffer of the connection's and sends it. A
// short write breaks the stream: the connection is useless after an error.
func (c *rc4Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if cap(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	b := c.buf[:len(p)]
	c.out.XORKeyStream(b, p)
	if len(c.buf) > 1<<20 {
		c.buf = nil // do not keep a large message's buffer
	}
	return c.Conn.Write(b)
}
