package assets

// License is the licence of OnAir Studio as shipped: x264 and an FFmpeg
// configured with --enable-gpl are linked in statically.
const License = "GPL-2.0-or-later"

// SourceURL is where the source of this program is, with the pinned,
// checksummed sources of FFmpeg and x264 it is built from.
const SourceURL = "https://github.com/seed7c1a73c4/onair"
