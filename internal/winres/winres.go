// Package winres writes the Windows resources of the studio's exes (icon,
// version information and manifest) as a .syso object that `go build` links
// into a windows/amd64 binary. It makes them as `fyne package -os windows`
// (fyne.io/tools v1.7.4, package-windows.go) does, with the same libraries:
// the icon is the PNG in a one-image .ico (github.com/fyne-io/image/ico),
// the manifest is fyne's (an assemblyIdentity with the name and the
// combined version), and the version resource is written by
// github.com/josephspurrier/goversioninfo with fyne's fields, plus the
// licence.
//
// make windows uses it instead of running fyne package because it ships
// two exes from one set of resources (the window and the console CLI) and
// links them statically; fyne package builds only a GUI exe and deletes its
// .syso afterwards.
package winres

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	_ "image/png" // the icon
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fyne-io/image/ico"
	"github.com/josephspurrier/goversioninfo"
)

// App is what the resources say about the program.
type App struct {
	Name    string // product name and description: "OnAir Studio"
	Version string // [Details] Version of FyneApp.toml: "0.1.0"
	Build   int    // [Details] Build of FyneApp.toml
	Icon    []byte // PNG
	License string // LegalCopyright
}

// CombinedVersion is the version as fyne writes it into the resources:
// major.minor.patch.build ("0.1.0.1").
func (a App) CombinedVersion() string {
	parts := strings.Split(a.Version, ".")
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	return strings.Join(parts, ".") + "." + strconv.Itoa(a.Build)
}

// Manifest is fyne v1.7.4's Windows manifest for the app.
func (a App) Manifest() []byte {
	var name bytes.Buffer
	_ = xml.EscapeText(&name, []byte(a.Name)) // writing to a buffer cannot fail
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0" xmlns:asmv3="urn:schemas-microsoft-com:asm.v3">
<assemblyIdentity version="%s" processorArchitecture="*" name="%s" type="win32"/>
</assembly>
`, a.CombinedVersion(), name.String())
}

// WriteSyso writes the resources of a into the .syso file at path for
// GOARCH arch (amd64).
func WriteSyso(path, arch string, a App) error {
	fixed, err := goversioninfo.NewFileVersion(a.CombinedVersion())
	if err != nil {
		return fmt.Errorf("version %q: %w", a.Version, err)
	}
	img, _, err := image.Decode(bytes.NewReader(a.Icon))
	if err != nil {
		return fmt.Errorf("decoding the icon: %w", err)
	}
	// goversioninfo reads the icon and the manifest from files.
	tmp, err := os.MkdirTemp("", "winres")
	if err != nil {
		return fmt.Errorf("winres: %w", err)
	}
	defer os.RemoveAll(tmp)
	icoPath, manifestPath := filepath.Join(tmp, "app.ico"), filepath.Join(tmp, "app.manifest")
	var icon bytes.Buffer
	if err := ico.Encode(&icon, img); err != nil {
		return fmt.Errorf("encoding the icon: %w", err)
	}
	if err := os.WriteFile(icoPath, icon.Bytes(), 0o644); err != nil {
		return fmt.Errorf("winres: %w", err)
	}
	if err := os.WriteFile(manifestPath, a.Manifest(), 0o644); err != nil {
		return fmt.Errorf("winres: %w", err)
	}

	vi := &goversioninfo.VersionInfo{IconPath: icoPath, ManifestPath: manifestPath}
	vi.ProductName = a.Name
	vi.FileDescription = a.Name
	vi.StringFileInfo.ProductVersion = a.CombinedVersion()
	vi.FixedFileInfo.FileVersion = fixed
	vi.LegalCopyright = a.License
	vi.Build()
	vi.Walk()
	if err := vi.WriteSyso(path, arch); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
