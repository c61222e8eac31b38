package schema

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// All name derivation of podgen lives in this file, so that a name is
// computed the same way for the model, the table, the server and the client.

// commonInitialisms are the words Go spells in capitals (golint's list).
var commonInitialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true,
	"DNS": true, "EOF": true, "GUID": true, "HTML": true, "HTTP": true,
	"HTTPS": true, "ID": true, "IP": true, "JSON": true, "LHS": true,
	"QPS": true, "RAM": true, "RHS": true, "RPC": true, "SLA": true,
	"SMTP": true, "SQL": true, "SSH": true, "TCP": true, "TLS": true,
	"TTL": true, "UDP": true, "UI": true, "UID": true, "UUID": true,
	"URI": true, "URL": true, "UTF8": true, "VM": true, "XML": true,
	"XMPP": true, "XSRF": true, "XSS": true,
}

// splitWords cuts a camelCase, PascalCase or snake_case name into words.
// A run of capitals is one word, except that its last capital starts the
// next word when a lower-case letter follows; digits stay with the word
// before them:
//
//	userUrl    → user Url        HTTPServer → HTTP Server
//	http_id    → http id         utf8Data   → utf8 Data
func splitWords(name string) []string {
	var words []string
	rs := []rune(name)
	start := 0
	flush := func(end int) {
		if end > start {
			words = append(words, string(rs[start:end]))
		}
		start = end
	}
	for i, r := range rs {
		switch {
		case r == '_':
			flush(i)
			start = i + 1
		case i == start || !unicode.IsUpper(r):
		case !unicode.IsUpper(rs[i-1]) && rs[i-1] != '_':
			flush(i) // aB: a new word starts at B
		case i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			flush(i) // ABc: the run AB ends before B
		}
	}
	flush(len(rs))
	return words
}

// exportedName is the Go field name of a YAML field name: each word gets a
// capital, and Go's common initialisms are all capitals:
//
//	userUrl → UserURL     id       → ID         http_id   → HTTPID
//	apiKey  → APIKey      jsonData → JSONData   uuidValue → UUIDValue
//	type    → Type        err      → Err
func exportedName(name string) string {
	var b strings.Builder
	for _, w := range splitWords(name) {
		if up := strings.ToUpper(w); commonInitialisms[up] {
			b.WriteString(up)
			continue
		}
		rs := []rune(w)
		b.WriteRune(unicode.ToUpper(rs[0]))
		b.WriteString(string(rs[1:]))
	}
	return b.String()
}

// columnName is the Postgres column of a YAML field name: its words in
// lower case, joined by underscores:
//
//	authorId → author_id   userURL → user_url   id → id   httpId → http_id
//
// Column names may be SQL keywords ("type", "default", "select"): emitters
// always quote them.
func columnName(name string) string {
	words := splitWords(name)
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	return strings.Join(words, "_")
}

// LowerFirst is a Go name with its leading capital, or its leading
// initialism, in lower case: the name on the wire of an endpoint (without
// its "Endpoint" suffix) or a method, and every unexported name emit
// derives from a class or endpoint (httpServerTable, exampleHelloParams):
//
//	Example → example   HTTPStatus → httpStatus   HTTP → http
//	GetURL  → getURL    Hello      → hello        HTTP2Info → http2Info
//	UUIDColumn → uuidColumn
func LowerFirst(name string) string {
	rs := []rune(name)
	n := 0
	for n < len(rs) && unicode.IsUpper(rs[n]) {
		n++
	}
	if n > 1 && n < len(rs) && unicode.IsLower(rs[n]) {
		n-- // the last capital starts the next word: HTTPStatus → http|Status
	}
	for i := 0; i < n; i++ {
		rs[i] = unicode.ToLower(rs[i])
	}
	return string(rs)
}

var goKeywords = map[string]bool{
	"break": true, "case": true, "chan": true, "const": true, "continue": true,
	"default": true, "defer": true, "else": true, "fallthrough": true,
	"for": true, "func": true, "go": true, "goto": true, "if": true,
	"import": true, "interface": true, "map": true, "package": true,
	"range": true, "return": true, "select": true, "struct": true,
	"switch": true, "type": true, "var": true,
}

var goPredeclared = map[string]bool{
	"any": true, "bool": true, "byte": true, "comparable": true,
	"complex64": true, "complex128": true, "error": true, "float32": true,
	"float64": true, "int": true, "int8": true, "int16": true, "int32": true,
	"int64": true, "rune": true, "string": true, "uint": true, "uint8": true,
	"uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"true": true, "false": true, "iota": true, "nil": true,
	"append": true, "cap": true, "clear": true, "close": true, "complex": true,
	"copy": true, "delete": true, "imag": true, "len": true, "make": true,
	"max": true, "min": true, "new": true, "panic": true, "print": true,
	"println": true, "real": true, "recover": true,
}

// isGoKeyword reports whether name is one of Go's 25 keywords ("type").
func isGoKeyword(name string) bool { return goKeywords[name] }

// isPredeclared reports whether name is a predeclared Go identifier
// ("string", "len", "nil", "error").
func isPredeclared(name string) bool { return goPredeclared[name] }

// isClassName reports whether name is a valid class, enum or exception
// name: ^[A-Z][A-Za-z0-9]*$ ("Company", "HTTPServer", not "company").
func isClassName(name string) bool {
	return name != "" && name[0] >= 'A' && name[0] <= 'Z' && isAlnum(name[1:])
}

// isFieldName reports whether name is a valid field name or enum value:
// ^[a-z][A-Za-z0-9]*$ ("userUrl", "type", not "user_url" or "Name").
func isFieldName(name string) bool {
	return name != "" && name[0] >= 'a' && name[0] <= 'z' && isAlnum(name[1:])
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isTableName reports whether name is a valid table name: a lower-case
// SQL identifier ^[a-z_][a-z0-9_]*$ of at most 63 bytes (Postgres' limit).
func isTableName(name string) bool {
	if name == "" || len(name) > 63 || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// reservedClassNames are the names podgen takes in package pod or client
// besides those of the static helpers (staticNames, derived from
// emit/static by emit's TestReservedStatic): those of generated fixed code.
// A class, enum or exception must not take them.
var reservedClassNames = map[string]bool{
	"Client": true, "New": true, // client/client.go (emit/client.go)
	"Server": true, // reserved since the first version, for the server package's own types
}

// reservedFieldGoNames are the methods generated on every class; a field
// whose Go name is one of them would not compile. "Error" is reserved on
// exceptions only (they implement error).
var reservedFieldGoNames = map[string]bool{
	"AppendJSON": true, "DecodeJSON": true, "MarshalJSON": true,
	"UnmarshalJSON": true,
}

// suggest returns the candidate closest to name for a "did you mean" hint:
// a case-insensitive match first, else the nearest one within edit
// distance 2 (and shorter than name, so "x" suggests nothing), ties broken
// by the candidate's order; "" when none is close.
//
//	suggest("Strin", types) → "String"   suggest("string", types) → "String"
func suggest(name string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(c, name) && c != name {
			return c
		}
	}
	best, bestDist := "", 3
	for _, c := range candidates {
		d := editDistance(name, c)
		if d > 0 && d < bestDist && d < len(name) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// didYouMean formats suggest's answer as a hint to append to a message:
// ` (did you mean "String"?)`, or "" when nothing is close.
func didYouMean(name string, candidates []string) string {
	if s := suggest(name, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// IsReservedName reports whether name is taken by code podgen generates
// into package pod or client, so that no class, enum or exception may use
// it.
func IsReservedName(name string) bool { return reservedClassNames[name] || staticNames[name] }

// fileStem is the snake_case file name (without .go) of a generated type;
// a run of capitals is one word:
//
//	NotFound → not_found   HTTPServer → http_server   ExampleEndpoint → example_endpoint
func fileStem(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) &&
			(!unicode.IsUpper(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// maxNameLen bounds, in bytes, a class, enum, exception or endpoint name,
// since each becomes a file name. The longest, <stem>_table.go, where
// fileStem may put an underscore before every capital, is then at most
// 2*100-1+9 = 208 bytes for an ASCII name: below the 255 bytes file
// systems allow, with room for a backup suffix. No readable name is longer.
const maxNameLen = 100

// nameTooLong returns the error message for a kind name ("class") that
// is too long to become a file name, or "" when it is not. The name is
// shown cut short:
//
//	class name "VeryLongLongLongLongLongLongLong"... is 300 characters long, more than the 100 ...
func nameTooLong(kind, name string) string {
	if len(name) <= maxNameLen {
		return ""
	}
	short := name[:32]
	for !utf8.ValidString(short) {
		short = short[:len(short)-1]
	}
	unit := "characters" // class names are ASCII; a Go name may not be
	if utf8.RuneCountInString(name) != len(name) {
		unit = "bytes"
	}
	return fmt.Sprintf("%s name %q... is %d %s long, more than the %d allowed for a name that becomes a file name",
		kind, short, len(name), unit, maxNameLen)
}

// reservedFileStems are the files of pod/ and client/ that podgen writes
// for itself besides the static helpers' (staticFileStems); a definition
// whose fileStem is one of them would overwrite it.
var reservedFileStems = map[string]bool{
	"client": true, // client/client.go
}

// IsReservedFile reports whether pod/<stem>.go or client/<stem>.go is a
// file podgen writes for itself.
func IsReservedFile(stem string) bool { return reservedFileStems[stem] || staticFileStems[stem] }

// systemPrefix starts the names of podgen's own tables and indexes
// (pod_future_call, ...); protocol tables and indexes may not use it.
const systemPrefix = "pod_"

// isSQLName reports whether name is a valid column or index name: an SQL
// identifier ^[A-Za-z_][A-Za-z0-9_]*$ of at most 63 bytes. Its case is
// kept: every SQL podgen writes quotes it ("userId", "Company_Name_idx").
func isSQLName(name string) bool {
	if name == "" || len(name) > 63 || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// UpperFirst capitalises the first letter of a module name: auth → Auth.
func UpperFirst(name string) string {
	if name == "" {
		return ""
	}
	return strings.ToUpper(name[:1]) + name[1:]
}
