package server

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/podgen/podgen/emit/static/pod"
)

// newDBRuntime is a runtime on the local PostgreSQL, or (down) on a port
// where nothing listens.
func newDBRuntime(t *testing.T, down bool) *pod.Runtime {
	t.Helper()
	cfg := pod.DefaultConfig("test", "testapp")
	cfg.Database = pod.DatabaseConfig{Host: "127.0.0.1", Port: 5432, Name: "postgres", User: "postgres", MaxConnections: 4}
	if down {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Database.Port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	pool, err := pod.OpenDBPool(cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if !down && pool.Ping(t.Context()) != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("PostgreSQL unreachable on 127.0.0.1:5432")
		}
		t.Skip("PostgreSQL unreachable on 127.0.0.1:5432")
	}
	return &pod.Runtime{Config: cfg, DB: pool, Caches: pod.NewCaches(cfg),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func get(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestProbes: /livez answers while the database is down, /readyz follows
// the database and never says why.
func TestProbes(t *testing.T) {
	for _, down := range []bool{false, true} {
		ts := httptest.NewServer(New(newDBRuntime(t, down)).Handler())
		defer ts.Close()
		if code, body := get(t, ts.URL+"/livez", ""); code != 200 || body != "ok\n" {
			t.Errorf("down=%v: /livez = %d %q", down, code, body)
		}
		want, wantBody := 200, "ok\n"
		if down {
			want, wantBody = 503, "unavailable\n"
		}
		if code, body := get(t, ts.URL+"/readyz", ""); code != want || body != wantBody {
			t.Errorf("down=%v: /readyz = %d %q, want %d %q", down, code, body, want, wantBody)
		}
	}
}

// TestProbesWithoutDatabase: a runtime without a pool is not ready.
func TestProbesWithoutDatabase(t *testing.T) {
	ts, _ := newTestServer(t)
	if code, _ := get(t, ts.URL+"/readyz", ""); code != 503 {
		t.Errorf("/readyz without a database = %d, want 503", code)
	}
	if code, _, e, _ := do(t, "POST", ts.URL+"/livez", "{}"); code != 404 || e.Error == "" {
		t.Errorf("POST /livez = %d %q, want the JSON 404", code, e.Error)
	}
}
