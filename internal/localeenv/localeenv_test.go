package localeenv

import (
	"os"
	"testing"
)

func TestFix(t *testing.T) {
	for _, c := range []struct {
		lcAll, lang, language string
		want                  bool
	}{
		{"", "C.UTF-8", "", true},
		{"", "POSIX.utf8", "", true},
		{"C.UTF-8", "en_US.UTF-8", "", true},
		{"", "C", "", false}, // exactly C: Fyne already falls back to English
		{"", "en_US.UTF-8", "", false},
		{"", "C.UTF-8", "fr", false},
		{"", "", "", false},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		t.Setenv("LANGUAGE", c.language)
		if got := Fix(); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q LANGUAGE=%q: Fix() = %v, want %v", c.lcAll, c.lang, c.language, got, c.want)
		}
		if c.want && os.Getenv("LANGUAGE") != "en" {
			t.Errorf("LANG=%q: LANGUAGE = %q after Fix, want en", c.lang, os.Getenv("LANGUAGE"))
		}
	}
}
