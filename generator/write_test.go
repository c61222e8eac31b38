package generator

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podgen/podgen/emit"
)

func gen(body string) []byte { return []byte("// " + emit.Header + "\n\npackage pod\n" + body) }

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// tree reads every file under dir, keyed by slash path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || e.Type()&os.ModeNamedPipe != 0 {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, out string, files map[string][]byte) {
	t.Helper()
	if err := Write(out, files); err != nil {
		t.Fatal(err)
	}
}

func TestWriteCreatesTree(t *testing.T) {
	out := filepath.Join(t.TempDir(), "deep", "out")
	files := map[string][]byte{"pod/a.go": gen("// a\n"), "client/b.go": gen("// b\n")}
	mustWrite(t, out, files)
	want := map[string]string{"pod/a.go": string(files["pod/a.go"]), "client/b.go": string(files["client/b.go"])}
	if got := tree(t, out); !reflect.DeepEqual(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
	assertNoLeftovers(t, filepath.Dir(out))
}

// assertNoLeftovers checks that no temporary folder stays beside out.
func assertNoLeftovers(t *testing.T, parent string) {
	t.Helper()
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".podgen-") {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

func TestWriteRemovesStaleKeepsUserFiles(t *testing.T) {
	out := t.TempDir()
	writeFile(t, filepath.Join(out, "pod/stale.go"), string(gen("")))
	writeFile(t, filepath.Join(out, "old/tables.pgsql"), "-- "+emit.Header+"\n")
	writeFile(t, filepath.Join(out, "pod/mine.go"), "package pod\n// "+emit.Header+"\n")
	writeFile(t, filepath.Join(out, "notes/todo.txt"), "mine")
	os.Symlink("todo.txt", filepath.Join(out, "notes/link"))
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	os.Chtimes(filepath.Join(out, "notes/todo.txt"), old, old)

	mustWrite(t, out, map[string][]byte{"pod/a.go": gen("")})
	got := tree(t, out)
	want := map[string]string{
		"pod/a.go": string(gen("")), "pod/mine.go": "package pod\n// " + emit.Header + "\n",
		"notes/todo.txt": "mine", "notes/link": "mine",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
	if fi, _ := os.Stat(filepath.Join(out, "notes/todo.txt")); !fi.ModTime().Equal(old) {
		t.Errorf("user file mtime changed to %v", fi.ModTime())
	}
	if target, err := os.Readlink(filepath.Join(out, "notes/link")); err != nil || target != "todo.txt" {
		t.Errorf("symlink = %q, %v", target, err)
	}
	if _, err := os.Stat(filepath.Join(out, "old")); !os.IsNotExist(err) {
		t.Errorf("folder of stale files survived: %v", err)
	}
}

// TestWriteIdempotent: writing the same files again touches nothing, and
// a change rewrites only what changed (unchanged files keep their mtime).
func TestWriteIdempotent(t *testing.T) {
	out := t.TempDir()
	files := map[string][]byte{"pod/a.go": gen("// a\n"), "pod/b.go": gen("// b\n")}
	mustWrite(t, out, files)
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, p := range []string{"pod/a.go", "pod/b.go", "pod", "."} {
		os.Chtimes(filepath.Join(out, p), old, old)
	}
	mustWrite(t, out, files)
	for _, p := range []string{"pod/a.go", "pod/b.go", "pod", "."} {
		if fi, _ := os.Stat(filepath.Join(out, p)); !fi.ModTime().Equal(old) {
			t.Errorf("%s touched by an idempotent write", p)
		}
	}
	files["pod/b.go"] = gen("// b2\n")
	mustWrite(t, out, files)
	if fi, _ := os.Stat(filepath.Join(out, "pod/a.go")); !fi.ModTime().Equal(old) {
		t.Errorf("unchanged pod/a.go rewritten")
	}
	if got := tree(t, out)["pod/b.go"]; got != string(files["pod/b.go"]) {
		t.Errorf("pod/b.go = %q", got)
	}
}

func TestCheck(t *testing.T) {
	out := t.TempDir()
	files := map[string][]byte{"pod/a.go": gen(""), "pod/b.go": gen("")}
	if changed, err := Check(filepath.Join(out, "missing"), files); err != nil || !reflect.DeepEqual(changed, []string{"pod/a.go", "pod/b.go"}) {
		t.Errorf("Check(missing) = %v, %v", changed, err)
	}
	mustWrite(t, out, files)
	if changed, err := Check(out, files); err != nil || len(changed) != 0 {
		t.Errorf("Check(up to date) = %v, %v", changed, err)
	}
	writeFile(t, filepath.Join(out, "pod/stale.go"), string(gen("")))
	writeFile(t, filepath.Join(out, "pod/b.go"), string(gen("// edited\n")))
	writeFile(t, filepath.Join(out, "pod/user.go"), "package pod\n")
	before := tree(t, out)
	changed, err := Check(out, files)
	if err != nil || !reflect.DeepEqual(changed, []string{"pod/b.go", "pod/stale.go"}) {
		t.Errorf("Check = %v, %v", changed, err)
	}
	if !reflect.DeepEqual(tree(t, out), before) {
		t.Errorf("Check wrote to the output folder")
	}
}

// TestWriteRefusesUserFileConflict: a user file where podgen needs to
// write is an error, and nothing changes.
func TestWriteRefusesUserFileConflict(t *testing.T) {
	for name, setup := range map[string]func(out string){
		"file":            func(out string) { writeFile(t, filepath.Join(out, "pod/a.go"), "package pod\n") },
		"file for folder": func(out string) { writeFile(t, filepath.Join(out, "pod"), "x") },
		"folder for file": func(out string) { writeFile(t, filepath.Join(out, "pod/a.go/x"), "x") },
	} {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			writeFile(t, filepath.Join(out, "gen/stale.go"), string(gen(""))) // would be removed
			setup(out)
			before := tree(t, out)
			err := Write(out, map[string][]byte{"pod/a.go": gen("")})
			if err == nil || !strings.Contains(err.Error(), "lacks the podgen header") {
				t.Errorf("err = %v", err)
			}
			if !reflect.DeepEqual(tree(t, out), before) {
				t.Errorf("output changed after an error")
			}
			assertNoLeftovers(t, filepath.Dir(out))
		})
	}
}

func TestWriteOutputIsAFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	writeFile(t, out, "x")
	if err := Write(out, map[string][]byte{"a.go": gen("")}); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("err = %v", err)
	}
	if data, _ := os.ReadFile(out); string(data) != "x" {
		t.Errorf("file replaced")
	}
}

// TestWriteThroughSymlink: an output folder that is a link keeps being one.
func TestWriteThroughSymlink(t *testing.T) {
	base := t.TempDir()
	real, link := filepath.Join(base, "real"), filepath.Join(base, "link")
	writeFile(t, filepath.Join(real, "pod/stale.go"), string(gen("")))
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	mustWrite(t, link, map[string][]byte{"pod/a.go": gen("")})
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("link replaced: %v", err)
	}
	if got := tree(t, real); !reflect.DeepEqual(got, map[string]string{"pod/a.go": string(gen(""))}) {
		t.Errorf("tree = %v", got)
	}
	if changed, err := Check(link, map[string][]byte{"pod/a.go": gen("")}); err != nil || len(changed) != 0 {
		t.Errorf("Check through the link = %v, %v", changed, err)
	}
}

// TestWriteFailureMidwayLeavesOutput: when the new tree cannot be built
// (here: a user's FIFO that cannot be carried over), the output folder
// stays as it was and the temporary tree is removed.
func TestWriteFailureMidwayLeavesOutput(t *testing.T) {
	out := t.TempDir()
	writeFile(t, filepath.Join(out, "pod/stale.go"), string(gen("")))
	if err := syscall.Mkfifo(filepath.Join(out, "pipe"), 0o644); err != nil {
		t.Skip(err)
	}
	err := Write(out, map[string][]byte{"pod/a.go": gen("")})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v", err)
	}
	if got := tree(t, out); !reflect.DeepEqual(got, map[string]string{"pod/stale.go": string(gen(""))}) {
		t.Errorf("tree = %v", got)
	}
	assertNoLeftovers(t, filepath.Dir(out))
}

// TestWriteRemovesStaleTempFolders: the temporary trees of a build that
// was killed (.out.podgen-new-*, and the -old tree of a swap that did not
// finish) are removed by the next build; another output's are not.
func TestWriteRemovesStaleTempFolders(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	mustWrite(t, out, map[string][]byte{"pod/a.go": gen("")})
	writeFile(t, filepath.Join(parent, ".out.podgen-new-1234/pod/a.go"), string(gen("// half\n")))
	writeFile(t, filepath.Join(parent, ".out.podgen-new-5678-old/pod/a.go"), string(gen("")))
	writeFile(t, filepath.Join(parent, ".other.podgen-new-1/pod/a.go"), string(gen("")))
	writeFile(t, filepath.Join(parent, ".out.podgen-new-file"), "not a folder")

	mustWrite(t, out, map[string][]byte{"pod/a.go": gen("")}) // up to date: still cleans
	entries, _ := os.ReadDir(parent)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{".other.podgen-new-1", ".out.podgen-new-file", ".out.podgen.lock", "out"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("beside out: %q, want %q", names, want)
	}
}

// TestWriteRecoversInterruptedSwap: a build killed between renaming out
// away and renaming the new tree in leaves no out, the new tree and the
// old one; the next build puts the old tree back first, so the user's
// files in it survive.
func TestWriteRecoversInterruptedSwap(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	writeFile(t, filepath.Join(parent, ".out.podgen-new-42-old/pod/old.go"), string(gen("")))
	writeFile(t, filepath.Join(parent, ".out.podgen-new-42-old/notes.txt"), "mine")
	writeFile(t, filepath.Join(parent, ".out.podgen-new-42/pod/old.go"), string(gen("")))
	writeFile(t, filepath.Join(parent, ".out.podgen-new-42/pod/new.go"), string(gen("")))

	mustWrite(t, out, map[string][]byte{"pod/a.go": gen("")})
	want := map[string]string{"pod/a.go": string(gen("")), "notes.txt": "mine"}
	if got := tree(t, out); !reflect.DeepEqual(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
	assertNoLeftovers(t, parent)
}

// TestWriteConcurrent: builds of one output at the same time take turns:
// every one succeeds, the user's file stays, and the output is exactly one
// build's files. Several rounds, since a race shows only sometimes.
func TestWriteConcurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	writeFile(t, filepath.Join(out, "notes.txt"), "mine")
	sets := []map[string][]byte{
		{"pod/a.go": gen("// a\n"), "pod/b.go": gen("// b\n"), "client/c.go": gen("// c\n")},
		{"pod/a.go": gen("// a2\n"), "server/d.go": gen("// d\n")},
	}
	const builds = 6
	for round := range 40 {
		errs := make(chan error, builds)
		for i := range builds {
			go func() { errs <- Write(out, sets[(round+i)%2]) }()
		}
		for range builds {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		got := tree(t, out)
		if got["notes.txt"] != "mine" {
			t.Fatalf("round %d: user file lost: %v", round, got)
		}
		delete(got, "notes.txt")
		if !reflect.DeepEqual(got, toStrings(sets[0])) && !reflect.DeepEqual(got, toStrings(sets[1])) {
			t.Fatalf("round %d: tree = %v, want one build's files", round, got)
		}
		assertNoLeftovers(t, filepath.Dir(out))
	}
}

func toStrings(files map[string][]byte) map[string]string {
	m := map[string]string{}
	for p, data := range files {
		m[p] = string(data)
	}
	return m
}

// TestWriteLockTimeout: a build that cannot get the output's lock in time
// says who holds it and writes nothing.
func TestWriteLockTimeout(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	mustWrite(t, out, map[string][]byte{"pod/a.go": gen("")})
	held, err := os.OpenFile(filepath.Join(filepath.Dir(out), ".out.podgen.lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := syscall.Flock(int(held.Fd()), syscall.LOCK_EX); err != nil {
		t.Skip(err)
	}
	defer func(d time.Duration) { lockWait = d }(lockWait)
	lockWait = 200 * time.Millisecond
	start := time.Now()
	err = Write(out, map[string][]byte{"pod/b.go": gen("")})
	if err == nil || !strings.Contains(err.Error(), "another podgen build is writing "+out) {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d < lockWait || d > 10*time.Second {
		t.Errorf("gave up after %v, want about %v", d, lockWait)
	}
	if got := tree(t, out); !reflect.DeepEqual(got, map[string]string{"pod/a.go": string(gen(""))}) {
		t.Errorf("tree = %v", got)
	}
}
