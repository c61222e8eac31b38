package pod

import (
	"io"
	"log/slog"
)

// NewConsoleLogger is the server's console log on w: log/slog text, easy
// to read, in development; JSON, one object a line for log collectors, in
// staging, production and any other mode.
func NewConsoleLogger(w io.Writer, mode string) *slog.Logger {
	if mode == "development" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}
