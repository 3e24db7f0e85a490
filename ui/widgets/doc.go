// Package widgets holds the studio window's generic Fyne helpers and
// widgets, the ones that need nothing of the window: label and visibility
// setters that refresh only on change, text formats for people, the audio
// level meter, a label with a tip and an inline error list.
package widgets
