package e2e

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"example.com/rich/out/pod"
	"example.com/rich/out/server"
)

// newInProcess serves the generated handler with httptest.
func newInProcess(t testing.TB) *httptest.Server {
	rt := &pod.Runtime{Config: pod.DefaultConfig("test", "rich"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ts := httptest.NewServer(server.New(rt).Handler())
	t.Cleanup(ts.Close)
	return ts
}

func employeeJSON(g, i int) string {
	return fmt.Sprintf(`{"id":%d,"name":"worker %d-%d","email":"w%d@example.com","age":%d,"salary":%d.5,`+
		`"role":"engineer","startDate":"2024-01-02T03:04:05Z","manager":null,"skills":["go","sql","%d"]}`,
		g*1000+i, g, i, i, 20+i%40, 1000*i, g)
}

// TestConcurrentCalls sends 1,000 calls from 50 goroutines (the harness
// runs it under -race); every answer must be the caller's own.
func TestConcurrentCalls(t *testing.T) {
	ts := newInProcess(t)
	var wg sync.WaitGroup
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				body := employeeJSON(g, i)
				res, err := http.Post(ts.URL+"/echo/employee", "application/json",
					bytes.NewReader([]byte(`{"employee":`+body+`}`)))
				if err != nil {
					t.Error(err)
					return
				}
				got, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || string(got) != body {
					t.Errorf("call %d-%d: %d\n got %s\nwant %s", g, i, res.StatusCode, got, body)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}
