package schema

import "testing"

func TestExportedName(t *testing.T) {
	for in, want := range map[string]string{
		"userUrl": "UserURL", "id": "ID", "http_id": "HTTPID", "apiKey": "APIKey",
		"jsonData": "JSONData", "uuidValue": "UUIDValue", "httpId": "HTTPID",
		"name": "Name", "type": "Type", "err": "Err", "s": "S", "userURL": "UserURL",
		"ids": "Ids", "utf8Data": "UTF8Data", "numEmployees": "NumEmployees",
		"HTTPServer": "HTTPServer", "a1b2": "A1b2", "x_": "X",
	} {
		if got := exportedName(in); got != want {
			t.Errorf("exportedName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColumnName(t *testing.T) {
	for in, want := range map[string]string{
		"authorId": "author_id", "userURL": "user_url", "userUrl": "user_url",
		"id": "id", "httpId": "http_id", "type": "type", "foundedDate": "founded_date",
		"utf8Data": "utf8_data", "HTTPServer": "http_server",
	} {
		if got := columnName(in); got != want {
			t.Errorf("columnName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{
		"Example": "example", "HTTPStatus": "httpStatus", "HTTP": "http",
		"GetURL": "getURL", "Hello": "hello", "HTTP2Info": "http2Info",
		"hello": "hello", "A": "a", "": "", "ID": "id", "IDs": "iDs",
		"HTTPServer": "httpServer", "UUIDColumn": "uuidColumn", "AB": "ab", "ABc": "aBc", "x": "x",
	} {
		if got := LowerFirst(in); got != want {
			t.Errorf("LowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIdentifiers(t *testing.T) {
	tests := []struct {
		name         string
		class, field bool
		table        bool
	}{
		{"Company", true, false, false},
		{"HTTPServer", true, false, false},
		{"company", false, true, true},
		{"userUrl", false, true, false},
		{"user_url", false, false, true},
		{"Name", true, false, false},
		{"", false, false, false},
		{"1abc", false, false, false},
		{"Ünïcode", false, false, false},
		{"a-b", false, false, false},
		{"_x", false, false, true},
	}
	for _, tt := range tests {
		if got := isClassName(tt.name); got != tt.class {
			t.Errorf("isClassName(%q) = %v", tt.name, got)
		}
		if got := isFieldName(tt.name); got != tt.field {
			t.Errorf("isFieldName(%q) = %v", tt.name, got)
		}
		if got := isTableName(tt.name); got != tt.table {
			t.Errorf("isTableName(%q) = %v", tt.name, got)
		}
	}
}

func TestKeywords(t *testing.T) {
	for _, k := range []string{"type", "func", "range", "map", "chan", "go", "select"} {
		if !isGoKeyword(k) || isPredeclared(k) {
			t.Errorf("%q: keyword %v, predeclared %v", k, isGoKeyword(k), isPredeclared(k))
		}
	}
	for _, p := range []string{"string", "len", "nil", "error", "true", "any"} {
		if isGoKeyword(p) || !isPredeclared(p) {
			t.Errorf("%q: keyword %v, predeclared %v", p, isGoKeyword(p), isPredeclared(p))
		}
	}
	if isGoKeyword("err") || isPredeclared("err") {
		t.Error("err is neither a keyword nor predeclared")
	}
}

func TestSuggest(t *testing.T) {
	types := []string{"bool", "int", "double", "String", "DateTime", "Duration", "ByteData", "UuidValue"}
	tests := []struct{ name, want string }{
		{"Strin", "String"},
		{"string", "String"},
		{"Datetime", "DateTime"},
		{"dobule", "double"},
		{"Company", ""},
		{"x", ""},
		{"String", ""},
		{"UUIDValue", "UuidValue"},
	}
	for _, tt := range tests {
		if got := suggest(tt.name, types); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := didYouMean("Strin", types); got != ` (did you mean "String"?)` {
		t.Errorf("didYouMean = %q", got)
	}
}

func TestFileStem(t *testing.T) {
	for in, want := range map[string]string{
		"Company": "company", "NotFound": "not_found", "HTTPServer": "http_server",
		"AllTypes": "all_types", "Item2Go": "item2_go", "A": "a", "URLInfo": "url_info",
		"ExampleEndpoint": "example_endpoint", "HTTPServiceEndpoint": "http_service_endpoint",
	} {
		if got := fileStem(in); got != want {
			t.Errorf("fileStem(%q) = %q, want %q", in, got, want)
		}
	}
}
