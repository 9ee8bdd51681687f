package niaga

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // zones must resolve on machines without a zoneinfo database
)

//go:embed provinces.csv
var provincesCSV string

// Province is one of Indonesia's 38 provinces.
type Province struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Island string `json:"island_group"`
	TZ     string `json:"tz" doc:"IANA zone, e.g. Asia/Makassar."`
	Zone   string `json:"tz_abbr" enum:"zone"`
	loc    *time.Location
}

// Location returns the province's time zone.
func (p Province) Location() *time.Location { return p.loc }

// EnumZone is Indonesia's three time zones: western, central and eastern
// (every province's zone is one of them).
var EnumZone = NewEnum("zone", "WIB", "WITA", "WIT")

var provinces, provinceByCode = mustLoadProvinces()

func mustLoadProvinces() ([]Province, map[string]Province) {
	rows, err := csv.NewReader(strings.NewReader(provincesCSV)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("provinces.csv: %v", err))
	}
	var list []Province
	byCode := map[string]Province{}
	for _, r := range rows[1:] {
		loc, err := time.LoadLocation(r[3])
		if err != nil {
			panic(fmt.Sprintf("provinces.csv: %s: %v", r[0], err))
		}
		p := Province{Code: r[0], Name: r[1], Island: r[2], TZ: r[3], Zone: r[4], loc: loc}
		if !EnumZone.Has(p.Zone) {
			panic(fmt.Sprintf("provinces.csv: %s: unknown zone %q", r[0], p.Zone))
		}
		list = append(list, p)
		byCode[p.Code] = p
	}
	return list, byCode
}

// Provinces returns the 38 provinces ordered by code.
func Provinces() []Province { return append([]Province(nil), provinces...) }

// ProvinceByCode finds a province; ok is false for unknown codes.
func ProvinceByCode(code string) (Province, bool) {
	p, ok := provinceByCode[code]
	return p, ok
}

// LocalTime renders t in the province's zone with its abbreviation, e.g.
// "18:30 WITA". Unknown provinces fall back to WIB.
func LocalTime(t time.Time, province, layout string) string {
	p, ok := provinceByCode[province]
	if !ok {
		p = provinceByCode["31"]
	}
	return t.In(p.loc).Format(layout) + " " + p.Zone
}
