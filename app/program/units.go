package program

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseBitrate reads "4500k", "4.5M", "160000" or "160kbps" as bits per second.
func ParseBitrate(s string) (int, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	v = strings.TrimSuffix(strings.TrimSuffix(v, "bps"), "b/s")
	mult := 1.0
	switch {
	case strings.HasSuffix(v, "k"):
		mult, v = 1e3, strings.TrimSuffix(v, "k")
	case strings.HasSuffix(v, "m"):
		mult, v = 1e6, strings.TrimSuffix(v, "m")
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f*mult > 1e10 {
		return 0, fmt.Errorf("%q is not a bitrate: use e.g. 4500k or 4.5M", s)
	}
	return int(f*mult + 0.5), nil
}

// FormatBitrate writes bits per second the way people read them: "4500k", "160k".
func FormatBitrate(bps int) string {
	if bps != 0 && bps%1000 == 0 {
		return strconv.Itoa(bps/1000) + "k"
	}
	return strconv.Itoa(bps)
}

// ParseSize reads "1280x720".
func ParseSize(s string) (w, h int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	if ok {
		w, err = strconv.Atoi(a)
		if err == nil {
			h, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || w < 0 || h < 0 {
		return 0, 0, fmt.Errorf("%q is not a size: use WIDTHxHEIGHT, e.g. 1280x720", s)
	}
	return w, h, nil
}
