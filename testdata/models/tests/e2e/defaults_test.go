package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"example.com/models/out/client"
	"example.com/models/out/pod"
	"example.com/models/out/server"
)

// newInProcess serves the generated handler with httptest (no database:
// these tests are about the wire).
func newInProcess(t testing.TB) *httptest.Server {
	rt := &pod.Runtime{Config: pod.DefaultConfig("test", "models"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ts := httptest.NewServer(server.New(rt).Handler())
	t.Cleanup(ts.Close)
	return ts
}

var fixedToken = client.UUID{0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00}

// checkDefaults checks the model defaults of a client.Defaults.
func checkDefaults(t *testing.T, what string, d *client.Defaults, from time.Time) {
	t.Helper()
	if d.Count != 42 || d.Ratio != 1.5 || !d.Enabled || d.Greeting != "hello, world" || d.Quoted != "it's" ||
		d.Status != client.DefaultStatusArchived || d.Timeout != 94230100*time.Millisecond ||
		!d.Since.Equal(time.Date(2024, 5, 1, 22, 0, 0, 0, time.UTC)) || d.FixedToken != fixedToken ||
		d.Maybe == nil || *d.Maybe != 3 || d.DbCount != nil || d.Plain != nil {
		t.Errorf("%s: model defaults not applied: %+v", what, d)
	}
	if d.Token[6]>>4 != 4 {
		t.Errorf("%s: token %s, want a random (version 4) UUID", what, d.Token)
	}
	if d.Created.Before(from) || d.Created.After(time.Now().Add(time.Second)) {
		t.Errorf("%s: created %v, want about now (after %v)", what, d.Created, from)
	}
}

// TestServerAppliesDefaultsToAbsentKeys posts a Defaults with no keys at
// all: the server decodes it with every model default, and sends them back.
func TestServerAppliesDefaultsToAbsentKeys(t *testing.T) {
	ts := newInProcess(t)
	from := time.Now().UTC()
	res, err := http.Post(ts.URL+"/models/echoDefaults", "application/json", bytes.NewReader([]byte(`{"d":{}}`)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("echoDefaults({}): %d %s", res.StatusCode, body)
	}
	var d client.Defaults
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	checkDefaults(t, "server decoding {}", &d, from)

	// A required field without a default is still required.
	res, err = http.Post(ts.URL+"/models/echoPlain", "application/json", bytes.NewReader([]byte(`{"p":{}}`)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Errorf("echoPlain({}) = %d, want 400 (name is required)", res.StatusCode)
	}
}

// TestClientDefaults: client.NewDefaults and the client's decoder apply
// the model defaults too, the server's pod.NewDefaults reaches the client,
// and a UUID id travels as it is.
func TestClientDefaults(t *testing.T) {
	ts := newInProcess(t)
	c := client.New(ts.URL + "/")
	ctx := context.Background()
	from := time.Now().UTC()

	checkDefaults(t, "client.NewDefaults", client.NewDefaults(), from)
	var d client.Defaults
	if err := json.Unmarshal([]byte(`{"count":5}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.Count != 5 || d.Greeting != "hello, world" || d.Maybe == nil || *d.Maybe != 3 {
		t.Errorf("client decoding {\"count\":5}: %+v", d)
	}
	if s := client.NewSettings(); s.Retries != 3 || s.Mode == nil || *s.Mode != "fast" {
		t.Errorf("client.NewSettings() = %+v", s)
	}

	n := client.NewDefaults()
	n.Count, n.Maybe = 9, nil
	got, err := c.Models.EchoDefaults(ctx, *n)
	if err != nil {
		t.Fatal(err)
	}
	if got.Count != 9 || got.Maybe != nil || got.Token != n.Token {
		t.Errorf("EchoDefaults kept what was sent? count %d, maybe %v, token %s (sent %s)", got.Count, got.Maybe, got.Token, n.Token)
	}

	fromServer, err := c.Models.NewDefaults(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkDefaults(t, "pod.NewDefaults on the server", &fromServer, from)

	id := client.NewUUIDv7()
	u, err := c.Models.EchoUuidKeyed(ctx, client.UuidKeyed{ID: id, Name: "u"})
	if err != nil || u.ID != id || u.Name != "u" {
		t.Errorf("EchoUuidKeyed = %+v, %v; want id %s", u, err, id)
	}
	res, err := http.Post(ts.URL+"/models/echoUuidKeyed", "application/json",
		bytes.NewReader([]byte(`{"u":{"id":"`+id.String()+`","name":"w"}}`)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := `{"id":"` + id.String() + `","name":"w","score":null}`; res.StatusCode != 200 || string(body) != want {
		t.Errorf("echoUuidKeyed: %d %s, want %s", res.StatusCode, body, want)
	}
}
