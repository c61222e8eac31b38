package generator

import (
	"fmt"
	"io"
	"os"
)

// Build is `podgen build`: it loads protocolDir and endpointsDir, works out
// the import paths from the go.mod above outDir, generates every file and
// writes outDir. With check it writes nothing and only reports. Either
// way it returns the slash paths (relative to outDir) that differ from
// what outDir holds. User errors come back as a schema.ErrorList; on any
// error outDir is left untouched.
func Build(protocolDir, endpointsDir, outDir string, check bool) (changed []string, err error) {
	return BuildWith(protocolDir, endpointsDir, outDir, BuildOptions{Check: check})
}

// BuildOptions are build's optional settings.
type BuildOptions struct {
	Check bool // write nothing, only report
	// Migrations is the migrations folder; "" means DefaultMigrationsDir,
	// which may be missing (no app migrations). A folder given here must
	// exist.
	Migrations string
	// Warnings receives warnings that do not fail the build (a protocol
	// that differs from the newest migration); nil is os.Stderr.
	Warnings io.Writer
}

// BuildWith is Build with all of build's options.
func BuildWith(protocolDir, endpointsDir, outDir string, opt BuildOptions) (changed []string, err error) {
	check := opt.Check
	for _, dir := range []struct{ what, path string }{{"protocol", protocolDir}, {"endpoints", endpointsDir}} {
		if fi, err := os.Stat(dir.path); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("%s: %s folder not found", dir.path, dir.what)
		}
	}
	cfg, err := ProjectConfig(outDir)
	if err != nil {
		return nil, err
	}
	p, err := LoadProject(protocolDir, endpointsDir, cfg)
	if err != nil {
		return nil, err
	}
	o, err := Discover(outDir, endpointsDir)
	if err != nil {
		return nil, err
	}
	migrations, explicit := opt.Migrations, opt.Migrations != ""
	if !explicit {
		migrations = DefaultMigrationsDir(protocolDir)
	}
	if err := migrationOptions(&o, migrations, explicit); err != nil {
		return nil, err
	}
	warnings := opt.Warnings
	if warnings == nil {
		warnings = os.Stderr
	}
	warnMigrationDrift(warnings, p, migrations, o.Migrations)
	files, err := Generate(p, o)
	if err != nil {
		return nil, err
	}
	if check {
		return Check(outDir, files)
	}
	return write(outDir, files)
}
