package dest

// State is where one destination is in its life.
type State string

// The states of a destination: idle → connecting → live → (reconnecting →
// live)* → stopped, or error.
const (
	StateIdle         State = "idle"
	StateConnecting   State = "connecting"
	StateLive         State = "live"
	StateReconnecting State = "reconnecting"
	StateStopped      State = "stopped"
	StateError        State = "error"
)
