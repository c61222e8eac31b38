package e2e

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"example.com/relations/out/podtest"
)

// TestIncludedRowsOnTheWire: an endpoint returns an author with their
// books included; the Go client gets them, and so does the raw JSON. The
// second call comes from the Global cache (Redis), included rows and all.
func TestIncludedRowsOnTheWire(t *testing.T) {
	env := podtest.New(t)
	l := seed(t, env.DB)
	count := statements(env)
	for call := 0; call < 2; call++ {
		a, err := env.Client.Library.AuthorWithBooks(env.Ctx, l.ada.ID)
		if err != nil || a == nil || len(a.Books) != 3 {
			t.Fatalf("call %d: %+v, %v", call, a, err)
		}
		if a.Books[0].Title != "Odd" || a.Books[2].Label == nil || a.Books[2].Label.Name != "classic" {
			t.Fatalf("call %d: books %+v", call, a.Books)
		}
		if n := count(); n != 1-call {
			t.Fatalf("call %d ran %d statements (the second should be cached)", call, n)
		}
	}
	res, err := http.Post(env.URL+"library/authorWithBooks", "application/json",
		strings.NewReader(`{"id":`+strconv.FormatInt(l.ada.ID, 10)+`}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`"books":[{`, `"title":"Odd"`, `"label":{"id":"`, `"since":"1999-12-31T23:59:58.123456Z"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("JSON lacks %s: %s", want, body)
		}
	}
}
