package winres

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// The resource types the studio's exes carry.
const (
	TypeIcon      = 3  // RT_ICON: the image
	TypeGroupIcon = 14 // RT_GROUP_ICON: what Explorer shows
	TypeVersion   = 16 // RT_VERSION: the Details tab of Properties
	TypeManifest  = 24 // RT_MANIFEST
)

// Resources is the resource section of a PE file (an exe, or the .syso
// object WriteSyso makes).
type Resources struct {
	data []byte
}

// ReadResources reads the .rsrc section of f.
func ReadResources(f *pe.File) (*Resources, error) {
	s := f.Section(".rsrc")
	if s == nil {
		return nil, errors.New("no .rsrc section")
	}
	data, err := s.Data()
	if err != nil {
		return nil, fmt.Errorf("reading .rsrc: %w", err)
	}
	return &Resources{data: data}, nil
}

// Types lists the numeric types in the top resource directory.
func (r *Resources) Types() ([]int, error) {
	// IMAGE_RESOURCE_DIRECTORY: 12 bytes, then the named and the numbered
	// entry counts; then 8-byte entries (ID, offset).
	if len(r.data) < 16 {
		return nil, errors.New(".rsrc is shorter than a resource directory")
	}
	named := int(binary.LittleEndian.Uint16(r.data[12:]))
	ids := int(binary.LittleEndian.Uint16(r.data[14:]))
	end := 16 + 8*(named+ids)
	if end > len(r.data) {
		return nil, fmt.Errorf(".rsrc says %d entries, more than it holds", named+ids)
	}
	var types []int
	for i := named; i < named+ids; i++ {
		types = append(types, int(binary.LittleEndian.Uint32(r.data[16+8*i:])))
	}
	return types, nil
}

// HasString reports whether the section holds s as UTF-16 (the version
// resource's strings) or as bytes (the manifest).
func (r *Resources) HasString(s string) bool {
	u := utf16.Encode([]rune(s))
	wide := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(wide[2*i:], c)
	}
	return bytes.Contains(r.data, wide) || bytes.Contains(r.data, []byte(s))
}
