package assets

import (
	"bufio"
	"bytes"
	"fmt"
	"image/png"
	"os"
	"strings"
	"testing"
)

// TestVersionMatchesFyneApp fails when FyneApp.toml changed and
// `go generate ./assets` was not run.
func TestVersionMatchesFyneApp(t *testing.T) {
	f, err := os.Open("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]bool{
		fmt.Sprintf("Version = %q", Version): false,
		fmt.Sprintf("Build = %d", Build):     false,
	}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = line
		}
		if _, ok := want[line]; ok && section == "[Details]" {
			want[line] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for line, found := range want {
		if !found {
			t.Errorf("FyneApp.toml [Details] has no line %q: run go generate ./assets", line)
		}
	}
}

// TestIconBundled checks the bundled icon is a 512x512, non-blank PNG.
func TestIconBundled(t *testing.T) {
	if ResourceIconPng.Name() != "icon.png" {
		t.Fatalf("bundled resource is %q, want icon.png", ResourceIconPng.Name())
	}
	img, err := png.Decode(bytes.NewReader(ResourceIconPng.Content()))
	if err != nil {
		t.Fatalf("icon.png: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Fatalf("icon.png is %dx%d, want 512x512", b.Dx(), b.Dy())
	}
	// Not blank: the red light and the dark plate are both there.
	var red, dark int
	for y := 0; y < 512; y += 4 {
		for x := 0; x < 512; x += 4 {
			r, g, b, a := img.At(x, y).RGBA()
			switch {
			case a > 0xf000 && r > 0xc000 && g < 0x6000 && b < 0x6000:
				red++
			case a > 0xf000 && r < 0x3000 && g < 0x3000 && b < 0x3000:
				dark++
			}
		}
	}
	if red < 500 || dark < 5000 {
		t.Fatalf("icon.png looks wrong: %d red and %d dark samples of 16384", red, dark)
	}
}
