package main

import (
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
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

// demoPGBin reports whether the demo can start a throwaway cluster here:
// initdb and pg_ctl on PATH or in Debian's /usr/lib/postgresql/*/bin.
func demoPGBin() bool {
	if _, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return true
		}
	}
	m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	return len(m) > 0
}

// demoLeftovers checks that the demo left nothing behind: its work and
// cluster folders are gone and no process mentions the cluster's folder
// (a postmaster would carry it in -D and -k).
func demoLeftovers(t *testing.T, out string) {
	t.Helper()
	work := regexp.MustCompile(`working in (\S+)`).FindStringSubmatch(out)
	pg := regexp.MustCompile(`initdb (\S+)/data`).FindStringSubmatch(out)
	if work == nil || pg == nil {
		t.Fatalf("the demo did not name its folders:\n%s", out)
	}
	for _, dir := range []string{work[1], pg[1]} {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s was left behind (%v)", dir, err)
		}
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), pg[1]) {
			t.Errorf("process %s still runs in the cluster's folder: %q", filepath.Dir(p), strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
}

// unreachableDB points the demo at a port nothing listens on, forcing its
// fallback: a throwaway cluster, never the shared PostgreSQL.
const unreachableDB = "PODGEN_DEMO_DATABASE_URL=postgres://postgres@127.0.0.1:1"

// TestDemoThrowawayCluster runs the demo with no PostgreSQL at its URL: it
// starts its own cluster with initdb and pg_ctl, passes with no WARN or
// ERROR line, and stops and removes the cluster; also when interrupted;
// and without initdb it says how to start one with docker compose.
func TestDemoThrowawayCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds podgen and an app; skipped with -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("checks for leftover processes through /proc")
	}
	t.Run("no initdb", func(t *testing.T) {
		cmd := exec.Command("bash", "scripts/demo.sh")
		cmd.Env = append(os.Environ(), unreachableDB, "PODGEN_DEMO_PG_BIN="+t.TempDir())
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "docker compose -f ") {
			t.Fatalf("want exit 1 and how to start PostgreSQL with docker compose; got %v\n%s", err, out)
		}
	})
	if !demoPGBin() {
		t.Skip("no initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin")
	}
	t.Run("passes", func(t *testing.T) {
		cmd := exec.Command("bash", "scripts/demo.sh")
		cmd.Env = append(os.Environ(), unreachableDB)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make demo on a throwaway cluster failed: %v\n%s", err, out)
		}
		for _, want := range []string{"throwaway PostgreSQL cluster on 127.0.0.1:", "demo passed", "stopped the throwaway PostgreSQL cluster"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("output lacks %q", want)
			}
		}
		if m := regexp.MustCompile(`(?m)^.*(level=(WARN|ERROR)|"level":"(WARN|ERROR)").*$`).FindString(string(out)); m != "" {
			t.Errorf("a WARN or ERROR line: %s", m)
		}
		demoLeftovers(t, string(out))
		if t.Failed() {
			t.Logf("output:\n%s", out)
		}
	})
	t.Run("interrupted", func(t *testing.T) {
		cmd := exec.Command("bash", "scripts/demo.sh")
		cmd.Env = append(os.Environ(), unreachableDB)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // Ctrl-C reaches the whole group
		var out lockedBuffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(out.String(), "podgen init demopod") && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("the interrupted demo exited 0")
			}
		case <-time.After(60 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			t.Fatalf("the demo did not stop within 60 s of SIGINT:\n%s", out.String())
		}
		if !strings.Contains(out.String(), "throwaway PostgreSQL cluster on") {
			t.Fatalf("interrupted before the cluster started:\n%s", out.String())
		}
		demoLeftovers(t, out.String())
		if t.Failed() {
			t.Logf("output:\n%s", out.String())
		}
	})
}
