package aac

import (
	"testing"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// unhex is testpeer.Unhex.
func unhex(t testing.TB, s string) []byte { t.Helper(); return testpeer.Unhex(t, s) }

func TestAACConfig(t *testing.T) {
	cases := []struct {
		in               string
		aot, rate, chan_ int
		sbr              bool
	}{
		{"1190", 2, 48000, 2, false},  // LC 48k stereo
		{"1210", 2, 44100, 2, false},  // LC 44.1k stereo
		{"1188", 2, 48000, 1, false},  // LC 48k mono
		{"2b1188", 2, 48000, 2, true}, // HE-AAC: 24k core, SBR 48k
	}
	for _, c := range cases {
		got, err := ParseConfig(unhex(t, c.in))
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got.ObjectType != c.aot || got.SampleRate != c.rate || got.Channels != c.chan_ || got.SBR != c.sbr {
			t.Errorf("%s: got %+v", c.in, got)
		}
	}
	for _, rate := range []int{48000, 44100, 8000, 50000} {
		for _, ch := range []int{1, 2, 6, 8} {
			b, err := BuildConfig(ObjectLC, rate, ch)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseConfig(b)
			if err != nil || got.SampleRate != rate || got.Channels != ch || got.ObjectType != ObjectLC {
				t.Errorf("round trip %d/%d: %+v %v", rate, ch, got, err)
			}
		}
	}
	for _, bad := range []string{"", "12", "0010", "17f0", "1278", "fff0"} {
		if _, err := ParseConfig(unhex(t, bad)); err == nil {
			t.Errorf("ParseConfig(%s) accepted", bad)
		}
	}
	if _, err := BuildConfig(ObjectLC, 48000, 7); err == nil {
		t.Error("7 channels accepted")
	}
}

func FuzzAACConfig(f *testing.F) {
	for _, s := range []string{"1190", "1210", "1188", "2b1188", "17800bb800"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil || c.SBR || c.Channels == 0 || c.ObjectType >= 31 || c.ChannelConfig > 7 {
			return
		}
		b, err := BuildConfig(c.ObjectType, c.SampleRate, c.Channels)
		if err != nil {
			t.Fatalf("rebuild %+v: %v", c, err)
		}
		c2, err := ParseConfig(b)
		if err != nil || c2.SampleRate != c.SampleRate || c2.Channels != c.Channels || c2.ObjectType != c.ObjectType {
			t.Fatalf("rebuild %+v → %+v, %v", c, c2, err)
		}
	})
}
