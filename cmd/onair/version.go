package main

import "github.com/seed7c1a73c4/onair/assets"

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
