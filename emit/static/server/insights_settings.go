package server

import (
	"context"
	"io"
	"net/http"
	"time"
)

// maxSettingsBody bounds a PUT /settings body: six keys fit in far less.
const maxSettingsBody = 64 << 10

// settingsTimeout bounds the database work of one /settings request.
const settingsTimeout = 5 * time.Second

const noLogging = "logging is not running on this server"

// getSettings answers GET /settings: this server's current log settings,
// {"logLevel":"info","logAllSessions":true,...} (pod.LogSettings' JSON).
func (s *Server) getSettings(w http.ResponseWriter, _ *http.Request) {
	if s.rt.LogSettings == nil {
		writeJSON(w, http.StatusServiceUnavailable, errorBody(nil, noLogging, "", nil, ""))
		return
	}
	writeJSON(w, http.StatusOK, s.rt.LogSettings.Get().AppendJSON(nil))
}

// putSettings answers PUT /settings: the body holds the keys to change
// (any subset); the others keep their stored values. The stored row is
// locked, merged with the change, validated and written in one
// transaction (pod.LogSettingsStore.Update), so concurrent PUTs through
// different servers do not undo each other. The result is stored for the
// cluster (the other servers reload it within their reload interval) and
// used by this server at once; the answer is the new settings. Bad JSON,
// an unknown key or an invalid value is a 400 naming it, and nothing changes.
func (s *Server) putSettings(w http.ResponseWriter, r *http.Request) {
	if s.rt.LogSettings == nil {
		writeJSON(w, http.StatusServiceUnavailable, errorBody(nil, noLogging, "", nil, ""))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSettingsBody))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody(nil, "cannot read the body (at most 64 KiB)", "", nil, ""))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), settingsTimeout)
	defer cancel()
	v, invalid, err := s.rt.LogSettings.Update(ctx, s.rt.DB, body)
	switch {
	case invalid != nil:
		writeJSON(w, http.StatusBadRequest, errorBody(nil, invalid.Error(), "", nil, ""))
	case err != nil:
		s.databaseError(w, r, "settings", err)
	default:
		writeJSON(w, http.StatusOK, v.AppendJSON(nil))
	}
}
