package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildMigrationsWarnsWhenBehind: `podgen build` warns (stderr, exit 0)
// when the protocol's tables differ from the newest migration's snapshot,
// including a change of kind that keeps the Postgres type, and is quiet
// without migrations and once create-migration has caught up.
func TestBuildMigrationsWarnsWhenBehind(t *testing.T) {
	mod := tempModule(t)
	j := func(p string) string { return filepath.Join(mod, p) }
	write(t, j("protocol/status.yaml"), "enum: Status\nvalues: [active, archived]\n")
	setBook := func(fields string) {
		write(t, j("protocol/book.yaml"), "class: Book\ntable: book\nfields:\n  title: String\n"+fields)
	}
	build := func(step string) string {
		t.Helper()
		code, _, stderr := podgen(t, "build", j("protocol"), j("endpoints"), "-o", j("out"))
		if code != 0 {
			t.Fatalf("%s: build exit %d: %s", step, code, stderr)
		}
		return stderr
	}
	migrate := func(at string, args ...string) {
		t.Helper()
		if code, _, stderr := createMigrationAt(t, at, append([]string{j("protocol")}, args...)...); code != 0 {
			t.Fatalf("create-migration at %s: exit %d: %s", at, code, stderr)
		}
	}
	const behind = "protocol tables differ from the newest migration "

	setBook("  kind: String\n")
	if stderr := build("no migrations folder"); stderr != "" {
		t.Errorf("without migrations: stderr %q, want nothing", stderr)
	}
	migrate("20260101000000", "--name", "init")
	if stderr := build("up to date"); stderr != "" {
		t.Errorf("up to date: stderr %q, want nothing", stderr)
	}
	setBook("  kind: String\n  pages: int?\n")
	if stderr := build("new column"); !strings.Contains(stderr, behind+"20260101000000-init: run podgen create-migration") {
		t.Errorf("a new column without a migration: stderr %q", stderr)
	}
	migrate("20260201000000", "--name", "pages")
	if stderr := build("caught up"); stderr != "" {
		t.Errorf("after create-migration: stderr %q, want nothing", stderr)
	}
	setBook("  kind: Status\n  pages: int?\n") // text stays text
	if stderr := build("String to enum"); !strings.Contains(stderr, behind+"20260201000000-pages: run podgen create-migration") {
		t.Errorf("String to enum without a migration: stderr %q", stderr)
	}
	migrate("20260301000000", "--name", "kind", "--force")
	if stderr := build("caught up again"); stderr != "" {
		t.Errorf("after create-migration --force: stderr %q, want nothing", stderr)
	}
}
