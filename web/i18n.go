package web

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"niaga"
)

//go:embed i18n/*.json
var i18nFS embed.FS

// Langs are the interface languages, the default first.
var Langs = []string{"id", "en"}

// catalog holds every UI string by language and key. The files in i18n/
// must have the same keys; a test checks that and that every key used in
// templates and Go exists.
type catalog map[string]map[string]string

func loadCatalog() catalog {
	c := catalog{}
	for _, lang := range Langs {
		b, err := i18nFS.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			panic("web: i18n: " + err.Error())
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic("web: i18n/" + lang + ".json: " + err.Error())
		}
		c[lang] = m
	}
	for _, lang := range Langs[1:] {
		if d := c.diff(Langs[0], lang); len(d) > 0 {
			panic(fmt.Sprintf("web: i18n: keys differ between %s and %s: %v", Langs[0], lang, d))
		}
	}
	return c
}

// diff lists keys present in one language and not the other.
func (c catalog) diff(a, b string) []string {
	var out []string
	for k := range c[a] {
		if _, ok := c[b][k]; !ok {
			out = append(out, b+" lacks "+k)
		}
	}
	for k := range c[b] {
		if _, ok := c[a][k]; !ok {
			out = append(out, a+" lacks "+k)
		}
	}
	slices.Sort(out)
	return out
}

// Has reports whether key exists (in the default language, hence in all).
func (c catalog) Has(key string) bool {
	_, ok := c[Langs[0]][key]
	return ok
}

// T translates key into lang, replacing {1}, {2}… by args. A missing key
// shows as itself, so a gap is visible rather than blank.
func (c catalog) T(lang, key string, args ...any) string {
	s, ok := c[lang][key]
	if !ok {
		s, ok = c[Langs[0]][key]
		if !ok {
			return key
		}
	}
	for i, a := range args {
		s = strings.ReplaceAll(s, "{"+strconv.Itoa(i+1)+"}", fmt.Sprint(a))
	}
	return s
}

// normLang returns lang when it is an interface language, else the default.
func normLang(lang string) string {
	if slices.Contains(Langs, lang) {
		return lang
	}
	return Langs[0]
}

// reasonKey turns a store's field reason ("required, at most 200
// characters") into its catalog key ("reason.required_at_most_200_characters").
func reasonKey(reason string) string {
	var b strings.Builder
	b.WriteString("reason.")
	under := false
	for _, r := range strings.ToLower(reason) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > len("reason.") {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// ErrorText translates an error for a page: a message for the whole form
// and one per field. Domain codes map to catalog keys "err.<code>"; field
// reasons map to "reason.<reason>" when translated, else to a generic
// message, so nothing English leaks into an Indonesian page.
func (c catalog) ErrorText(lang string, err error) (string, map[string]string) {
	code := niaga.ErrorCode(err)
	key := "err." + string(code)
	if !c.Has(key) {
		key = "err.refused"
		if code == niaga.CodeInternal {
			key = "err.internal"
		}
	}
	msg := c.T(lang, key)
	var m minner
	if errors.As(err, &m) && m.MinValue() > 0 && code == niaga.CodeBidTooLow {
		msg = c.T(lang, "err.bid_too_low_min", niaga.FormatRupiah(m.MinValue(), lang))
	}
	var sf shortfaller
	if errors.As(err, &sf) {
		missing, ref, _ := sf.Shortfall()
		msg = c.T(lang, "err.insufficient_deposit_pay", niaga.FormatRupiah(missing, lang), niaga.FormatPaymentReference(ref))
	}
	var fields map[string]string
	if e, ok := asNiaga(err); ok && len(e.Fields) > 0 {
		fields = map[string]string{}
		for _, f := range e.Fields {
			k := reasonKey(f.Reason)
			if !c.Has(k) {
				k = "reason.invalid"
			}
			if _, dup := fields[f.Field]; !dup {
				fields[f.Field] = c.T(lang, k)
				if code == niaga.CodeBidTooLow {
					fields[f.Field] = msg // "at least Rp …" next to the price too
				}
			}
		}
	}
	return msg, fields
}

// monthsID are Indonesian month abbreviations (Go's layouts are English).
var monthsID = [...]string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}

// When renders t in the province's zone as "2 Agu 2026 14:05 WITA"
// (Indonesian) or "2 Aug 2026 14:05 WITA" (English).
func When(t time.Time, province, lang string) string {
	if t.IsZero() {
		return "—"
	}
	s := niaga.LocalTime(t, province, "2 Jan 2006 15:04")
	if lang == "en" {
		return s
	}
	p, ok := niaga.ProvinceByCode(province)
	if !ok {
		p, _ = niaga.ProvinceByCode("31")
	}
	m := t.In(p.Location()).Month()
	return strings.Replace(s, " "+m.String()[:3]+" ", " "+monthsID[m-1]+" ", 1)
}

// DateOnly renders the calendar date of t in the province's zone.
func DateOnly(t time.Time, province, lang string) string {
	if t.IsZero() {
		return "—"
	}
	p, ok := niaga.ProvinceByCode(province)
	if !ok {
		p, _ = niaga.ProvinceByCode("31")
	}
	lt := t.In(p.Location())
	if lang == "en" {
		return lt.Format("2 Jan 2006")
	}
	return strconv.Itoa(lt.Day()) + " " + monthsID[lt.Month()-1] + " " + strconv.Itoa(lt.Year())
}
