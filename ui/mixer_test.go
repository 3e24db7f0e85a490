package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/capture"
)

func TestMixerStrips(t *testing.T) {
	s := idleSnapshot()
	f := newFakeStudio(s)
	w := newTestWindow(t, f)
	m := w.mixer
	if len(m.strips) != 0 || !m.empty.Visible() {
		t.Fatal("a program with one audio source shows mixer strips")
	}
	s.Mix = []app.MixSource{
		{Name: "tone", GainDB: -6, Levels: capture.Levels{Peak: []float64{-10, -10}, RMS: []float64{-20, -20}}},
		{Name: "stream: Guest", Muted: true, Err: "the connection was lost"},
	}
	f.setSnapshot(s)
	w.pollForTest()
	if len(m.strips) != 2 || m.empty.Visible() {
		t.Fatalf("%d strips for two sources", len(m.strips))
	}
	if m.strips[0].gain.Value != -6 || m.strips[0].gainText.Text != "-6.0 dB" || !m.strips[1].mute.Checked {
		t.Errorf("strips show gain %v (%q), second muted %v", m.strips[0].gain.Value, m.strips[0].gainText.Text, m.strips[1].mute.Checked)
	}
	if got := m.strips[1].label.Text; got != "stream: Guest: stopped (the connection was lost)" {
		t.Errorf("the stopped source reads %q", got)
	}
	if len(f.Calls()) != 0 {
		t.Fatalf("showing the mix sent commands: %v", f.Calls())
	}
	test.Tap(m.strips[0].mute)
	test.Tap(m.strips[1].remove)
	m.add.sel.SetSelected("Default microphone")
	test.Tap(m.addBtn)
	m.strips[0].gain.OnChangeEnded(3) // as a drag of the slider ends
	want := []string{"SetMixMuted(tone,true)", "RemoveMixSource(stream: Guest)", "AddMixSource(mic:default)", "SetMixGain(tone,3.0)"}
	if !slices.Equal(f.Calls(), want) {
		t.Errorf("calls %v\nwant %v", f.Calls(), want)
	}
}
