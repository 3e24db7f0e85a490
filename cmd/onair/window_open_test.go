package main

import (
	"errors"
	"log"
	"strings"
	"testing"
)

// The toolkit's platform error, logged by go-gl before Fyne panics, is the
// reason the one sentence gives (the failure seen under Wine when its
// desktop had started without a display).
func TestOpenWindowExplainsAToolkitThatDidNotStart(t *testing.T) {
	_, err := openWindow(func() int {
		log.Println("PlatformError: Win32: Failed to create helper window: Resource type not found.")
		panic("NotInitialized: The GLFW library is not initialized")
	})
	if !errors.Is(err, errNoWindow) {
		t.Fatalf("err = %v; want errNoWindow", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "(PlatformError: Win32: Failed to create helper window: Resource type not found.)") || strings.Contains(msg, "\n") {
		t.Errorf("err = %q; want one line naming the platform error", msg)
	}

	_, err = openWindow(func() int { panic("NotInitialized: The GLFW library is not initialized") })
	if err == nil || !strings.Contains(err.Error(), "NotInitialized") {
		t.Errorf("without a logged reason, err = %v; want the panic's text", err)
	}

	w, err := openWindow(func() int { return 7 })
	if w != 7 || err != nil {
		t.Errorf("a window that opens: %d, %v", w, err)
	}
}
