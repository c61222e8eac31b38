package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/podgen/podgen/emit/static/pod"
)

func newConfiguredServer(t *testing.T, configure func(*pod.ServerConfig)) *httptest.Server {
	t.Helper()
	cfg := pod.DefaultConfig("test", "testapp")
	configure(&cfg.APIServer)
	rt := &pod.Runtime{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ts := httptest.NewServer(New(rt).Handler())
	t.Cleanup(ts.Close)
	return ts
}

// Calls beyond apiServer.maxConcurrentRequests get a 503 with Retry-After,
// and the server takes calls again once the others are done.
func TestMaxConcurrentRequests(t *testing.T) {
	ts := newConfiguredServer(t, func(s *pod.ServerConfig) { s.MaxConcurrentRequests = 2 })
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	retry := make([]string, 6)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.Post(ts.URL+"/test/slow", "application/json", nil)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			statuses[i], retry[i] = res.StatusCode, res.Header.Get("Retry-After")
		}()
	}
	wg.Wait()
	ok, busy := 0, 0
	for i, s := range statuses {
		switch {
		case s == 200:
			ok++
		case s == 503 && retry[i] == "1":
			busy++
		default:
			t.Errorf("call %d: %d (Retry-After %q)", i, s, retry[i])
		}
	}
	if ok < 2 || ok+busy != 6 || busy == 0 {
		t.Errorf("%d answered, %d busy; want 2 at once and the rest refused", ok, busy)
	}
	if status, _, _, _ := do(t, "POST", ts.URL+"/test/echo", "1"); status != 200 {
		t.Errorf("after the burst: %d", status)
	}
}

// The memory of the calls in flight is bounded: a body that does not fit
// in what is left of apiServer.maxRequestMemory is refused before it is read.
func TestMaxRequestMemory(t *testing.T) {
	ts := newConfiguredServer(t, func(s *pod.ServerConfig) { s.MaxRequestMemory = 1000 })
	status, h, e, _ := do(t, "POST", ts.URL+"/test/echo", strings.Repeat("1", 2000))
	if status != 503 || h.Get("Retry-After") == "" || !strings.Contains(e.Error, "busy") {
		t.Errorf("got %d %q %v", status, e.Error, h)
	}
	if status, _, _, body := do(t, "POST", ts.URL+"/test/echo", "12"); status != 200 || body != "12" {
		t.Errorf("small call: %d %s", status, body)
	}
}

// An escaped slash is not a path separator: /test%2fecho is no method.
func TestEscapedSlashIsNotFound(t *testing.T) {
	ts, _ := newTestServer(t)
	status, _, e, _ := do(t, "POST", ts.URL+"/test%2fecho", "{}")
	if status != 404 || !strings.Contains(e.Error, "no endpoint method") {
		t.Errorf("got %d %q, want a 404", status, e.Error)
	}
}
