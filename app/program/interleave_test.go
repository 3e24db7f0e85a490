package program

import (
	"context"
	"testing"

	"github.com/seed7c1a73c4/onair/internal/testpeer"

	"github.com/seed7c1a73c4/onair/media"
)

func hubOut(t *testing.T) (*media.PacketHub, func() []media.Packet) {
	h := media.NewPacketHub(media.HubOptions{})
	q := h.Subscribe(media.QueueLimits{})
	return h, func() []media.Packet {
		var out []media.Packet
		for q.Stats().Len > 0 {
			p, err := q.Pop(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, p)
		}
		return out
	}
}

// TestInterleaverOrdersByDTSAndShiftsNegativeStart feeds audio well ahead
// of video (as encoders deliver it) with a B-frame start below zero.
func TestInterleaverOrdersByDTSAndShiftsNegativeStart(t *testing.T) {
	h, drain := hubOut(t)
	m := newInterleaver(h, true, testpeer.Logger(t))
	for i := int64(0); i < 20; i++ {
		m.push(media.Packet{Kind: media.KindAudio, DTS: i * 21, PTS: i * 21})
	}
	if got := drain(); len(got) != 0 {
		t.Fatalf("audio went out before any video: %d packets", len(got))
	}
	m.push(media.Packet{Kind: media.KindVideo, Key: true, DTS: -67, PTS: 0})
	m.push(media.Packet{Kind: media.KindVideo, DTS: -33, PTS: 100})
	m.push(media.Packet{Kind: media.KindVideo, DTS: 0, PTS: 33})
	m.endVideo()
	m.finish()
	got := drain()
	if len(got) != 23 {
		t.Fatalf("got %d packets, want 23", len(got))
	}
	if got[0].Kind != media.KindVideo || got[0].DTS != 0 || got[0].PTS != 67 {
		t.Fatalf("first packet %+v, want the keyframe shifted to DTS 0, PTS 67", got[0])
	}
	if got[1].Kind != media.KindVideo || got[1].DTS != 34 {
		t.Fatalf("second packet %+v", got[1])
	}
	for i := 1; i < len(got); i++ {
		if got[i].DTS < got[i-1].DTS {
			t.Fatalf("DTS goes back at %d: %d after %d", i, got[i].DTS, got[i-1].DTS)
		}
	}
	if a := got[len(got)-1]; a.Kind != media.KindAudio || a.DTS != 19*21+67 {
		t.Fatalf("last audio %+v, want DTS %d (same shift as video)", a, 19*21+67)
	}
}

// TestInterleaverDoesNotHoldAudioForEver sends audio while the video
// encoder produces nothing: after 2 s of stream time audio flows anyway.
func TestInterleaverDoesNotHoldAudioForEver(t *testing.T) {
	h, drain := hubOut(t)
	m := newInterleaver(h, true, testpeer.Logger(t))
	for i := int64(0); i <= 120; i++ {
		m.push(media.Packet{Kind: media.KindAudio, DTS: i * 21, PTS: i * 21})
	}
	if got := drain(); len(got) == 0 {
		t.Fatal("2.5 s of audio held back waiting for video")
	}
}

// A video encoder that falls behind (a machine too busy for the size and
// rate) sends its frames after 2 s of audio went out: they keep their own
// timestamps, increasing, instead of all taking the audio's.
func TestInterleaverKeepsALateKindsTimestamps(t *testing.T) {
	h, drain := hubOut(t)
	m := newInterleaver(h, true, testpeer.Logger(t))
	m.push(media.Packet{Kind: media.KindVideo, Key: true, DTS: 0, PTS: 0})
	for i := int64(0); i <= 150; i++ { // 3.1 s of audio while video stalls
		m.push(media.Packet{Kind: media.KindAudio, DTS: i * 21, PTS: i * 21})
	}
	for i := int64(1); i <= 30; i++ { // the late frames, 33 ms apart
		m.push(media.Packet{Kind: media.KindVideo, DTS: i * 33, PTS: i * 33})
	}
	m.finish()
	var video []int64
	for _, p := range drain() {
		if p.Kind == media.KindVideo {
			video = append(video, p.DTS)
		}
	}
	if len(video) != 31 {
		t.Fatalf("%d video packets out, want 31", len(video))
	}
	for i, dts := range video {
		if dts != int64(i)*33 {
			t.Fatalf("video DTS %v; want each frame's own (0, 33, 66 …)", video)
		}
	}
}
