package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/podgen/podgen/generator"
	"github.com/podgen/podgen/migrate"
)

// migrationTimeEnv fixes the timestamp of a new migration (YYYYMMDDHHMMSS,
// UTC). Undocumented: only for tests and reproducible testdata.
const migrationTimeEnv = "PODGEN_MIGRATION_TIME"

func createMigrationCommand() *cli.Command {
	return &cli.Command{
		Name:         "create-migration",
		Usage:        "write a migration from the changes of the protocol's tables since the newest one",
		ArgsUsage:    "<protocol folder> [<migrations folder>, default: migrations beside the protocol folder]",
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Value: migrate.DefaultName, Usage: "the migration's `name` ([a-z0-9_-]+), after its timestamp"},
			&cli.BoolFlag{Name: "force", Usage: "accept changes that lose data (dropped tables and columns, ...)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 1 || c.NArg() > 2 {
				return usagef("create-migration takes 1 or 2 arguments (protocol folder, migrations folder), got %d", c.NArg())
			}
			if !migrate.ValidName(c.String("name")) {
				return usagef("--name %q: use lower-case letters, digits, _ and - only", c.String("name"))
			}
			protocol := c.Args().Get(0)
			dir := c.Args().Get(1)
			if dir == "" {
				dir = filepath.Join(filepath.Dir(filepath.Clean(protocol)), "migrations")
			}
			return createMigration(c.App.Writer, protocol, dir, c.String("name"), c.Bool("force"))
		},
	}
}

// createMigration loads the protocol (tables come from it alone, so no
// endpoints folder) and writes the migration folder, if anything changed.
func createMigration(w io.Writer, protocol, dir, name string, force bool) error {
	now, err := migrationTime()
	if err != nil {
		return err
	}
	cfg, err := generator.ProjectConfig(protocol) // its modules' classes may be referenced
	if err != nil {
		return err
	}
	p, err := generator.LoadProject(protocol, "", cfg)
	if err != nil {
		return err
	}
	res, err := migrate.Create(migrate.Options{Protocol: p, Dir: dir, Name: name, Force: force, Now: now})
	if err != nil {
		return err
	}
	switch {
	case res.Version != "":
		noun := "changes"
		if len(res.Changes) == 1 {
			noun = "change"
		}
		fmt.Fprintf(w, "created %s (%d %s)\n", filepath.Join(dir, res.Version), len(res.Changes), noun)
		for _, c := range res.Changes {
			if loss := c.Loss(); loss != "" {
				fmt.Fprintf(w, "  accepted with --force: %s\n", loss)
			}
		}
	case res.Previous != "":
		fmt.Fprintf(w, "no changes since %s\n", res.Previous)
	default:
		fmt.Fprintln(w, "no changes: the protocol has no tables")
	}
	return nil
}

// migrationTime is the clock, or PODGEN_MIGRATION_TIME when set.
func migrationTime() (time.Time, error) {
	v := os.Getenv(migrationTimeEnv)
	if v == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(migrate.TimeLayout, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s=%q: want YYYYMMDDHHMMSS", migrationTimeEnv, v)
	}
	return t, nil
}
