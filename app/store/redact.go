package store

import (
	"context"
	"log/slog"
	"strings"
	"sync"
)

// Mask replaces a secret wherever it would be shown.
const Mask = "••••"

// Secrets is a set of strings (stream keys, passwords) that must never reach
// a log or an error shown to people. Code redacts URLs at the source; Secrets
// is the backstop that catches anything that slipped through.
type Secrets struct {
	mu   sync.RWMutex
	list []string
}

// MinSecretLen is the shortest string Add accepts: masking shorter ones
// (such as "test" or "live") would mangle ordinary text, and real stream
// keys are far longer. Shorter keys still stay out of logs, because URLs are
// redacted where they are formatted; this set is the backstop.
const MinSecretLen = 8

// Add registers a secret. Strings shorter than MinSecretLen are ignored.
func (s *Secrets) Add(secret string) {
	if len(secret) < MinSecretLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.list {
		if v == secret {
			return
		}
	}
	s.list = append(s.list, secret)
}

// Redact returns text with every registered secret masked.
func (s *Secrets) Redact(text string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.list {
		text = strings.ReplaceAll(text, v, Mask)
	}
	return text
}

// Handler wraps next so that messages and string attributes are redacted.
func (s *Secrets) Handler(next slog.Handler) slog.Handler {
	return &redactingHandler{next: next, secrets: s}
}

type redactingHandler struct {
	next    slog.Handler
	secrets *Secrets
}

func (h *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.secrets.Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactingHandler) redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		attrs := v.Group()
		red := make([]any, len(attrs))
		for i, g := range attrs {
			red[i] = h.redactAttr(g)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.secrets.Redact(PlainError(err.Error())))
		}
		return slog.String(a.Key, h.secrets.Redact(v.String()))
	default:
		return slog.String(a.Key, h.secrets.Redact(v.String()))
	}
}

func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.redactAttr(a)
	}
	return &redactingHandler{next: h.next.WithAttrs(red), secrets: h.secrets}
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{next: h.next.WithGroup(name), secrets: h.secrets}
}
