package schema

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/errors/*/stderr.txt from the current output")

// TestErrorCases loads every testdata/errors/<case> (its protocol folder,
// and its endpoints folder when there is one) from the repository root, as
// podgen would be run there, and compares the errors with the case's
// stderr.txt byte for byte.
func TestErrorCases(t *testing.T) {
	t.Chdir("..")
	cases, err := os.ReadDir("testdata/errors")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) { runErrorCase(t, filepath.Join("testdata/errors", c.Name())) })
	}
}

func runErrorCase(t *testing.T, dir string) {
	protocol, endpoints := filepath.Join(dir, "protocol"), filepath.Join(dir, "endpoints")
	if _, err := os.Stat(protocol); err != nil {
		protocol = t.TempDir() // an endpoints-only case
	}
	if _, err := os.Stat(endpoints); err != nil {
		endpoints = ""
	}
	_, err := Load(protocol, endpoints)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Load returned %v, want an ErrorList", err)
	}
	got := err.Error() + "\n"
	golden := filepath.Join(dir, "stderr.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("errors differ from %s (-want +got):\n%s", golden, lineDiff(string(want), got))
	}
}

// lineDiff is a small line diff: lines only in want get "-", lines only in
// got get "+", common lines (by longest common subsequence) a space.
func lineDiff(want, got string) string {
	a := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	b := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out.WriteString("  " + a[i] + "\n")
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			out.WriteString("+ " + b[j] + "\n")
			j++
		default:
			out.WriteString("- " + a[i] + "\n")
			i++
		}
	}
	return out.String()
}
