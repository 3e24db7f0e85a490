package chunk

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rc4"
	"crypto/sha256"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/internal/wiretest"
)

// The group is the RFC 2409 one: a safe prime of 1024 bits.
func TestRTMPEGroupIsASafePrime(t *testing.T) {
	q := new(big.Int).Rsh(dhPrime, 1)
	if dhPrime.BitLen() != 1024 || !dhPrime.ProbablyPrime(20) || !q.ProbablyPrime(20) {
		t.Fatal("dhPrime is not the 1024-bit safe prime of RFC 2409 group 2")
	}
}

// rtmpeClient is the client side of the handshake, written from the
// description in rtmpe.go, to check the server against.
type rtmpeClient struct {
	scheme int
	priv   *big.Int
	c1     []byte
}

// hello returns C0+C1 carrying pub (the client's own key when nil).
func (c *rtmpeClient) hello(t *testing.T, pub []byte) []byte {
	t.Helper()
	c.c1 = make([]byte, sigSize)
	if _, err := rand.Read(c.c1); err != nil {
		t.Fatal(err)
	}
	copy(c.c1[4:8], []byte{128, 0, 3, 2})
	if pub == nil {
		c.priv, _ = rand.Int(rand.Reader, new(big.Int).Sub(dhPrime, big.NewInt(3)))
		c.priv.Add(c.priv, big.NewInt(2))
		pub = new(big.Int).Exp(big.NewInt(2), c.priv, dhPrime).FillBytes(make([]byte, dhKeySize))
	}
	copy(c.c1[dhOffset(c.c1, c.scheme):], pub)
	off := digestOffset(c.c1, c.scheme)
	copy(c.c1[off:], sigDigest(c.c1, off, playerKey[:30]))
	return append([]byte{VersionEncrypted}, c.c1...)
}

// A client of either digest scheme completes the handshake: S1's digest
// and S2's signature verify with the published server key, both sides
// derive the same RC4 streams, and bytes cross encrypted both ways.
func TestRTMPEHandshake(t *testing.T) {
	for scheme := range 2 {
		cli := &rtmpeClient{scheme: scheme}
		a, b := wiretest.TCPPair(t)
		type result struct {
			conn net.Conn
			err  error
		}
		done := make(chan result, 1)
		go func() {
			c, err := ServerHandshake(b, 5*time.Second)
			done <- result{c, err}
		}()
		if _, err := a.Write(cli.hello(t, nil)); err != nil {
			t.Fatal(err)
		}
		reply := make([]byte, 1+2*sigSize)
		if _, err := io.ReadFull(a, reply); err != nil {
			t.Fatalf("scheme %d: reading S0S1S2: %v", scheme, err)
		}
		s1, s2 := reply[1:1+sigSize], reply[1+sigSize:]
		if reply[0] != VersionEncrypted {
			t.Fatalf("S0 = %d, want %d", reply[0], VersionEncrypted)
		}
		off := digestOffset(s1, scheme)
		if !hmac.Equal(sigDigest(s1, off, serverKey[:36]), s1[off:off+sha256.Size]) {
			t.Fatalf("scheme %d: S1's digest does not verify", scheme)
		}
		clientDigest := cli.c1[digestOffset(cli.c1, scheme):][:sha256.Size]
		sig := hmacSHA256(hmacSHA256(serverKey, clientDigest), s2[:sigSize-sha256.Size])
		if !hmac.Equal(sig, s2[sigSize-sha256.Size:]) {
			t.Fatalf("scheme %d: S2's signature does not verify", scheme)
		}
		serverPub := s1[dhOffset(s1, scheme):][:dhKeySize]
		secret := new(big.Int).Exp(new(big.Int).SetBytes(serverPub), cli.priv, dhPrime).FillBytes(make([]byte, dhKeySize))
		if _, err := a.Write(make([]byte, sigSize)); err != nil { // C2
			t.Fatal(err)
		}
		r := <-done
		if r.err != nil {
			t.Fatalf("scheme %d: %v", scheme, r.err)
		}
		out, _ := rc4.NewCipher(hmacSHA256(secret, serverPub)[:16])
		in, _ := rc4.NewCipher(hmacSHA256(secret, cli.c1[dhOffset(cli.c1, scheme):][:dhKeySize])[:16])
		skip := make([]byte, sigSize)
		out.XORKeyStream(skip, skip)
		in.XORKeyStream(skip, skip)

		up := []byte("connect: live, from the client")
		enc := make([]byte, len(up))
		out.XORKeyStream(enc, up)
		if _, err := a.Write(enc); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(up))
		if _, err := io.ReadFull(r.conn, got); err != nil || !bytes.Equal(got, up) {
			t.Fatalf("scheme %d: the server read %q (%v), want %q", scheme, got, err, up)
		}
		down := []byte("_result: NetConnection.Connect.Success")
		if _, err := r.conn.Write(down); err != nil {
			t.Fatal(err)
		}
		wire := make([]byte, len(down))
		if _, err := io.ReadFull(a, wire); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(wire, down) {
			t.Fatalf("scheme %d: the server's bytes crossed the wire in clear", scheme)
		}
		in.XORKeyStream(wire, wire)
		if !bytes.Equal(wire, down) {
			t.Fatalf("scheme %d: the client decrypted %q, want %q", scheme, wire, down)
		}
	}
}

// A C1 without a valid digest, a Diffie-Hellman key outside the group and
// a C1 cut short are each refused with one clear error, before S0.
func TestRTMPERefusesBadHandshakes(t *testing.T) {
	p := dhPrime.FillBytes(make([]byte, dhKeySize))
	pMinus1 := new(big.Int).Sub(dhPrime, big.NewInt(1)).FillBytes(make([]byte, dhKeySize))
	cases := []struct {
		name string
		send func(t *testing.T) []byte
		want string
	}{
		{"no digest", func(t *testing.T) []byte {
			b := make([]byte, 1+sigSize)
			b[0] = VersionEncrypted
			_, _ = rand.Read(b[1:])
			return b
		}, "digest does not verify"},
		{"key 0", func(t *testing.T) []byte { return (&rtmpeClient{}).hello(t, make([]byte, dhKeySize)) }, "not in the group"},
		{"key 1", func(t *testing.T) []byte {
			return (&rtmpeClient{scheme: 1}).hello(t, append(make([]byte, dhKeySize-1), 1))
		}, "not in the group"},
		{"key p-1", func(t *testing.T) []byte { return (&rtmpeClient{}).hello(t, pMinus1) }, "not in the group"},
		{"key p", func(t *testing.T) []byte { return (&rtmpeClient{}).hello(t, p) }, "not in the group"},
		{"key all ones", func(t *testing.T) []byte {
			return (&rtmpeClient{}).hello(t, bytes.Repeat([]byte{0xff}, dhKeySize))
		}, "not in the group"},
		{"truncated C1", func(t *testing.T) []byte { return (&rtmpeClient{}).hello(t, nil)[:700] }, "closed the connection"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := wiretest.TCPPair(t)
			_, _ = a.Write(c.send(t))
			_ = a.(*net.TCPConn).CloseWrite()
			_, err := ServerHandshake(b, 2*time.Second)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v; want one saying %q", err, c.want)
			}
			if c.want != "closed the connection" && (!errors.Is(err, ErrRTMPE) || !errors.Is(err, ErrProtocol)) {
				t.Errorf("err = %v; want ErrRTMPE and ErrProtocol", err)
			}
			_ = a.SetReadDeadline(time.Now().Add(time.Second))
			if n, _ := io.ReadFull(a, make([]byte, 1)); n != 0 {
				t.Error("the server answered a handshake it refused")
			}
		})
	}
}

// scriptConn is a connection whose peer sent script and then hung up;
// what is written to it is dropped.
type scriptConn struct {
	net.Conn // nil: only the methods below are used
	r        *bytes.Reader
}

func (c *scriptConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *scriptConn) Write(p []byte) (int, error)      { return len(p), nil }
func (c *scriptConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(time.Time) error { return nil }
func (c *scriptConn) Close() error                     { return nil }

// FuzzServerHandshakeRTMPE feeds any bytes after an RTMPE C0 to the server
// side, then hangs up: it must end with an error or a connection, and
// never panic.
func FuzzServerHandshakeRTMPE(f *testing.F) {
	f.Add(make([]byte, 2*sigSize))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &scriptConn{r: bytes.NewReader(append([]byte{VersionEncrypted}, data...))}
		if conn, err := ServerHandshake(c, time.Second); err == nil {
			conn.Close()
		}
	})
}
