package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// programFeed publishes the program on the local server as live/program,
// in-process: one goroutine reads the program's hub through its own queue
// and hands each packet to the server's LocalPublisher. The stream stays
// published while the encoder pauses (nobody watching), so that a player,
// or the web side's first viewer, can ask for it and make it start.
type programFeed struct {
	pub    *server.LocalPublisher
	hub    *media.PacketHub
	q      *media.PacketQueue
	cancel context.CancelFunc
	done   chan struct{}
}

// startProgramFeed publishes prog on srv as live/ProgramStream.
func startProgramFeed(srv *server.Server, prog *program.Program, lim media.QueueLimits, log *slog.Logger) (*programFeed, error) {
	pub, err := srv.PublishLocal("live/"+ProgramStream, "the studio's program")
	if err != nil {
		return nil, fmt.Errorf("publishing the program on the local server: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &programFeed{pub: pub, hub: prog.Hub(), cancel: cancel, done: make(chan struct{})}
	f.q = f.hub.Subscribe(lim)
	meta := prog.Metadata()
	go func() {
		defer close(f.done)
		f.run(ctx, meta, log)
	}()
	return f, nil
}

// run copies packets until stop. After a pause of the encoder (a new video
// sequence header once media was sent) the server's timeline restarts, so
// that the stream's players see continuous time across the pause.
func (f *programFeed) run(ctx context.Context, meta media.Metadata, log *slog.Logger) {
	f.pub.WriteMetadata(meta)
	sentMedia := false
	for {
		p, err := f.q.Pop(ctx)
		if err != nil {
			return // stopped, or the program ended (its hub closed)
		}
		switch {
		case p.Header && p.Kind == media.KindVideo && sentMedia:
			f.pub.Restart()
			sentMedia = false
		case !p.Header && p.Kind != media.KindData:
			sentMedia = true
		}
		if !f.pub.Write(p) {
			log.Warn("the local server stopped taking the program")
			return
		}
	}
}

// stop ends the feed and unpublishes live/program; it waits for the
// feed's goroutine.
func (f *programFeed) stop() {
	f.cancel()
	f.hub.Unsubscribe(f.q)
	<-f.done
	f.pub.Close()
}
