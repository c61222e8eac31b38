package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"example.com/rich/out/pod"
	"example.com/rich/out/server"
)

// hardServer is an in-process server on a fresh database, with the typed
// database layer for looking at what was stored.
func hardServer(t *testing.T, configure func(*pod.Config)) (*httptest.Server, *pod.DB) {
	t.Helper()
	rt := testRuntime(t, freshDatabase(t), configure)
	ts := httptest.NewServer(server.New(rt).Handler())
	t.Cleanup(ts.Close)
	return ts, pod.NewDB(context.Background(), rt.DB)
}

func companyBody(founded, name string) []byte {
	return []byte(`{"c":{"name":` + name + `,"foundedDate":` + founded + `,"numEmployees":3,` +
		`"headquarters":{"street":"s","city":"c","country":"x"},"offices":[],"tags":[],"status":"active","password":"from-the-wire"}}`)
}

func countCompanies(t *testing.T, db *pod.DB) int64 {
	t.Helper()
	n, err := db.Company.Count(nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A date that leaves years 0001-9999 in UTC, or a NUL in a string, is a
// 400 naming the field, and nothing is stored.
func TestHardeningBadValuesStoreNothing(t *testing.T) {
	ts, db := hardServer(t, nil)
	for _, tt := range []struct {
		name, founded, companyName, want string
	}{
		{"year 10000 in UTC", `"9999-12-31T23:30:00-01:00"`, `"Acme"`, `parameter "c.foundedDate": DateTime`},
		{"year 0 in UTC", `"0001-01-01T00:30:00+01:00"`, `"Acme"`, `parameter "c.foundedDate": DateTime`},
		{"NUL", `null`, `"Ac\u0000me"`, `parameter "c.name": text may not contain a NUL`},
	} {
		status, _, body := post(t, "POST", ts.URL+"/store/createCompany", companyBody(tt.founded, tt.companyName))
		var e errorAnswer
		json.Unmarshal(body, &e)
		if status != 400 || e.Error == nil || !strings.Contains(*e.Error, tt.want) {
			t.Errorf("%s: %d %s, want 400 with %q", tt.name, status, body, tt.want)
		}
	}
	if n := countCompanies(t, db); n != 0 {
		t.Errorf("%d companies stored, want none", n)
	}
}

// A client cannot set server-only fields, at any depth: they are skipped
// like unknown keys.
func TestHardeningNoMassAssignment(t *testing.T) {
	ts, db := hardServer(t, nil)
	status, _, body := post(t, "POST", ts.URL+"/store/createCompany", companyBody("null", `"Acme"`))
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var created struct{ ID int64 }
	json.Unmarshal(body, &created)
	c, err := db.Company.FindByID(created.ID)
	if err != nil || c == nil || c.Password != "" {
		t.Errorf("stored %+v, %v: the wire set a server-only field", c, err)
	}
	status, _, body = post(t, "POST", ts.URL+"/store/createVault",
		[]byte(`{"v":{"owner":"o","secret":{"label":"l","key":"from-the-wire"},"spares":[{"label":"m","key":"x"}]}}`))
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	id, _ := strconv.ParseInt(string(body), 10, 64)
	v, err := db.Vault.FindByID(id)
	if err != nil || v == nil || v.Secret.Key != "set-by-server" || v.Spares[0].Key != "" {
		t.Errorf("stored %+v, %v: the wire set a nested server-only field", v, err)
	}
}

// A page on another origin cannot make a browser call the API: the call is
// refused before the endpoint runs. Listed origins get CORS headers.
func TestHardeningCrossSiteRequests(t *testing.T) {
	ts, db := hardServer(t, func(c *pod.Config) {
		c.APIServer.AllowedOrigins = []string{"https://app.example.com"}
	})
	send := func(origin, contentType string) (int, http.Header) {
		req, _ := http.NewRequest("POST", ts.URL+"/store/createCompany", bytes.NewReader(companyBody("null", `"Acme"`)))
		req.Header.Set("Content-Type", contentType)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, res.Header
	}
	if status, _ := send("https://evil.example", "text/plain"); status != 403 {
		t.Errorf("foreign origin: %d, want 403", status)
	}
	if n := countCompanies(t, db); n != 0 {
		t.Fatalf("the endpoint ran for a foreign origin: %d stored", n)
	}
	if status, h := send("https://app.example.com", "application/json"); status != 200 ||
		h.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("listed origin: %d %v", status, h)
	}
	if status, _ := send(ts.URL, "application/json"); status != 200 {
		t.Errorf("own origin: %d", status)
	}
	if status, _ := send("", "text/plain"); status != 200 {
		t.Errorf("no origin: %d", status)
	}
}

// rssHighWater reads the peak resident set of a process, in bytes.
func rssHighWater(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/pid/status")
	return 0
}

// 64 concurrent 1 MiB bodies of `[{},{},…]`, each a map when decoded into
// a List<Map<String,…>>, keep the server's peak RSS under 300 MB: decoding
// stops at its bound (413) or when the calls in flight hold the memory
// pool (503 with Retry-After). Before the bounds such a round took a
// server to 2.4 GB.
func TestHardeningDecodeAmplification(t *testing.T) {
	p := startServer(t, t.TempDir(), nil)
	body := []byte(`{"v":[` + strings.Repeat(`{},`, (1<<20-20)/3) + `{}]}`)
	statuses := map[int]int{}
	var mu sync.Mutex
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		for i := 0; i < 64; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := http.Post(p.url+"/types/nested", "application/json", bytes.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				mu.Lock()
				statuses[res.StatusCode]++
				mu.Unlock()
				if res.StatusCode == 503 && res.Header.Get("Retry-After") == "" {
					t.Error("503 without Retry-After")
				}
			}()
		}
		wg.Wait()
	}
	peak := rssHighWater(t, p.cmd.Process.Pid)
	t.Logf("64 concurrent 1 MiB bodies x 3 rounds: statuses %v, peak RSS %d MB", statuses, peak>>20)
	if statuses[200] > 0 || statuses[413]+statuses[503] != 192 {
		t.Errorf("statuses %v: every call should be refused (413 or 503)", statuses)
	}
	if peak >= 300<<20 {
		t.Errorf("peak RSS %d MB, goal < 300 MB", peak>>20)
	}
	assertAlive(t, p)
}
