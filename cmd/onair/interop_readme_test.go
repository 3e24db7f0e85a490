//go:build interop

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// The README's fenced blocks carry a marker on the line before them:
//
//	<!-- readme-test: run -->            the block's commands are run, in order
//	<!-- readme-test: skip: needs a real … -->  shown, not run (an account, a device)
//	<!-- readme-test: cli SUBCOMMAND -->  the exact `onair SUBCOMMAND -h` output
//
// TestInteropReadme runs every "run" block of the quick starts, each
// section in its own scenario, and fails when the README drifts from the
// CLI: a quick-start block without a marker, a reference that is not the
// current -h output, or a --flag written after `onair COMMAND` that the
// command does not have. ONAIR_README_UPDATE=1 rewrites the references.
func TestInteropReadme(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	blocks := parseReadme(text)
	flags := map[string]map[string]bool{}
	for _, sub := range readmeCommands {
		flags[sub] = readmeFlags(t, sub)
	}

	t.Run("references", func(t *testing.T) {
		updated := text
		seen := map[string]bool{}
		for _, b := range blocks {
			sub, ok := strings.CutPrefix(b.marker, "cli ")
			if !ok {
				continue
			}
			seen[sub] = true
			want := readmeHelp(t, sub)
			if got := strings.Join(b.lines, "\n"); got != want {
				if os.Getenv("ONAIR_README_UPDATE") == "1" {
					updated = strings.Replace(updated, got, want, 1)
					continue
				}
				t.Errorf("README.md:%d: the reference of `onair %s` is not its -h output (ONAIR_README_UPDATE=1 rewrites it); now:\n%s", b.line, sub, want)
			}
		}
		for _, sub := range readmeCommands {
			if !seen[sub] {
				t.Errorf("README.md has no reference (<!-- readme-test: cli %s -->) for `onair %s`", sub, sub)
			}
		}
		if updated != text {
			if err := os.WriteFile(path, []byte(updated), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Log("README.md references rewritten")
		}
	})

	t.Run("flags", func(t *testing.T) {
		for _, m := range readmeFlagUses(text) {
			if !flags[m.sub][m.flag] {
				t.Errorf("README.md:%d: `onair %s --%s`: %s has no such flag", m.line, m.sub, m.flag, m.sub)
			}
		}
	})

	t.Run("markers", func(t *testing.T) {
		for _, b := range blocks {
			switch {
			case b.part != "Quick starts" || b.lang != "sh":
			case b.marker == "":
				t.Errorf("README.md:%d: a quick-start block without <!-- readme-test: run --> or <!-- readme-test: skip: needs a real … -->", b.line)
			case b.marker == "run":
			case strings.HasPrefix(b.marker, "skip: needs a real "):
				t.Logf("README.md:%d (%s): not run, it %s", b.line, b.section, strings.TrimPrefix(b.marker, "skip: "))
			default:
				t.Errorf("README.md:%d: marker %q: a quick start is run, or skipped because it needs a real account or device", b.line, b.marker)
			}
		}
	})

	sections := map[string][]readmeBlock{}
	var order []string
	for _, b := range blocks {
		if b.part == "Quick starts" && b.marker == "run" {
			if sections[b.section] == nil {
				order = append(order, b.section)
			}
			sections[b.section] = append(sections[b.section], b)
		}
	}
	if len(order) == 0 {
		t.Fatal("README.md has no quick start to run")
	}
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "1280x720", Seconds: 10, VideoBitrate: "2500k"})
	for _, section := range order {
		check, ok := readmeChecks[section]
		if !ok {
			t.Errorf("README.md quick start %q has commands but TestInteropReadme has no check for what they do", section)
			continue
		}
		t.Run(section, func(t *testing.T) {
			s := newReadmeScenario(t, clip)
			for _, b := range sections[section] {
				for _, line := range readmeCommandLines(b.lines) {
					s.run(t, line)
				}
			}
			check(t, s)
		})
	}
}

// readmeCommands are the commands the README documents with a reference.
var readmeCommands = []string{"publish", "serve", "devices", "bench publish", "bench play"}

// readmeBlock is one fenced block of the README.
type readmeBlock struct {
	part, section string // the ## and ### headings it is under
	marker        string // after "readme-test: ", or ""
	lang          string
	lines         []string
	line          int // of the opening fence, from 1
}

var readmeMarker = regexp.MustCompile(`^<!-- readme-test: (.+?) -->$`)

// parseReadme returns the fenced blocks of a Markdown text.
func parseReadme(text string) []readmeBlock {
	var blocks []readmeBlock
	var part, section, prev string
	var cur *readmeBlock
	for i, line := range strings.Split(text, "\n") {
		switch {
		case cur != nil && strings.HasPrefix(line, "```"):
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, line)
		case strings.HasPrefix(line, "```"):
			cur = &readmeBlock{part: part, section: section, lang: strings.TrimPrefix(line, "```"), line: i + 1}
			if m := readmeMarker.FindStringSubmatch(prev); m != nil {
				cur.marker = m[1]
			}
		case strings.HasPrefix(line, "## "):
			part, section = strings.TrimPrefix(line, "## "), ""
		case strings.HasPrefix(line, "### "):
			section = strings.TrimPrefix(line, "### ")
		}
		if strings.TrimSpace(line) != "" {
			prev = strings.TrimSpace(line)
		}
	}
	return blocks
}

// readmeCommandLines joins continued lines and drops blank and comment lines.
func readmeCommandLines(lines []string) []string {
	var out []string
	acc := ""
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if c, ok := strings.CutSuffix(l, `\`); ok {
			acc += c
			continue
		}
		l = acc + l
		acc = ""
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, strings.Join(strings.Fields(l), " "))
		}
	}
	return out
}

// readmeHelp is `onair SUB -h` as the README shows it.
func readmeHelp(t *testing.T, sub string) string {
	t.Helper()
	r := runOnair(t, 10*time.Second, append(strings.Fields(sub), "-h")...)
	if r.code != 0 {
		t.Errorf("onair %s -h exited %d; want 0", sub, r.code)
	}
	return strings.TrimRight(r.stderr, "\n")
}

var readmeFlagName = regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`)

// readmeFlags is the set of flags `onair SUB -h` lists.
func readmeFlags(t *testing.T, sub string) map[string]bool {
	t.Helper()
	set := map[string]bool{}
	for _, m := range readmeFlagName.FindAllStringSubmatch(readmeHelp(t, sub), -1) {
		set[m[1]] = true
	}
	if len(set) == 0 {
		t.Fatalf("onair %s -h lists no flags", sub)
	}
	return set
}

// readmeFlagUse is a --flag written after `onair SUB` on one line.
type readmeFlagUse struct {
	sub, flag string
	line      int
}

var (
	readmeInvocation = regexp.MustCompile(`onair (bench publish|bench play|publish|serve|devices)\b([^` + "`" + `|]*)`)
	readmeDashFlag   = regexp.MustCompile(`(?:^|\s)--([a-z][a-z0-9-]*)`)
)

// readmeFlagUses finds every `onair SUB … --flag` of the text (continued
// lines joined), up to the end of its code span or table cell.
func readmeFlagUses(text string) []readmeFlagUse {
	var uses []readmeFlagUse
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line, first := lines[i], i
		for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, `\`) + " " + lines[i]
		}
		for _, inv := range readmeInvocation.FindAllStringSubmatch(line, -1) {
			rest := inv[2]
			if j := strings.Index(rest, " onair "); j >= 0 {
				rest = rest[:j] // the next invocation has its own flags
			}
			for _, f := range readmeDashFlag.FindAllStringSubmatch(rest, -1) {
				uses = append(uses, readmeFlagUse{sub: inv[1], flag: f[1], line: first + 1})
			}
		}
	}
	return uses
}
