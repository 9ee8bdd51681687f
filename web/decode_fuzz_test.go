package web

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"niaga"
)

// FuzzDecodeJSON: any body either decodes or is refused with an
// invalid/too_large error naming a field; it never panics.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"price":1}`, `{"price":"1"}`, `{"side":"buy","quantity":-1}`, `[`, `{"x":1}`, "{\"side\":\"\xff\"}", `{"price":1e40}`, `{"side":"\u0000"}`, `null`, `{} {}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var in niaga.BidInput
		err := decodeJSON(r, &in)
		if err == nil {
			return
		}
		e, ok := err.(*niaga.Error)
		if !ok || (e.Code != niaga.CodeInvalid && e.Code != niaga.CodeTooLarge) || len(e.Fields) == 0 || e.Fields[0].Field == "" {
			t.Fatalf("body %q: %#v", body, err)
		}
	})
}

// FuzzReadCSV: any upload parses into rows or is refused as invalid; no panic.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{"nama;provinsi\nUD A;35\n", "a,b\n\"x", "\ufeffa,b\n1,2\n\n3,4", "\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := readCSV(data)
		if err != nil {
			if c := niaga.ErrorCode(err); c != niaga.CodeInvalid && c != niaga.CodeTooLarge {
				t.Fatalf("%q: %v", data, err)
			}
			return
		}
		_ = rows
	})
}

// FuzzReadXLSX: arbitrary bytes as a workbook are refused cleanly.
func FuzzReadXLSX(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("not a workbook"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := readXLSX(data); err != nil && niaga.ErrorCode(err) == niaga.CodeInternal {
			t.Fatalf("%q: %v", data, err)
		}
	})
}
