package e2e

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"example.com/relations/out/pod"
	"example.com/relations/out/podtest"
)

// The includes benchmark: writers with 20 novels of 3 tags each, loaded
// with their novels and tags three ways, side by side in rounds:
//
//	include: podgen's one statement (WriterT.Novels.Include(..., NovelT.Tags.Include(...)))
//	n+1:     what an app writes by hand: the writers, then per writer its
//	         novels, then per novel its tags (1 + w + 20w queries)
//	perlist: one query per list, as Serverpod loads includes: the writers,
//	         all their novels (writer_id IN ...), all their tags, stitched in Go
//
// Goal: include faster than both at 1, 20 and 200 writers.

const novelsPerWriter, tagsPerNovel = 20, 3

// seedWriters stores n writers with their novels and tags.
func seedWriters(t testing.TB, db *pod.DB, n int) {
	t.Helper()
	ws := make([]*pod.Writer, n)
	for i := range ws {
		ws[i] = &pod.Writer{Name: fmt.Sprintf("writer %03d", i)}
	}
	if err := db.Writer.InsertMany(ws); err != nil {
		t.Fatal(err)
	}
	var ns []*pod.Novel
	for _, w := range ws {
		for j := 0; j < novelsPerWriter; j++ {
			ns = append(ns, &pod.Novel{Title: fmt.Sprintf("%s, novel %02d", w.Name, j), Year: int64(1900 + j), WriterID: w.ID})
		}
	}
	if err := db.Novel.InsertMany(ns); err != nil {
		t.Fatal(err)
	}
	var ts []*pod.Tag
	for _, nv := range ns {
		for k := 0; k < tagsPerNovel; k++ {
			ts = append(ts, &pod.Tag{Name: fmt.Sprintf("tag %d", k), NovelID: nv.ID})
		}
	}
	if err := db.Tag.InsertMany(ts); err != nil {
		t.Fatal(err)
	}
}

var loaders = []struct {
	name string
	load func(db *pod.DB, writers int64) ([]*pod.Writer, error)
}{
	{"include", loadIncluded},
	{"n+1", loadNPlusOne},
	{"perlist", loadPerList},
}

func firstWriters(n int64) *pod.Expr[pod.Writer] { return pod.WriterT.ID.LessOrEqual(n) }

func loadIncluded(db *pod.DB, n int64) ([]*pod.Writer, error) {
	return db.Writer.Find(firstWriters(n), pod.OrderBy(pod.WriterT.ID.Asc()),
		pod.WriterT.Novels.Include(nil, pod.OrderBy(pod.NovelT.ID.Asc()),
			pod.NovelT.Tags.Include(nil, pod.OrderBy(pod.TagT.ID.Asc()))))
}

func loadNPlusOne(db *pod.DB, n int64) ([]*pod.Writer, error) {
	ws, err := db.Writer.Find(firstWriters(n), pod.OrderBy(pod.WriterT.ID.Asc()))
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		ns, err := db.Novel.Find(pod.NovelT.WriterID.Equals(w.ID), pod.OrderBy(pod.NovelT.ID.Asc()))
		if err != nil {
			return nil, err
		}
		w.Novels = make([]pod.Novel, len(ns))
		for i, nv := range ns {
			ts, err := db.Tag.Find(pod.TagT.NovelID.Equals(nv.ID), pod.OrderBy(pod.TagT.ID.Asc()))
			if err != nil {
				return nil, err
			}
			nv.Tags = make([]pod.Tag, len(ts))
			for k, tg := range ts {
				nv.Tags[k] = *tg
			}
			w.Novels[i] = *nv
		}
	}
	return ws, nil
}

func loadPerList(db *pod.DB, n int64) ([]*pod.Writer, error) {
	ws, err := db.Writer.Find(firstWriters(n), pod.OrderBy(pod.WriterT.ID.Asc()))
	if err != nil {
		return nil, err
	}
	wids := make([]int64, len(ws))
	for i, w := range ws {
		wids[i] = w.ID
	}
	ns, err := db.Novel.Find(pod.NovelT.WriterID.InSet(wids...), pod.OrderBy(pod.NovelT.ID.Asc()))
	if err != nil {
		return nil, err
	}
	nids := make([]int64, len(ns))
	for i, nv := range ns {
		nids[i] = nv.ID
	}
	ts, err := db.Tag.Find(pod.TagT.NovelID.InSet(nids...), pod.OrderBy(pod.TagT.ID.Asc()))
	if err != nil {
		return nil, err
	}
	tagsOf := make(map[int64][]pod.Tag, len(ns))
	for _, tg := range ts {
		tagsOf[tg.NovelID] = append(tagsOf[tg.NovelID], *tg)
	}
	novelsOf := make(map[int64][]pod.Novel, len(ws))
	for _, nv := range ns {
		nv.Tags = tagsOf[nv.ID]
		if nv.Tags == nil {
			nv.Tags = []pod.Tag{}
		}
		novelsOf[nv.WriterID] = append(novelsOf[nv.WriterID], *nv)
	}
	for _, w := range ws {
		w.Novels = novelsOf[w.ID]
		if w.Novels == nil {
			w.Novels = []pod.Novel{}
		}
	}
	return ws, nil
}

// TestLoadersAgree: the three ways give the same writers, novels and tags.
func TestLoadersAgree(t *testing.T) {
	env := podtest.New(t)
	seedWriters(t, env.DB, 3)
	var want []*pod.Writer
	for _, l := range loaders {
		ws, err := l.load(env.DB, 2)
		if err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
		if len(ws) != 2 || len(ws[1].Novels) != novelsPerWriter || len(ws[1].Novels[19].Tags) != tagsPerNovel {
			t.Fatalf("%s: wrong shape", l.name)
		}
		if want == nil {
			want = ws
		} else if !reflect.DeepEqual(ws, want) {
			t.Fatalf("%s differs from %s", l.name, loaders[0].name)
		}
	}
}

func BenchmarkIncludes(b *testing.B) {
	env := podtest.New(b)
	seedWriters(b, env.DB, 200)
	for _, n := range []int64{1, 20, 200} {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) {
			best := make([]time.Duration, len(loaders))
			rounds := 30
			if n == 200 {
				rounds = 6
			}
			for r := 0; r < rounds; r++ {
				for k := range loaders {
					i := (r + k) % len(loaders)
					start := time.Now()
					if _, err := loaders[i].load(env.DB, n); err != nil {
						b.Fatal(err)
					}
					if d := time.Since(start); best[i] == 0 || d < best[i] {
						best[i] = d
					}
				}
			}
			for b.Loop() { // the timed loop: the include alone
				if _, err := loadIncluded(env.DB, n); err != nil {
					b.Fatal(err)
				}
			}
			us := func(d time.Duration) float64 { return float64(d.Microseconds()) }
			b.ReportMetric(us(best[0]), "include-µs")
			b.ReportMetric(us(best[1]), "n+1-µs")
			b.ReportMetric(us(best[2]), "perlist-µs")
			b.ReportMetric(float64(best[1])/float64(best[0]), "n+1/include")
			b.ReportMetric(float64(best[2])/float64(best[0]), "perlist/include")
		})
	}
}
