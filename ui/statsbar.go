package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// statsBar is the bottom line: output fps, what the live destinations send
// against what they need, per-destination bitrates, dropped frames and CPU.
type statsBar struct {
	fps, dropped, cpu *widget.Label
	dests             *widgets.TipLabel // the upload in plain words; the detail in its tip
	obj               fyne.CanvasObject
}

func newStatsBar() *statsBar {
	b := &statsBar{
		fps:     widget.NewLabel(""),
		dests:   widgets.NewTipLabel(),
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
	if snap.EncoderIdle {
		widgets.SetText(b.fps, "Encoder idle: nobody watching")
	} else {
		widgets.SetText(b.fps, fmt.Sprintf("Output %.1f fps", snap.OutputFPS))
	}
	var parts []string
	for _, d := range snap.Destinations {
		switch d.State {
		case dest.StateLive:
			parts = append(parts, d.Name+" "+shortBitrate(d.Bitrate))
		case dest.StateReconnecting:
			parts = append(parts, d.Name+" reconnecting")
		case dest.StateError:
			parts = append(parts, d.Name+" error")
		}
	}
	summary := "No destination sending"
	if len(parts) > 0 {
		summary = strings.Join(parts, " · ")
	}
	tip := ""
	if snap.UploadNeeded > 0 {
		summary = fmt.Sprintf("Sending %s, needs %s · %s", shortBitrate(snap.UploadMeasured), shortBitrate(snap.UploadNeeded), summary)
		tip = uploadTip(snap)
	}
	if b.dests.Text != summary {
		b.dests.SetText(summary)
	}
	b.dests.SetTip(tip)
	widgets.SetText(b.dropped, fmt.Sprintf("Dropped %d", snap.FramesDropped))
	widgets.SetText(b.cpu, fmt.Sprintf("CPU %.0f%%", snap.CPUPercent))
}

// uploadTip explains the upload figures of the stats bar.
func uploadTip(snap app.StudioSnapshot) string {
	live := 0
	for _, d := range snap.Destinations {
		if d.State == dest.StateLive {
			live++
		}
	}
	per := "destination"
	if live != 1 {
		per = fmt.Sprintf("each of the %d live destinations", live)
	}
	o := snap.Output
	return fmt.Sprintf("Sending: what leaves this computer for the live destinations, measured over the last 2 seconds. "+
		"Needs: what the stream takes, %s of video and %s of audio for %s. "+
		"When sending stays below what is needed, the upload is too slow for this bitrate: "+
		"a destination that keeps falling behind is named above the destination list.",
		shortBitrate(float64(o.VideoBitrate)), shortBitrate(float64(o.AudioBitrate)), per)
}

// shortBitrate writes bits per second with one decimal: "4.7 Mb/s", "160 kb/s".
func shortBitrate(bps float64) string {
	if bps >= 1e6 {
		return fmt.Sprintf("%.1f Mb/s", bps/1e6)
	}
	return widgets.HumanBitrate(bps)
}
