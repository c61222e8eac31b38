package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// notFound stands in for a generated exception.
type notFound struct{ ID int64 }

func (e *notFound) Error() string { return "not found" }

func (e *notFound) UnmarshalJSON(b []byte) error {
	var v struct {
		ID *int64 `json:"id"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.ID == nil {
		return errors.New(`missing field "id"`)
	}
	e.ID = *v.ID
	return nil
}

func exceptions(class string) exception {
	if class == "NotFound" {
		return new(notFound)
	}
	return nil
}

// seen is what the test server received.
type seen struct {
	method, path, auth, contentType, body string
}

// serve starts a server that records the request and answers status/body.
func serve(t *testing.T, status int, body string) (*httptest.Server, *seen) {
	t.Helper()
	s := new(seen)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*s = seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b)}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, s
}

func encodeConst(s string) func([]byte) ([]byte, error) {
	return func(b []byte) ([]byte, error) { return append(b, s...), nil }
}

func keep(dst *string) func([]byte) error {
	return func(b []byte) error { *dst = string(b); return nil }
}

func TestCallSendsRequestAndDecodesResult(t *testing.T) {
	srv, s := serve(t, 200, `"Hello World"`)
	c := newCaller(srv.URL, exceptions, []Option{WithAuthKey("k1")}) // no trailing slash
	var got string
	if err := c.call(context.Background(), "example/hello", encodeConst(`{"name":"World"}`), keep(&got)); err != nil {
		t.Fatal(err)
	}
	want := seen{"POST", "/example/hello", "Bearer k1", "application/json", `{"name":"World"}`}
	if *s != want {
		t.Errorf("server saw %+v, want %+v", *s, want)
	}
	if got != `"Hello World"` {
		t.Errorf("decoded %q", got)
	}
}

func TestCallWithoutAuthKeySendsNoHeader(t *testing.T) {
	srv, s := serve(t, 200, `null`)
	c := newCaller(srv.URL+"/", nil, []Option{WithAuthKey("k"), WithAuthKey("")}) // the last wins
	if err := c.call(context.Background(), "a/b", encodeConst(`{}`), keep(new(string))); err != nil {
		t.Fatal(err)
	}
	if s.auth != "" || s.path != "/a/b" {
		t.Errorf("server saw %+v", *s)
	}
}

func TestCallErrors(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		wantStatus int
		wantMsg    string
	}{
		{"server message", `{"error":"unknown endpoint \"x\""}`, 404, 404, `unknown endpoint "x"`},
		{"internal error keeps no details", `{"error":"internal server error","requestId":"r1"}`, 500, 500, "internal server error"},
		{"unknown class", `{"error":"boom","class":"Other","data":{}}`, 400, 400, "boom"},
		{"not json", `<html>bad gateway</html>`, 502, 502, "Bad Gateway: <html>bad gateway</html>"},
		{"empty body", ``, 503, 503, "Service Unavailable"},
		{"bad exception data", `{"error":"nf","class":"NotFound","data":{"id":"x"}}`, 400, 400, "decoding NotFound: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serve(t, tt.status, tt.body)
			c := newCaller(srv.URL, exceptions, nil)
			err := c.call(context.Background(), "a/b", encodeConst(`{}`), keep(new(string)))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %T %v, want *Error", err, err)
			}
			if ce.StatusCode != tt.wantStatus || !strings.HasPrefix(ce.Message, tt.wantMsg) {
				t.Errorf("got %d %q, want %d %q", ce.StatusCode, ce.Message, tt.wantStatus, tt.wantMsg)
			}
		})
	}
}

func TestCallDecodesException(t *testing.T) {
	srv, _ := serve(t, 400, `{"error":"not found","class":"NotFound","data":{"id":42}}`)
	c := newCaller(srv.URL, exceptions, nil)
	err := c.call(context.Background(), "a/b", encodeConst(`{}`), keep(new(string)))
	var nf *notFound
	if !errors.As(err, &nf) || nf.ID != 42 {
		t.Fatalf("got %T %v, want *notFound{42}", err, err)
	}
}

func TestCallTransportFailure(t *testing.T) {
	srv, _ := serve(t, 200, `null`)
	url := srv.URL
	srv.Close()
	err := newCaller(url, nil, nil).call(context.Background(), "a/b", encodeConst(`{}`), keep(new(string)))
	var ce *Error
	if !errors.As(err, &ce) || ce.StatusCode != 0 || ce.Message == "" {
		t.Fatalf("got %T %v, want *Error with status 0", err, err)
	}
}

func TestCallCancelledContext(t *testing.T) {
	srv, _ := serve(t, 200, `null`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := newCaller(srv.URL, nil, nil).call(ctx, "a/b", encodeConst(`{}`), keep(new(string)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestCallEncodeAndDecodeFailures(t *testing.T) {
	srv, s := serve(t, 200, `{}`)
	c := newCaller(srv.URL, nil, nil)
	bad := errors.New("double is NaN")
	err := c.call(context.Background(), "a/b",
		func(b []byte) ([]byte, error) { return b, bad }, keep(new(string)))
	var ce *Error
	if !errors.As(err, &ce) || ce.StatusCode != 0 || !errors.Is(err, bad) {
		t.Fatalf("encode failure: got %v", err)
	}
	if s.method != "" {
		t.Error("a request was sent although encoding failed")
	}
	err = c.call(context.Background(), "a/b", encodeConst(`{}`), func([]byte) error { return bad })
	if !errors.As(err, &ce) || ce.StatusCode != 200 || ce.Message != "decoding result: double is NaN" {
		t.Fatalf("decode failure: got %v", err)
	}
}

// countingTransport proves WithHTTPClient's client is the one used.
type countingTransport struct{ n int }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n++
	return http.DefaultTransport.RoundTrip(r)
}

func TestWithHTTPClient(t *testing.T) {
	srv, _ := serve(t, 200, `null`)
	ct := new(countingTransport)
	c := newCaller(srv.URL, nil, []Option{WithHTTPClient(&http.Client{Transport: ct})})
	if err := c.call(context.Background(), "a/b", encodeConst(`{}`), keep(new(string))); err != nil {
		t.Fatal(err)
	}
	if ct.n != 1 {
		t.Errorf("custom client used %d times, want 1", ct.n)
	}
}

func TestErrorString(t *testing.T) {
	if got := (&Error{StatusCode: 404, Message: "no"}).Error(); got != "status 404: no" {
		t.Errorf("got %q", got)
	}
	if got := (&Error{Message: "dial tcp: refused"}).Error(); got != "dial tcp: refused" {
		t.Errorf("got %q", got)
	}
}

func BenchmarkCall(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `"Hello World"`)
	}))
	defer srv.Close()
	c := newCaller(srv.URL, nil, nil)
	enc := encodeConst(`{"name":"World"}`)
	dec := func([]byte) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		if err := c.call(context.Background(), "example/hello", enc, dec); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMember(t *testing.T) {
	b := []byte("x{")
	b = member(b, 1, `"a":`)
	b = append(b, '1')
	b = member(b, 1, `"b":`)
	if got := string(b); got != `x{"a":1,"b":` {
		t.Errorf("got %s", got)
	}
}

// TestCallConcurrent runs calls from many goroutines (run it with -race):
// pooled buffers must never mix one call's body into another's.
func TestCallConcurrent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body) // all of it first: HTTP/1 stops reading once w is written
		w.Write(b)
	}))
	defer srv.Close()
	c := newCaller(srv.URL, nil, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for g := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				want := fmt.Sprintf(`{"g":%d,"i":%d,"pad":%q}`, g, i, strings.Repeat("x", g*100))
				var got string
				if err := c.call(context.Background(), "a/b", encodeConst(want), keep(&got)); err != nil {
					errs <- err
					return
				}
				if got != want {
					errs <- fmt.Errorf("got %d bytes %.60q, want %d bytes %.60q", len(got), got[max(0, len(got)-60):], len(want), want[max(0, len(want)-60):])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestCallEarlyAnswer: a server that answers 413 before reading the body
// gives an *Error, and the next call on the same client still works.
func TestCallEarlyAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			io.WriteString(w, `{"error":"request body over 1048576 bytes"}`)
			return
		}
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	defer srv.Close()
	c := newCaller(srv.URL, nil, nil)
	big := `"` + strings.Repeat("y", 4<<20) + `"`
	for i := range 5 {
		err := c.call(context.Background(), "big", encodeConst(big), keep(new(string)))
		var ce *Error
		if !errors.As(err, &ce) || ce.StatusCode != 413 {
			t.Fatalf("big body: got %v, want a 413 *Error", err)
		}
		want := fmt.Sprintf(`{"i":%d}`, i)
		var got string
		if err := c.call(context.Background(), "echo", encodeConst(want), keep(&got)); err != nil || got != want {
			t.Fatalf("after a 413: got %q, %v; want %q", got, err, want)
		}
	}
}

// lazyTransport answers 200 without reading or closing the request body,
// as a transport still sending it after the answer would.
type lazyTransport struct{ body io.ReadCloser }

func (l *lazyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	l.body = r.Body
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("null"))}, nil
}

// TestCallKeepsUnclosedBody: a body the transport has not closed when Do
// returns must not go back to the pool, where the next call would
// overwrite it under the transport's feet.
func TestCallKeepsUnclosedBody(t *testing.T) {
	lazy := new(lazyTransport)
	c := newCaller("http://example.invalid/", nil, []Option{WithHTTPClient(&http.Client{Transport: lazy})})
	first := strings.Repeat("A", 1000)
	if err := c.call(context.Background(), "a/b", encodeConst(first), keep(new(string))); err != nil {
		t.Fatal(err)
	}
	srv, _ := serve(t, 200, "null")
	next := newCaller(srv.URL, nil, nil)
	for range 10 { // would take the first body's buffer from the pool
		if err := next.call(context.Background(), "a/b", encodeConst(strings.Repeat("B", 1000)), keep(new(string))); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := io.ReadAll(lazy.body)
	if string(got) != first {
		t.Errorf("the unclosed body changed to %.20q...", got)
	}
}
