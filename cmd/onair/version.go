package main

import "runtime/debug"

// buildVersion is set with -ldflags "-X main.buildVersion=…" by make.
var buildVersion = ""

// version returns the version this binary was built as.
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
