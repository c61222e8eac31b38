package e2e

import (
	"errors"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"example.com/models/out/client"
)

// post sends body to the server's method and returns the answer's status
// and body, for checks on the exact JSON.
func post(t *testing.T, base, method, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(base+"models/"+method, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func ptr[T any](v T) *T { return &v }

// TestClassesOverTheWire runs the class-level constructs through a real
// server: inherited fields in order, exceptions that extend others, a
// server-only exception, fields that never travel, empty classes.
func TestClassesOverTheWire(t *testing.T) {
	base := clientServerURL(t)
	c := client.New(base).Models
	ctx := clientCtx(t)

	e := client.Employee{ID: 1, Name: "Ada", Email: ptr("a@x"), Title: "eng", Salary: 9}
	if got, err := c.EchoEmployee(ctx, e); err != nil || !reflect.DeepEqual(got, e) {
		t.Errorf("EchoEmployee = %+v, %v; want %+v", got, err, e)
	}
	if code, body := post(t, base, "echoEmployee", `{"v":{"salary":9,"title":"eng","name":"Ada"}}`); code != 200 ||
		body != `{"id":0,"name":"Ada","email":null,"title":"eng","salary":9}` {
		t.Errorf("echoEmployee answered %d %s; want Person's fields first", code, body)
	}
	m := client.Manager{ID: 2, Name: "G", Title: "lead", Salary: 1, Reports: []client.Person{{Name: "Ada", Email: ptr("a@x")}}}
	if got, err := c.EchoManager(ctx, m); err != nil || !reflect.DeepEqual(got, m) {
		t.Errorf("EchoManager = %+v, %v; want %+v", got, err, m)
	}

	err := c.Refuse(ctx, 403, "nope")
	var na *client.NotAllowed
	if !errors.As(err, &na) || na.Code != 403 || na.Reason != "nope" {
		t.Errorf("Refuse: got %T %v; want *client.NotAllowed{403, nope}", err, err)
	}
	if code, body := post(t, base, "refuse", `{"code":1,"reason":"r"}`); code != 400 ||
		!strings.Contains(body, `"class":"NotAllowed","data":{"code":1,"reason":"r"}`) {
		t.Errorf("refuse answered %d %s", code, body)
	}

	err = c.Fault(ctx, "disk on fire")
	var ce *client.Error
	if !errors.As(err, &ce) || ce.StatusCode != 500 || strings.Contains(ce.Message, "fire") {
		t.Errorf("Fault: got %T %v; want a 500 without the detail", err, err)
	}
	if code, body := post(t, base, "fault", `{"detail":"disk on fire"}`); code != 500 ||
		strings.Contains(body, "fire") || strings.Contains(body, "InternalFault") {
		t.Errorf("fault answered %d %s; want a 500 naming nothing", code, body)
	}

	if got, err := c.EchoReport(ctx, client.Report{Title: "q"}); err != nil || got.Title != "q" {
		t.Errorf("EchoReport = %+v, %v", got, err)
	}
	if code, body := post(t, base, "echoReport", `{"v":{"title":"q","audit":{"action":"x","level":"low"},"secrecy":"low"}}`); code != 200 ||
		body != `{"title":"q"}` {
		t.Errorf("echoReport answered %d %s; want only the title", code, body)
	}

	s := client.Scratch{Label: "l", Note: client.Note{Text: "t"}}
	if got, err := c.EchoScratch(ctx, s); err != nil || !reflect.DeepEqual(got, s) {
		t.Errorf("EchoScratch = %+v, %v; want %+v", got, err, s)
	}
	if code, body := post(t, base, "echoScratch", `{"v":{"label":"l","note":{"text":"t"}}}`); code != 200 ||
		body != `{"id":0,"label":"l","note":{"text":"t"}}` {
		t.Errorf("echoScratch answered %d %s; want no secret, draft or local", code, body)
	}
	if code, body := post(t, base, "scratchSecret", `{"v":{"label":"l","secret":"mine","local":1,"note":{"text":"t","draft":"d"}}}`); code != 200 ||
		body != `""` {
		t.Errorf("scratchSecret answered %d %s; want the scope=none fields not read from the wire", code, body)
	}

	if got, err := c.EchoNothing(ctx, client.Nothing{}); err != nil || got != (client.Nothing{}) {
		t.Errorf("EchoNothing = %+v, %v", got, err)
	}
	if code, body := post(t, base, "echoNothing", `{"v":{"x":1}}`); code != 200 || body != `{}` {
		t.Errorf("echoNothing answered %d %s", code, body)
	}
	w := client.WithEmpty{ID: 5, Nothing: client.Nothing{}, Many: []client.Nothing{{}, {}}}
	if got, err := c.EchoWithEmpty(ctx, w); err != nil || !reflect.DeepEqual(got, w) {
		t.Errorf("EchoWithEmpty = %+v, %v; want %+v", got, err, w)
	}
}

// TestServerOnlyAbsentFromClient: the client package has no copy of the
// server-only class, enum and exception, and its copy of Report lacks the
// fields that hold them.
func TestServerOnlyAbsentFromClient(t *testing.T) {
	files, err := os.ReadDir("../out/client")
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range files {
		switch f.Name() {
		case "audit_entry.go", "secrecy.go", "internal_fault.go":
			t.Errorf("client has %s, the file of a server-only definition", f.Name())
		}
		b, err := os.ReadFile("../out/client/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	for _, decl := range []string{"type AuditEntry ", "type Secrecy ", "type InternalFault ", `"audit"`, `"secrecy"`, `"secret"`, `"draft"`, `"local"`} {
		if strings.Contains(all.String(), decl) {
			t.Errorf("the client's code holds %s, which only the server has", decl)
		}
	}
	if _, err := os.Stat("../out/pod/audit_entry.go"); err != nil {
		t.Errorf("the server's pod lacks the server-only class: %v", err)
	}
	if n := reflect.TypeOf(client.Report{}).NumField(); n != 1 {
		t.Errorf("client.Report has %d fields, want 1 (title)", n)
	}
	if n := reflect.TypeOf(client.Scratch{}).NumField(); n != 3 {
		t.Errorf("client.Scratch has %d fields, want 3 (id, label, note)", n)
	}
	if n := reflect.TypeOf(client.Note{}).NumField(); n != 1 {
		t.Errorf("client.Note has %d fields, want 1 (text)", n)
	}
}
