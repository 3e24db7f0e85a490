package widgets

import (
	"errors"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/seed7c1a73c4/onair/capture"
)

func TestFormats(t *testing.T) {
	for bps, want := range map[float64]string{4.5e6: "4.50 Mb/s", 850e3: "850 kb/s", 12: "12 b/s"} {
		if got := HumanBitrate(bps); got != want {
			t.Errorf("HumanBitrate(%v) = %q, want %q", bps, got, want)
		}
	}
	if got := HMS(time.Hour + 5*time.Minute + 12*time.Second); got != "01:05:12" {
		t.Errorf("HMS = %q", got)
	}
	if got := HMS(-time.Second); got != "00:00:00" {
		t.Errorf("HMS of a negative duration = %q", got)
	}
	err := errors.Join(errors.New("first problem"), errors.New(" second problem "))
	if got := Sentences(err); !slices.Equal(got, []string{"First problem", "Second problem"}) {
		t.Errorf("Sentences = %q", got)
	}
	if Sentences(nil) != nil {
		t.Error("Sentences(nil) is not nil")
	}
}

func TestErrorListShowsAndHides(t *testing.T) {
	test.NewTempApp(t)
	e := NewErrorList()
	if e.Object().Visible() {
		t.Fatal("a new list is shown")
	}
	if !e.Set([]string{"Bad URL"}) || !e.Object().Visible() || !slices.Equal(e.Texts(), []string{"Bad URL"}) {
		t.Fatalf("after Set: shown %v, texts %q", e.Object().Visible(), e.Texts())
	}
	if e.Set([]string{"Bad URL"}) {
		t.Error("the same lines count as a change")
	}
	if !e.Set(nil) || e.Object().Visible() {
		t.Error("clearing did not hide the list")
	}
}

func TestMeterHoldsClip(t *testing.T) {
	test.NewTempApp(t)
	now := time.Unix(0, 0)
	m := NewLevelMeter(func() time.Time { return now }, false)
	m.SetLevels(capture.Levels{RMS: []float64{-3}, Peak: []float64{0}, Clipped: true})
	if !m.ClipLit() {
		t.Fatal("CLIP is not lit after a clipped buffer")
	}
	now = now.Add(clipHold - time.Millisecond)
	m.SetLevels(capture.Levels{RMS: []float64{-20}, Peak: []float64{-10}})
	if !m.ClipLit() {
		t.Error("CLIP went out before its hold")
	}
	now = now.Add(2 * time.Millisecond)
	m.SetLevels(capture.Levels{RMS: []float64{-20}, Peak: []float64{-10}})
	if m.ClipLit() {
		t.Error("CLIP stayed lit after its hold")
	}
}
