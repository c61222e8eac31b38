package e2e

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestInsightsPortAndProbes runs the server binary in staging with a
// service secret, on a database behind a proxy that the test cuts: the
// probes follow the database, calls that do not need it keep working, the
// service port wants the secret and counts the calls, and the console log
// is JSON.
func TestInsightsPortAndProbes(t *testing.T) {
	u := freshDatabase(t)
	proxy := startProxy(t, u.Host)
	u.Host = proxy.addr
	p := startServer(t, t.TempDir(), []string{"PODGEN_DATABASE_URL=" + u.String(), "PODGEN_SERVICE_SECRET=e2e-secret"},
		"--mode", "staging")
	m := regexp.MustCompile(`Service port (\d+) open`).FindStringSubmatch(p.stdout.String())
	if m == nil {
		t.Fatalf("banner does not name the service port:\n%s", p.stdout.String())
	}
	service := "http://127.0.0.1:" + m[1]
	if code, _ := getAuth(t, service+"/metrics", ""); code != 401 {
		t.Errorf("/metrics without the secret: %d, want 401", code)
	}
	if code, _ := getAuth(t, p.url+"/readyz", ""); code != 200 {
		t.Errorf("/readyz with the database up: %d", code)
	}
	proxy.cut()
	for range 3 {
		if status, _, body := post(t, "POST", p.url+"/calls/serverID", nil); status != 200 || string(body) != "0" {
			t.Errorf("a call without the database, database down: %d %s", status, body)
		}
	}
	if code, _ := getAuth(t, p.url+"/livez", ""); code != 200 {
		t.Errorf("/livez with the database down: %d", code)
	}
	if code, body := getAuth(t, p.url+"/readyz", ""); code != 503 || body != "unavailable\n" {
		t.Errorf("/readyz with the database down: %d %q", code, body)
	}
	if code, body := getAuth(t, service+"/health", "Bearer e2e-secret"); code != 503 || !strings.Contains(body, `"database":"unavailable"`) {
		t.Errorf("/health with the database down: %d %s", code, body)
	}
	proxy.restore(t)
	ready := false
	for deadline := time.Now().Add(10 * time.Second); !ready && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		code, _ := getAuth(t, p.url+"/readyz", "")
		ready = code == 200
	}
	if !ready {
		t.Error("/readyz did not recover with the database")
	}
	code, text := getAuth(t, service+"/metrics", "Bearer e2e-secret")
	if want := `podgen_requests_total{endpoint="calls",method="serverID",status="200"} 3`; code != 200 || !strings.Contains(text, want) {
		t.Errorf("/metrics lacks %s (status %d):\n%.2000s", want, code, text)
	}
	for _, want := range []string{"\npodgen_future_calls_due 0\n", "\npodgen_future_calls_failed 0\n", "\npodgen_log_entries_dropped_total "} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q:\n%.3000s", want, text)
		}
	}
	if code, body := getAuth(t, service+"/health", "Bearer e2e-secret"); code != 200 || !strings.Contains(body, `"scheduler":"running"`) {
		t.Errorf("/health of a monolith with future calls: %d %s", code, body)
	}
	checkSessionsAndSettings(t, p.url, service)
	p.stop(t)
	if log := p.stderr.String(); !strings.Contains(log, `"msg":"shutting down"`) {
		t.Errorf("staging console log is not JSON:\n%s", log)
	}
}

// checkSessionsAndSettings: staging stores only slow and failed sessions;
// a PUT /settings through the service port makes this server store every
// session at once (no restart), and GET /sessions then finds the call
// with its filters; bad parameters are 400s; the new routes want the secret.
func checkSessionsAndSettings(t *testing.T, api, service string) {
	t.Helper()
	for _, path := range []string{"/sessions", "/settings"} {
		if code, _ := getAuth(t, service+path, "Bearer wrong"); code != 401 {
			t.Errorf("%s with a wrong secret: %d, want 401", path, code)
		}
	}
	if code, body := getAuth(t, service+"/settings", "Bearer e2e-secret"); code != 200 || !strings.Contains(body, `"logAllSessions":false`) {
		t.Errorf("staging settings: %d %s", code, body)
	}
	req, _ := http.NewRequest(http.MethodPut, service+"/settings", strings.NewReader(`{"logAllSessions":true}`))
	req.Header.Set("Authorization", "Bearer e2e-secret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), `"logAllSessions":true`) {
		t.Fatalf("PUT /settings: %d %s", res.StatusCode, b)
	}
	if status, _, body := post(t, "POST", api+"/calls/serverID", nil); status != 200 {
		t.Fatalf("call after the PUT: %d %s", status, body)
	}
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		_, body = getAuth(t, service+"/sessions?endpoint=calls&method=serverID&limit=5", "Bearer e2e-secret")
		if strings.Contains(body, `"method":"serverID"`) {
			break
		}
	}
	if !strings.Contains(body, `"endpoint":"calls","method":"serverID"`) || !strings.Contains(body, `"error":null`) {
		t.Errorf("/sessions does not show the call stored after the PUT: %s", body)
	}
	if _, body := getAuth(t, service+"/sessions?errors=true&endpoint=calls", "Bearer e2e-secret"); body != `{"sessions":[]}` {
		t.Errorf("/sessions?errors=true: %s, want none", body)
	}
	if code, body := getAuth(t, service+"/sessions?limit=5000", "Bearer e2e-secret"); code != 400 || !strings.Contains(body, `parameter \"limit\"`) {
		t.Errorf("/sessions?limit=5000: %d %s, want a 400", code, body)
	}
}

func getAuth(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
