package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// Option configures a Client; pass options to New.
type Option func(*caller)

// WithAuthKey makes every call send the key as "Authorization: Bearer <key>";
// an empty key sends no Authorization header.
func WithAuthKey(key string) Option {
	return func(c *caller) {
		c.auth = ""
		if key != "" {
			c.auth = "Bearer " + key
		}
	}
}

// WithHTTPClient makes calls go through hc instead of http.DefaultClient,
// e.g. to set timeouts, a proxy or TLS settings.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *caller) { c.hc = hc }
}

// exception is what every generated exception type implements.
type exception interface {
	error
	UnmarshalJSON(data []byte) error
}

// caller is the transport that every endpoint of a Client shares: it posts
// an encoded parameter object and hands the answer to a decoder.
type caller struct {
	base string // base URL, ending in "/"
	hc   *http.Client
	auth string // Authorization header value, "" for none
	// newException returns a zero exception for a class name sent by the
	// server, nil for names that are not exceptions of this app.
	newException func(class string) exception
}

func newCaller(baseURL string, newException func(string) exception, opts []Option) *caller {
	if !strings.HasSuffix(baseURL, "/") {
		baseURL += "/"
	}
	c := &caller{base: baseURL, hc: http.DefaultClient, newException: newException}
	for _, o := range opts {
		o(c)
	}
	return c
}

// requests and responses recycle bodies between calls, so that a steady
// stream of calls does not allocate a new body each time.
var (
	requests  = sync.Pool{New: func() any { return new([]byte) }}
	responses = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// maxPooled keeps huge one-off bodies out of the pools.
const maxPooled = 1 << 20

func putRequest(p *[]byte, b []byte) {
	if cap(b) <= maxPooled {
		*p = b[:0]
		requests.Put(p)
	}
}

func putResponse(b *bytes.Buffer) {
	if b.Cap() <= maxPooled {
		b.Reset()
		responses.Put(b)
	}
}

// call posts the JSON object that encode appends to path ("example/hello")
// and gives the body of a 200 answer to decode. The bytes given to decode
// are reused once it returns: decoders must copy what they keep. Any other
// answer becomes the matching exception or an *Error.
func (c *caller) call(ctx context.Context, path string,
	encode func(b []byte) ([]byte, error), decode func(data []byte) error) error {
	p := requests.Get().(*[]byte)
	body, err := encode(*p)
	if err != nil {
		putRequest(p, body)
		return &Error{Message: "encoding parameters: " + err.Error(), cause: err}
	}
	sent := &sentBody{data: body}
	defer func() {
		if sent.open.Load() == 0 { // else the transport may still read it
			putRequest(p, body)
		}
	}()
	resp := responses.Get().(*bytes.Buffer)
	defer putResponse(resp)
	status, err := c.post(ctx, path, sent, resp)
	if err != nil {
		return &Error{StatusCode: status, Message: err.Error(), cause: err}
	}
	if status != http.StatusOK {
		return c.failure(status, resp.Bytes())
	}
	if err := decode(resp.Bytes()); err != nil {
		return &Error{StatusCode: status, Message: "decoding result: " + err.Error(), cause: err}
	}
	return nil
}

// post sends body and reads the whole answer into resp.
func (c *caller) post(ctx context.Context, path string, body *sentBody, resp *bytes.Buffer) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, body.reader())
	if err != nil {
		body.open.Add(-1) // never handed to the transport
		return 0, err
	}
	req.ContentLength = int64(len(body.data))
	req.GetBody = func() (io.ReadCloser, error) { return body.reader(), nil } // for 307/308
	req.Header.Set("Content-Type", "application/json")
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	r, err := c.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer r.Body.Close()
	if _, err := resp.ReadFrom(r.Body); err != nil {
		return r.StatusCode, err
	}
	return r.StatusCode, nil
}

// sentBody is a pooled request body and the count of its readers that the
// transport has not closed yet. The transport may keep reading a body after
// Do returns (when the server answers before reading all of it, as with a
// 413), so the buffer only goes back to the pool once every reader is
// closed; otherwise it is left to the garbage collector.
type sentBody struct {
	data []byte
	open atomic.Int32
}

func (s *sentBody) reader() io.ReadCloser {
	s.open.Add(1)
	r := &bodyReader{sent: s}
	r.Reset(s.data)
	return r
}

// bodyReader reads a sentBody and counts itself out when closed.
type bodyReader struct {
	bytes.Reader
	sent   *sentBody
	closed atomic.Bool
}

// Close marks the reader done; the transport may call it more than once.
func (r *bodyReader) Close() error {
	if !r.closed.Swap(true) {
		r.sent.open.Add(-1)
	}
	return nil
}

// member appends key (`"name":`) for the next member of the object that
// starts at b[start], after a comma unless it is the first. Generated
// encoders use it where earlier parameters were optional and left out.
func member(b []byte, start int, key string) []byte {
	if len(b) > start+1 {
		b = append(b, ',')
	}
	return append(b, key...)
}

// envelope is the body of every non-200 answer (SPEC §8).
type envelope struct {
	Error string          `json:"error"`
	Class string          `json:"class"`
	Data  json.RawMessage `json:"data"`
}

// failure turns a non-200 answer into the app's exception named by its
// class, or else into an *Error carrying the server's message. Errors are
// the slow path, so the envelope is read with encoding/json.
func (c *caller) failure(status int, body []byte) error {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Error == "" {
		return &Error{StatusCode: status, Message: fallbackMessage(status, body)}
	}
	if env.Class == "" || c.newException == nil {
		return &Error{StatusCode: status, Message: env.Error}
	}
	exc := c.newException(env.Class)
	if exc == nil {
		return &Error{StatusCode: status, Message: env.Error}
	}
	data := []byte(env.Data)
	if len(data) == 0 || string(data) == "null" {
		data = []byte("{}")
	}
	if err := exc.UnmarshalJSON(data); err != nil {
		return &Error{StatusCode: status, Message: "decoding " + env.Class + ": " + err.Error(), cause: err}
	}
	return exc
}

// fallbackMessage describes an answer that is not a JSON error envelope
// (a proxy's HTML page, say): its status text, and the start of its body.
func fallbackMessage(status int, body []byte) string {
	msg := http.StatusText(status)
	if msg == "" {
		msg = "unexpected answer"
	}
	const max = 200
	text := strings.TrimSpace(string(body[:min(len(body), max)]))
	if text != "" {
		msg += ": " + text
	}
	return msg
}
