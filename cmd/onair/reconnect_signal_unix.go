//go:build unix

package main

import (
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/seed7c1a73c4/onair/app"
)

// reconnectOnSignal makes SIGUSR1 mean "reconnect now": every destination
// that is not live tries again at once. stop undoes it and waits.
func reconnectOnSignal(b *app.Broadcast, log *slog.Logger) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case <-ch:
				log.Info("reconnect now (SIGUSR1)")
				b.ReconnectNow()
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
		<-finished
	}
}
