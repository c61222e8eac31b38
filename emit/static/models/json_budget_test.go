package models

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// decodeMaps reads a List<Map<String,double>> the way generated code does.
func decodeMaps(d *JSONDecoder) ([]map[string]float64, error) {
	var v []map[string]float64
	if err := d.BeginArray(); err != nil {
		return nil, err
	}
	for i := 0; ; i++ {
		ok, err := d.More()
		if err != nil {
			return nil, JSONIndexError(err, i)
		}
		if !ok {
			break
		}
		v = ExtendJSONSlice(d, v)
		if err := d.BeginObject(); err != nil {
			return nil, err
		}
		v[i] = NewJSONMap[string, float64](d)
		for {
			key, ok, err := d.Key()
			if err != nil {
				return nil, JSONIndexError(err, i)
			}
			if !ok {
				break
			}
			k := d.MapKey(key)
			var e float64
			if err := d.Float(&e); err != nil {
				return nil, err
			}
			PutJSONMap(d, v[i], k, e)
		}
	}
	return v, d.End()
}

func emptyObjects(n int) []byte {
	return []byte("[" + strings.Repeat("{},", n-1) + "{}]")
}

func TestBudgetStopsAmplification(t *testing.T) {
	body := emptyObjects(1 << 18) // 768 KiB of "{},"
	d := NewJSONDecoder(body)
	b := &JSONBudget{Max: 8 * int64(len(body))}
	d.SetBudget(b)
	_, err := decodeMaps(d)
	if !errors.Is(err, ErrJSONTooLarge) {
		t.Fatalf("got %v, want ErrJSONTooLarge", err)
	}
	if !strings.Contains(err.Error(), "decoding needs more memory") || !strings.HasPrefix(err.Error(), `field "[`) {
		t.Errorf("error should name the element it stopped at: %v", err)
	}
	if b.Taken() > b.Max {
		t.Errorf("took %d, over the max of %d", b.Taken(), b.Max)
	}
}

// TestBudgetChargesRealMemory checks that what the decoder charges is of
// the order of what the heap grows by, so that the bound means something.
func TestBudgetChargesRealMemory(t *testing.T) {
	body := emptyObjects(20000)
	var before, after runtime.MemStats
	d := NewJSONDecoder(body)
	b := &JSONBudget{Max: 1 << 40}
	d.SetBudget(b)
	runtime.GC()
	runtime.ReadMemStats(&before)
	v, err := decodeMaps(d)
	runtime.ReadMemStats(&after)
	if err != nil || len(v) != 20000 {
		t.Fatal(err, len(v))
	}
	allocated := int64(after.TotalAlloc - before.TotalAlloc)
	t.Logf("charged %d, allocated %d", d.alloc, allocated)
	if d.alloc < allocated/3 {
		t.Errorf("charged %d bytes for %d allocated", d.alloc, allocated)
	}
	runtime.KeepAlive(v)
}

func TestBudgetSharesAPool(t *testing.T) {
	pool := NewJSONPool(1 << 20)
	hog := &JSONBudget{Max: 1 << 30, Pool: pool}
	if err := hog.Take(1<<20 - 100); err != nil {
		t.Fatal(err)
	}
	body := emptyObjects(1000)
	d := NewJSONDecoder(body)
	small := &JSONBudget{Max: 1 << 30, Pool: pool}
	d.SetBudget(small)
	if _, err := decodeMaps(d); !errors.Is(err, ErrJSONBusy) {
		t.Fatalf("got %v, want ErrJSONBusy", err)
	}
	if small.Taken() != 0 || pool.Free() != 100 {
		t.Errorf("a failed take must take nothing: taken %d, free %d", small.Taken(), pool.Free())
	}
	hog.Release()
	d.Reset(body)
	d.SetBudget(small)
	if _, err := decodeMaps(d); err != nil {
		t.Fatalf("after the release: %v", err)
	}
	small.Release()
	if pool.Free() != 1<<20 {
		t.Errorf("free %d after every release, want %d", pool.Free(), 1<<20)
	}
}

func TestNoBudgetNoLimit(t *testing.T) {
	d := NewJSONDecoder(emptyObjects(100000))
	if v, err := decodeMaps(d); err != nil || len(v) != 100000 {
		t.Fatal(err)
	}
	d.Reset([]byte(`[{}]`)) // Reset drops a budget and the stored form
	if d.budget != nil || d.StoredForm() {
		t.Error("Reset kept state")
	}
}

func TestStoredForm(t *testing.T) {
	d := NewJSONDecoder(nil)
	if d.StoredForm() {
		t.Fatal("a new decoder reads the wire form")
	}
	d.ReadStoredForm()
	if !d.StoredForm() {
		t.Fatal("ReadStoredForm did not stick")
	}
}
