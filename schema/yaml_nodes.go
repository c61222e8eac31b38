package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/podgen/podgen/internal/inputfile"
)

// yamlFile reads YAML nodes of one file, reporting errors at their position.
// It never follows aliases, so alias expansion ("billion laughs") cannot
// cost anything: an alias is an error wherever a value is read.
type yamlFile struct {
	path string
	errs *ErrorList
}

// modulePathPrefix starts the paths of the files of podgen's own modules
// (emit.ModuleSources), which may name pod_ tables.
const modulePathPrefix = "podgen:"

// isModule reports whether the file is one of podgen's modules'.
func (f *yamlFile) isModule() bool { return strings.HasPrefix(f.path, modulePathPrefix) }

func (f *yamlFile) pos(n *yaml.Node) Pos { return Pos{File: f.path, Line: n.Line, Col: n.Column} }

func (f *yamlFile) errorf(n *yaml.Node, format string, args ...any) {
	f.errs.Add(f.pos(n), format, args...)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// parse decodes the file's single YAML document and returns its root node,
// or nil after reporting why there is none.
func (f *yamlFile) parse(data []byte) *yaml.Node {
	if len(data) > maxProtocolFileSize {
		f.errs.Add(Pos{File: f.path, Line: 1, Col: 1}, "%s", inputfile.TooLarge(int64(len(data)), maxProtocolFileSize, "a protocol file"))
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := f.decode(dec, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			f.errs.Add(Pos{File: f.path, Line: 1, Col: 1}, `empty protocol file: want a "class", "exception" or "enum" definition`)
		} else {
			f.syntaxError(err)
		}
		return nil
	}
	var second yaml.Node
	switch err := f.decode(dec, &second); {
	case err == nil:
		f.errorf(&second, "a second YAML document: write one definition per file")
	case !errors.Is(err, io.EOF):
		f.syntaxError(err)
	}
	if len(doc.Content) == 0 {
		f.errorf(&doc, `empty protocol file: want a "class", "exception" or "enum" definition`)
		return nil
	}
	return &doc
}

// decode is dec.Decode with a recover: a panic inside the YAML library on
// hostile bytes becomes an error instead of a crash.
func (f *yamlFile) decode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}

// syntaxError reports a YAML library error at the line it names (the
// library gives no column).
func (f *yamlFile) syntaxError(err error) {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil && n > 0 {
			line = n
		}
		msg = msg[len(m[0]):]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	f.errs.Add(Pos{File: f.path, Line: line, Col: 1}, "invalid YAML: %s", msg)
}

// pair is one key and its value in a YAML mapping.
type pair struct {
	key  string
	k, v *yaml.Node
}

// pairs returns the entries of mapping n in order. A key that is not a
// plain scalar or repeats an earlier key is reported; dup formats the
// duplicate's message from the key and the first occurrence's line.
func (f *yamlFile) pairs(n *yaml.Node, dup func(key string, line int) string) []pair {
	var out []pair
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
			f.errorf(k, "YAML merge keys are not supported in protocol files")
			continue
		}
		if k.Kind != yaml.ScalarNode {
			f.errorf(k, "a key must be a plain name")
			continue
		}
		if line, ok := seen[k.Value]; ok {
			f.errorf(k, "%s", dup(k.Value, line))
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, pair{key: k.Value, k: k, v: v})
	}
	return out
}

// scalar returns the text of a scalar node; for anything else it reports
// that what must be a single value and returns false. A YAML null (`~` or
// nothing) is the empty string.
func (f *yamlFile) scalar(n *yaml.Node, what string) (string, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "", true
		}
		return n.Value, true
	case yaml.AliasNode:
		f.errorf(n, "YAML aliases are not supported in protocol files")
	default:
		f.errorf(n, "%s must be a single value, not a %s", what, kindName(n.Kind))
	}
	return "", false
}

// mapping reports whether n is a mapping to read. A YAML null (`fields:`
// with nothing after it) is an empty mapping: false, and no error.
// Anything else is reported.
func (f *yamlFile) mapping(n *yaml.Node, what string) bool {
	switch {
	case n.Kind == yaml.MappingNode:
		return true
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return false
	case n.Kind == yaml.AliasNode:
		f.errorf(n, "YAML aliases are not supported in protocol files")
	default:
		f.errorf(n, "%s must be a mapping, not a %s", what, kindName(n.Kind))
	}
	return false
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	case yaml.AliasNode:
		return "alias"
	}
	return "single value"
}

// at maps a byte offset inside the value of scalar n to a position: exact
// for plain and quoted one-line values, the value's start otherwise.
func (f *yamlFile) at(n *yaml.Node, off int) Pos {
	p := f.pos(n)
	if strings.Contains(n.Value, "\n") || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return p
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		p.Col++
	}
	if off > len(n.Value) {
		off = len(n.Value)
	}
	p.Col += utf8.RuneCountInString(n.Value[:off])
	return p
}

// comment turns a YAML head comment into documentation: `#` and one space
// stripped from each line.
func comment(c string) string {
	if c == "" {
		return ""
	}
	lines := strings.Split(c, "\n")
	for i, l := range lines {
		l = strings.TrimPrefix(strings.TrimSpace(l), "#")
		lines[i] = strings.TrimPrefix(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
