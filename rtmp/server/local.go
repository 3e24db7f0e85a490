package server

import (
	"fmt"
	"log/slog"
	"sync"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
)

// LocalPublisher publishes a stream from inside the process, such as the
// studio's program: its packets reach the stream's players as an RTMP
// publisher's would, checked the same way, but with no socket, no chunking
// and no media timeout, so it may stay published while it has nothing to
// send. Another publisher of its name is refused, silent or not.
type LocalPublisher struct {
	srv *Server
	ls  *liveStream
	log *slog.Logger

	mu     sync.Mutex
	closed bool
}

// PublishLocal publishes key ("app/name") from inside the process; from
// names the publisher in the stats and logs. It fails when the name is
// already published.
func (s *Server) PublishLocal(key, from string) (*LocalPublisher, error) {
	p := &LocalPublisher{srv: s, log: s.log.With("stream", key)}
	ls, err := s.attachPublisher(key, p, from)
	if err != nil {
		return nil, fmt.Errorf("publishing %s in-process: %w", key, err)
	}
	p.ls = ls
	p.log.Info("publishing", "peer", from)
	return p, nil
}

// WriteMetadata sends onMetaData, as an RTMP publisher's @setDataFrame.
func (p *LocalPublisher) WriteMetadata(md media.Metadata) bool {
	return p.Write(media.Packet{Kind: media.KindData, Key: true, Data: flv.EncodeMetadata(md)})
}

// Write hands pk to the stream's players. Its timestamps are milliseconds
// on the publisher's clock (the server maps them onto the stream's
// timeline, as it does an RTMP publisher's); a sequence header the server
// would refuse from a client is refused here too, and counted. It reports
// false once the publisher is closed.
func (p *LocalPublisher) Write(pk media.Packet) bool {
	if !validPacket(p.log, p.ls, &pk) {
		p.ls.frames.rejected.Add(1)
		return true
	}
	return p.ls.write(p, pk, uint32(pk.DTS), len(pk.Data))
}

// Close ends the stream: its players get the end, as when an RTMP
// publisher leaves. It is safe to call more than once.
func (p *LocalPublisher) Close() {
	p.mu.Lock()
	done := p.closed
	p.closed = true
	p.mu.Unlock()
	if done {
		return
	}
	p.srv.detachPublisher(p.ls, p)
	p.log.Info("unpublished")
}

// close is the server's side of ending a publisher; a LocalPublisher is
// never replaced, so nothing calls it.
func (p *LocalPublisher) close() {}

func (p *LocalPublisher) replaceable() bool { return false }

// Restart begins a new stretch of the stream's timeline: the next packet
// follows the last one sent, whatever its own time, with audio and video
// kept on one offset. A publisher that paused (the studio's encoder while
// nobody watched) calls it before it sends again.
func (p *LocalPublisher) Restart() {
	p.ls.mu.Lock()
	p.ls.tl.restart()
	p.ls.mu.Unlock()
}
