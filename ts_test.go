package main

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/podgen/podgen/internal/apptest"
)

// The TypeScript client and OpenAPI tests drive the tools pinned in
// testdata/node (typescript, @apidevtools/swagger-parser, playwright-core),
// which npm ci installs there on first use. Without node (or, for the
// browser test, Debian's chromium) they skip, unless CI is set: then they
// fail, so that CI never passes without running them.

// nodeDir is the folder of the pinned node tools and the test programs.
const nodeDir = "testdata/node"

var npmOnce struct {
	sync.Once
	err error
	out []byte
}

// requireTool fails (CI) or skips the test when a program is missing.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed (.ci/run installs it): %v", name, err)
	}
	t.Skipf("%s is not installed: %v", name, err)
	return ""
}

// nodeTools makes sure testdata/node/node_modules matches the lockfile
// (npm ci, once per test binary, only when the tools are missing) and
// returns the absolute folder.
func nodeTools(t *testing.T) string {
	t.Helper()
	requireTool(t, "node")
	requireTool(t, "npm")
	dir, err := filepath.Abs(nodeDir)
	if err != nil {
		t.Fatal(err)
	}
	npmOnce.Do(func() {
		for _, p := range []string{"node_modules/.bin/tsc", "node_modules/playwright-core", "node_modules/@apidevtools/swagger-parser"} {
			if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
				cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
				cmd.Dir = dir
				npmOnce.out, npmOnce.err = cmd.CombinedOutput()
				return
			}
		}
	})
	if npmOnce.err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", nodeDir, npmOnce.err, npmOnce.out)
	}
	return dir
}

// runTool runs a command in dir and fails the test with its output.
func runTool(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// tscFlags are those every client is checked with: strict, ES2020, no DOM
// or Node typings (the client declares what it needs of fetch).
var tscFlags = []string{"--strict", "--target", "ES2020", "--lib", "ES2020", "--module", "ES2020",
	"--noUnusedLocals", "--noFallthroughCasesInSwitch", "--noImplicitOverride"}

// TestTSClientTypeChecks runs tsc --strict --noEmit on every golden app's
// client.ts.
func TestTSClientTypeChecks(t *testing.T) {
	tools := nodeTools(t)
	for _, app := range apps(t) {
		t.Run(app, func(t *testing.T) {
			client, err := filepath.Abs(filepath.Join("golden", app, "ts", "client.ts"))
			if err != nil {
				t.Fatal(err)
			}
			runTool(t, tools, nil, filepath.Join(tools, "node_modules/.bin/tsc"), append(tscFlags, "--noEmit", client)...)
		})
	}
}

// TestOpenAPIValid validates every golden app's openapi.json with
// swagger-parser (OpenAPI 3.1 schema, $refs resolved) and checks that it
// has a POST operation per method.
func TestOpenAPIValid(t *testing.T) {
	tools := nodeTools(t)
	for _, app := range apps(t) {
		t.Run(app, func(t *testing.T) {
			doc, err := filepath.Abs(filepath.Join("golden", app, "openapi.json"))
			if err != nil {
				t.Fatal(err)
			}
			out := runTool(t, tools, nil, "node", "openapi.mjs", doc)
			t.Log(strings.TrimSpace(out))
		})
	}
}

// tsProgram compiles the TypeScript test program name (testdata/node/tests)
// with the harness and app's generated client into a new folder and
// returns it; the program imports "./client.js". lib is tsc's --lib (the
// browser's page adds DOM); the programs use top-level await (ES2022
// modules), the client is checked as ES2020 by TestTSClientTypeChecks.
func tsProgram(t *testing.T, tools, app, name string, lib string) string {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, filepath.Join("golden", app, "ts", "client.ts"), filepath.Join(dir, "client.ts"))
	for _, f := range []string{name, "harness.ts"} {
		copyFile(t, filepath.Join(nodeDir, "tests", f), filepath.Join(dir, f))
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runTool(t, dir, nil, filepath.Join(tools, "node_modules/.bin/tsc"), "--strict", "--target", "ES2020",
		"--lib", lib, "--module", "ES2022", "--outDir", dir, name, "harness.ts", "client.ts")
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// appServer builds app's golden server in a temp module and starts it on
// loopback ports the system picks, with yaml as its config/development.yaml
// ("" for none). It returns the API's base URL; the server is stopped when
// the test ends.
func appServer(t *testing.T, app, yaml string) string {
	t.Helper()
	mod := apptest.Setup(t, ".", app)
	bin := filepath.Join(t.TempDir(), "server")
	apptest.Run(t, mod, "build", "-o", bin, "./out/cmd/server")
	run := t.TempDir()
	if yaml != "" {
		if err := os.MkdirAll(filepath.Join(run, "config"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(run, "config", "development.yaml"), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "--mode", "development")
	cmd.Dir = run
	cmd.Env = append(os.Environ(), "PODGEN_API_PORT=0", "PODGEN_INSIGHTS_PORT=0")
	stdout, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = w
	var stderr strings.Builder
	var mu sync.Mutex
	cmd.Stderr = writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return stderr.Write(p) })
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			mu.Lock()
			t.Logf("server stderr:\n%s", stderr.String())
			mu.Unlock()
		}
	})
	port := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`listening on port (\d+)`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case port <- m[1]:
				default:
				}
			}
		}
		stdout.Close()
		close(port)
	}()
	select {
	case p, ok := <-port:
		if !ok {
			t.Fatal("the server exited before listening")
		}
		addr := net.JoinHostPort("127.0.0.1", p)
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("server at %s not reachable: %v", addr, err)
			}
		}
		return "http://" + addr + "/"
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not listen within 30 s")
	}
	return ""
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestTSClientNode runs the node test programs of the rich and models apps
// against their real servers: every type there and back, optionals null
// and absent, exceptions by instanceof, a 500, a network failure, an
// aborted call, unsafe integers refused both ways, GET /openapi.json.
func TestTSClientNode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts app servers; skipped with -short")
	}
	tools := nodeTools(t)
	for _, app := range []string{"rich", "models"} {
		t.Run(app, func(t *testing.T) {
			prog := tsProgram(t, tools, app, app+".ts", "ES2020")
			api := appServer(t, app, "")
			out := runTool(t, prog, []string{"PODGEN_API_URL=" + api}, "node", app+".js")
			t.Log(strings.TrimSpace(out))
		})
	}
}

// TestTSClientBrowser loads a page in headless Chromium from one loopback
// origin that calls the hello app's API on another through the client:
// the API lists the page's origin in apiServer.cors.allowedOrigins, so the
// browser's preflight and call pass CORS; an origin not listed is refused.
func TestTSClientBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts an app server; skipped with -short")
	}
	tools := nodeTools(t)
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("/usr/bin/chromium is missing (.ci/run installs it): %v", err)
		}
		t.Skipf("/usr/bin/chromium is missing: %v", err)
	}
	page := tsProgram(t, tools, "models", "browser.ts", "ES2020,DOM")
	if err := os.WriteFile(filepath.Join(page, "index.html"), []byte(browserPage), 0o644); err != nil {
		t.Fatal(err)
	}
	static := httptest.NewServer(http.FileServer(http.Dir(page)))
	defer static.Close()
	api := appServer(t, "models", "apiServer:\n  cors:\n    allowedOrigins: ["+static.URL+"]\n")
	// localhost is the same static server under an origin the API does not list.
	refused := strings.Replace(static.URL, "127.0.0.1", "localhost", 1) + "/index.html#refused:" + api
	out := runTool(t, tools, nil, "node", "browser.mjs", static.URL+"/index.html#"+api, refused)
	t.Log(strings.TrimSpace(out))
}

// browserPage runs browser.js, which reports to browser.mjs through
// window.podgenResult.
const browserPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>podgen TypeScript client</title></head>
<body><script type="module" src="./browser.js"></script></body></html>
`
