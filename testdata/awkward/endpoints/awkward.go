// Package endpoints holds endpoints whose parameter names are the locals
// that generated code likes to use, and types named like Go keywords.
package endpoints

import (
	"time"

	"example.com/awkward/out/pod"
)

// HTTPServiceEndpoint is served as "hTTPService": initialisms in its name.
type HTTPServiceEndpoint struct{}

// Locals takes parameters named like the generated handler's locals and
// returns them joined, so a mix-up shows.
func (e *HTTPServiceEndpoint) Locals(s *pod.Session, err string, ctx int64, b []byte, d float64, v *string,
	w bool, r []string, req map[string]int64, buf *time.Duration, c pod.Keyword, p *pod.Keyword,
	res string, key string, ok bool, seen int64) (string, error) {
	out := err + "|" + string(b) + "|" + string(c) + "|" + res + "|" + key
	if v != nil {
		out += "|" + *v
	}
	return out, nil
}

// Keywords echoes the class whose fields are Go keywords.
func (e *HTTPServiceEndpoint) Keywords(s *pod.Session, keywords pod.Keywords) (pod.Keywords, error) {
	return keywords, nil
}

// URLInfo echoes a class of initialisms with nested lists and maps.
func (e *HTTPServiceEndpoint) URLInfo(s *pod.Session, info *pod.URLInfo) (*pod.URLInfo, error) {
	return info, nil
}

// Fail returns the exception with awkward field names.
func (e *HTTPServiceEndpoint) Fail(s *pod.Session, statusCode int64) error {
	return &pod.HTTPError{StatusCode: statusCode, Err: "failed", Type: "awkward"}
}
