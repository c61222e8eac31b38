// Command podgen generates a self-contained Go app server (models with JSON
// codecs, net/http server, client, ...) from protocol YAML files and
// endpoint Go files. See README.md and docs/DESIGN.md.
//
//	podgen init mypod [--module example.com/mypod]
//	podgen build ./protocol ./endpoints -o ./out [--check] [--migrations DIR]
//	podgen build ./protocol ./endpoints --watch [--run [-- server flags]]
//	podgen create-migration ./protocol [./migrations] [--name NAME] [--force]
//	podgen version
//
// Exit codes: 0 success, 1 errors in the input (or --check found changes),
// 2 usage errors.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/podgen/podgen/generator"
	"github.com/podgen/podgen/internal/initproject"
	"github.com/podgen/podgen/watch"
)

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// usageError is a command line the CLI cannot make sense of (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// run is the whole CLI; tests call it with their own writers.
func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.Run(reorder(args))
	var usage *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "podgen: %s\nrun \"podgen help\" for usage\n", usage.msg)
		return 2
	default:
		fmt.Fprintln(stderr, err)
		return 1
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:           "podgen",
		Usage:          "generate a Go app server from protocol YAML and endpoint Go files",
		Writer:         stdout,
		ErrWriter:      stderr,
		HideVersion:    true,
		ExitErrHandler: func(*cli.Context, error) {}, // run decides exit codes; never os.Exit here
		OnUsageError:   onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("unknown command %q", c.Args().First())
			}
			cli.ShowAppHelp(c)
			return usagef("no command given")
		},
		Commands: []*cli.Command{buildCommand(), createMigrationCommand(), initCommand(), versionCommand()},
	}
}

func onUsageError(_ *cli.Context, err error, _ bool) error {
	return &usageError{err.Error()}
}

func buildCommand() *cli.Command {
	return &cli.Command{
		Name:         "build",
		Usage:        "generate the app into the output folder",
		ArgsUsage:    "<protocol folder> <endpoints folder>",
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "out", Usage: "output `folder`, inside a Go module"},
			&cli.BoolFlag{Name: "check", Usage: "write nothing; exit 1 if the output would change"},
			&cli.StringFlag{Name: "migrations", Usage: "migrations `folder` embedded into the server (default: migrations next to the protocol folder, if it exists)"},
			&cli.BoolFlag{Name: "watch", Usage: "build, then build again whenever the protocol, endpoints, migrations or podgen.yaml change"},
			&cli.BoolFlag{Name: "run", Usage: "with --watch: (re)start the server after each good build; its flags go after --"},
		},
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if err := checkBuildArgs(c, len(args)); err != nil {
				return err
			}
			opt := generator.BuildOptions{Check: c.Bool("check"), Migrations: c.String("migrations"), Warnings: c.App.ErrWriter}
			if c.Bool("watch") {
				ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
				defer stop()
				return watchBuild(ctx, c.App.Writer, c.App.ErrWriter, args[0], args[1], c.String("out"), opt, c.Bool("run"), args[2:])
			}
			return build(c.App.Writer, args[0], args[1], c.String("out"), opt)
		},
	}
}

// checkBuildArgs checks build's arguments and flags against each other:
// two folders, and server flags only with --run.
func checkBuildArgs(c *cli.Context, n int) error {
	switch {
	case c.Bool("run") && !c.Bool("watch"):
		return usagef("--run needs --watch")
	case c.Bool("watch") && c.Bool("check"):
		return usagef("--watch and --check do not go together")
	case n < 2 || (n > 2 && !c.Bool("run")):
		return usagef("build takes 2 arguments (protocol folder, endpoints folder), got %d", n)
	}
	return nil
}

// watchBuild builds whenever the inputs change, until ctx is done; with
// run, the server is rebuilt and restarted with serverArgs after each
// good build.
func watchBuild(ctx context.Context, stdout, stderr io.Writer, protocol, endpoints, out string,
	opt generator.BuildOptions, run bool, serverArgs []string) error {
	migrations := opt.Migrations
	if migrations == "" {
		migrations = generator.DefaultMigrationsDir(protocol)
	}
	paths := []string{protocol, endpoints, migrations}
	if config := generator.ProjectConfigPath(out); config != "" {
		paths = append(paths, config) // turning a module on or off rebuilds too
	}
	cfg := watch.Config{
		Paths:    paths,
		Debounce: 150 * time.Millisecond,
		Build:    func() error { return build(stdout, protocol, endpoints, out, opt) },
		Log:      stderr,
	}
	if run {
		srv := &watch.Server{Package: "./" + filepath.ToSlash(filepath.Join(out, "cmd", "server")), Args: serverArgs,
			Log: stderr, Stdout: stdout, Stderr: stderr}
		defer srv.Close()
		cfg.Built = srv.Restart
	}
	fmt.Fprintf(stderr, "watching %s (Ctrl-C stops)\n", strings.Join(paths, ", "))
	return watch.Run(ctx, cfg)
}

// build runs the generator and reports what changed.
func build(w io.Writer, protocol, endpoints, out string, opt generator.BuildOptions) error {
	changed, err := generator.BuildWith(protocol, endpoints, out, opt)
	if err != nil {
		return err
	}
	if !opt.Check {
		if len(changed) > 0 {
			fmt.Fprintf(w, "wrote %s (%d files changed)\n", out, len(changed))
		}
		return nil
	}
	if len(changed) == 0 {
		return nil
	}
	return fmt.Errorf("%s is out of date; run \"podgen build\" to update:\n  %s", out, strings.Join(changed, "\n  "))
}

func initCommand() *cli.Command {
	return &cli.Command{
		Name:         "init",
		Usage:        "create a new project that builds out of the box",
		ArgsUsage:    "<name>",
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "module", Usage: "Go module `path` (default: the name)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("init takes 1 argument (the project name), got %d", c.NArg())
			}
			return initproject.Run(initproject.Options{
				Dir:    c.Args().First(),
				Module: c.String("module"),
				Stdout: c.App.Writer,
				Stderr: c.App.ErrWriter,
			})
		},
	}
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print podgen's version",
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("version takes no arguments")
			}
			fmt.Fprintln(c.App.Writer, "podgen", version())
			return nil
		},
	}
}

// version is the module version podgen was installed at, or "(devel)".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// valueFlags are the flags that take a value, for reorder.
var valueFlags = map[string]bool{"o": true, "out": true, "module": true, "migrations": true, "name": true}

// reorder moves flags given after positional arguments in front of them,
// so that `podgen build ./protocol ./endpoints -o ./out` works: urfave/cli
// v2 (Go's flag package) stops at the first positional argument. A "--"
// ends flag parsing as usual.
func reorder(args []string) []string {
	if len(args) < 3 {
		return args
	}
	var flags, pos []string
	dashes := false
	rest := args[2:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			pos, dashes = append(pos, rest[i+1:]...), true
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if valueFlags[name] && i+1 < len(rest) {
			flags = append(flags, rest[i+1])
			i++
		}
	}
	out := append([]string{args[0], args[1]}, flags...)
	if dashes {
		out = append(out, "--")
	}
	return append(out, pos...)
}
