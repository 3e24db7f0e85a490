package amf0

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	amf0 "github.com/yutopp/go-amf0"
)

func TestAMF0RoundTrip(t *testing.T) {
	when := time.UnixMilli(1700000000123).UTC()
	long := strings.Repeat("x", 70000)
	in := []any{
		"connect", 1, nil, Undefined{}, true, false, -2.5, math.MaxUint32, "",
		"bad\xff\x00utf8", long, when,
		Object{{"app", "live"}, {"nested", Object{{"deep", []any{1.0, "two", nil}}}}},
		ECMAArray{{"width", 1280}, {"arr", []string{"a", "b"}}},
		map[string]any{"b": 2.0, "a": 1.0},
		[]any{},
	}
	b, err := Encode(in...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b, Limits{MaxString: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []any{
		"connect", 1.0, nil, nil, true, false, -2.5, float64(math.MaxUint32), "",
		"bad\xff\x00utf8", long, when,
		map[string]any{"app": "live", "nested": map[string]any{"deep": []any{1.0, "two", nil}}},
		map[string]any{"width": 1280.0, "arr": []any{"a", "b"}},
		map[string]any{"a": 1.0, "b": 2.0},
		[]any{},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	// Ordered objects keep their order on the wire; maps are sorted.
	o, _ := Encode(Object{{"z", 1}, {"a", 2}})
	if bytes.Index(o, []byte("z")) > bytes.Index(o, []byte("a")) {
		t.Error("Object order not kept")
	}
	m1, _ := Encode(map[string]any{"z": 1, "a": 2, "m": 3})
	m2, _ := Encode(map[string]any{"m": 3, "z": 1, "a": 2})
	if !bytes.Equal(m1, m2) {
		t.Error("map encoding not stable")
	}
	if _, err := Encode(struct{}{}); err == nil {
		t.Error("struct accepted")
	}
	if _, err := Encode(Object{{strings.Repeat("k", 70000), 1}}); err == nil {
		t.Error("70000-byte key accepted")
	}
}

// go-amf0 encodes what a third-party peer would send; we must decode it.
func TestAMF0DecodesGoAMF0(t *testing.T) {
	var buf bytes.Buffer
	enc := amf0.NewEncoder(&buf)
	vals := []any{"_result", 1.0, map[string]any{"fmsVer": "FMS/3,0,1,123", "capabilities": 31.0},
		amf0.ECMAArray{"level": "status", "code": "NetConnection.Connect.Success"}, []any{1.0, "x"}, nil, true}
	for _, v := range vals {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Decode(buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(vals) || got[2].(map[string]any)["capabilities"] != 31.0 || got[3].(map[string]any)["code"] != "NetConnection.Connect.Success" {
		t.Fatalf("got %#v", got)
	}
}

func TestAMF0Malformed(t *testing.T) {
	strictArray := func(n uint32) []byte { return binary.BigEndian.AppendUint32([]byte{MarkerStrictArray}, n) }
	cases := []struct {
		name string
		in   []byte
		lim  Limits
		want error
	}{
		{"AMF3 switch", []byte{MarkerAVMPlus, 0x02}, Limits{}, ErrUnsupported},
		{"reference", []byte{MarkerReference, 0, 1}, Limits{}, ErrUnsupported},
		{"movieclip", []byte{MarkerMovieClip}, Limits{}, ErrUnsupported},
		{"unknown marker", []byte{0x42}, Limits{}, ErrMalformed},
		{"stray object end", []byte{MarkerObjectEnd}, Limits{}, ErrMalformed},
		{"truncated number", []byte{MarkerNumber, 1, 2}, Limits{}, ErrMalformed},
		{"truncated string", []byte{MarkerString, 0, 9, 'a'}, Limits{}, ErrMalformed},
		{"long string past end", []byte{MarkerLongString, 0xFF, 0xFF, 0xFF, 0xFF, 'a'}, Limits{}, ErrMalformed},
		{"short string over limit", append([]byte{MarkerString, 0x10, 0}, make([]byte, 4096)...), Limits{MaxString: 100}, ErrLimit},
		{"object without end", []byte{MarkerObject, 0, 1, 'a', MarkerNull}, Limits{}, ErrMalformed},
		{"strict array count over limit", strictArray(0x7FFFFFFF), Limits{}, ErrLimit},
		{"strict array count over input", append(strictArray(100), MarkerNull), Limits{}, ErrMalformed},
		{"date NaN", []byte{MarkerDate, 0x7F, 0xF8, 0, 0, 0, 0, 0, 1, 0, 0}, Limits{}, ErrMalformed},
		{"too many properties", func() []byte {
			b := []byte{MarkerObject}
			for range 10 {
				b = append(b, 0, 1, 'k', MarkerNull)
			}
			return append(b, 0, 0, MarkerObjectEnd)
		}(), Limits{MaxElements: 5}, ErrLimit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Decode(c.in, c.lim); !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
	// Every truncation inside a value fails cleanly.
	full := mustAMF(t, Object{{"level", "error"}, {"code", "X"}, {"list", []any{1, "a", ECMAArray{{"k", true}}}}})
	for n := 1; n < len(full); n++ {
		if _, err := Decode(full[:n], Limits{}); err == nil {
			t.Errorf("truncated at %d accepted", n)
		}
	}
}

// allocDuring reports the bytes allocated by f.
func TestAMF0Bombs(t *testing.T) {
	// A connect command whose argument claims 2^31-1 elements: ~40 bytes.
	countBomb := mustAMF(t, "connect", 1, Object{{"app", "live"}})
	countBomb = binary.BigEndian.AppendUint32(append(countBomb, MarkerStrictArray), 0x7FFFFFFF)
	countBomb = append(countBomb, MarkerNull, MarkerNull)
	ecmaBomb := binary.BigEndian.AppendUint32([]byte{MarkerECMAArray}, 0xFFFFFFFF)
	ecmaBomb = append(ecmaBomb, 0, 0, MarkerObjectEnd)
	deepArrays := bytes.Repeat([]byte{MarkerStrictArray, 0, 0, 0, 1}, 1_000_000)
	deepObjects := bytes.Repeat([]byte{MarkerObject, 0, 1, 'a'}, 1_000_000)
	ecmaWithArray := mustAMF(t, ECMAArray{{"a", []any{1, 2}}, {"b", "c"}})

	for _, c := range []struct {
		name string
		in   []byte
		want error
	}{
		{"strict array count", countBomb, ErrLimit},
		{"1e6 nested arrays", deepArrays, ErrLimit},
		{"1e6 nested objects", deepObjects, ErrLimit},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			start := time.Now()
			alloc := testpeer.AllocDuring(func() { _, err = Decode(c.in, Limits{}) })
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v", err)
			}
			if alloc > 1<<20 || time.Since(start) > time.Second {
				t.Fatalf("allocated %d bytes in %v", alloc, time.Since(start))
			}
		})
	}
	var got []any
	alloc := testpeer.AllocDuring(func() { got, _ = Decode(ecmaBomb, Limits{}) })
	if len(got) != 1 || alloc > 64<<10 {
		t.Fatalf("ECMA count 2^32-1: %v, %d bytes", got, alloc)
	}
	got, err := Decode(ecmaWithArray, Limits{})
	if err != nil || !reflect.DeepEqual(got[0], map[string]any{"a": []any{1.0, 2.0}, "b": "c"}) {
		t.Fatalf("ECMA with array property: %#v %v", got, err)
	}
}
