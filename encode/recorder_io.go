package encode

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/asticode/go-astiav"
)

// recorderIOBuffer is the AVIO buffer between the muxer and the file.
const recorderIOBuffer = 64 << 10

// libav's seek extensions (libavformat/avio.h).
const (
	avseekSize  = 0x10000 // return the file size, do not move
	avseekForce = 0x20000 // hint only
)

// fileSink is where a recording's bytes go: the file, through an AVIO
// context whose callbacks run on the goroutine that calls the muxer. It
// counts the bytes that reached the file and keeps the first write or seek
// error as Go returned it (ENOSPC…), which libav reduces to a bare code.
type fileSink struct {
	ws      io.WriteSeeker
	c       io.Closer
	written *atomic.Int64
	err     error
	ioc     *astiav.IOContext
	done    bool
}

// open allocates the AVIO context the muxer writes through.
func (s *fileSink) open() (*astiav.IOContext, error) {
	ioc, err := astiav.AllocIOContext(recorderIOBuffer, true, nil, s.seek, s.write)
	if err != nil {
		return nil, fmt.Errorf("encode: allocating the recording's I/O context: %w", err)
	}
	s.ioc = ioc
	return ioc, nil
}

func (s *fileSink) write(b []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.ws == nil {
		return 0, errors.New("recording file is closed")
	}
	n, err := s.ws.Write(b)
	s.written.Add(int64(n))
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		s.err = err
		return 0, err
	}
	return n, nil
}

func (s *fileSink) seek(off int64, whence int) (int64, error) {
	if s.ws == nil {
		return 0, errors.New("recording file is closed")
	}
	whence &^= avseekForce
	if whence == avseekSize {
		cur, err := s.ws.Seek(0, io.SeekCurrent)
		if err != nil {
			return 0, err
		}
		end, err := s.ws.Seek(0, io.SeekEnd)
		if err != nil {
			return 0, err
		}
		_, err = s.ws.Seek(cur, io.SeekStart)
		return end, err
	}
	n, err := s.ws.Seek(off, whence)
	if err != nil && s.err == nil {
		s.err = err
	}
	return n, err
}

// close frees the AVIO context and closes the file; safe twice.
func (s *fileSink) close() error {
	if s.done {
		return nil
	}
	s.done = true
	if s.ioc != nil {
		s.ioc.Free()
		s.ioc = nil
	}
	s.ws = nil // go-astiav keeps the callbacks registered: let them fail
	if s.c == nil {
		return nil
	}
	return s.c.Close()
}
