package schema

import (
	"fmt"
	"go/ast"
	"strings"
)

// Directives are `//podgen:<verb> [args]` comment lines. They are read from
// CommentGroup.List because CommentGroup.Text drops directive lines.

const directivePrefix = "//podgen:"

// knownDirectives are the verbs podgen understands.
var knownDirectives = []string{"ignore"}

// splitDirective returns the verb and arguments of a //podgen: comment line.
func splitDirective(text string) (verb, args string, ok bool) {
	rest, ok := strings.CutPrefix(text, directivePrefix)
	if !ok {
		return "", "", false
	}
	verb, args, _ = strings.Cut(rest, " ")
	if i := strings.IndexByte(verb, '\t'); i >= 0 {
		verb, args = verb[:i], verb[i+1:]+" "+args
	}
	return verb, strings.TrimSpace(args), true
}

// checkDirectives reports every malformed //podgen: line of a file, wherever
// it is, and remembers the well-formed ones for reportMisplaced.
func (ep *endpointParser) checkDirectives(f *goFile) {
	for _, cg := range f.ast.Comments {
		for _, c := range cg.List {
			if after, ok := strings.CutPrefix(c.Text, "// podgen:"); ok && isKnownDirective(after) {
				ep.errorf(c.Pos(), "%q is not a directive (write %q, without a space)",
					c.Text, directivePrefix+after)
				continue
			}
			verb, args, ok := splitDirective(c.Text)
			switch {
			case !ok:
			case !isKnownDirective(verb):
				ep.errorf(c.Pos(), "unknown directive %q%s", directivePrefix+verb, directiveHint(verb))
			case args != "":
				ep.errorf(c.Pos(), "directive %q takes no arguments", directivePrefix+verb)
			default:
				ep.known = append(ep.known, c)
			}
		}
	}
}

func isKnownDirective(verb string) bool {
	for _, k := range knownDirectives {
		if verb == k {
			return true
		}
	}
	return false
}

// directiveHint is ` (did you mean "//podgen:ignore"?)` for a close verb,
// else the list of known verbs.
func directiveHint(verb string) string {
	if s := suggest(verb, knownDirectives); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", directivePrefix+s)
	}
	return " (known: " + strings.Join(knownDirectives, ", ") + ")"
}

// readDirectives reports whether a doc comment holds //podgen:ignore and
// marks its directives as placed.
func (ep *endpointParser) readDirectives(doc *ast.CommentGroup) (ignore bool) {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		verb, args, ok := splitDirective(c.Text)
		if !ok || args != "" || !isKnownDirective(verb) {
			continue // reported by checkDirectives
		}
		ep.used[c] = true
		ignore = ignore || verb == "ignore"
	}
	return ignore
}

// reportMisplaced reports known directives that apply to nothing: a
// //podgen:ignore on a helper type or a function would otherwise be silently
// without effect.
func (ep *endpointParser) reportMisplaced() {
	for _, c := range ep.known {
		if !ep.used[c] {
			ep.errorf(c.Pos(), "directive %q has no effect here (put it in the doc comment of an endpoint or future call type, or of one of its methods)",
				c.Text)
		}
	}
}
