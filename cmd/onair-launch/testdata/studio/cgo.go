//go:build cgo

package main

// With cgo the stand-in is a dynamic binary with a PT_INTERP, as the real
// studio is.
import _ "runtime/cgo"
