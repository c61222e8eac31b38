package generator

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/internal/inputfile"
	"github.com/podgen/podgen/migrate"
	"github.com/podgen/podgen/schema"
)

// DefaultMigrationsDir is where build looks for the migrations folder when
// --migrations is not given: `migrations` next to the protocol folder.
func DefaultMigrationsDir(protocolDir string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(protocolDir)), "migrations")
}

// ReadMigrations reads the migrations folder dir: one folder per version
// with migration.sql (the delta) and definition.sql (the whole schema at
// that version). It returns the versions oldest first (by folder name)
// and the newest definition. Files beside the version folders (a README)
// and hidden entries are ignored; any folder that is not a version, or a
// version that lacks a file, is an error naming it, so that nothing is
// half-embedded. An empty folder is no migrations.
func ReadMigrations(dir string) (versions []emit.Migration, definition string, err error) {
	names, err := migrate.Versions(dir) // the one definition of a version folder
	if err != nil {
		return nil, "", err
	}
	var errs []error
	for _, name := range names {
		path := filepath.Join(dir, name)
		sql, err := readSQL(path, migrate.MigrationFile)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		def, err := readSQL(path, migrate.DefinitionFile)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		versions = append(versions, emit.Migration{Version: name, SQL: sql})
		definition = def // entries come sorted by name: the last is the newest
	}
	if len(errs) > 0 {
		return nil, "", errors.Join(errs...)
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i].Version < versions[j].Version })
	return versions, definition, nil
}

// maxSQLFileSize bounds a migration's SQL file, which is embedded into the
// server as a string constant: a definition.sql holds the whole schema,
// and thousands of tables still fit many times over.
const maxSQLFileSize = 16 << 20

// readSQL reads one SQL file of a version folder, with CRLF line ends made
// LF so that the generated constants do not depend on the checkout.
func readSQL(dir, file string) (string, error) {
	path := filepath.Join(dir, file)
	data, err := inputfile.Read(path, maxSQLFileSize, "a migration file")
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: missing %s", dir, file)
	}
	if err != nil {
		return "", err
	}
	if !utf8.Valid(data) {
		return "", fmt.Errorf("%s: not UTF-8", path)
	}
	return strings.ReplaceAll(string(data), "\r\n", "\n"), nil
}

// migrationOptions fills o's migrations from dir; explicit says the user
// named dir, so that a missing folder is an error instead of "no
// migrations".
func migrationOptions(o *emit.Options, dir string, explicit bool) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("%s: migrations folder not found", dir)
	}
	versions, def, err := ReadMigrations(dir)
	if err != nil || len(versions) == 0 {
		return err
	}
	o.Migrations = &emit.Migrations{Versions: versions, Definition: def}
	return nil
}

// warnMigrationDrift warns on w when the protocol's tables differ from
// the snapshot of the newest migration in dir: a forgotten
// create-migration would ship a server whose code expects columns that
// --apply-migrations never creates. Only a warning (build still succeeds:
// the migration may be written next), and cheap: one snapshot read and a
// diff. A snapshot that cannot be read is warned about too, since the
// check could not be made.
func warnMigrationDrift(w io.Writer, p *schema.Protocol, dir string, m *emit.Migrations) {
	if m == nil || len(m.Versions) == 0 {
		return
	}
	newest := m.Versions[len(m.Versions)-1].Version
	snap, err := migrate.ReadSnapshot(filepath.Join(dir, newest, migrate.SnapshotFile))
	if err != nil {
		fmt.Fprintf(w, "podgen: warning: cannot check the protocol against the newest migration %s: %v\n", newest, err)
		return
	}
	if len(migrate.Diff(snap, migrate.FromProtocol(p))) > 0 {
		fmt.Fprintf(w, "podgen: warning: protocol tables differ from the newest migration %s: run podgen create-migration\n", newest)
	}
}
