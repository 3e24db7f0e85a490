package forward

import (
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/store"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// Stats is a snapshot of one forward.
type Stats struct {
	Source     string // the local stream, "app/name"
	SourceLive bool   // a publisher of the source is sending media
	// Sessions counts the source's publishes that carried media.
	Sessions int
	// Packets and Bytes count what went on to the outputs' hubs (all
	// sessions): the source's packets, or the re-encoded video where an
	// output transcodes.
	Packets, Bytes uint64
	// SourceDropped counts packets the forward's own watch queue skipped
	// (it fell behind the source).
	SourceDropped uint64
	// EncoderSkipped counts pictures (and packets) that outputs' encoders
	// were too slow to take.
	EncoderSkipped uint64
	// Pending is the packets queued for the destinations right now.
	Pending int
	// Error says, in one sentence, why forwarding ended early ("" if not).
	Error string
	// Transcoding says what the forward re-encodes and what it costs, e.g.
	// "HEVC re-encoded to H.264 at 6 Mb/s, 0.42 of a core" ("" when it
	// sends the stream on as it is; the cost once measured over a second).
	Transcoding string
	// Destinations are in the order given; URLs are redacted.
	Destinations []dest.Status
}

// Stats returns a snapshot of the forward and of each destination.
func (f *Forward) Stats() Stats {
	now := time.Now()
	note := f.transcodeNote(now)
	f.mu.Lock()
	st := Stats{Source: f.source, SourceLive: f.live, Sessions: f.sessions, SourceDropped: f.dropped, Transcoding: note}
	if f.queue != nil {
		st.SourceDropped += f.queue.Stats().Dropped
	}
	if f.endErr != nil {
		st.Error = store.Sentence(f.endErr)
	}
	f.mu.Unlock()
	for _, o := range f.outs {
		st.Packets += o.packets.Load()
		st.Bytes += o.bytes.Load()
		st.EncoderSkipped += o.skipped.Load()
		runners := o.runnersNow()
		if len(runners) == 0 {
			for _, d := range o.dests {
				t, _ := rtmp.ParseTarget(d.Server, d.Key) // checked in StartOutputs
				st.Destinations = append(st.Destinations, dest.Status{ID: d.ID, Name: d.Name,
					Service: d.Service, URL: t.Redacted(), Enabled: true, State: dest.StateIdle})
			}
			continue
		}
		for _, r := range runners {
			st.Destinations = append(st.Destinations, r.Status(now))
			st.Pending += r.Pending()
		}
	}
	return st
}
