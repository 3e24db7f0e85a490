package chunk

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/yutopp/go-rtmp/handshake"
)

// Version is the only C0/S0 version byte this package speaks.
const Version = 3

// ClientHandshake performs the client side of the simple RTMP handshake
// (C0+C1, S0+S1+S2, C2) on conn, all within timeout. S0 must announce
// version 3. Peers that answer with a digest handshake are accepted: the
// random echo is not verified. The deadline is cleared on success.
func ClientHandshake(conn net.Conn, timeout time.Duration) error {
	return runHandshake(conn, timeout, "server", func(r io.Reader, w io.Writer) error {
		return handshake.HandshakeWithServer(r, w, &handshake.Config{SkipHandshakeVerification: true})
	})
}

// ServerHandshake performs the server side of the RTMP handshake on conn,
// within timeout. C0 must announce version 3: anything else (an HTTP
// request, TLS on a plain port) fails at once with a clear error.
func ServerHandshake(conn net.Conn, timeout time.Duration) error {
	return runHandshake(conn, timeout, "client", serverHandshake)
}

// serverHandshake is the simple handshake's server side: S0, S1 (our time,
// four zero bytes, random), then S2 as a byte-exact echo of C1, as the
// specification's "random echo" and every deployed server (nginx-rtmp, SRS)
// give it. librtmp (OBS, rtmpdump, GStreamer's rtmpsink) compares all 1536
// bytes of S2 with its C1 and logs "client signature does not match" when
// the second field differs, which go-rtmp's HandshakeWithClient fills with
// the server's clock. The client's C2 is read and not checked.
func serverHandshake(r io.Reader, w io.Writer) error {
	d, e := handshake.NewDecoder(r), handshake.NewEncoder(w)
	var c0 handshake.S0C0
	if err := d.DecodeS0C0(&c0); err != nil {
		return err
	}
	s0 := handshake.S0C0(Version)
	if err := e.EncodeS0C0(&s0); err != nil {
		return err
	}
	s1 := handshake.S1C1{Time: uint32(time.Now().UnixMilli())}
	if _, err := rand.Read(s1.Random[:]); err != nil {
		return err
	}
	if err := e.EncodeS1C1(&s1); err != nil {
		return err
	}
	var c1 handshake.S1C1
	if err := d.DecodeS1C1(&c1); err != nil {
		return err
	}
	s2 := handshake.S2C2{Time: c1.Time, Time2: binary.BigEndian.Uint32(c1.Version[:]), Random: c1.Random}
	if err := e.EncodeS2C2(&s2); err != nil {
		return err
	}
	var c2 handshake.S2C2
	return d.DecodeS2C2(&c2)
}

func runHandshake(conn net.Conn, timeout time.Duration, peer string, run func(io.Reader, io.Writer) error) error {
	if timeout > 0 {
		if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
			return fmt.Errorf("RTMP handshake: %w", err)
		}
	}
	bw := bufio.NewWriterSize(conn, 4096)
	rw := &handshakeIO{r: conn, bw: bw, peer: peer}
	err := run(rw, rw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		var verr *versionError
		switch {
		case errors.As(err, &verr):
			return verr
		case errors.Is(err, os.ErrDeadlineExceeded):
			return fmt.Errorf("RTMP handshake timed out after %v: the %s did not answer", timeout, peer)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), IsConnReset(err):
			return fmt.Errorf("RTMP handshake failed: the %s closed the connection%w", peer, Mark(io.ErrUnexpectedEOF))
		}
		return fmt.Errorf("RTMP handshake: %w", err)
	}
	return conn.SetDeadline(time.Time{})
}

// handshakeIO batches the handshake writes (C0+C1 go out in one segment)
// by flushing before each read, and checks the version byte, the first byte
// the peer sends.
type handshakeIO struct {
	r       io.Reader
	bw      *bufio.Writer
	peer    string
	checked bool
}

func (h *handshakeIO) Write(p []byte) (int, error) { return h.bw.Write(p) }

func (h *handshakeIO) Read(p []byte) (int, error) {
	if err := h.bw.Flush(); err != nil {
		return 0, err
	}
	if h.checked || len(p) == 0 {
		return h.r.Read(p)
	}
	n, err := h.r.Read(p[:1])
	if n == 1 {
		h.checked = true
		if p[0] != Version {
			return 0, &versionError{peer: h.peer, b: p[0]}
		}
	}
	return n, err
}

// versionError reports a first byte that is not RTMP version 3.
type versionError struct {
	peer string
	b    byte
}

func (e *versionError) Error() string {
	switch {
	case e.b == 'G' || e.b == 'P' || e.b == 'H':
		return fmt.Sprintf("RTMP handshake failed: the %s speaks HTTP, not RTMP", e.peer)
	case e.b == 0x15 || e.b == 0x16:
		return fmt.Sprintf("RTMP handshake failed: the %s speaks TLS (use rtmps:// for a TLS port)", e.peer)
	}
	return fmt.Sprintf("RTMP handshake failed: the %s sent RTMP version %d, want 3", e.peer, e.b)
}

func (e *versionError) Unwrap() error { return ErrProtocol }
