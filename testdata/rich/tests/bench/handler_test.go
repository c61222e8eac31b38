package bench

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchHandler measures one server's own cost per call, without the
// network or the load generator: ServeHTTP on a reused recorder.
func benchHandler(b *testing.B, h http.Handler) {
	body := []byte(employeeBody)
	rd := bytes.NewReader(body)
	req := httptest.NewRequest("POST", "/echo/employee", rd)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(body)
		req.ContentLength = int64(len(body))
		w.Body.Reset()
		clear(w.Header())
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkHandlerGenerated is the generated server's cost per call.
func BenchmarkHandlerGenerated(b *testing.B) { benchHandler(b, generated()) }

// BenchmarkHandlerHandwritten is the baseline's cost per call.
func BenchmarkHandlerHandwritten(b *testing.B) { benchHandler(b, handwritten()) }
