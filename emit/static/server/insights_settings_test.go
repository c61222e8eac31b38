package server

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/podgen/podgen/emit/static/pod"
)

func doAuth(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testSecret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestSettingsGetPut: GET shows the current settings; a PUT of some keys
// changes those, keeps the stored others (also when another server stored
// them), takes effect on this server at once and is stored for the rest.
func TestSettingsGetPut(t *testing.T) {
	rt := newSystemRuntime(t)
	rt.LogSettings = pod.NewLogSettingsStore("test")
	ins := insightsOf(t, rt)
	want := string(pod.DefaultLogSettings("test").AppendJSON(nil))
	if code, body := get(t, ins.URL+"/settings", "Bearer "+testSecret); code != 200 || body != want {
		t.Fatalf("GET /settings = %d %s, want %s", code, body, want)
	}

	// Another server of the cluster stores a threshold this one has not loaded yet.
	other := pod.NewLogSettingsStore("test")
	changed := pod.DefaultLogSettings("test")
	changed.SlowQueryThreshold = 5 * time.Millisecond
	if err := other.Put(context.Background(), rt.DB, changed); err != nil {
		t.Fatal(err)
	}
	code, body := doAuth(t, "PUT", ins.URL+"/settings", `{"logLevel":"warning","retentionDays":7,"logAllQueries":true}`)
	wantSettings := changed
	wantSettings.LogLevel, wantSettings.RetentionDays, wantSettings.LogAllQueries = pod.LogLevelWarning, 7, true
	if want := string(wantSettings.AppendJSON(nil)); code != 200 || body != want {
		t.Fatalf("PUT /settings = %d %s, want %s", code, body, want)
	}
	if got := *rt.LogSettings.Get(); got != wantSettings {
		t.Errorf("this server's settings after the PUT: %+v, want %+v", got, wantSettings)
	}
	if err := other.Load(context.Background(), rt.DB); err != nil || *other.Get() != wantSettings {
		t.Errorf("stored settings after the PUT: %+v (%v), want %+v", *other.Get(), err, wantSettings)
	}
	if code, body := get(t, ins.URL+"/settings", "Bearer "+testSecret); code != 200 || body != string(wantSettings.AppendJSON(nil)) {
		t.Errorf("GET /settings after the PUT = %d %s", code, body)
	}

	for body, msg := range map[string]string{
		`{`:                       "log settings",
		``:                        "log settings",
		`[1]`:                     "want a JSON object",
		`{"nope":1}`:              `\"nope\": unknown setting`,
		`{"retentionDays":0}`:     `\"retentionDays\": want at least 1`,
		`{"retentionDays":36501}`: `\"retentionDays\": want at most 36500`,
		`{"logLevel":"loud"}`:     `\"logLevel\": want one of debug`,
		`{"logAllQueries":1}`:     `\"logAllQueries\": want true or false`,
		`{"logLevel":"debug"}x`:   "data after the JSON object",
	} {
		if code, got := doAuth(t, "PUT", ins.URL+"/settings", body); code != 400 || !strings.Contains(got, msg) {
			t.Errorf("PUT %q = %d %s, want 400 with %s", body, code, got, msg)
		}
	}
	if got := *rt.LogSettings.Get(); got != wantSettings {
		t.Errorf("a rejected PUT changed the settings: %+v", got)
	}
}

// TestSettingsUnavailable: without a database a PUT is a 503 (nothing
// changes); a server without logging has no settings to show.
func TestSettingsUnavailable(t *testing.T) {
	_, ins := newInsights(t, true)
	if code, body := get(t, ins.URL+"/settings", "Bearer "+testSecret); code != 503 || !strings.Contains(body, noLogging) {
		t.Errorf("GET /settings without logging = %d %s", code, body)
	}
	rt := newDBRuntime(t, true)
	rt.Config.ServiceSecret = testSecret
	rt.LogSettings = pod.NewLogSettingsStore("test")
	down := insightsOf(t, rt)
	if code, body := doAuth(t, "PUT", down.URL+"/settings", `{"logLevel":"error"}`); code != 503 || !strings.Contains(body, "database unavailable") {
		t.Errorf("PUT /settings with the database down = %d %s", code, body)
	}
	if rt.LogSettings.Get().LogLevel != pod.LogLevelInfo {
		t.Errorf("a failed PUT changed the settings: %+v", rt.LogSettings.Get())
	}
	if code, body := get(t, down.URL+"/settings", "Bearer "+testSecret); code != 200 || !strings.Contains(body, `"logLevel":"info"`) {
		t.Errorf("GET /settings with the database down = %d %s, want the cached ones", code, body)
	}
}

// TestNewRoutesNeedTheSecret: /sessions and /settings answer 401 without
// the secret or with a wrong one, and change nothing.
func TestNewRoutesNeedTheSecret(t *testing.T) {
	rt := newSystemRuntime(t)
	rt.LogSettings = pod.NewLogSettingsStore("test")
	ins := insightsOf(t, rt)
	for _, auth := range []string{"", "Bearer wrong"} {
		for _, c := range []struct{ method, path string }{{"GET", "/sessions"}, {"GET", "/settings"}, {"PUT", "/settings"}} {
			req, _ := http.NewRequest(c.method, ins.URL+c.path, strings.NewReader(`{"logLevel":"fatal"}`))
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %q = %d, want 401", c.method, c.path, auth, res.StatusCode)
			}
		}
	}
	if rt.LogSettings.Get().LogLevel != pod.LogLevelInfo {
		t.Errorf("an unauthorized PUT changed the settings")
	}
}

// TestSettingsPutKeepsNewerKeys: a PUT merges into the stored row: keys a
// newer podgen stored there survive, and the row's other settings count.
func TestSettingsPutKeepsNewerKeys(t *testing.T) {
	rt := newSystemRuntime(t)
	rt.LogSettings = pod.NewLogSettingsStore("test")
	db := pod.NewDB(context.Background(), rt.DB)
	if _, err := db.Exec(`INSERT INTO "pod_runtime_settings" ("id", "settings", "updated")
		VALUES (1, '{"retentionDays":90,"newer":{"a":1}}', now())`); err != nil {
		t.Fatal(err)
	}
	ins := insightsOf(t, rt)
	code, body := doAuth(t, "PUT", ins.URL+"/settings", `{"logLevel":"error"}`)
	want := pod.DefaultLogSettings("test")
	want.LogLevel, want.RetentionDays = pod.LogLevelError, 90
	if code != 200 || body != string(want.AppendJSON(nil)) {
		t.Fatalf("PUT = %d %s, want %s", code, body, want.AppendJSON(nil))
	}
	rows, err := db.Query(`SELECT settings->'newer'->>'a', settings->>'logLevel' FROM pod_runtime_settings`)
	if err != nil || len(rows) != 1 || rows[0][0] != "1" || rows[0][1] != "error" {
		t.Fatalf("stored row %v (%v), want the newer key kept beside logLevel error", rows, err)
	}
}
