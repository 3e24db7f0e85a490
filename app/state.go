package app

// OutputState is where one destination is in its life.
type OutputState string

// The states of a destination: idle → connecting → live → (reconnecting →
// live)* → stopped, or error.
const (
	StateIdle         OutputState = "idle"
	StateConnecting   OutputState = "connecting"
	StateLive         OutputState = "live"
	StateReconnecting OutputState = "reconnecting"
	StateStopped      OutputState = "stopped"
	StateError        OutputState = "error"
)
