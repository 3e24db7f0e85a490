package main

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/seed7c1a73c4/onair/app/forward"
	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/app"
)

// forwardUsage is the help of `onair serve --forward`.
const forwardUsage = "forward an incoming stream as it is: SOURCE=URL, e.g. live/cam=rtmps://host/app/KEY, " +
	"or re-encoded to H.264: SOURCE:h264@4500k=URL (repeatable; rtmps trusts the system CAs and --ca-file)"

// forwardFlag collects the repeatable --forward SOURCE=URL. Set checks
// nothing: the flag package quotes a refused value, stream key and all, in
// its error. startForwards checks every spec with messages that never show
// the key.
type forwardFlag []string

// String returns "": a default value is never printed, and a set value
// holds a key.
func (f *forwardFlag) String() string { return "" }

// Set adds one SOURCE=URL.
func (f *forwardFlag) Set(v string) error {
	*f = append(*f, v)
	return nil
}

// startForwards parses the --forward specs, registers their keys with
// secrets, and starts one forward per source, with one output per distinct
// re-encode (or none) holding its destinations: a source is read and
// decoded once, and encoded once per output. rtmps trusts caFile's roots
// too. stop ends them all and waits. On an error nothing is left running
// and the error is one sentence without any key.
func startForwards(srv *app.LocalServer, specs []string, caFile string, secrets *store.Secrets, log *slog.Logger) (stop func(), err error) {
	type output struct {
		forward.Output
		urls []string
	}
	type group struct {
		source string
		outs   []*output
		byKey  map[string]*output
		seen   map[string]bool
	}
	var groups []*group
	bySource := map[string]*group{}
	for i, s := range specs {
		spec, err := forward.ParseSpec(s)
		if err != nil {
			return nil, fmt.Errorf("--forward #%d: %w", i+1, err)
		}
		forward.AddSecrets(secrets, spec.Target)
		g := bySource[spec.Source]
		if g == nil {
			g = &group{source: spec.Source, byKey: map[string]*output{}, seen: map[string]bool{}}
			bySource[spec.Source] = g
			groups = append(groups, g)
		}
		t := spec.Target
		id := t.Scheme + "://" + t.Addr() + "/" + t.App + "/" + t.PublishName()
		if g.seen[id] {
			return nil, fmt.Errorf("--forward #%d: %s is already forwarded to %s", i+1, spec.Source, t.Redacted())
		}
		g.seen[id] = true
		key := "as it is"
		if spec.Transcode != nil {
			key = fmt.Sprintf("%+v", *spec.Transcode)
		}
		o := g.byKey[key]
		if o == nil {
			o = &output{Output: forward.Output{Transcode: spec.Transcode}}
			g.byKey[key] = o
			g.outs = append(g.outs, o)
		}
		o.Dests = append(o.Dests, spec.Destination)
		o.urls = append(o.urls, t.Redacted())
	}
	var fwds []*forward.Forward
	stopAll := func() {
		var wg sync.WaitGroup
		for _, f := range fwds {
			wg.Go(f.Stop)
		}
		wg.Wait()
	}
	for _, g := range groups {
		outs := make([]forward.Output, len(g.outs))
		for i, o := range g.outs {
			outs[i] = o.Output
		}
		f, err := forward.StartOutputs(srv.RTMP, g.source, outs, forward.Options{CAFile: caFile}, log)
		if err != nil {
			stopAll()
			return nil, err
		}
		fwds = append(fwds, f)
		for _, o := range g.outs {
			how := "as it is"
			if o.Transcode != nil {
				how = fmt.Sprintf("re-encoded to H.264 at %d kb/s", o.Transcode.Bitrate/1000)
			}
			log.Info("forwarding", "source", g.source, "to", strings.Join(o.urls, ", "), "video", how)
		}
	}
	var once sync.Once
	return func() { once.Do(stopAll) }, nil
}
