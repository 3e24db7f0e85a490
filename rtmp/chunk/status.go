package chunk

// NetConnection and NetStream status codes, as onStatus and _result
// objects carry them.
const (
	StatusConnectSuccess   = "NetConnection.Connect.Success"
	StatusConnectRejected  = "NetConnection.Connect.Rejected"
	StatusPublishStart     = "NetStream.Publish.Start"
	StatusPublishBadName   = "NetStream.Publish.BadName"
	StatusPublishDenied    = "NetStream.Publish.Denied"
	StatusUnpublishSuccess = "NetStream.Unpublish.Success"
	StatusPlayReset        = "NetStream.Play.Reset"
	StatusPlayStart        = "NetStream.Play.Start"
	StatusPlayNotFound     = "NetStream.Play.StreamNotFound"
	StatusPlayFailed       = "NetStream.Play.Failed"
	StatusPlayUnpublish    = "NetStream.Play.UnpublishNotify"
	StatusPlayStop         = "NetStream.Play.Stop"
)

// Acknowledgement windows.
const (
	// AckWindow is the WindowAckSize (and SetPeerBandwidth) this package's
	// peers announce: 2.5 MB, as nginx-rtmp and OBS do.
	AckWindow = 2_500_000
	// MinAckWindow is the smallest window honoured from a peer: smaller
	// ones are raised to it, so that acknowledgements cannot flood.
	MinAckWindow = 4096
)
