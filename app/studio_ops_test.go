package app

import (
	"sync/atomic"
	"testing"
	"time"
)

// Commands given while the worker is busy all run, in order, however many
// there are (the studio used to refuse the 65th with "the studio is busy",
// so a gain-slider drag could refuse Go Live), and the saves asked for
// meanwhile are one save.
func TestStudioNeverRefusesACommand(t *testing.T) {
	s := newTestStudio(t, t.TempDir(), nil)
	release := make(chan struct{})
	s.do(func() { <-release }) // the worker is busy (opening a device, say)
	var ran atomic.Int64
	var order []int
	const n = 500
	for i := range n {
		s.saveLater() // a slider's drag events
		s.do(func() {
			order = append(order, i) // the worker goroutine only
			ran.Add(1)
		})
	}
	if e := s.Snapshot().Error; e != "" {
		t.Fatalf("while busy, the studio said %q", e)
	}
	close(release)
	waitFor(t, 10*time.Second, "the queued commands to run", func() bool { return ran.Load() == n })
	done := make(chan struct{})
	s.do(func() { close(done) })
	<-done
	for i, v := range order {
		if v != i {
			t.Fatalf("command %d ran in place %d: not in order", v, i)
		}
	}
	if e := s.Snapshot().Error; e != "" {
		t.Errorf("after the burst, the studio says %q", e)
	}
}

// Save requests between two takes are one save, after the commands queued
// before them.
func TestOpQueueCoalescesSaves(t *testing.T) {
	q := newOpQueue()
	for range 100 {
		q.requestSave()
	}
	q.push(func() {})
	ops, save := q.take()
	if len(ops) != 1 || !save {
		t.Fatalf("take = %d commands, save %v; want 1 and a save", len(ops), save)
	}
	if ops, save := q.take(); len(ops) != 0 || save {
		t.Errorf("second take = %d commands, save %v; want nothing", len(ops), save)
	}
	select {
	case <-q.notify:
	default:
		t.Error("no wake-up was left for the worker")
	}
}
