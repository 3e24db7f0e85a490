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
	_, err := runHandshake(conn, timeout, "server", false, func(r io.Reader, w io.Writer) (net.Conn, error) {
		return conn, handshake.HandshakeWithServer(r, w, &handshake.Config{SkipHandshakeVerification: true})
	})
	return err
}

// ServerHandshake performs the server side of the RTMP handshake on conn,
// within timeout, and returns the connection to speak RTMP on: conn
// itself, or for RTMPE (C0 version 6) conn inside its RC4 streams. Any
// other C0 (an HTTP request, TLS on a plain port) fails at once with a
// clear error.
func ServerHandshake(conn net.Conn, timeout time.Duration) (net.Conn, error) {
	return runHandshake(conn, timeout, "client", true, func(r io.Reader, w io.Writer) (net.Conn, error) {
		var c0 [1]byte
		if _, err := io.ReadFull(r, c0[:]); err != nil {
			return nil, err
		}
		if c0[0] == VersionEncrypted {
			return serverHandshakeRTMPE(conn, r, w)
		}
		return conn, serverHandshake(r, w)
	})
}

// serverHandshake is the simple handshake's server side: S0, S1 (our time,
// four zero bytes, random), then S2 as a byte-exact echo of C1, as the
// specification's "random echo" and every deployed server (nginx-rtmp, SRS)
// give it. librtmp (OBS, rtmpdump, GStreamer's rtmpsink) compares all 1536
// bytes of S2 with its C1 and logs "client signature does not match" when
// the second field differs, which go-rtmp's HandshakeWithClient fills with
// the server's clock. The client's C2 is read and not checked. C0 was read.
func serverHandshake(r io.Reader, w io.Writer) error {
	d, e := handshake.NewDecoder(r), handshake.NewEncoder(w)
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

// runHandshake runs one side of the handshake on conn within timeout, and
// returns the connection run chose to go on with. encrypted lets C0 be
// RTMPE's version (a server).
func runHandshake(conn net.Conn, timeout time.Duration, peer string, encrypted bool,
	run func(io.Reader, io.Writer) (net.Conn, error)) (net.Conn, error) {
	if timeout > 0 {
		if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
			return nil, fmt.Errorf("RTMP handshake: %w", err)
		}
	}
	bw := bufio.NewWriterSize(conn, 4096)
	rw := &handshakeIO{r: conn, bw: bw, peer: peer, encrypted: encrypted}
	out, err := run(rw, rw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		var verr *versionError
		switch {
		case errors.As(err, &verr):
			return nil, verr
		case errors.Is(err, ErrRTMPE):
			return nil, fmt.Errorf("%w%w", err, Mark(ErrProtocol))
		case errors.Is(err, os.ErrDeadlineExceeded):
			return nil, fmt.Errorf("RTMP handshake timed out after %v: the %s did not answer", timeout, peer)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), IsConnReset(err):
			return nil, fmt.Errorf("RTMP handshake failed: the %s closed the connection%w", peer, Mark(io.ErrUnexpectedEOF))
		}
		return nil, fmt.Errorf("RTMP handshake: %w", err)
	}
	return out, conn.SetDeadline(time.Time{})
}

// handshakeIO batches the handshake writes (C0+C1 go out in one segment)
// by flushing before each read, and checks the version byte, the first byte
// the peer sends.
type handshakeIO struct {
	r         io.Reader
	bw        *bufio.Writer
	peer      string
	encrypted bool // RTMPE's version is allowed too
	checked   bool
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
		if p[0] != Version && !(h.encrypted && p[0] == VersionEncrypted) {
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
	case (e.b == 'G' || e.b == 'P' || e.b == 'H') && e.peer == "client":
		return "RTMP handshake failed: the client speaks HTTP, not RTMP (rtmpt:// goes to the web side's port, the RTMP port + 1 by default)"
	case e.b == 'G' || e.b == 'P' || e.b == 'H':
		return fmt.Sprintf("RTMP handshake failed: the %s speaks HTTP, not RTMP", e.peer)
	case e.b == 0x15 || e.b == 0x16:
		return fmt.Sprintf("RTMP handshake failed: the %s speaks TLS (use rtmps:// for a TLS port)", e.peer)
	}
	return fmt.Sprintf("RTMP handshake failed: the %s sent RTMP version %d, want 3", e.peer, e.b)
}

func (e *versionError) Unwrap() error { return ErrProtocol }
