package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"go/format"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/podgen/podgen/internal/inputfile"
)

// gofmt formats Go source, remembering results in a disk cache, since
// go/format is most of a build's cost and most files do not change
// between two builds. The cache maps sha256(Go version, source) to the
// formatted bytes, so a hit is always exactly what go/format would say.
//
// The cache lives in $PODGEN_CACHE, else <user cache dir>/podgen/gofmt;
// PODGEN_CACHE=off disables it. It is never required: any cache I/O error
// just means formatting again. Like Go's build cache it is not trimmed;
// deleting the folder is always safe.
func gofmt(src []byte) ([]byte, error) {
	dir := cacheDir()
	var key string
	if dir != "" {
		sum := sha256.Sum256(append([]byte(runtime.Version()+"\x00"), src...))
		key = hex.EncodeToString(sum[:])
		// Bounded, regular files only: the cache is input too. gofmt output
		// is about as long as its source; a larger entry is just a miss.
		if out, err := inputfile.Read(filepath.Join(dir, key[:2], key), 4*int64(len(src))+64<<10, "a gofmt cache entry"); err == nil {
			return out, nil
		}
	}
	out, err := format.Source(src)
	if err != nil || dir == "" {
		return out, err
	}
	storeFormatted(filepath.Join(dir, key[:2]), key, out)
	return out, nil
}

// storeFormatted writes an entry atomically (temp file, then rename), so
// that concurrent podgen runs never read half an entry.
func storeFormatted(dir, key string, data []byte) {
	if os.MkdirAll(dir, 0o755) != nil {
		return
	}
	f, err := os.CreateTemp(dir, key+".tmp-")
	if err != nil {
		return
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Rename(f.Name(), filepath.Join(dir, key)) != nil {
		os.Remove(f.Name())
	}
}

// cacheDir is the cache folder, "" when there is none; tests replace it.
var cacheDir = sync.OnceValue(func() string {
	switch d := os.Getenv("PODGEN_CACHE"); d {
	case "off":
		return ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(base, "podgen", "gofmt")
	default:
		return d
	}
})
