package ui

import (
	"cmp"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// programStream is the studio's own program on the local server. It has no
// tile: the program preview already shows it, and decoding our own output
// again would only cost CPU.
const programStream = "live/program"

// tileGrid shows the incoming streams as tiles, two per row. A tile starts
// watching its stream when it appears and stops when the stream goes.
type tileGrid struct {
	w     *Window
	grid  *fyne.Container
	empty *widget.Label
	tiles map[string]*tile
	order []string
	obj   fyne.CanvasObject
}

func newTileGrid(w *Window) *tileGrid {
	g := &tileGrid{w: w, tiles: map[string]*tile{}}
	g.grid = container.NewGridWithColumns(2)
	g.empty = widgets.WrapLabel("No incoming streams. Point OBS, ffmpeg or a camera at the publish URL above.", widget.LowImportance)
	g.obj = container.NewVBox(g.empty, g.grid)
	return g
}

// update shows streams; it reports whether tiles came or went.
func (g *tileGrid) update(streams []app.IncomingStream) bool {
	var names []string
	byName := map[string]app.IncomingStream{}
	for _, s := range streams {
		if s.Name == programStream {
			continue
		}
		if _, dup := byName[s.Name]; !dup {
			names = append(names, s.Name)
		}
		byName[s.Name] = s
	}
	changed := !slices.Equal(names, g.order)
	if changed {
		g.rebuild(names)
	}
	for _, n := range names {
		g.tiles[n].update(byName[n])
	}
	return widgets.SetVisible(g.empty, len(names) == 0) || changed
}

// rebuild keeps the tiles that stay, starts new ones and stops gone ones.
func (g *tileGrid) rebuild(names []string) {
	tiles := make(map[string]*tile, len(names))
	objs := make([]fyne.CanvasObject, 0, len(names))
	for _, n := range names {
		t := g.tiles[n]
		if t == nil {
			t = newTile(g.w, n)
		}
		tiles[n] = t
		objs = append(objs, t.obj)
	}
	for n, t := range g.tiles {
		if tiles[n] == nil {
			t.close()
		}
	}
	g.tiles, g.order = tiles, names
	g.grid.Objects = objs
}

// tick copies each tile's newest frame (UI goroutine).
func (g *tileGrid) tick() {
	for _, n := range g.order {
		g.tiles[n].pic.update()
	}
}

// stopAll stops every watcher (the window is closing).
func (g *tileGrid) stopAll() {
	for _, t := range g.tiles {
		t.close()
	}
	g.tiles, g.order = map[string]*tile{}, nil
}

// tile is one incoming stream: live picture, facts, meter, Copy play URL.
type tile struct {
	w        *Window
	name     string
	pic      *picture
	stop     func()
	view     *tapImage
	title    *widget.Label
	label    string // the stream's name for people (keys masked)
	codec    *widget.Label
	rate     *widget.Label
	from     *widget.Label
	meter    *widgets.LevelMeter
	show     *widget.Button // "Show in scene"
	send     *widget.Button // "Send to destinations…", or "Stop sending"
	sending  *widget.Label  // each forward destination's state
	forwards bool
	playURL  string
	enlarged *enlargedView
	obj      fyne.CanvasObject
}

func newTile(w *Window, name string) *tile {
	box, stop := w.s.WatchIncoming(name)
	t := &tile{w: w, name: name, pic: newPicture(box), stop: stop}
	t.view = newTapImage(t.pic.view(fyne.NewSize(192, 108)), t.enlarge)
	t.label = name
	title := widgets.TruncLabel("", widget.MediumImportance)
	title.TextStyle.Bold = true
	t.title = title
	t.codec = widgets.TruncLabel("", widget.MediumImportance)
	t.rate = widgets.TruncLabel("", widget.MediumImportance)
	t.from = widgets.TruncLabel("", widget.MediumImportance)
	for _, l := range []*widget.Label{t.codec, t.rate, t.from} {
		l.SizeName = theme.SizeNameCaptionText
	}
	t.meter = widgets.NewLevelMeter(w.now, true)
	copyURL := widget.NewButton("Copy play URL", func() { w.app.Clipboard().SetContent(t.playURL) })
	t.show = widget.NewButtonWithIcon("Show in scene", theme.ContentAddIcon(), t.showTapped)
	t.send = widget.NewButtonWithIcon("Send to destinations…", theme.UploadIcon(), t.sendTapped)
	t.sending = widgets.TruncLabel("", widget.MediumImportance)
	t.sending.SizeName = theme.SizeNameCaptionText
	t.sending.Hide()
	facts := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), title, t.codec, t.rate, t.from)
	t.obj = widget.NewCard("", "", container.NewVBox(t.view, facts, t.meter, copyURL, t.show, t.send, t.sending))
	return t
}

func (t *tile) update(s app.IncomingStream) {
	t.playURL = s.PlayURL
	t.label = cmp.Or(s.Title, s.Name)
	widgets.SetText(t.title, t.label)
	widgets.SetText(t.codec, s.Codec)
	widgets.SetText(t.rate, fmt.Sprintf("%dx%d · %.0f fps · %s", s.Width, s.Height, s.FPS, widgets.HumanBitrate(s.Bitrate)))
	players := fmt.Sprintf("%d players", s.Players)
	if s.Players == 1 {
		players = "1 player"
	}
	widgets.SetText(t.from, s.Publisher+" · "+players+" · up "+widgets.HMS(s.Uptime))
	t.meter.SetLevels(s.Levels)
	t.updateForwarding(s.Forwarding, s.ForwardNote)
}

// showTapped puts the stream in the scene on air, picture in picture.
func (t *tile) showTapped() {
	if err := t.w.s.ShowInScene(t.name); err != nil {
		dialog.ShowError(err, t.w.win)
	}
}

// close stops watching and closes the enlarged view.
func (t *tile) close() {
	if t.enlarged != nil {
		t.enlarged.hide()
	}
	if t.stop != nil {
		t.stop()
		t.stop = nil
	}
}

// tapImage is a picture that reacts to a tap (a tile's live view).
type tapImage struct {
	widget.BaseWidget
	img   *canvas.Image
	onTap func()
}

func newTapImage(img *canvas.Image, onTap func()) *tapImage {
	t := &tapImage{img: img, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// CreateRenderer implements fyne.Widget.
func (t *tapImage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(letterbox(t.img))
}

// Tapped implements fyne.Tappable.
func (t *tapImage) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap()
	}
}

// enlargedView is a tile's picture in a dialog, drawn from the same buffer.
type enlargedView struct {
	t   *tile
	img *canvas.Image
	dlg dialog.Dialog
}

// enlarge opens (or keeps) the tile's large view.
func (t *tile) enlarge() {
	if t.enlarged != nil {
		return
	}
	e := &enlargedView{t: t, img: t.pic.view(fyne.NewSize(640, 360))}
	e.dlg = dialog.NewCustom(t.label, "Close", letterbox(e.img), t.w.win)
	e.dlg.SetOnClosed(func() {
		t.pic.drop(e.img)
		if t.enlarged == e {
			t.enlarged = nil
		}
	})
	t.enlarged = e
	e.dlg.Show()
}

func (e *enlargedView) hide() { e.dlg.Hide() }
