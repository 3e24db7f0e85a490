// Package app is the studio core: validated configuration, the program
// pipeline (capture → encode → fan-out), the destinations and their state
// machines, and stats snapshots. It imports no UI toolkit: the CLI and the
// Fyne window both drive it.
package app
