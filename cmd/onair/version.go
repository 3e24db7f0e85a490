package main

import (
	"fmt"

	"github.com/seed7c1a73c4/onair/assets"
	"github.com/seed7c1a73c4/onair/encode"
)

// buildVersion is set with -ldflags "-X main.buildVersion=…" by make; both
// it and assets.Version come from FyneApp.toml.
var buildVersion = ""

// version returns the version this binary was built as: the one make
// stamped in, else the one generated from FyneApp.toml into assets, so a
// plain `go build` reports the same version.
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	return assets.Version
}

// aboutLine is the second line of --version: what is linked in, the
// licence and where the source is.
func aboutLine() string {
	return fmt.Sprintf("%s, linked in; licence %s; source %s", encode.LibraryVersion(), assets.License, assets.SourceURL)
}
