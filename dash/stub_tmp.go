package dash

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/seed7c1a73c4/onair/livesrc"
)

type Config struct{ Log *slog.Logger }
type Stream struct{}

func Start(r livesrc.Reader, c Config) *Stream                                  { r.Close(); return &Stream{} }
func (s *Stream) ServeFile(w http.ResponseWriter, r *http.Request, file string) { http.NotFound(w, r) }
func (s *Stream) Ended() (bool, time.Time)                                      { return true, time.Time{} }
func (s *Stream) Close()                                                        {}
