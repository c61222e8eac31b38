package schema

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"sort"
	"strings"
)

// Directives are `//podgen:<verb> [args]` comment lines. They are read from
// CommentGroup.List because CommentGroup.Text drops directive lines.

const directivePrefix = "//podgen:"

// knownDirectives are the verbs podgen understands: ignore (not served),
// login and scope NAME (the auth module's endpoint protection, SPEC §11).
var knownDirectives = []string{"ignore", "login", "scope"}

// scopeName is what a scope may be called: it travels in keys' scope lists
// and error messages, so it is a plain word ("admin", "billing.read").
var scopeName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.:-]{0,62}$`)

// directives are the //podgen: lines of one doc comment.
type directives struct {
	ignore bool
	login  bool      // //podgen:login, or implied by a scope
	scopes []string  // //podgen:scope NAME, sorted, without repeats
	at     token.Pos // the first login or scope line, for errors
}

// merge is d on a method of an endpoint whose type says outer.
func (d directives) merge(outer directives) directives {
	d.login = d.login || outer.login
	d.scopes = unionSorted(d.scopes, outer.scopes)
	return d
}

func unionSorted(a, b []string) []string {
	out := append(append([]string(nil), a...), b...)
	sort.Strings(out)
	return compactStrings(out)
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

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
			case verb == "scope" && !scopeName.MatchString(args):
				ep.errorf(c.Pos(), "directive %q takes one scope name (letters, digits, _ . : -, starting with a letter), as in %q",
					directivePrefix+verb, directivePrefix+"scope admin")
			case verb != "scope" && args != "":
				ep.errorf(c.Pos(), "directive %q takes no arguments", directivePrefix+verb)
			case verb != "ignore" && ep.p.Config.Auth == nil:
				ep.errorf(c.Pos(), "directive %q needs the auth module: enable it in %s at the module root (modules: {auth: {email: true}})",
					directivePrefix+verb, ConfigFile)
			default:
				ep.known = append(ep.known, c)
				ep.wellFormed[c] = true
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

// readDirectives reads the well-formed directives of a doc comment and
// marks them as placed.
func (ep *endpointParser) readDirectives(doc *ast.CommentGroup) (d directives) {
	if doc == nil {
		return d
	}
	for _, c := range doc.List {
		if !ep.isKnown(c) {
			continue // reported by checkDirectives
		}
		ep.used[c] = true
		verb, args, _ := splitDirective(c.Text)
		switch verb {
		case "ignore":
			d.ignore = true
		case "login", "scope":
			if !d.at.IsValid() {
				d.at = c.Pos()
			}
			d.login = true
			if verb == "scope" {
				d.scopes = unionSorted(d.scopes, []string{args})
			}
		}
	}
	return d
}

// isKnown reports whether c is a well-formed directive (checkDirectives
// kept it).
func (ep *endpointParser) isKnown(c *ast.Comment) bool { return ep.wellFormed[c] }

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
