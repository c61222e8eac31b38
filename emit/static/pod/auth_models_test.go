package pod

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/schema"
)

// TestAuthModelsMatchGenerated: the shims of zz_auth_models.go have the
// fields podgen generates for the module's YAML (emit/static/authmod), in
// order, and
// AuthMigrationSQL creates pod_user_info exactly as podgen would.
func TestAuthModelsMatchGenerated(t *testing.T) {
	cfg := schema.Config{Auth: &schema.AuthModule{Email: true, Google: true, Apple: true}}
	modules, err := emit.ModuleSources(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := schema.LoadInput(schema.Input{Config: cfg, Modules: modules})
	if err != nil {
		t.Fatal(err)
	}
	shims := map[string]reflect.Type{
		"UserInfo":               reflect.TypeFor[UserInfo](),
		"AuthenticationResponse": reflect.TypeFor[AuthenticationResponse](),
	}
	for _, c := range p.Classes {
		typ := shims[c.Name]
		if typ == nil {
			t.Fatalf("no shim for class %s", c.Name)
		}
		var want, got []string
		for _, f := range c.Fields {
			want = append(want, f.GoName)
		}
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s fields %v, podgen generates %v", c.Name, got, want)
		}
		if c.Name == "UserInfo" {
			table := emit.CreateTableSQL(c)
			table = strings.Replace(table, "CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
			table = table[:strings.Index(table, ");\n")+3]
			if !strings.HasPrefix(AuthMigrationSQL, table) {
				t.Errorf("pod_user_info differs from podgen's table:\n%s\nAuthMigrationSQL:\n%s", table, AuthMigrationSQL[:len(table)])
			}
		}
	}
	if len(p.Enums) != 1 {
		t.Fatalf("enums %+v", p.Enums)
	}
	shimValues := map[string]AuthenticationFailReason{
		"AuthenticationFailReasonInvalidCredentials":    AuthenticationFailReasonInvalidCredentials,
		"AuthenticationFailReasonUserCreationDenied":    AuthenticationFailReasonUserCreationDenied,
		"AuthenticationFailReasonInternalError":         AuthenticationFailReasonInternalError,
		"AuthenticationFailReasonTooManyFailedAttempts": AuthenticationFailReasonTooManyFailedAttempts,
		"AuthenticationFailReasonBlocked":               AuthenticationFailReasonBlocked,
	}
	for _, v := range p.Enums[0].Values {
		if got, ok := shimValues[v.GoName]; !ok || string(got) != v.Name {
			t.Errorf("podgen generates %s = %q; the shim has %q", v.GoName, v.Name, got)
		}
		delete(shimValues, v.GoName)
	}
	if len(shimValues) != 0 {
		t.Errorf("the shim has values podgen does not generate: %v", shimValues)
	}
}

// TestAuthMigrationIdempotent: the module's SQL and the system version
// that gives logs and future calls their user can run again harmlessly,
// and the latter turns the old text user_id of session logs into bigint.
func TestAuthMigrationIdempotent(t *testing.T) {
	e := newAuthEnv(t, nil)
	db := NewDB(context.Background(), e.rt.DB)
	for _, sql := range []string{AuthMigrationSQL, emit.AuthUserSQL} {
		if _, err := db.Exec(sql); err != nil {
			t.Fatalf("again: %v", err)
		}
	}
	types := queryStrings(t, e.rt.DB, `SELECT table_name, data_type FROM information_schema.columns
		WHERE column_name = 'user_id' AND table_name IN ('pod_session_log', 'pod_future_call') ORDER BY table_name`)
	if strings.Join(types, ",") != "pod_future_call|bigint,pod_session_log|bigint" {
		t.Fatalf("user_id columns %q", types)
	}
	// A database made before 0005: the text column goes, a bigint comes.
	if _, err := db.Exec(`ALTER TABLE pod_session_log DROP COLUMN user_id; ALTER TABLE pod_session_log ADD COLUMN user_id text`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(emit.AuthUserSQL); err != nil {
		t.Fatal(err)
	}
	if got := queryStrings(t, e.rt.DB, `SELECT data_type FROM information_schema.columns
		WHERE column_name = 'user_id' AND table_name = 'pod_session_log'`); strings.Join(got, ",") != "bigint" {
		t.Fatalf("after the upgrade: %q", got)
	}
}
