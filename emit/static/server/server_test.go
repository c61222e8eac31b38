package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/podgen/podgen/emit/static/pod"
)

func newTestServer(t *testing.T) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	var log syncBuffer
	rt := &pod.Runtime{Config: pod.DefaultConfig("test", "testapp"),
		Logger: slog.New(slog.NewTextHandler(&log, nil))}
	ts := httptest.NewServer(New(rt).Handler())
	t.Cleanup(ts.Close)
	return ts, &log.b
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

type errorJSON struct {
	Error     string          `json:"error"`
	Class     *string         `json:"class"`
	Data      json.RawMessage `json:"data"`
	RequestID string          `json:"requestId"`
}

func do(t *testing.T, method, url, body string) (int, http.Header, errorJSON, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var e errorJSON
	if res.StatusCode != 200 {
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("%s %s: body %q is not JSON: %v", method, url, raw, err)
		}
	}
	return res.StatusCode, res.Header, e, string(raw)
}

func TestStatuses(t *testing.T) {
	ts, log := newTestServer(t)
	tests := []struct {
		name, method, path, body string
		status                   int
		msg                      string
	}{
		{"echo", "POST", "/test/echo", `{"a":1}`, 200, ""},
		{"unknown endpoint", "POST", "/nope/echo", `{}`, 404, `unknown endpoint "nope"`},
		{"root", "POST", "/", `{}`, 404, `no endpoint method at "/": use POST /{endpoint}/{method}`},
		{"unknown method", "POST", "/test/nope", `{}`, 404, `endpoint "test" has no method "nope"`},
		{"get", "GET", "/test/echo", ``, 405, "method GET not allowed: use POST"},
		{"too large", "POST", "/test/echo", strings.Repeat("x", 1<<20+1), 413, "request body is larger than the limit of 1048576 bytes"},
		{"panic", "POST", "/test/panic", `{}`, 500, "internal server error"},
		{"error", "POST", "/test/fail", `{}`, 500, "internal server error"},
		{"exception", "POST", "/test/missing", `{}`, 400, "not found"},
		{"openapi", "GET", "/openapi.json", ``, 200, ""},
		{"openapi post", "POST", "/openapi.json", `{}`, 405, "method POST not allowed: use GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, e, raw := do(t, tt.method, ts.URL+tt.path, tt.body)
			if status != tt.status || e.Error != tt.msg {
				t.Fatalf("got %d %q, want %d %q", status, raw, tt.status, tt.msg)
			}
			if status == 405 && h.Get("Allow") != "POST" && tt.path != "/openapi.json" {
				t.Errorf("Allow = %q", h.Get("Allow"))
			}
			if tt.path == "/openapi.json" && status == 200 {
				if raw != openAPIDocument || h.Get("Content-Type") != "application/json" {
					t.Errorf("GET /openapi.json = %q (%s)", raw, h.Get("Content-Type"))
				}
				return
			}
			if status == 200 && raw != tt.body {
				t.Errorf("echo = %q", raw)
			}
			if status == 500 && (e.RequestID == "" || !strings.Contains(log.String(), e.RequestID)) {
				t.Errorf("request id %q not in log %q", e.RequestID, log.String())
			}
			if strings.Contains(raw, "secret") {
				t.Errorf("500 leaks details: %s", raw)
			}
		})
	}
}

func TestExceptionBody(t *testing.T) {
	ts, _ := newTestServer(t)
	_, _, e, _ := do(t, "POST", ts.URL+"/test/missing", `{}`)
	if e.Class == nil || *e.Class != "NotFound" || string(e.Data) != `{"id":7}` {
		t.Fatalf("got %+v", e)
	}
}

// TestChunkedTooLarge sends a body without Content-Length: the limit must
// still hold while reading.
func TestChunkedTooLarge(t *testing.T) {
	ts, _ := newTestServer(t)
	pr, pw := io.Pipe()
	go func() {
		pw.Write(bytes.Repeat([]byte("x"), 2<<20))
		pw.Close()
	}()
	res, err := http.Post(ts.URL+"/test/echo", "application/json", pr)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 413 {
		t.Fatalf("status %d", res.StatusCode)
	}
}

func TestConcurrentCalls(t *testing.T) {
	ts, _ := newTestServer(t)
	var wg sync.WaitGroup
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				body := strings.Repeat("y", g*i)
				res, err := http.Post(ts.URL+"/test/echo", "application/json", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				got, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if string(got) != body {
					t.Errorf("echo mixed up bodies: got %d bytes, want %d", len(got), len(body))
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", "quote \" back \\ nl \n tab \t", "bad \xff utf8", "ünï €", "\x00\x1f"} {
		var got string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		want, _ := json.Marshal(s)
		var w string
		json.Unmarshal(want, &w)
		if got != w {
			t.Errorf("%q: got %q, want %q", s, got, w)
		}
	}
}
