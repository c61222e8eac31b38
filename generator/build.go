package generator

import (
	"fmt"
	"os"

	"github.com/podgen/podgen/schema"
)

// Build is `podgen build`: it loads protocolDir and endpointsDir, works out
// the import paths from the go.mod above outDir, generates every file and
// writes outDir. With check it writes nothing and only reports. Either
// way it returns the slash paths (relative to outDir) that differ from
// what outDir holds. User errors come back as a schema.ErrorList; on any
// error outDir is left untouched.
func Build(protocolDir, endpointsDir, outDir string, check bool) (changed []string, err error) {
	for _, dir := range []struct{ what, path string }{{"protocol", protocolDir}, {"endpoints", endpointsDir}} {
		if fi, err := os.Stat(dir.path); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("%s: %s folder not found", dir.path, dir.what)
		}
	}
	p, err := schema.Load(protocolDir, endpointsDir)
	if err != nil {
		return nil, err
	}
	o, err := Discover(outDir, endpointsDir)
	if err != nil {
		return nil, err
	}
	files, err := Generate(p, o)
	if err != nil {
		return nil, err
	}
	if changed, err = Check(outDir, files); err != nil || check || len(changed) == 0 {
		return changed, err
	}
	return changed, Write(outDir, files)
}
