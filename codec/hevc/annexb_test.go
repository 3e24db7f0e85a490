package hevc

import (
	"bytes"
	"errors"
	"testing"

	mp4hevc "github.com/Eyevinn/mp4ff/hevc"
)

// annexBParameterSets turns the test record's VPS, SPS and PPS into the
// Annex B extradata an encoder writes, with a 4-byte start code each.
func annexBParameterSets(t *testing.T) []byte {
	t.Helper()
	rec, err := mp4hevc.DecodeHEVCDecConfRec(readConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	for _, typ := range []mp4hevc.NaluType{mp4hevc.NALU_VPS, mp4hevc.NALU_SPS, mp4hevc.NALU_PPS} {
		nalus := rec.GetNalusForType(typ)
		if len(nalus) != 1 {
			t.Fatalf("test record has %d NAL units of type %d, want 1", len(nalus), typ)
		}
		b = append(append(b, 0, 0, 0, 1), nalus[0]...)
	}
	return b
}

func TestConfigFromExtradata(t *testing.T) {
	extradata := annexBParameterSets(t)
	rec, err := ConfigFromExtradata(extradata)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(rec)
	if err != nil {
		t.Fatalf("the record built from Annex B does not parse: %v", err)
	}
	if c.Width != 320 || c.Height != 240 || ProfileName(c.ProfileIDC) != "Main" {
		t.Errorf("got %+v (%s), want 320x240 Main", c, ProfileName(c.ProfileIDC))
	}
	// Every parameter set arrives whole: the PPS is the last NAL unit of
	// the extradata, with no start code after it.
	want, _ := mp4hevc.DecodeHEVCDecConfRec(readConfig(t))
	got, _ := mp4hevc.DecodeHEVCDecConfRec(rec)
	for _, typ := range []mp4hevc.NaluType{mp4hevc.NALU_VPS, mp4hevc.NALU_SPS, mp4hevc.NALU_PPS} {
		g, w := got.GetNalusForType(typ), want.GetNalusForType(typ)
		if len(g) != 1 || !bytes.Equal(g[0], w[0]) {
			t.Errorf("NAL type %d: got %x, want %x", typ, g, w)
		}
	}
	again, err := ConfigFromExtradata(rec)
	if err != nil || !bytes.Equal(again, rec) {
		t.Errorf("a record given as extradata should come back as it is: %v", err)
	}
	if _, err := ConfigFromExtradata(extradata[:len(extradata)/3]); !errors.Is(err, ErrMalformed) {
		t.Errorf("extradata without SPS and PPS: got %v, want ErrMalformed", err)
	}
}

func TestAnnexBToHVCC(t *testing.T) {
	aud := []byte{NALAUD << 1, 1, 0x50}
	idr := []byte{19 << 1, 1, 0xAF, 0x00, 0x00, 0x03, 0x01} // IDR_W_RADL, an emulation-prevented 0x000003
	trail := []byte{1 << 1, 1, 0xD0}                        // TRAIL_R
	stream := func(nals ...[]byte) []byte {
		var b []byte
		for i, n := range nals {
			if i == 0 {
				b = append(b, 0, 0, 0, 1)
			} else {
				b = append(b, 0, 0, 1)
			}
			b = append(b, n...)
		}
		return b
	}
	var scratch []NALRange
	out, irap := AnnexBToHVCC(stream(aud, idr), &scratch)
	want := append([]byte{0, 0, 0, byte(len(idr))}, idr...)
	if !irap || !bytes.Equal(out, want) {
		t.Errorf("AUD+IDR: got %x irap=%v, want %x irap=true", out, irap, want)
	}
	if !IsRandomAccess(out) {
		t.Error("IsRandomAccess disagrees with AnnexBToHVCC on an IDR")
	}
	out, irap = AnnexBToHVCC(stream(trail), &scratch)
	if irap || len(out) != 4+len(trail) {
		t.Errorf("TRAIL_R: got %x irap=%v, want one NAL unit, not IRAP", out, irap)
	}
}
