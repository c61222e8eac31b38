package schema

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/podgen/podgen/internal/inputfile"
)

// The size limits of input files. A protocol file holds one definition and
// an endpoint file a few types and methods, so anything near these sizes
// is a mistake; they bound what the parsers are given.
const (
	maxProtocolFileSize = 1 << 20
	maxEndpointFileSize = 4 << 20
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
//
// Only regular files are read (a link is followed to one), and none larger
// than its limit; any other file is a user error at its path, reported
// with the errors of the files that could be read.
func Load(protocolDir, endpointsDir string) (*Protocol, error) {
	return LoadWith(protocolDir, endpointsDir, Config{}, nil)
}

// LoadWith is Load for an app whose podgen.yaml says cfg, with the source
// of the modules it enables (emit.ModuleSources).
func LoadWith(protocolDir, endpointsDir string, cfg Config, modules []Module) (*Protocol, error) {
	var bad ErrorList
	protocol, err := readTree(protocolDir, isProtocolFile, true, maxProtocolFileSize, "a protocol file", &bad)
	if err != nil {
		return nil, err
	}
	var endpoints []File
	if endpointsDir != "" {
		endpoints, err = readTree(endpointsDir, isEndpointFile, false, maxEndpointFileSize, "an endpoint file", &bad)
		if err != nil {
			return nil, err
		}
	}
	p, err := LoadInput(Input{Protocol: protocol, Endpoints: endpoints, Config: cfg, Modules: modules})
	if len(bad) == 0 {
		return p, err
	}
	var errs ErrorList
	errors.As(err, &errs)
	return nil, append(bad, errs...).Err()
}

// LoadFiles is Load on files already in memory; tests and fuzzers use it.
func LoadFiles(protocol, endpoints []File) (*Protocol, error) {
	return LoadInput(Input{Protocol: protocol, Endpoints: endpoints})
}

// Input is everything one build reads: the app's files, its podgen.yaml
// and the files of the podgen modules it enables.
type Input struct {
	Protocol, Endpoints []File
	Config              Config
	Modules             []Module
}

// Module is one of podgen's optional modules as source: its protocol files
// (loaded with the app's, so its classes are the app's pod.UserInfo) and
// its endpoint files (package Name, served as "Name.endpoint").
type Module struct {
	Name                string
	Protocol, Endpoints []File
}

// LoadInput is LoadFiles with podgen.yaml and the enabled modules.
func LoadInput(in Input) (*Protocol, error) {
	var errs ErrorList
	protocol := append([]File(nil), in.Protocol...)
	for _, m := range in.Modules {
		protocol = append(protocol, m.Protocol...)
	}
	p := loadProtocol(protocol, &errs)
	p.Config = in.Config
	parseEndpoints(in.Endpoints, "", p, &errs)
	for _, m := range in.Modules {
		parseEndpoints(m.Endpoints, m.Name, p, &errs)
	}
	if len(errs) == 0 { // the plan needs the whole IR
		checkPlan(p, &errs)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

func isProtocolFile(name string) bool { return strings.HasSuffix(name, ".yaml") }

func isEndpointFile(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")
}

// readTree reads the files of dir that match keep, in lexical order. A
// file that is not regular, is over limit bytes or cannot be read goes to
// bad; the error is for a folder that cannot be walked.
func readTree(dir string, keep func(string) bool, recursive bool, limit int64, what string, bad *ErrorList) ([]File, error) {
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
		data, err := inputfile.Read(p, limit, what)
		var refused *inputfile.Error
		if errors.As(err, &refused) {
			bad.Add(Pos{File: p, Line: 1, Col: 1}, "%s", refused.Msg)
			return nil
		}
		if err != nil {
			return err
		}
		files = append(files, File{Path: p, Data: data})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, err
}
