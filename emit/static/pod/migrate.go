package pod

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// MigrationModule is the schema history of one module: podgen's own
// system tables ("podgen") or the app's tables ("app"), as the server was
// built with them (server/migrations.go).
type MigrationModule struct {
	Name     string
	Versions []MigrationVersion // oldest first; a version is applied once
	// Definition is the whole schema at the newest version. On a database
	// where the module has no version recorded it is applied instead of
	// replaying Versions, and every version is recorded as applied. Empty:
	// always replay (podgen's system SQL is idempotent, so a database made
	// from tables.pgsql takes it without harm).
	Definition string
}

// MigrationVersion is one step of a module's schema: plain SQL statements
// separated by semicolons, without BEGIN/COMMIT (each version runs in a
// transaction of its own).
type MigrationVersion struct {
	Version string // "20260301000000-add-index": versions sort by it
	SQL     string
}

// MigrationError is a migration that failed and was rolled back: which
// version, which statement, and what Postgres said.
type MigrationError struct {
	Module, Version string
	Definition      bool   // it was the module's definition, not a single version
	Statement       string // the failing statement's first line, at most 200 bytes
	Err             error
}

func (e *MigrationError) Error() string {
	what := e.Module + "/" + e.Version
	if e.Definition {
		what += " (definition)"
	}
	if e.Statement == "" {
		return fmt.Sprintf("migration %s failed: %v", what, e.Err)
	}
	return fmt.Sprintf("migration %s failed at statement %q: %v", what, e.Statement, e.Err)
}

func (e *MigrationError) Unwrap() error { return e.Err }

// migrationLockKey is the session-level advisory lock that serializes the
// migration runners of every server on one database ("podgen" in ASCII).
const migrationLockKey int64 = 0x706f6467656e

// migrationTableSQL is the system table of the applied versions; the
// runner creates it itself (under the lock), so it is not in tables.pgsql.
const migrationTableSQL = `CREATE TABLE IF NOT EXISTS "pod_migration" (
	"module" text NOT NULL,
	"version" text NOT NULL,
	"applied" timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY ("module", "version")
)`

const recordMigrationSQL = `INSERT INTO "pod_migration" ("module", "version") VALUES ($1, $2)`

// ApplyMigrations brings the database up to date with modules, in order:
// each pending version runs in its own transaction together with its
// pod_migration row, so a failing statement leaves no trace of its
// version. A session-level advisory lock on a connection of its own makes
// servers that start together take turns: the first applies, the others
// find nothing left to do. It returns what it applied ("podgen/0001-x",
// "app/20260301000000-v3 (definition)"), also when it fails part way.
func ApplyMigrations(ctx context.Context, p *DBPool, modules []MigrationModule) (applied []string, err error) {
	if p == nil || p.pgx == nil {
		return nil, errNoDatabase
	}
	pc, err := p.pgx.Acquire(ctx)
	if err != nil {
		return nil, classify(err)
	}
	// The connection leaves the pool: closing it ends the session, which
	// releases the advisory lock whatever state the session is in.
	conn := pc.Hijack()
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		return nil, fmt.Errorf("migrations: lock: %w", classify(err))
	}
	if _, err := conn.Exec(ctx, migrationTableSQL); err != nil {
		return nil, fmt.Errorf("migrations: create pod_migration: %w", classify(err))
	}
	done, err := recordedMigrations(ctx, conn)
	if err != nil {
		return nil, err
	}
	for _, m := range modules {
		steps, err := applyModule(ctx, conn, m, done[m.Name])
		applied = append(applied, steps...)
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// applyModule applies m's pending versions, or its definition when the
// database has none of m's versions yet.
func applyModule(ctx context.Context, conn *pgx.Conn, m MigrationModule, done map[string]bool) ([]string, error) {
	if len(m.Versions) == 0 {
		return nil, nil
	}
	if len(done) == 0 && m.Definition != "" {
		newest := m.Versions[len(m.Versions)-1].Version
		if err := applyInTx(ctx, conn, m, newest, true, m.Definition, m.Versions); err != nil {
			return nil, err
		}
		return []string{m.Name + "/" + newest + " (definition)"}, nil
	}
	var applied []string
	for _, v := range m.Versions {
		if done[v.Version] {
			continue
		}
		if err := applyInTx(ctx, conn, m, v.Version, false, v.SQL, []MigrationVersion{v}); err != nil {
			return applied, err
		}
		applied = append(applied, m.Name+"/"+v.Version)
	}
	return applied, nil
}

// applyInTx runs the statements of sql and records the versions in one
// transaction; on any error it rolls back and returns a *MigrationError.
func applyInTx(ctx context.Context, conn *pgx.Conn, m MigrationModule, version string, definition bool,
	sql string, record []MigrationVersion) error {
	fail := func(stmt string, err error) error {
		return &MigrationError{Module: m.Name, Version: version, Definition: definition,
			Statement: statementSummary(stmt), Err: classify(err)}
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fail("", err)
	}
	defer func() {
		// A no-op after Commit; after a failure the rollback must run even
		// when ctx is what failed.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		tx.Rollback(rctx)
	}()
	for _, stmt := range splitSQL(sql) {
		// No arguments: pgx sends it as a simple query, which any DDL accepts.
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fail(stmt, err)
		}
	}
	for _, v := range record {
		if _, err := tx.Exec(ctx, recordMigrationSQL, m.Name, v.Version); err != nil {
			return fail(recordMigrationSQL, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fail("COMMIT", err)
	}
	return nil
}

// recordedMigrations reads pod_migration: module → version → true.
func recordedMigrations(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) (map[string]map[string]bool, error) {
	rows, err := q.Query(ctx, `SELECT "module", "version" FROM "pod_migration"`)
	if err != nil {
		return nil, fmt.Errorf("migrations: read pod_migration: %w", classify(err))
	}
	defer rows.Close()
	done := map[string]map[string]bool{}
	for rows.Next() {
		var module, version string
		if err := rows.Scan(&module, &version); err != nil {
			return nil, err
		}
		if done[module] == nil {
			done[module] = map[string]bool{}
		}
		done[module][version] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrations: read pod_migration: %w", classify(err))
	}
	return done, nil
}

// MissingMigrations lists the versions of modules the database has not
// recorded ("app/20260301000000-v3"), in the order ApplyMigrations would
// apply them. tracked is false when the database has no pod_migration
// table at all (made from tables.pgsql, or never migrated): then every
// version is missing. It only reads, and takes no lock.
func MissingMigrations(ctx context.Context, p *DBPool, modules []MigrationModule) (missing []string, tracked bool, err error) {
	if p == nil || p.pgx == nil {
		return nil, false, errNoDatabase
	}
	err = classify(p.pgx.QueryRow(ctx, `SELECT to_regclass('"pod_migration"') IS NOT NULL`).Scan(&tracked))
	if err != nil {
		return nil, false, err
	}
	done := map[string]map[string]bool{}
	if tracked {
		if done, err = recordedMigrations(ctx, p.pgx); err != nil {
			return nil, true, err
		}
	}
	for _, m := range modules {
		for _, v := range m.Versions {
			if !done[m.Name][v.Version] {
				missing = append(missing, m.Name+"/"+v.Version)
			}
		}
	}
	return missing, tracked, nil
}

// statementSummary is what an error shows of a statement: its first line,
// cut at 200 bytes (on a rune boundary).
func statementSummary(stmt string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(stmt), "\n")
	line = strings.TrimSpace(line)
	if len(line) <= 200 {
		return line
	}
	cut := 200
	for cut > 0 && !isRuneStart(line[cut]) {
		cut--
	}
	return line[:cut] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
