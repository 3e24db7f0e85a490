// Command onair-winres writes the Windows resources (icon, version
// information, manifest) of OnAir Studio's exes as a .syso for go build,
// from FyneApp.toml as fyne package -os windows reads it (package winres):
//
//	go run ./cmd/onair-winres -app FyneApp.toml -o cmd/onair/zz_winres_windows_amd64.syso
//
// make windows runs it; the .syso is generated, never committed.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"

	"github.com/seed7c1a73c4/onair/assets"
	"github.com/seed7c1a73c4/onair/internal/winres"
)

// fyneApp is the part of FyneApp.toml that the resources use.
type fyneApp struct {
	Details struct {
		Icon, Name, Version string
		Build               int
	}
}

func main() {
	appFile := flag.String("app", "FyneApp.toml", "the app's FyneApp.toml")
	out := flag.String("o", "", "the .syso to write (its name should end in _windows_amd64.syso)")
	arch := flag.String("arch", "amd64", "GOARCH of the exe")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*appFile, *out, *arch); err != nil {
		fmt.Fprintln(os.Stderr, "onair-winres:", err)
		os.Exit(1)
	}
}

func run(appFile, out, arch string) error {
	var f fyneApp
	if _, err := toml.DecodeFile(appFile, &f); err != nil {
		return fmt.Errorf("reading %s: %w", appFile, err)
	}
	d := f.Details
	if d.Name == "" || d.Version == "" || d.Icon == "" {
		return fmt.Errorf("%s: [Details] needs Name, Version and Icon", appFile)
	}
	icon, err := os.ReadFile(filepath.Join(filepath.Dir(appFile), d.Icon))
	if err != nil {
		return fmt.Errorf("the icon: %w", err)
	}
	return winres.WriteSyso(out, arch, winres.App{Name: d.Name, Version: d.Version, Build: d.Build, Icon: icon, License: assets.License})
}
