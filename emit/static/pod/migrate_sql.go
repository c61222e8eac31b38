package pod

import "strings"

// splitSQL cuts a migration into its statements at the semicolons outside
// quotes and comments, so that the runner can name the statement that
// fails. It knows what Postgres's lexer knows about where a statement can
// hide a semicolon: 'strings' (a doubled quote, and in E'...' a backslash, escapes),
// "identifiers", $tag$dollar quotes$tag$, -- line comments and nested
// /* block comments */. Leading comments and blank space are dropped from
// each statement; a piece that is only comments is no statement. Text that
// never closes its quote runs to the end and Postgres reports it.
func splitSQL(sql string) []string {
	var out []string
	start := 0
	for i := 0; i < len(sql); {
		switch c := sql[i]; {
		case c == ';':
			out = appendStatement(out, sql[start:i])
			i++
			start = i
		case c == '\'':
			i = skipQuoted(sql, i, '\'', isEscapeString(sql, i))
		case c == '"':
			i = skipQuoted(sql, i, '"', false)
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			i = skipLineComment(sql, i)
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			i = skipBlockComment(sql, i)
		case c == '$':
			i = skipDollarQuoted(sql, i)
		default:
			i++
		}
	}
	return appendStatement(out, sql[start:])
}

// appendStatement adds stmt without its leading comments and space, unless
// nothing is left.
func appendStatement(out []string, stmt string) []string {
	stmt = strings.TrimSpace(stripLeadingComments(stmt))
	if stmt == "" {
		return out
	}
	return append(out, stmt)
}

func stripLeadingComments(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n\f")
		switch {
		case strings.HasPrefix(s, "--"):
			s = s[skipLineComment(s, 0):]
		case strings.HasPrefix(s, "/*"):
			s = s[skipBlockComment(s, 0):]
		default:
			return s
		}
	}
}

// isEscapeString reports whether the quote at i opens an E'...' string,
// where a backslash escapes the next character.
func isEscapeString(sql string, i int) bool {
	if i == 0 || (sql[i-1] != 'E' && sql[i-1] != 'e') {
		return false
	}
	return i == 1 || !isIdentByte(sql[i-2])
}

// skipQuoted returns the index after the quoted text opened at i; a doubled
// quote is the quote character itself.
func skipQuoted(sql string, i int, q byte, backslash bool) int {
	for i++; i < len(sql); i++ {
		switch {
		case backslash && sql[i] == '\\':
			i++
		case sql[i] == q && i+1 < len(sql) && sql[i+1] == q:
			i++
		case sql[i] == q:
			return i + 1
		}
	}
	return len(sql)
}

func skipLineComment(sql string, i int) int {
	if n := strings.IndexByte(sql[i:], '\n'); n >= 0 {
		return i + n + 1
	}
	return len(sql)
}

// skipBlockComment skips a /* comment */, which nests in Postgres.
func skipBlockComment(sql string, i int) int {
	depth := 0
	for i < len(sql) {
		switch {
		case strings.HasPrefix(sql[i:], "/*"):
			depth++
			i += 2
		case strings.HasPrefix(sql[i:], "*/"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return len(sql)
}

// skipDollarQuoted skips $tag$...$tag$ when the $ at i opens one; a $ of a
// parameter ($1) or inside an identifier (a$b) is a single character.
func skipDollarQuoted(sql string, i int) int {
	if i > 0 && isIdentByte(sql[i-1]) {
		return i + 1
	}
	end := strings.IndexByte(sql[i+1:], '$')
	if end < 0 {
		return i + 1
	}
	tag := sql[i : i+1+end+1] // "$tag$"
	name := tag[1 : len(tag)-1]
	if name != "" && name[0] >= '0' && name[0] <= '9' {
		return i + 1 // a parameter such as $1
	}
	for _, c := range []byte(name) {
		if !isIdentByte(c) {
			return i + 1
		}
	}
	body := i + len(tag)
	if n := strings.Index(sql[body:], tag); n >= 0 {
		return body + n + len(tag)
	}
	return len(sql)
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
