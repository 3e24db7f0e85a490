// Package localeenv makes a "C.UTF-8" or "POSIX" locale readable by Fyne.
//
// Fyne's lang package reads the locale while it initialises and logs three
// "Fyne error: Error parsing user locale C" lines when LANG is C.UTF-8 (the
// default of Debian containers and CI machines): every `onair` command
// would start with them. Fyne's locale lookup (jeandeaual/go-locale) falls
// back to $LANGUAGE for a locale that is not exactly "C", so this package
// sets LANGUAGE=en for such locales. GNU gettext ignores LANGUAGE under the
// C locale, so nothing else changes.
//
// It must be initialised before Fyne: it imports only the standard library
// and sorts before golang.org/x/text, which Fyne's lang package needs, so
// Go's package initialisation order (sorted by import path, a package as
// soon as its imports are done) runs it first. cmd/onair imports it.
package localeenv

import (
	"os"
	"strings"
)

func init() { Fix() }

// Fix sets LANGUAGE=en when the effective message locale is C or POSIX
// with a suffix (C.UTF-8, POSIX.utf8) and LANGUAGE is unset. It reports
// whether it changed the environment.
func Fix() bool {
	if os.Getenv("LANGUAGE") != "" {
		return false
	}
	loc := ""
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(v); loc != "" {
			break
		}
	}
	base, _, found := strings.Cut(loc, ".")
	if !found || (base != "C" && base != "POSIX") {
		return false
	}
	return os.Setenv("LANGUAGE", "en") == nil
}
