package models

import (
	"fmt"
	"net/url"
	"unsafe"
)

// AppendJSONURL appends *u as a JSON string, as u.String() spells it
// (which allocates the text, unless u is empty).
func AppendJSONURL(b []byte, u *url.URL) []byte {
	if *u == (url.URL{}) {
		return append(b, `""`...)
	}
	return AppendJSONString(b, u.String())
}

// URL reads a string into p with url.Parse; a string url.Parse refuses is
// an error.
func (d *JSONDecoder) URL(p *url.URL) error {
	if d.peek() != '"' {
		return d.typeError("Uri")
	}
	s, err := d.readString()
	if err != nil {
		return err
	}
	// url.Parse allocates a URL and its parts (at most the string again,
	// twice where it unescapes).
	d.charge(int64(unsafe.Sizeof(url.URL{})) + 2*int64(len(s)))
	u, err := url.Parse(string(s))
	if err != nil {
		return &JSONError{Msg: fmt.Sprintf("expected Uri, got %q (%v)", s, unwrapURLError(err))}
	}
	*p = *u
	return nil
}

// unwrapURLError is the reason of a url.Parse error without its repetition
// of the input.
func unwrapURLError(err error) error {
	if e, ok := err.(*url.Error); ok {
		return e.Err
	}
	return err
}
