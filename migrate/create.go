package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/schema"
)

// DefaultName is the name part of a version when --name is not given.
const DefaultName = "migration"

// TimeLayout is the timestamp part of a version (UTC).
const TimeLayout = "20060102150405"

// The files of a migration folder.
const (
	MigrationFile  = "migration.sql"
	DefinitionFile = "definition.sql"
	SnapshotFile   = "snapshot.json"
)

var (
	nameRE    = regexp.MustCompile(`^[a-z0-9_-]+$`)
	versionRE = regexp.MustCompile(`^[0-9]{14}-[a-z0-9_-]+$`)
)

// ValidName reports whether name may be a version's name part.
func ValidName(name string) bool { return nameRE.MatchString(name) }

// Options are the inputs of Create.
type Options struct {
	Protocol *schema.Protocol
	Dir      string    // the migrations folder; created when missing
	Name     string    // the version's name part; "" is DefaultName
	Force    bool      // accept changes that lose data
	Now      time.Time // the version's timestamp (taken in UTC, whole seconds)
}

// Result is what Create did.
type Result struct {
	Previous string   // the newest version before this run, "" when none
	Version  string   // the folder written, "" when nothing changed
	Changes  []Change // the changes in Version, in migration order
}

// RefusedError is Create's answer to a change that loses data without
// Options.Force. Losses names every such change.
type RefusedError struct{ Losses []string }

func (e *RefusedError) Error() string {
	return "podgen: the migration would lose data:\n  " + strings.Join(e.Losses, "\n  ") +
		"\nre-run with --force to accept"
}

// Create compares the protocol with the snapshot of the newest version in
// o.Dir and writes a new version folder holding the difference. Without
// changes it writes nothing (Result.Version is ""). A change that loses
// data is refused (*RefusedError) unless o.Force. The folder is built
// under a temporary name beside the others and renamed into place, and an
// existing folder is never written to.
func Create(o Options) (*Result, error) {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if !ValidName(o.Name) {
		return nil, fmt.Errorf("migration name %q: use lower-case letters, digits, _ and - only", o.Name)
	}
	versions, err := Versions(o.Dir)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	old := &Snapshot{Format: SnapshotFormat}
	if len(versions) > 0 {
		res.Previous = versions[len(versions)-1]
		if old, err = ReadSnapshot(filepath.Join(o.Dir, res.Previous, SnapshotFile)); err != nil {
			return nil, err
		}
	}
	next := FromProtocol(o.Protocol)
	res.Changes = Diff(old, next)
	if len(res.Changes) == 0 {
		return res, nil
	}
	if err := refuseLosses(res.Changes, o.Force); err != nil {
		return nil, err
	}
	files, err := folderFiles(o.Protocol, next, res.Changes, res.Previous == "")
	if err != nil {
		return nil, err
	}
	res.Version = nextTimestamp(o.Now, res.Previous) + "-" + o.Name
	if err := writeFolder(o.Dir, res.Version, files); err != nil {
		return nil, err
	}
	return res, nil
}

func refuseLosses(changes []Change, force bool) error {
	var losses []string
	for _, c := range changes {
		if loss := c.Loss(); loss != "" {
			losses = append(losses, loss)
		}
	}
	if len(losses) == 0 || force {
		return nil
	}
	return &RefusedError{Losses: losses}
}

// folderFiles renders the three files of a version folder.
func folderFiles(p *schema.Protocol, next *Snapshot, changes []Change, first bool) (map[string][]byte, error) {
	delta, err := Render(changes)
	if err != nil {
		return nil, err
	}
	head := "-- podgen create-migration: the changes since the previous version.\n"
	if first {
		head = "-- podgen create-migration: the first version, the whole schema.\n"
	}
	return map[string][]byte{
		MigrationFile: []byte(head + delta),
		DefinitionFile: []byte("-- podgen create-migration: the whole schema of the app's tables at this version\n" +
			"-- (podgen's own system tables are versioned separately).\n" + emit.AppTablesSQL(p.ManagedTables())),
		SnapshotFile: next.Marshal(),
	}, nil
}

// Versions lists the version folders of dir, oldest first; none when dir
// does not exist. Files and hidden entries are ignored; any other folder is
// an error, so that a typo is not taken for history.
func Versions(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		if !versionRE.MatchString(name) {
			return nil, fmt.Errorf("%s: not a migration folder (want <UTC timestamp YYYYMMDDHHMMSS>-<name>, such as 20260301000000-add-index)", filepath.Join(dir, name))
		}
		if _, err := time.Parse(TimeLayout, name[:len(TimeLayout)]); err != nil {
			return nil, fmt.Errorf("%s: %q is not a valid timestamp (YYYYMMDDHHMMSS)", filepath.Join(dir, name), name[:len(TimeLayout)])
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out, nil
}

// nextTimestamp is now in UTC, or one second after the previous version's
// timestamp when the clock is not past it, so that versions stay strictly
// ordered.
func nextTimestamp(now time.Time, previous string) string {
	ts := now.UTC().Truncate(time.Second)
	if previous != "" {
		if prev, err := time.Parse(TimeLayout, previous[:len(TimeLayout)]); err == nil && !ts.After(prev) {
			ts = prev.Add(time.Second)
		}
	}
	return ts.Format(TimeLayout)
}

// writeFolder writes files into dir/version through a temporary folder
// and a rename; it fails rather than touch an existing dir/version.
func writeFolder(dir, version string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	final := filepath.Join(dir, version)
	if _, err := os.Lstat(final); err == nil {
		return fmt.Errorf("%s already exists; podgen never rewrites a migration", final)
	}
	tmp, err := os.MkdirTemp(dir, ".podgen-new-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up after a failure
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(tmp, name), files[name], 0o644); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("writing %s: %w", final, err)
	}
	return nil
}
