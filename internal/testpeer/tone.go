package testpeer

import "math"

// ToneAmplitude is the amplitude of the frequency freq in the samples x,
// taken at rate samples a second (the Goertzel algorithm): a sine of
// amplitude A at freq over a whole number of periods gives A.
func ToneAmplitude(x []float64, freq, rate float64) float64 {
	if len(x) == 0 {
		return 0
	}
	k := 2 * math.Cos(2*math.Pi*freq/rate)
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = v+k*s1-s2, s1
	}
	return 2 * math.Sqrt(math.Max(s1*s1+s2*s2-k*s1*s2, 0)) / float64(len(x))
}
