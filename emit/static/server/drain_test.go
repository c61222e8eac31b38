package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// runServer runs a Server on a free loopback port until the returned
// cancel is called; done receives Run's error.
func runServer(t *testing.T, cfg *pod.Config) (url string, cancel func(), done chan error) {
	t.Helper()
	cfg.APIServer.Host, cfg.APIServer.Port = "127.0.0.1", 0
	rt := &pod.Runtime{ServerID: 5, Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done = make(chan error, 1)
	go func() { done <- New(rt).Run(ctx, out) }()
	t.Cleanup(cancel)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		out.mu.Lock()
		m := regexp.MustCompile(`listening on port (\d+)`).FindStringSubmatch(out.b.String())
		out.mu.Unlock()
		if m != nil {
			return "http://127.0.0.1:" + m[1], cancel, done
		}
	}
	t.Fatal("not listening")
	return
}

// On shutdown the server drains: /readyz fails at once, calls are still
// answered for drainDelay, each with Connection: close, and only then does
// it stop accepting.
func TestRunDrains(t *testing.T) {
	cfg := pod.DefaultConfig("test", "testapp")
	cfg.APIServer.DrainDelay = 500 * time.Millisecond
	url, cancel, done := runServer(t, cfg)
	client := &http.Client{Transport: &http.Transport{}}
	get := func(path string) *http.Response {
		res, err := client.Get(url + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	if res := get("/livez"); res.Close {
		t.Fatal("Connection: close before the shutdown")
	}
	cancel()
	start := time.Now()
	time.Sleep(50 * time.Millisecond)
	if res := get("/readyz"); res.StatusCode != 503 || !res.Close {
		t.Errorf("draining /readyz: %d, close %v", res.StatusCode, res.Close)
	}
	res, err := client.Post(url+"/test/echo", "application/json", strings.NewReader(`"x"`))
	if err != nil {
		t.Fatalf("a call while draining: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !res.Close {
		t.Errorf("call while draining: %d, Connection: close %v", res.StatusCode, res.Close)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 450*time.Millisecond {
		t.Errorf("stopped after %s, before the drain delay", waited)
	}
	if c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://")); err == nil {
		c.Close()
		t.Error("still accepting after the drain")
	}
}

// A call that overruns requestTimeout is a 503 "request timed out", not a
// 500, and its warning is rate-limited.
func TestRequestTimeoutIs503(t *testing.T) {
	var log syncBuffer
	cfg := pod.DefaultConfig("test", "testapp")
	cfg.APIServer.RequestTimeout = 20 * time.Millisecond
	rt := &pod.Runtime{Config: cfg, Logger: slog.New(slog.NewTextHandler(&log, nil))}
	ts := httptest.NewServer(New(rt).Handler())
	t.Cleanup(ts.Close)
	for i := 0; i < 5; i++ {
		status, h, e, body := do(t, "POST", ts.URL+"/test/slow", "{}")
		if status != 503 || e.Error != "request timed out" || h.Get("Retry-After") == "" || e.RequestID != "" {
			t.Errorf("got %d %v %s", status, h, body)
		}
	}
	log.mu.Lock()
	text := log.b.String()
	log.mu.Unlock()
	if n := strings.Count(text, "request timed out"); n != 1 || strings.Contains(text, "internal error") {
		t.Errorf("5 timeouts in a row logged %d warnings, want 1:\n%s", n, text)
	}
}

func TestWarnLimiter(t *testing.T) {
	l := &warnLimiter{every: time.Second}
	t0 := time.Unix(1000, 0)
	if ok, n := l.allow(t0); !ok || n != 0 {
		t.Fatal("first warning refused")
	}
	for i := 0; i < 41; i++ {
		if ok, _ := l.allow(t0.Add(time.Duration(i) * 10 * time.Millisecond)); ok {
			t.Fatalf("warning %d within the interval written", i)
		}
	}
	if ok, n := l.allow(t0.Add(time.Second)); !ok || n != 41 {
		t.Errorf("after the interval: %v, %d left out, want 41", ok, n)
	}
}

// A server with host 127.0.0.1 cannot be reached on the machine's other
// addresses.
func TestRunListensOnHost(t *testing.T) {
	var other net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			other = n.IP
		}
	}
	if other == nil {
		t.Skip("this machine has no address but loopback")
	}
	cfg := pod.DefaultConfig("test", "testapp")
	cfg.APIServer.DrainDelay = 0
	url, _, _ := runServer(t, cfg)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(other.String(), port), time.Second); err == nil {
		c.Close()
		t.Errorf("reached on %s although the host is 127.0.0.1", other)
	}
}
