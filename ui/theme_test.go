package ui

import (
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// variantTheme is the default theme held to one variant, whatever the
// system prefers.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

func TestThemesAtMinimumSize(t *testing.T) {
	for _, tc := range []struct {
		name    string
		variant fyne.ThemeVariant
	}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}} {
		t.Run(tc.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(variantTheme{theme.DefaultTheme(), tc.variant})
			w := newWindow(a, newFakeStudio(idleSnapshot()), Options{Clock: func() time.Time { return fixedNow }}, inline)
			t.Cleanup(w.Close)

			size := w.win.Canvas().Size()
			if size != fyne.NewSize(960, 600) {
				t.Fatalf("canvas %v", size)
			}
			for i := range w.tabs.Items {
				w.tabs.SelectIndex(i)
				if min := w.content.MinSize(); min.Width > size.Width || min.Height > size.Height {
					t.Errorf("tab %d: content needs %v, more than %v", i, min, size)
				}
			}
			w.tabs.SelectIndex(0)
			for name, o := range map[string]fyne.CanvasObject{
				"Go Live": w.top.goLive, "preview": w.previewV, "meter": w.program.meter, "mute": w.program.mute,
				"CPU": w.stats.cpu, "add": w.dests.rows["tw"].obj,
			} {
				pos := a.Driver().AbsolutePositionForObject(o)
				s := o.Size()
				if pos.X < 0 || pos.Y < 0 || pos.X+s.Width > size.Width+0.5 || pos.Y+s.Height > size.Height+0.5 {
					t.Errorf("%s at %v size %v is outside the %v window", name, pos, s, size)
				}
				if m := o.MinSize(); s.Width+0.5 < m.Width || s.Height+0.5 < m.Height {
					t.Errorf("%s is squeezed: %v < min %v", name, s, m)
				}
			}
			test.AssertRendersToMarkup(t, "studio/theme_"+tc.name+".xml", w.win.Canvas())

			// The backdrop really is light or dark.
			r, g, b, _ := w.win.Canvas().Capture().At(2, 300).RGBA()
			if lum := (r + g + b) / 3 >> 8; (tc.variant == theme.VariantLight) != (lum > 128) {
				t.Errorf("background luminance %d in the %s theme", lum, tc.name)
			}
		})
	}
}
