package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/seed7c1a73c4/onair/app/store"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/scene"
	"github.com/seed7c1a73c4/onair/assets"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/ui"
)

// appID is the Fyne application ID (as in FyneApp.toml).
const appID = "io.github.seed7c1a73c4.onair"

// keyringTimeout bounds each OS keyring call.
const keyringTimeout = 3 * time.Second

// runGUI opens the studio window.
//
//	--profile DIR     keep settings and keys in DIR (a portable profile; tests use it)
//	--automation ADDR serve the automation hook on a loopback ADDR (see package ui)
func runGUI(ctx context.Context, args []string, _, stderr io.Writer) int {
	start := time.Now()
	fs := flag.NewFlagSet("onair", flag.ContinueOnError)
	wf := defineWindowFlags(fs)
	profile, caFile, logLevel := wf.profile, wf.caFile, wf.logLevel
	automation := fs.String("automation", "", "serve the UI automation hook on this loopback address (for tests)")
	fs.SetOutput(stderr)
	fs.Usage = func() { printMainUsage(stderr) }
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if problem := displayProblem(); problem != "" { // before anything starts
		fmt.Fprintf(stderr, "onair: "+noDisplay+"\n", problem)
		return 1
	}
	secrets := &store.Secrets{}
	log, err := newLogger(stderr, *logLevel, secrets)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	encode.RouteLibavLog(log)

	a := fyneapp.NewWithID(appID)
	a.SetIcon(assets.ResourceIconPng)
	cfg := app.StudioConfig{Secrets: secrets, Log: log, CAFile: *caFile}
	askConsent := false
	var keyDir, settingsFile string
	if *profile != "" {
		settingsFile = filepath.Join(*profile, "settings.json")
		kv, err := app.OpenFileKV(settingsFile)
		if err != nil {
			return fail(stderr, secrets, err)
		}
		keys, err := store.OpenFileSecretStore(filepath.Join(*profile, "keys.json"))
		if err != nil {
			return fail(stderr, secrets, err)
		}
		cfg.Settings, cfg.Keys, cfg.KeysWhere = kv, keys, "Keys are kept in "+filepath.Join(*profile, "keys.json")+", readable only by you."
	} else {
		cfg.Settings = a.Preferences()
		keyDir = a.Storage().RootURI().Path() // %APPDATA%\fyne\<appID> on Windows
		settingsFile = filepath.Join(keyDir, "preferences.json")
		consent := func() bool {
			switch a.Preferences().String(keyFileConsentPref) {
			case "yes":
				return true
			case "":
				askConsent = true
			}
			return false
		}
		cfg.Keys, cfg.KeysWhere, err = store.OpenSecretStore(keyDir, keyringTimeout, consent)
		if err != nil {
			return fail(stderr, secrets, err)
		}
	}
	log.Info("settings and stream keys", "settings", settingsFile, "keys", cfg.KeysWhere)
	studio, err := app.NewStudio(cfg)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	if *wf.scenes != "" { // before Start, so the program opens on them
		coll, err := scene.Load(*wf.scenes)
		if err != nil {
			return fail(stderr, secrets, err)
		}
		studio.ReplaceScenes(coll)
	}
	if err := studio.Start(); err != nil {
		log.Error("studio", "err", err) // the window shows the sentence
	}
	defer studio.Close()

	opts := ui.Options{Automation: *automation, Log: log, Start: start,
		About: ui.About{Version: version(), Linked: encode.LibraryVersion(), License: assets.License, Source: assets.SourceURL}}
	if askConsent { // asked when the first key is saved, not at start-up
		path := filepath.Join(keyDir, "keys.json")
		opts.KeyFileConsent = &ui.KeyFileConsent{Path: path, Answer: func(yes bool) {
			answer := "no"
			if yes {
				answer = "yes"
				if st, err := store.OpenFileSecretStore(path); err == nil {
					studio.UseKeyStore(st, "Keys are kept in "+path+", readable only by you.")
				}
			}
			a.Preferences().SetString(keyFileConsentPref, answer)
		}}
	}
	w, err := openWindow(func() *ui.Window { return ui.NewWindow(a, studio, opts) })
	if err != nil {
		return fail(stderr, secrets, err)
	}
	go func() {
		<-ctx.Done()
		w.Close()
	}()
	w.ShowAndRun()
	return 0
}

// windowFlags are the window's flags that onair -h lists (the automation
// hook, for tests, is left out).
type windowFlags struct{ profile, caFile, logLevel, scenes *string }

// defineWindowFlags defines the window's listed flags on fs.
func defineWindowFlags(fs *flag.FlagSet) windowFlags {
	return windowFlags{
		profile:  fs.String("profile", "", "keep settings and keys in this `folder` instead of the system's (a portable profile)"),
		caFile:   fs.String("ca-file", "", "extra PEM certificate authorities for rtmps:// destinations"),
		scenes:   fs.String("scenes", "", "replace the window's scenes with those of the scene `file` (see docs/scenes.md), and keep them"),
		logLevel: logLevelFlag(fs, "info"),
	}
}

// keyFileConsentPref remembers the answer to "keep keys in a file?".
const keyFileConsentPref = "keys.file_consent"
