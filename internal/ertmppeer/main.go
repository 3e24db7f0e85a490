// Command ertmppeer is a test peer that speaks Enhanced RTMP through
// bluenviron/gortmplib, an independent implementation: it publishes HEVC or
// AV1 from a pre-encoded elementary stream, or plays a stream and writes its
// video back out as one. The interop tests build it; it is its own module so
// that gortmplib's dependencies stay out of the studio's.
//
//	ertmppeer publish -url rtmp://host/live/name -codec hevc|av1 -in FILE [-audio ADTS] [-fps 25] [-loops 1]
//	ertmppeer play -url rtmp://host/live/name -out FILE -frames N [-timeout 20s]
//
// HEVC files are Annex B with an access unit delimiter before each access
// unit (x265's aud=1); AV1 files are the low-overhead OBU format (ffmpeg's
// -f obu), a temporal delimiter before each temporal unit. -audio adds an
// AAC track from an ADTS file, sent beside the video on one clock (use it
// with -loops 1: AAC frames do not fill a loop exactly).
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: ertmppeer publish|play [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "publish":
		err = publishCmd(os.Args[2:])
	case "play":
		err = playCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ertmppeer:", err)
		os.Exit(1)
	}
}

func dial(ctx context.Context, raw string, publish bool) (*gortmplib.Client, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if i := strings.LastIndex(u.Path, "/"); u.Fragment == "" && i > 0 {
		// gortmplib takes the stream name from the fragment
		// (rtmp://host/app#name); take the usual form too.
		u.Path, u.Fragment = u.Path[:i], u.Path[i+1:]
	}
	c := &gortmplib.Client{URL: u, Publish: publish}
	if err := c.Initialize(ctx); err != nil {
		return nil, fmt.Errorf("connecting: %w", err)
	}
	return c, nil
}

func publishCmd(args []string) error {
	fs := flag.NewFlagSet("publish", flag.ExitOnError)
	u := fs.String("url", "", "rtmp URL to publish to")
	codec := fs.String("codec", "hevc", "hevc or av1")
	in := fs.String("in", "", "elementary stream file")
	fps := fs.Int("fps", 25, "frame rate of the file")
	loops := fs.Int("loops", 1, "how many times to send the file")
	audioIn := fs.String("audio", "", "ADTS (AAC) file to send as the audio track")
	_ = fs.Parse(args)
	b, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	var units [][][]byte
	var track *gortmplib.Track
	switch *codec {
	case "hevc":
		var vps, sps, pps []byte
		units, vps, sps, pps, err = hevcAccessUnits(b)
		track = &gortmplib.Track{Codec: &codecs.H265{VPS: vps, SPS: sps, PPS: pps}}
	case "av1":
		units, err = av1TemporalUnits(b)
		track = &gortmplib.Track{Codec: &codecs.AV1{}}
	default:
		err = fmt.Errorf("codec %q: want hevc or av1", *codec)
	}
	if err != nil {
		return err
	}
	tracks := []*gortmplib.Track{track}
	var aus [][]byte
	var audio *gortmplib.Track
	var auDur time.Duration
	if *audioIn != "" {
		var cfg *mpeg4audio.AudioSpecificConfig
		if aus, cfg, err = adtsFrames(*audioIn); err != nil {
			return err
		}
		audio = &gortmplib.Track{Codec: &codecs.MPEG4Audio{Config: cfg}}
		tracks = append(tracks, audio)
		auDur = time.Duration(mpeg4audio.SamplesPerAccessUnit) * time.Second / time.Duration(cfg.SampleRate)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := dial(ctx, *u, true)
	if err != nil {
		return err
	}
	defer c.Close()
	w := &gortmplib.Writer{Conn: c, Tracks: tracks}
	if err := w.Initialize(); err != nil {
		return fmt.Errorf("announcing the track: %w", err)
	}
	frame := time.Second / time.Duration(*fps)
	start := time.Now()
	n, sentAU := 0, 0
	for range *loops {
		for _, unit := range units {
			pts := time.Duration(n) * frame
			time.Sleep(time.Until(start.Add(pts)))
			for ; len(aus) > 0 && time.Duration(sentAU)*auDur <= pts; sentAU++ {
				if err := w.WriteMPEG4Audio(audio, time.Duration(sentAU)*auDur, aus[0]); err != nil {
					return fmt.Errorf("audio frame %d: %w", sentAU, err)
				}
				aus = aus[1:]
			}
			if *codec == "hevc" {
				err = w.WriteH265(track, pts, pts, unit)
			} else {
				err = w.WriteAV1(track, pts, unit)
			}
			if err != nil {
				return fmt.Errorf("frame %d: %w", n, err)
			}
			n++
		}
	}
	fmt.Printf("published %d frames\n", n)
	return nil
}

func playCmd(args []string) error {
	fs := flag.NewFlagSet("play", flag.ExitOnError)
	u := fs.String("url", "", "rtmp URL to play")
	out := fs.String("out", "", "file for the video elementary stream")
	frames := fs.Int("frames", 50, "stop after this many frames")
	timeout := fs.Duration("timeout", 20*time.Second, "give up after this long")
	_ = fs.Parse(args)
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	c, err := dial(ctx, *u, false)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.NetConn().SetReadDeadline(time.Now().Add(*timeout))
	r := &gortmplib.Reader{Conn: c}
	if err := r.Initialize(); err != nil {
		return fmt.Errorf("reading the tracks: %w", err)
	}
	got := 0
	var werr error
	count := func(b []byte, err error) {
		if err == nil {
			_, err = f.Write(b)
		}
		if err != nil && werr == nil {
			werr = err
		}
		got++
	}
	for _, t := range r.Tracks() {
		switch codec := t.Codec.(type) {
		case *codecs.H265:
			fmt.Println("track: hevc")
			params := [][]byte{codec.VPS, codec.SPS, codec.PPS}
			r.OnDataH265(t, func(_, _ time.Duration, au [][]byte) {
				if got == 0 {
					au = append(params, au...)
				}
				count(annexB(au), nil)
			})
		case *codecs.AV1:
			fmt.Println("track: av1")
			r.OnDataAV1(t, func(_ time.Duration, tu [][]byte) { count(obus(tu)) })
		case *codecs.MPEG4Audio:
			// Counted nowhere, but taken: gortmplib's Reader dereferences
			// the callback of every track it announced.
			fmt.Println("track: aac")
			r.OnDataMPEG4Audio(t, func(time.Duration, []byte) {})
		default:
			fmt.Printf("track: %T\n", codec)
		}
	}
	for got < *frames {
		if err := r.Read(); err != nil {
			return fmt.Errorf("after %d frames: %w", got, err)
		}
		if werr != nil {
			return werr
		}
	}
	fmt.Printf("played %d frames\n", got)
	return nil
}
