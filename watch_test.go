package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podgen/podgen/generator"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// eventually polls cond for up to 20 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// The watch loop follows the protocol: a new field appears in the output,
// a broken file prints a positioned error and leaves the output as it was,
// and fixing it builds again; the loop survives all of it.
func TestBuildWatch(t *testing.T) {
	mod := helloModule(t)
	protocol, endpoints, out := filepath.Join(mod, "protocol"), filepath.Join(mod, "endpoints"), filepath.Join(mod, "out")
	greeting := filepath.Join(protocol, "greeting.yaml")
	model := filepath.Join(out, "pod", "greeting.go")
	var stdout, stderr lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- watchBuild(ctx, &stdout, &stderr, protocol, endpoints, out, generator.BuildOptions{Warnings: &stderr}, false, nil)
	}()
	contains := func(path, pattern string) func() bool {
		re := regexp.MustCompile(pattern)
		return func() bool { b, err := os.ReadFile(path); return err == nil && re.Match(b) }
	}
	eventually(t, "the first build", contains(model, "type Greeting struct"))

	src, _ := os.ReadFile(greeting)
	write(t, greeting, string(src)+"  mood: String?\n")
	eventually(t, "the new field in the output", contains(model, `Mood\s+\*string`))

	before, _ := os.ReadFile(model)
	write(t, greeting, string(src)+"  mood: Strin?\n")
	eventually(t, "the error", func() bool { return strings.Contains(stderr.String(), `unknown type "Strin"`) })
	if !strings.Contains(stderr.String(), "greeting.yaml:") || !strings.Contains(stderr.String(), "build failed; watching") {
		t.Errorf("error not positioned or loop not said to go on:\n%s", stderr.String())
	}
	if after, _ := os.ReadFile(model); string(after) != string(before) {
		t.Error("a failed build changed the output")
	}

	write(t, greeting, string(src)+"  mood: int?\n")
	eventually(t, "the fixed build", contains(model, `Mood\s+\*int64`))

	// podgen.yaml at the module root is an input too: a bad one fails the
	// build at its position, and removing it builds again.
	config := filepath.Join(mod, "podgen.yaml")
	builds := func() int { return strings.Count(stderr.String(), "built in") }
	n := builds()
	write(t, config, "modules:\n  nosuch: true\n")
	eventually(t, "the podgen.yaml error", func() bool { return strings.Contains(stderr.String(), "podgen.yaml:2:") })
	if err := os.Remove(config); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the build without podgen.yaml", func() bool { return builds() > n })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the watch loop did not stop")
	}
	if n := strings.Count(stderr.String(), "built in"); n < 3 {
		t.Errorf("%d builds reported, want at least 3:\n%s", n, stderr.String())
	}
}

func TestBuildWatchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"build", "p", "e", "--run"},
		{"build", "p", "e", "--watch", "--check"},
		{"build", "p", "e", "x"},
	} {
		if code, _, _ := podgen(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
