package encode

import "testing"

func TestRoundingHelpers(t *testing.T) {
	for _, c := range []struct{ a, b, want int64 }{{-1024 * 1000, 48000, -21}, {1024 * 1000, 48000, 21}, {3 * 1024 * 1000, 48000, 64}, {-24, 48, -1}, {23, 48, 0}} {
		if got := roundDiv(c.a, c.b); got != c.want {
			t.Fatalf("roundDiv(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if got := durationToSamples(100*24*3600*1e9+5e8, 48000); got != 100*24*3600*48000+24000 {
		t.Fatalf("durationToSamples over 100 days = %d", got)
	}
}
