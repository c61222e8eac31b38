// Package endpoints has two endpoints whose methods concatenate to the
// same server names: Foo + BarBaz and FooBar + Baz.
package endpoints

import "example.com/app/out/pod"

// FooEndpoint is served as "foo".
type FooEndpoint struct{}

// BarBaz is POST /foo/barBaz.
func (e *FooEndpoint) BarBaz(s *pod.Session, x int64) (int64, error) { return x, nil }

// FooBarEndpoint is served as "fooBar".
type FooBarEndpoint struct{}

// Baz is POST /fooBar/baz.
func (e *FooBarEndpoint) Baz(s *pod.Session, x int64) (int64, error) { return x, nil }
