// Package assets holds OnAir Studio's icon and the app metadata that the
// binary reports, both generated from files kept next to them:
//
//   - icon.svg is the source of the icon; icon.png (512x512) is rendered
//     from it with rsvg-convert (Debian package librsvg2-bin);
//   - bundled.go embeds icon.png as a fyne.Resource (fyne bundle);
//   - version_gen.go holds the Version and Build of ../FyneApp.toml, so a
//     plain `go build` reports the same version as a packaged build.
//
// Run `go generate ./assets` after changing icon.svg or FyneApp.toml.
package assets

//go:generate rsvg-convert -w 512 -h 512 -o icon.png icon.svg
//go:generate go run fyne.io/tools/cmd/fyne@v1.7.4 bundle --package assets --prefix Resource --output bundled.go icon.png
//go:generate go run gen_version.go ../FyneApp.toml version_gen.go
