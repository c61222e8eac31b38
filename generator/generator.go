// Package generator turns the validated IR into files on disk: it runs the
// emit table, renders every file in memory, and writes the output folder
// atomically, only when something changed.
//
// Only files that carry podgen's header on their first line belong to
// podgen: they are replaced or removed as the protocol says. Every other
// file in the output folder is the user's and is carried over untouched.
package generator

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/schema"
)

// Generate runs every artifact of emit.Artifacts on p and returns the
// rendered files keyed by their slash-separated path relative to the output
// folder. Jennifer files get the podgen header and are gofmt'd while they
// render; raw files are used as they are and must already carry the header.
// Any failure returns an error and no files.
//
// Artifacts run concurrently (they only read the immutable IR), and each
// file is rendered as soon as its artifact has built it, on at most
// GOMAXPROCS goroutines at a time: rendering (go/format) dominates a build.
func Generate(p *schema.Protocol, o emit.Options) (map[string][]byte, error) {
	arts := emit.Artifacts
	outs := make([]artifactOutput, len(arts))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	fmts := newFormatter()
	var wg sync.WaitGroup
	for i, a := range arts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			files, err := runArtifact(a, p, o)
			<-sem
			outs[i] = artifactOutput{files: files, err: err, data: make([][]byte, len(files)), errs: make([]error, len(files))}
			for j := range files {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					outs[i].data[j], outs[i].errs[j] = render(files[j], fmts)
				}()
			}
		}()
	}
	wg.Wait()
	return collect(arts, outs)
}

// runArtifact calls a.Files, turning a panic (an emitter bug) into an
// error so that the CLI reports it instead of crashing.
func runArtifact(a emit.Artifact, p *schema.Protocol, o emit.Options) (files []emit.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			files, err = nil, fmt.Errorf("emitter panic: %v", r)
		}
	}()
	return a.Files(p, o)
}

// artifactOutput is what one artifact produced and how its files rendered.
type artifactOutput struct {
	files []emit.File
	err   error
	data  [][]byte
	errs  []error
}

// collect checks the outputs in table order, so that the error reported
// does not depend on goroutine scheduling, and builds the file map.
func collect(arts []emit.Artifact, outs []artifactOutput) (map[string][]byte, error) {
	m := make(map[string][]byte)
	owner := make(map[string]string)
	for i, out := range outs {
		name := arts[i].Name
		if out.err != nil {
			return nil, fmt.Errorf("artifact %q: %w", name, out.err)
		}
		for j, f := range out.files {
			if err := checkPath(f.Path); err != nil {
				return nil, fmt.Errorf("artifact %q: %w", name, err)
			}
			if prev, dup := owner[f.Path]; dup {
				return nil, fmt.Errorf("artifact %q: %q is also written by %q", name, f.Path, prev)
			}
			if out.errs[j] != nil {
				return nil, fmt.Errorf("artifact %q: render %s: %w", name, f.Path, out.errs[j])
			}
			owner[f.Path] = name
			m[f.Path] = out.data[j]
		}
	}
	return m, nil
}

// checkPath rejects paths that would escape the output folder or that the
// generator could not write portably; they are emitter bugs.
func checkPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") {
		return fmt.Errorf("invalid output path %q", p)
	}
	for _, el := range strings.Split(p, "/") {
		if el == "" || el == "." || el == ".." {
			return fmt.Errorf("invalid output path %q", p)
		}
	}
	return nil
}

// render produces the bytes of one file.
func render(f emit.File, fmts *formatter) (data []byte, err error) {
	// A jennifer builder that panics is an emitter bug; report it as an
	// error naming the file instead of taking the whole CLI down.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("emitter panic: %v", r)
		}
	}()
	switch {
	case f.Jen != nil && f.Raw != nil:
		return nil, fmt.Errorf("file has both Jen and Raw set")
	case f.Jen != nil:
		f.Jen.HeaderComment(emit.Header)
		f.Jen.NoFormat = true // gofmt below, once per distinct body
		var b bytes.Buffer
		if err := f.Jen.Render(&b); err != nil {
			return nil, err
		}
		out, err := fmts.format(b.Bytes())
		if err != nil {
			return nil, fmt.Errorf("%w (emitter bug: the generated Go does not parse)", err)
		}
		return out, nil
	default:
		if !IsGenerated(f.Raw) {
			return nil, fmt.Errorf("raw file lacks the %q header on its first line", emit.Header)
		}
		return f.Raw, nil
	}
}

// IsGenerated reports whether data starts with podgen's header line, as a
// Go, TypeScript or JavaScript (`//`), SQL (`--`), YAML/shell (`#`), HTML
// (`<!-- -->`) or CSS (`/* */`) comment, or as the first member of a JSON
// object (`{"x-generated": "<header>",`). Only such files are ever
// replaced or removed by Write.
func IsGenerated(data []byte) bool {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	for _, c := range [...][2]string{{"// ", ""}, {"-- ", ""}, {"# ", ""}, {"<!-- ", " -->"}, {"/* ", " */"}} {
		if string(line) == c[0]+emit.Header+c[1] {
			return true
		}
	}
	return string(line) == `{"x-generated": "`+emit.Header+`",`
}
