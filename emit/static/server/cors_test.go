package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/podgen/podgen/emit/static/pod"
)

func withOrigin(t *testing.T, method, url, origin string, header map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "text/plain")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// A browser request from a foreign origin is refused before the endpoint
// runs; the server's own origin, listed origins and requests without an
// Origin pass.
func TestOriginCheck(t *testing.T) {
	ts := newConfiguredServer(t, func(s *pod.ServerConfig) { s.AllowedOrigins = []string{"https://app.example.com"} })
	url := ts.URL + "/test/count"
	before := testCalls.Load()
	for _, origin := range []string{"https://evil.example", "null", "http://" + strings.TrimPrefix(ts.URL, "http://") + ".evil.example",
		"https://app.example.com.evil.example", "garbage"} {
		if res := withOrigin(t, "POST", url, origin, nil); res.StatusCode != 403 {
			t.Errorf("origin %q: %d, want 403", origin, res.StatusCode)
		}
	}
	if n := testCalls.Load() - before; n != 0 {
		t.Fatalf("the endpoint ran %d times for foreign origins", n)
	}
	for _, origin := range []string{"", ts.URL, "https://app.example.com", "HTTPS://APP.EXAMPLE.COM"} {
		res := withOrigin(t, "POST", url, origin, nil)
		if res.StatusCode != 200 {
			t.Errorf("origin %q: %d, want 200", origin, res.StatusCode)
		}
		listed := strings.EqualFold(origin, "https://app.example.com")
		want := ""
		if listed {
			want = origin
		}
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("origin %q: Access-Control-Allow-Origin %q", origin, got)
		}
	}
	if n := testCalls.Load() - before; n != 4 {
		t.Errorf("%d calls ran, want 4", n)
	}
}

// Listed origins get their preflights answered; others get a 403.
func TestPreflight(t *testing.T) {
	ts := newConfiguredServer(t, func(s *pod.ServerConfig) { s.AllowedOrigins = []string{"https://app.example.com"} })
	pre := map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}
	res := withOrigin(t, "OPTIONS", ts.URL+"/test/count", "https://app.example.com", pre)
	h := res.Header
	if res.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		h.Get("Access-Control-Allow-Methods") != "POST" || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") ||
		h.Get("Vary") != "Origin" {
		t.Errorf("preflight: %d %v", res.StatusCode, h)
	}
	if res := withOrigin(t, "OPTIONS", ts.URL+"/test/count", "https://evil.example", pre); res.StatusCode != 403 {
		t.Errorf("foreign preflight: %d", res.StatusCode)
	}
}

// "*" lets every origin through, with CORS headers.
func TestAnyOrigin(t *testing.T) {
	ts := newConfiguredServer(t, func(s *pod.ServerConfig) { s.AllowedOrigins = []string{"*"} })
	res := withOrigin(t, "POST", ts.URL+"/test/count", "https://anywhere.example", nil)
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "https://anywhere.example" {
		t.Errorf("got %d %v", res.StatusCode, res.Header)
	}
}

func TestSameOrigin(t *testing.T) {
	for _, tt := range []struct {
		origin, host string
		want         bool
	}{
		{"http://localhost:8080", "localhost:8080", true},
		{"https://api.example.com", "api.example.com", true},
		{"https://api.example.com:443", "api.example.com", true},
		{"http://api.example.com", "api.example.com:80", true},
		{"http://api.example.com:8080", "api.example.com", false},
		{"http://api.example.com", "api.example.com:8080", false},
		{"http://[::1]:8080", "[::1]:8080", true},
		{"http://other.example.com", "api.example.com", false},
		{"null", "api.example.com", false},
		{"ftp://api.example.com", "api.example.com", false},
	} {
		if got := sameOrigin(tt.origin, tt.host); got != tt.want {
			t.Errorf("sameOrigin(%q, %q) = %v", tt.origin, tt.host, got)
		}
	}
}
