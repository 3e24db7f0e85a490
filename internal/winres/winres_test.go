package winres

import (
	"debug/pe"
	"path/filepath"
	"slices"
	"testing"

	"github.com/seed7c1a73c4/onair/assets"
)

// TestWriteSyso writes the studio's resources and reads them back from the
// object file: icon, group icon, version and manifest, with the name and
// the combined version fyne would write.
func TestWriteSyso(t *testing.T) {
	a := App{Name: "OnAir <Studio>", Version: "1.2.3", Build: 7, Icon: assets.ResourceIconPng.Content(), License: "GPL-2.0-or-later"}
	path := filepath.Join(t.TempDir(), "rsrc_windows_amd64.syso")
	if err := WriteSyso(path, "amd64", a); err != nil {
		t.Fatal(err)
	}
	f, err := pe.Open(path)
	if err != nil {
		t.Fatalf("the .syso is not a COFF object: %v", err)
	}
	defer f.Close()
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("machine %#x, want amd64", f.Machine)
	}
	r, err := ReadResources(f)
	if err != nil {
		t.Fatal(err)
	}
	types, err := r.Types()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{TypeIcon, TypeGroupIcon, TypeVersion, TypeManifest} {
		if !slices.Contains(types, want) {
			t.Errorf("resource types %v lack %d", types, want)
		}
	}
	for _, s := range []string{"OnAir <Studio>", "1.2.3.7", "GPL-2.0-or-later",
		`<assemblyIdentity version="1.2.3.7" processorArchitecture="*" name="OnAir &lt;Studio&gt;" type="win32"/>`} {
		if !r.HasString(s) {
			t.Errorf("the resources do not hold %q", s)
		}
	}
}

func TestCombinedVersion(t *testing.T) {
	for v, want := range map[string]string{"0.1.0": "0.1.0.1", "2": "2.0.0.1", "1.2": "1.2.0.1"} {
		if got := (App{Version: v, Build: 1}).CombinedVersion(); got != want {
			t.Errorf("CombinedVersion(%q, 1) = %q, want %q", v, got, want)
		}
	}
}

func TestWriteSysoBadIcon(t *testing.T) {
	err := WriteSyso(filepath.Join(t.TempDir(), "x.syso"), "amd64", App{Name: "x", Version: "1.0.0", Icon: []byte("not a png")})
	if err == nil {
		t.Fatal("a bad icon was accepted")
	}
}
