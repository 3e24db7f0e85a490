package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
)

// statsBar is the bottom line: output fps, what the live destinations send
// against what they need, per-destination bitrates, dropped frames and CPU.
type statsBar struct {
	fps, dests, dropped, cpu *widget.Label
	obj                      fyne.CanvasObject
}

func newStatsBar() *statsBar {
	b := &statsBar{
		fps:     widget.NewLabel(""),
		dests:   truncLabel("", widget.MediumImportance),
		dropped: widget.NewLabel(""),
		cpu:     widget.NewLabel(""),
	}
	sep := widget.NewSeparator
	b.obj = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil,
		container.NewHBox(b.fps, sep()),
		container.NewHBox(sep(), b.dropped, sep(), b.cpu),
		b.dests))
	return b
}

func (b *statsBar) update(snap app.StudioSnapshot) {
	setText(b.fps, fmt.Sprintf("Output %.1f fps", snap.OutputFPS))
	var parts []string
	for _, d := range snap.Destinations {
		switch d.State {
		case app.StateLive:
			parts = append(parts, d.Name+" "+humanBitrate(d.Bitrate))
		case app.StateReconnecting:
			parts = append(parts, d.Name+" reconnecting")
		case app.StateError:
			parts = append(parts, d.Name+" error")
		}
	}
	summary := "No destination sending"
	if len(parts) > 0 {
		summary = strings.Join(parts, " · ")
	}
	if snap.UploadNeeded > 0 {
		summary = fmt.Sprintf("Sending %s (budget %s) · %s", humanBitrate(snap.UploadMeasured), humanBitrate(snap.UploadNeeded), summary)
	}
	setText(b.dests, summary)
	setText(b.dropped, fmt.Sprintf("Dropped %d", snap.FramesDropped))
	setText(b.cpu, fmt.Sprintf("CPU %.0f%%", snap.CPUPercent))
}
