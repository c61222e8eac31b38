package schema

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// File is one input file: its path as the user should see it in errors and
// its contents.
type File struct {
	Path string
	Data []byte
}

// Load reads every .yaml and .spy.yaml file under protocolDir (recursively)
// and every non-test .go file directly in endpointsDir (which may be ""),
// and returns the validated IR. On user errors it returns an ErrorList
// holding all of them; other errors are I/O failures.
func Load(protocolDir, endpointsDir string) (*Protocol, error) {
	protocol, err := readTree(protocolDir, isProtocolFile, true)
	if err != nil {
		return nil, err
	}
	var endpoints []File
	if endpointsDir != "" {
		if endpoints, err = readTree(endpointsDir, isEndpointFile, false); err != nil {
			return nil, err
		}
	}
	return LoadFiles(protocol, endpoints)
}

// LoadFiles is Load on files already in memory; tests and fuzzers use it.
func LoadFiles(protocol, endpoints []File) (*Protocol, error) {
	var errs ErrorList
	p := loadProtocol(protocol, &errs)
	parseEndpoints(endpoints, p, &errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

func isProtocolFile(name string) bool { return strings.HasSuffix(name, ".yaml") }

func isEndpointFile(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")
}

// readTree reads the files of dir that match keep, in lexical order.
func readTree(dir string, keep func(string) bool, recursive bool) ([]File, error) {
	var files []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (!recursive || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !keep(d.Name()) || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, File{Path: p, Data: data})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, err
}
