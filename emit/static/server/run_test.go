package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

// TestRunShutsDownGracefully: cancelling Run's context lets a call in
// flight finish, then Run returns nil.
func TestRunShutsDownGracefully(t *testing.T) {
	cfg := pod.DefaultConfig("test", "testapp")
	cfg.APIServer.Port = 0
	cfg.APIServer.DrainDelay = 0
	rt := &pod.Runtime{ServerID: 4, Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	ran := make(chan error, 1)
	go func() { ran <- New(rt).Run(ctx, out) }()
	var port string
	for deadline := time.Now().Add(5 * time.Second); port == ""; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("not listening")
		}
		out.mu.Lock()
		if m := regexp.MustCompile(`Server id 4 listening on port (\d+)`).FindStringSubmatch(out.b.String()); m != nil {
			port = m[1]
		}
		out.mu.Unlock()
	}
	answered := make(chan string, 1)
	go func() {
		res, err := http.Post("http://127.0.0.1:"+port+"/test/slow", "application/json", strings.NewReader("{}"))
		if err != nil {
			answered <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		answered <- string(b)
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	if got := <-answered; got != `"done"` {
		t.Fatalf("in-flight call got %q", got)
	}
	if err := <-ran; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestMainBadFlagsAndConfig(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"--nope"}, &stdout, &stderr); code != 2 {
		t.Errorf("bad flag: exit %d", code)
	}
	stderr.Reset()
	if code := Main([]string{"--mode", "../x"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), `invalid mode "../x"`) {
		t.Errorf("bad mode: exit %d, %s", code, stderr.String())
	}
}
