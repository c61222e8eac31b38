package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// errorAnswer is the JSON error body of SPEC §8.
type errorAnswer struct {
	Error     *string         `json:"error"`
	Class     *string         `json:"class"`
	Data      json.RawMessage `json:"data"`
	RequestID string          `json:"requestId"`
}

// post sends body to the server raw and returns the status, headers and body.
func post(t *testing.T, method, url string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, got
}

func nested(depth int) []byte {
	return []byte(`{"v":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`)
}

// TestServerBadInput sends malformed requests over raw HTTP: each gets its
// status and a JSON error, and the server still answers afterwards.
func TestServerBadInput(t *testing.T) {
	p := startServer(t, t.TempDir(), nil)
	tests := []struct {
		name, method, path string
		body               []byte
		status             int
		msgHas             []string
	}{
		{"malformed JSON", "POST", "/types/int", []byte(`{"v":`), 400, nil},
		{"not an object", "POST", "/types/int", []byte(`[1]`), 400, nil},
		{"trailing data", "POST", "/types/int", []byte(`{"v":1} {}`), 400, nil},
		{"wrong type", "POST", "/types/int", []byte(`{"v":"seven"}`), 400, []string{`parameter "v"`, "int"}},
		{"fraction for int", "POST", "/types/int", []byte(`{"v":1.5}`), 400, []string{`"v"`}},
		{"wrong type in list", "POST", "/types/list", []byte(`{"v":[1,"x"]}`), 400, []string{`"v`}},
		{"missing parameter", "POST", "/types/mixed", []byte(`{"id":1}`), 400, []string{`parameter "role"`}},
		{"missing body", "POST", "/types/int", nil, 400, []string{`parameter "v"`}},
		{"null for required", "POST", "/types/int", []byte(`{"v":null}`), 400, []string{`"v"`}},
		{"unknown endpoint", "POST", "/nope/int", []byte(`{}`), 404, []string{`unknown endpoint "nope"`}},
		{"unknown method", "POST", "/types/nope", []byte(`{}`), 404, []string{`endpoint "types" has no method "nope"`}},
		{"GET", "GET", "/types/int", nil, 405, []string{"POST"}},
		{"PUT", "PUT", "/types/int", []byte(`{"v":1}`), 405, []string{"POST"}},
		{"2 MB body", "POST", "/types/string", []byte(`{"v":"` + strings.Repeat("x", 2<<20) + `"}`), 413, []string{"1048576"}},
		{"100,000-deep nesting", "POST", "/types/list", nested(100000), 400, nil},
		{"deep nesting in an ignored key", "POST", "/types/int", []byte(`{"x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `,"v":1}`), 400, nil},
		{"unknown enum value", "POST", "/types/enum", []byte(`{"v":"bogus"}`), 400, []string{`"v"`, "bogus"}},
		{"NaN literal", "POST", "/types/double", []byte(`{"v":NaN}`), 400, nil},
		{"huge number", "POST", "/types/int", []byte(`{"v":9223372036854775808}`), 400, []string{`"v"`}},
		{"bad date", "POST", "/types/dateTime", []byte(`{"v":"yesterday"}`), 400, []string{`"v"`}},
		{"bad uuid", "POST", "/types/uuid", []byte(`{"v":"not-a-uuid"}`), 400, []string{`"v"`}},
		{"bad base64", "POST", "/types/byteData", []byte(`{"v":"!!"}`), 400, []string{`"v"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := post(t, tt.method, p.url+tt.path, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d; body %.300s", status, tt.status, body)
			}
			var e errorAnswer
			if err := json.Unmarshal(body, &e); err != nil || e.Error == nil {
				t.Fatalf("body %.300q is not a JSON error: %v", body, err)
			}
			if h.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", h.Get("Content-Type"))
			}
			if status == 405 && h.Get("Allow") != "POST" {
				t.Errorf("Allow %q, want POST", h.Get("Allow"))
			}
			for _, want := range tt.msgHas {
				if !strings.Contains(*e.Error, want) {
					t.Errorf("message %q lacks %q", *e.Error, want)
				}
			}
			assertAlive(t, p)
		})
	}
}

// assertAlive makes one good call.
func assertAlive(t *testing.T, p *serverProc) {
	t.Helper()
	status, _, body := post(t, "POST", p.url+"/types/string", []byte(`{"v":"still here"}`))
	if status != 200 || string(body) != `"still here"` {
		t.Fatalf("server no longer answers: %d %s", status, body)
	}
}

// TestServerInvalidUTF8 sends a string that is not UTF-8: the answer is
// valid JSON and valid UTF-8 whatever the decoder makes of it.
func TestServerInvalidUTF8(t *testing.T) {
	p := startServer(t, t.TempDir(), nil)
	status, _, body := post(t, "POST", p.url+"/types/string", []byte("{\"v\":\"a\xffb\"}"))
	if !utf8.Valid(body) || !json.Valid(body) {
		t.Fatalf("answer %d %q is not valid UTF-8 JSON", status, body)
	}
	if status != 200 && status != 400 {
		t.Fatalf("status %d: %s", status, body)
	}
	assertAlive(t, p)
}

// TestServerAnswers covers the good paths and the error classes.
func TestServerAnswers(t *testing.T) {
	p := startServer(t, t.TempDir(), nil)
	tests := []struct {
		path, body string
		status     int
		want       string // the whole body for 200, the class otherwise
		data       string
	}{
		{"/types/mixed", `{"id":1,"role":"manager"}`, 200, `"<nil>/manager"`, ""},
		{"/types/mixed", `{"id":1,"name":null,"tags":null,"role":"designer","extra":[1,{"a":2}]}`, 200, `"<nil>/designer"`, ""},
		{"/types/mixed", `{"role":"engineer","name":"Ann","id":2}`, 200, `"Ann/engineer"`, ""},
		{"/types/intOpt", `{}`, 200, `null`, ""},
		{"/types/intOpt", `{"v":9223372036854775807}`, 200, `9223372036854775807`, ""},
		{"/calls/nothing", ``, 200, `null`, ""},
		{"/calls/nothing", `{}`, 200, `null`, ""},
		{"/calls/notFound", `{"id":42}`, 400, "NotFound", `{"id":42}`},
		{"/calls/invalid", `{"field":"name"}`, 400, "InvalidInput", `{"field":"name","reason":"not acceptable"}`},
	}
	for _, tt := range tests {
		status, _, body := post(t, "POST", p.url+tt.path, []byte(tt.body))
		if status != tt.status {
			t.Errorf("%s %s: status %d, want %d: %s", tt.path, tt.body, status, tt.status, body)
			continue
		}
		if status == 200 {
			// Compared as JSON: "<" may travel as \u003c, as encoding/json writes it.
			var got, want any
			if json.Unmarshal(body, &got) != nil || json.Unmarshal([]byte(tt.want), &want) != nil ||
				mustJSON(got) != mustJSON(want) {
				t.Errorf("%s %s: got %s, want %s", tt.path, tt.body, body, tt.want)
			}
			continue
		}
		var e errorAnswer
		if err := json.Unmarshal(body, &e); err != nil || e.Class == nil || *e.Class != tt.want {
			t.Errorf("%s: got %s, want class %s", tt.path, body, tt.want)
			continue
		}
		var got, want any
		json.Unmarshal(e.Data, &got)
		json.Unmarshal([]byte(tt.data), &want)
		if gb, _ := json.Marshal(got); string(gb) != mustJSON(want) {
			t.Errorf("%s: data %s, want %s", tt.path, e.Data, tt.data)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestServerInternalErrors: an error or a panic is a 500 with a request id
// and no details; the details and the id are in the server log.
func TestServerInternalErrors(t *testing.T) {
	p := startServer(t, t.TempDir(), nil)
	for _, path := range []string{"/calls/internal", "/calls/panic"} {
		status, _, body := post(t, "POST", p.url+path, []byte(`{}`))
		var e errorAnswer
		if err := json.Unmarshal(body, &e); err != nil || status != 500 || e.Error == nil {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		if strings.Contains(string(body), "secret") || e.RequestID == "" {
			t.Errorf("%s: body %s leaks details or lacks a request id", path, body)
		}
		// The log line reaches us through a pipe, shortly after the answer.
		logged := func(log string) bool { return strings.Contains(log, e.RequestID) && strings.Contains(log, "secret") }
		log := p.stderr.String()
		for deadline := time.Now().Add(5 * time.Second); !logged(log) && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
			log = p.stderr.String()
		}
		if !logged(log) {
			t.Errorf("%s: log lacks the request id %q and the details:\n%s", path, e.RequestID, log)
		}
		assertAlive(t, p)
	}
}
