package capture

import (
	"errors"
	"strings"
	"testing"
)

func TestUnknownDevices(t *testing.T) {
	vc := VideoConstraints{Width: 640, Height: 480, FPS: 30}
	for _, tc := range []struct {
		spec, want string
		audio      bool
	}{
		{"camera:xyz", `no camera "xyz"; run "onair devices" to list them`, false},
		{"screen:7", `no screen "7"; run "onair devices" to list them`, false},
		{"mic:xyz", `no microphone "xyz"; run "onair devices" to list them`, true},
	} {
		var err error
		if tc.audio {
			_, err = OpenAudio(tc.spec, AudioConstraints{}, NewClock(), nil)
		} else {
			_, err = OpenVideo(tc.spec, vc, NewClock(), nil)
		}
		if !errors.Is(err, ErrNoDevice) {
			t.Errorf("%s: %v, want ErrNoDevice", tc.spec, err)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s: %q, want %q", tc.spec, err, tc.want)
		}
	}
	// This machine has no display, so there is no first screen either.
	if len(pionDevices(KindScreen)) == 0 {
		_, err := OpenVideo("screen", vc, NewClock(), nil)
		if !errors.Is(err, ErrNoDevice) || err.Error() != `no screen found; run "onair devices" to list them` {
			t.Errorf("screen: %v", err)
		}
	}
}

func TestBadSpecs(t *testing.T) {
	vc := VideoConstraints{Width: 640, Height: 480, FPS: 30}
	for _, spec := range []string{"", "webcam", "test:1", "mic"} {
		if _, err := OpenVideo(spec, vc, NewClock(), nil); err == nil || errors.Is(err, ErrNoDevice) {
			t.Errorf("OpenVideo(%q): %v, want a spec error", spec, err)
		} else if !strings.Contains(err.Error(), "use test, camera") {
			t.Errorf("OpenVideo(%q): %v does not say what to use", spec, err)
		}
	}
	for _, spec := range []string{"", "camera", "none:1", "speaker"} {
		if _, err := OpenAudio(spec, AudioConstraints{}, NewClock(), nil); err == nil || errors.Is(err, ErrNoDevice) {
			t.Errorf("OpenAudio(%q): %v, want a spec error", spec, err)
		}
	}
	if _, err := OpenVideo("test", vc, nil, nil); err == nil {
		t.Error("OpenVideo without a clock succeeded")
	}
}

func TestOpenAudioNone(t *testing.T) {
	src, err := OpenAudio("none", AudioConstraints{}, NewClock(), nil)
	if src != nil || err != nil {
		t.Errorf("OpenAudio(none) = %v, %v; want nil, nil", src, err)
	}
}

func TestListDevices(t *testing.T) {
	checkGoroutines(t)
	devs, err := ListDevices(nil)
	if err != nil {
		t.Fatal(err)
	}
	var pattern, tone bool
	for _, d := range devs {
		t.Logf("%-10s %-24s %s %v", d.Kind, d.Spec, d.Label, d.Modes)
		if d.Kind == KindTest && d.Spec == "test" {
			pattern = pattern || d.ID == "pattern"
			tone = tone || d.ID == "tone"
		}
		if d.Spec == "" || d.ID == "" || d.Label == "" {
			t.Errorf("incomplete device %+v", d)
		}
	}
	if !pattern || !tone {
		t.Errorf("test pattern listed: %v, test tone listed: %v; want both", pattern, tone)
	}
}
