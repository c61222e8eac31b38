package generator

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/podgen/podgen/emit"
	"github.com/podgen/podgen/internal/inputfile"
	"github.com/podgen/podgen/schema"
)

// maxConfigFileSize bounds podgen.yaml, a few lines of switches.
const maxConfigFileSize = 64 << 10

// ProjectConfig reads podgen.yaml at the root of the module that holds
// outDir (found like the go.mod). Without one, or outside any module
// (Discover reports that), the app enables no modules.
func ProjectConfig(outDir string) (schema.Config, error) {
	path := ProjectConfigPath(outDir)
	if path == "" {
		return schema.Config{}, nil
	}
	return ReadProjectConfig(path)
}

// ProjectConfigPath is where the podgen.yaml of the module that holds
// outDir is, whether or not it exists ("" outside any module): what
// podgen build --watch watches besides the inputs.
func ProjectConfigPath(outDir string) string {
	_, root, _, err := moduleOf(outDir)
	if err != nil {
		return ""
	}
	return filepath.Join(root, schema.ConfigFile)
}

// ReadProjectConfig reads the podgen.yaml at path; a missing file is the
// zero Config.
func ReadProjectConfig(path string) (schema.Config, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return schema.Config{}, nil // a broken link is not "none": Read reports it
	}
	data, err := inputfile.Read(path, maxConfigFileSize, "podgen.yaml")
	var refused *inputfile.Error
	if errors.As(err, &refused) {
		var l schema.ErrorList
		l.Add(schema.Pos{File: path, Line: 1, Col: 1}, "%s", refused.Msg)
		return schema.Config{}, l.Err()
	}
	if err != nil {
		return schema.Config{}, err
	}
	return schema.ReadConfig(path, data)
}

// LoadProject loads an app's protocol and endpoints with the modules its
// podgen.yaml enables.
func LoadProject(protocolDir, endpointsDir string, cfg schema.Config) (*schema.Protocol, error) {
	modules, err := emit.ModuleSources(cfg)
	if err != nil {
		return nil, err
	}
	return schema.LoadWith(protocolDir, endpointsDir, cfg, modules)
}
