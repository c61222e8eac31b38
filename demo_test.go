package main

import (
	"net"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestDemo runs `make demo`'s script against the real PostgreSQL: the
// main job end to end, failing on any WARN or ERROR line of the server.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds podgen and an app; skipped with -short")
	}
	base := "postgres://postgres@127.0.0.1:5432"
	if raw := os.Getenv("PODGEN_TEST_DATABASE_URL"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		u.Path, u.RawQuery = "", ""
		base = u.String()
	}
	if u, _ := url.Parse(base); os.Getenv("CI") == "" {
		if c, err := net.DialTimeout("tcp", u.Host, time.Second); err != nil {
			t.Skipf("no PostgreSQL at %s: %v", u.Host, err)
		} else {
			c.Close()
		}
	}
	cmd := exec.Command("bash", "scripts/demo.sh")
	cmd.Env = append(os.Environ(), "PODGEN_DEMO_DATABASE_URL="+base)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make demo failed: %v\n%s", err, out)
	}
}
