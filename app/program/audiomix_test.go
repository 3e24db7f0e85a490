package program

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
)

// beepFrame is 20 ms of 48 kHz stereo S16 starting at t: a 1 kHz sine at
// −12 dBFS while t is in the first 100 ms of its second (the test tone's
// beep), silence otherwise, or silence throughout when quiet.
func beepFrame(t time.Duration, quiet bool) capture.AudioFrame {
	const rate, n = 48000, 960
	f := capture.AudioFrame{Format: capture.S16, Rate: rate, Channels: 2, Samples: n, Data: make([]byte, n*4), Time: t}
	if quiet || t%time.Second >= 100*time.Millisecond {
		return f
	}
	amp := 32767 * math.Pow(10, -12.0/20)
	for s := range n {
		v := int16(amp * math.Sin(2*math.Pi*1000*float64(s)/rate))
		binary.LittleEndian.PutUint16(f.Data[s*4:], uint16(v))
		binary.LittleEndian.PutUint16(f.Data[s*4+2:], uint16(v))
	}
	return f
}

// The test tone beeps 100 ms a second: the meter's peak holds across the
// silence between beeps (it used to be dark 90% of the time), falls back
// 1.5 s after the sound stops, and drops at once on mute.
func TestMeterPeakHoldsBetweenBeeps(t *testing.T) {
	m := &audioMix{}
	m.gain.Store(1)
	const step = 20 * time.Millisecond
	at := time.Duration(0)
	for ; at < 3*time.Second; at += step {
		f := beepFrame(at, false)
		m.apply(&f)
		if p := m.snapshot().Peak; len(p) != 2 || p[0] < -13 || p[1] < -13 {
			t.Fatalf("at %v (%v into a second of the tone): peak %v dBFS; want the beep's −12 held", at, at%time.Second, p)
		}
	}
	// The tone stops: the peak falls back once the hold is over.
	stopped := at
	for ; at < stopped+2*time.Second; at += step {
		f := beepFrame(at, true)
		m.apply(&f)
		p := m.snapshot().Peak
		held := p[0] > -13
		if want := at-stopped < peakHold-100*time.Millisecond; held != want && at-stopped < peakHold+100*time.Millisecond {
			continue // the edge of the hold
		} else if held != want {
			t.Fatalf("%v after the sound stopped: peak %v dBFS; held %v, want %v", at-stopped, p, held, want)
		}
	}
	// Mute drops the meter at once.
	f := beepFrame(at, false)
	m.apply(&f)
	m.muted.Store(true)
	at += step
	f = beepFrame(at, false)
	m.apply(&f)
	if p := m.snapshot().Peak; p[0] > capture.MinDB {
		t.Errorf("muted: peak %v dBFS; want silence at once", p)
	}
}
