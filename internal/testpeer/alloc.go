package testpeer

import "runtime"

// AllocDuring returns the bytes allocated on the heap while f ran (after a
// GC), to bound what decoding hostile input costs.
func AllocDuring(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}
