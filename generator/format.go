package generator

import (
	"bytes"
	"sync"
)

// formatter runs gofmt once per distinct file body within one Generate.
// The pod and client copies of a model without server-only fields render
// to the same Go but for their package clause, and formatting is most of a
// build's cost; the second copy reuses the first's result.
type formatter struct {
	mu   sync.Mutex
	done map[string]*formatted
}

// formatted is one body's result; ready closes when out and err are set.
type formatted struct {
	ready chan struct{}
	pkg   string
	out   []byte
	err   error
}

func newFormatter() *formatter { return &formatter{done: map[string]*formatted{}} }

// format gofmts src, reusing an earlier result for the same body in
// another package.
func (f *formatter) format(src []byte) ([]byte, error) {
	pkg, key, ok := splitPackage(src)
	if !ok {
		return gofmt(src) // no package clause of ours: let gofmt report it
	}
	f.mu.Lock()
	r, seen := f.done[key]
	if !seen {
		r = &formatted{ready: make(chan struct{}), pkg: pkg}
		f.done[key] = r
	}
	f.mu.Unlock()
	if !seen {
		r.out, r.err = gofmt(src)
		close(r.ready)
		return r.out, r.err
	}
	<-r.ready
	if r.err != nil || r.pkg == pkg {
		return r.out, r.err
	}
	return renamePackage(r.out, r.pkg, pkg), nil
}

// splitPackage finds the "package name" line of src and returns the name
// and src with the name blanked out.
func splitPackage(src []byte) (pkg, key string, ok bool) {
	i := packageLine(src)
	if i < 0 {
		return "", "", false
	}
	rest := src[i+len("package "):]
	end := bytes.IndexByte(rest, '\n')
	if end < 0 {
		return "", "", false
	}
	pkg = string(rest[:end])
	return pkg, string(src[:i]) + "package _" + string(rest[end:]), true
}

// packageLine is the offset of the first line that starts with "package ".
func packageLine(src []byte) int {
	if bytes.HasPrefix(src, []byte("package ")) {
		return 0
	}
	if i := bytes.Index(src, []byte("\npackage ")); i >= 0 {
		return i + 1
	}
	return -1
}

// renamePackage replaces the package clause of formatted Go source.
func renamePackage(src []byte, from, to string) []byte {
	i := packageLine(src)
	out := make([]byte, 0, len(src)+len(to)-len(from))
	out = append(out, src[:i]...)
	out = append(out, "package "+to...)
	return append(out, src[i+len("package ")+len(from):]...)
}
