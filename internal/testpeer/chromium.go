package testpeer

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Browser is a headless Chromium (Debian's `chromium`) driven over the
// DevTools protocol through --remote-debugging-pipe: JSON messages ending
// in NUL on file descriptors 3 (to Chromium) and 4 (from it). It has one
// page. Close (run by t.Cleanup) ends the process and the reader.
type Browser struct {
	cmd     *exec.Cmd
	toPipe  *os.File
	session string
	stderr  *SyncBuffer
	done    chan struct{}

	mu      sync.Mutex
	nextID  int
	waiting map[int]chan cdpReply
	console []string // exceptions and console errors of the page
}

type cdpReply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

type cdpMessage struct {
	ID        int             `json:"id"`
	Method    string          `json:"method"`
	Params    json.RawMessage `json:"params"`
	SessionID string          `json:"sessionId"`
	cdpReply
}

// StartChromium starts a headless Chromium with a fresh profile and opens
// a blank page of width×height CSS pixels.
func StartChromium(t testing.TB, width, height int) *Browser {
	t.Helper()
	bin := Require(t, "chromium")
	toR, toW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromR, fromW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	b := &Browser{toPipe: toW, stderr: &SyncBuffer{}, done: make(chan struct{}), waiting: map[int]chan cdpReply{}}
	b.cmd = exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
		"--user-data-dir="+t.TempDir(), fmt.Sprintf("--window-size=%d,%d", width, height),
		"--remote-debugging-pipe", "about:blank")
	b.cmd.ExtraFiles = []*os.File{toR, fromW}
	b.cmd.Stdout, b.cmd.Stderr = b.stderr, b.stderr
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	toR.Close()
	fromW.Close()
	go b.read(fromR)
	t.Cleanup(b.Close)
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		t.Fatalf("chromium: %v\n%s", err, b.stderr)
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	b.session = att.SessionID
	for _, m := range []string{"Page.enable", "Runtime.enable"} {
		if err := b.call(b.session, m, nil, nil); err != nil {
			t.Fatalf("chromium %s: %v", m, err)
		}
	}
	if err := b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height,
		"deviceScaleFactor": 1, "mobile": width < 600}, nil); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return b
}

// read dispatches replies and records the page's errors until the pipe closes.
func (b *Browser) read(r io.ReadCloser) {
	defer close(b.done)
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch := b.waiting[m.ID]; ch != nil {
				ch <- m.cdpReply
				delete(b.waiting, m.ID)
			}
		} else if line := pageError(m); line != "" && len(b.console) < 1000 {
			b.console = append(b.console, line)
		}
		b.mu.Unlock()
	}
}

// pageError turns an exception or a console error into a line.
func pageError(m cdpMessage) string {
	switch m.Method {
	case "Runtime.exceptionThrown":
		var p struct {
			Details struct {
				Text      string `json:"text"`
				Exception struct {
					Description string `json:"description"`
				} `json:"exception"`
			} `json:"exceptionDetails"`
		}
		_ = json.Unmarshal(m.Params, &p)
		return "exception: " + p.Details.Text + " " + p.Details.Exception.Description
	case "Runtime.consoleAPICalled":
		var p struct {
			Type string `json:"type"`
			Args []struct {
				Value       any    `json:"value"`
				Description string `json:"description"`
			} `json:"args"`
		}
		_ = json.Unmarshal(m.Params, &p)
		if p.Type != "error" {
			return ""
		}
		var parts []string
		for _, a := range p.Args {
			parts = append(parts, fmt.Sprint(a.Value, a.Description))
		}
		return "console.error: " + strings.Join(parts, " ")
	}
	return ""
}

// call sends one command and waits up to 30 s for its reply.
func (b *Browser) call(session, method string, params any, out any) error {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpReply, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := b.toPipe.Write(append(raw, 0)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return fmt.Errorf("%s: %s", method, r.Error.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-b.done:
		return fmt.Errorf("%s: chromium ended: %s", method, b.stderr)
	case <-time.After(30 * time.Second):
		return fmt.Errorf("%s: no reply within 30 s", method)
	}
}

// Navigate opens url and waits up to 30 s for the page to load.
func (b *Browser) Navigate(url string) error {
	if err := b.call(b.session, "Page.navigate", map[string]any{"url": url}, nil); err != nil {
		return err
	}
	u, err := json.Marshal(strings.SplitN(url, "#", 2)[0])
	if err != nil {
		return err
	}
	return b.WaitFor("document.readyState === 'complete' && location.href.startsWith("+string(u)+")", 30*time.Second)
}

// Eval evaluates a JavaScript expression in the page (awaiting a promise)
// and decodes its value into out, which may be nil.
func (b *Browser) Eval(expr string, out any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := b.call(b.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r); err != nil {
		return err
	}
	if r.Exception != nil {
		return fmt.Errorf("%s: %s %s", expr, r.Exception.Text, r.Exception.Exception.Description)
	}
	if out != nil && len(r.Result.Value) > 0 {
		return json.Unmarshal(r.Result.Value, out)
	}
	return nil
}

// WaitFor polls a JavaScript condition every 100 ms until it is true or
// timeout passes.
func (b *Browser) WaitFor(cond string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		var ok bool
		err := b.Eval("!!("+cond+")", &ok)
		if err == nil && ok {
			return nil
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return fmt.Errorf("waiting for %s: %w", cond, err)
			}
			return fmt.Errorf("%s was still false after %s", cond, timeout)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Screenshot writes the page as a PNG.
func (b *Browser) Screenshot(path string) error {
	var r struct {
		Data string `json:"data"`
	}
	if err := b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png"}, &r); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// Errors returns the exceptions and console errors the page raised so far.
func (b *Browser) Errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// Close ends Chromium and waits for it.
func (b *Browser) Close() {
	_ = b.toPipe.Close()
	select {
	case <-b.done:
	case <-time.After(3 * time.Second):
	}
	if b.cmd.Process != nil {
		_ = b.cmd.Process.Kill()
		_ = b.cmd.Wait()
	}
	<-b.done
}
