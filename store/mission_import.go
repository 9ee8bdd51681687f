package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"niaga"
)

// What a bulk import loads.
const (
	ImportParticipants = "participants"
	ImportOffers       = "offers"
	ImportNeeds        = "needs"
)

// EnumImportKind is what a bulk import loads.
var EnumImportKind = niaga.NewEnum("import_kind", ImportParticipants, ImportOffers, ImportNeeds)

// MaxImportRows caps the data rows of one import.
const MaxImportRows = 5000

// ImportRowError is one problem of an import, with the spreadsheet row
// (1 = the header) and the column it is about.
type ImportRowError struct {
	Row    int    `json:"row" doc:"Spreadsheet row: 1 is the header."`
	Field  string `json:"field" doc:"The column the error is about."`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

// ImportResult reports an import: how many rows were read and written and,
// when any row is wrong, every error (then nothing is written).
type ImportResult struct {
	Kind        string           `json:"kind" enum:"import_kind"`
	Rows        int              `json:"rows" doc:"Data rows read (the header not counted)."`
	Imported    int              `json:"imported" doc:"Rows written (on a dry run, rows that would be)."`
	CreatedOrgs int              `json:"created_orgs" doc:"Businesses registered because no existing one had the row's name and province."`
	DryRun      bool             `json:"dry_run"`
	Errors      []ImportRowError `json:"errors" doc:"Every wrong row; empty when the import succeeded."`
}

// importColumns lists each kind's columns: canonical name, accepted
// header spellings (English and Indonesian), and whether it is required.
var importColumns = map[string][]importColumn{
	ImportParticipants: {
		{"organization", []string{"organization", "organisasi", "nama", "name", "nama_usaha"}, true},
		{"delegation", []string{"delegation", "delegasi", "province", "provinsi"}, true},
		{"contact", []string{"contact", "kontak"}, false},
		{"verified", []string{"verified", "terverifikasi"}, false},
	},
	ImportOffers: {
		{"organization", []string{"organization", "organisasi", "nama", "name", "nama_usaha"}, true},
		{"delegation", []string{"delegation", "delegasi", "province", "provinsi"}, false},
		{"commodity", []string{"commodity", "komoditas"}, true},
		{"grade", []string{"grade", "mutu", "kelas"}, false},
		{"monthly_capacity", []string{"monthly_capacity", "capacity", "kapasitas", "kapasitas_bulanan"}, true},
		{"price", []string{"price", "harga"}, false},
		{"note", []string{"note", "catatan", "keterangan"}, false},
	},
	ImportNeeds: {
		{"organization", []string{"organization", "organisasi", "nama", "name", "nama_usaha"}, true},
		{"delegation", []string{"delegation", "delegasi", "province", "provinsi"}, false},
		{"commodity", []string{"commodity", "komoditas"}, true},
		{"grade", []string{"grade", "mutu", "kelas"}, false},
		{"volume", []string{"volume", "kebutuhan", "jumlah"}, true},
		{"target_price", []string{"target_price", "harga_target", "harga"}, false},
		{"note", []string{"note", "catatan", "keterangan"}, false},
	},
}

type importColumn struct {
	name     string
	aliases  []string
	required bool
}

// ImportColumns describes the columns of an import of kind, for its
// documentation: each canonical name with the other spellings accepted,
// and whether the column is required.
func ImportColumns(kind string) string {
	var b strings.Builder
	for i, c := range importColumns[kind] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.name)
		if c.required {
			b.WriteString(" (required)")
		}
		var other []string
		for _, a := range c.aliases {
			if a != c.name {
				other = append(other, a)
			}
		}
		if len(other) > 0 {
			b.WriteString(", also " + strings.Join(other, ", "))
		}
	}
	return b.String()
}

// importSheet is a table with its header resolved.
type importSheet struct {
	cols map[string]int
	rows [][]string
}

func (s *importSheet) get(row []string, col string) string {
	i, ok := s.cols[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func headerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// readHeader maps the header row to canonical columns, reporting unknown,
// duplicate and missing ones against row 1.
func readHeader(kind string, table [][]string) (*importSheet, []ImportRowError) {
	var errs []ImportRowError
	if len(table) == 0 {
		return nil, []ImportRowError{{Row: 1, Field: "header", Reason: "the file is empty; the first row names the columns"}}
	}
	spec := importColumns[kind]
	s := &importSheet{cols: map[string]int{}, rows: table[1:]}
	for i, h := range table[0] {
		k := headerKey(h)
		if k == "" {
			continue
		}
		found := ""
		for _, c := range spec {
			for _, a := range c.aliases {
				if k == a {
					found = c.name
				}
			}
		}
		switch {
		case found == "":
			errs = append(errs, ImportRowError{Row: 1, Field: h, Reason: "unknown column"})
		case s.has(found):
			errs = append(errs, ImportRowError{Row: 1, Field: h, Reason: "column given twice"})
		default:
			s.cols[found] = i
		}
	}
	for _, c := range spec {
		if _, ok := s.cols[c.name]; c.required && !ok {
			errs = append(errs, ImportRowError{Row: 1, Field: c.name, Reason: "required column missing"})
		}
	}
	return s, errs
}

func (s *importSheet) has(col string) bool { _, ok := s.cols[col]; return ok }

var groupedDigits = regexp.MustCompile(`^\d{1,3}([.,]\d{3})+$`)

// parseWhole reads a whole non-negative number as people type it in a
// spreadsheet: "11900", "11.900", "11,900", "Rp 11.900". Decimals are refused.
func parseWhole(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "Rp"), "IDR"))
	s = strings.ReplaceAll(s, " ", "")
	if groupedDigits.MatchString(s) {
		s = strings.NewReplacer(".", "", ",", "").Replace(s)
	}
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

func parseYes(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "ya", "yes", "y", "true", "1":
		return true, true
	case "tidak", "no", "n", "false", "0":
		return false, true
	}
	return false, false
}

// provinceOf reads a province code or name.
func provinceOf(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if p, ok := niaga.ProvinceByCode(s); ok {
		return p.Code, true
	}
	for _, p := range niaga.Provinces() {
		if strings.EqualFold(p.Name, s) {
			return p.Code, true
		}
	}
	return "", false
}

func nameKey(name, province string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " ")) + "|" + province
}

var errDryRun = errors.New("dry run")

// ImportMissionRows loads participants, offers or needs from a table (the
// first row names the columns) in one transaction: either every row is
// written or, when any row is wrong, none is and every error is reported
// with its row number and column. Participants are matched to existing
// businesses by name and province, or registered as new ones; the running
// agency's import verifies them unless the verified column says otherwise.
func (db *DB) ImportMissionRows(ctx context.Context, actor *niaga.Actor, missionID int64, kind string, table [][]string, dryRun bool) (ImportResult, error) {
	res := ImportResult{Kind: kind, DryRun: dryRun, Errors: []ImportRowError{}}
	if _, ok := importColumns[kind]; !ok {
		return res, niaga.Invalid("kind", EnumImportKind.Reason())
	}
	if len(table) > MaxImportRows+1 {
		return res, niaga.Errorf(niaga.CodeTooLarge, "at most %d rows per import", MaxImportRows)
	}
	sheet, errs := readHeader(kind, table)
	if len(errs) > 0 {
		res.Errors = errs
		return res, importRejected(&res)
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		m, _, err := tx.missionFor(ctx, actor, missionID, missionNeed{staff: "only the running agency imports delegations", open: true})
		if err != nil {
			return err
		}
		im := &importer{tx: tx, actor: actor, m: &m, sheet: sheet, res: &res}
		switch kind {
		case ImportParticipants:
			err = im.participants(ctx)
		default:
			err = im.listings(ctx, kind)
		}
		if err != nil {
			return err
		}
		if len(res.Errors) > 0 {
			res.Imported, res.CreatedOrgs = 0, 0
			return importRejected(&res)
		}
		if dryRun {
			return errDryRun
		}
		return tx.Audit(actor, "mission.import", "mission", missionID, nil, map[string]any{"kind": kind, "rows": res.Rows, "created_orgs": res.CreatedOrgs})
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	return res, err
}

func importRejected(res *ImportResult) error {
	fields := make([]niaga.FieldError, 0, min(len(res.Errors), 50))
	for _, e := range res.Errors[:min(len(res.Errors), 50)] {
		fields = append(fields, niaga.FieldError{Field: fmt.Sprintf("row %d: %s", e.Row, e.Field), Reason: e.Reason})
	}
	return &niaga.Error{Code: niaga.CodeImportRejected, Message: fmt.Sprintf("%d errors in the file; nothing was imported", len(res.Errors)), Fields: fields}
}

type importer struct {
	tx    *Tx
	actor *niaga.Actor
	m     *niaga.Mission
	sheet *importSheet
	res   *ImportResult
}

func (im *importer) fail(row int, field, value, reason string) {
	im.res.Errors = append(im.res.Errors, ImportRowError{Row: row, Field: field, Value: value, Reason: reason})
}

// each calls fn for every non-blank data row with its spreadsheet row number.
func (im *importer) each(fn func(n int, row []string) error) error {
	for i, row := range im.sheet.rows {
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		im.res.Rows++
		if err := fn(i+2, row); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) participants(ctx context.Context) error {
	tx, s := im.tx, im.sheet
	orgs := map[string]int64{}
	rows, err := tx.Query(ctx, "SELECT id, name, province FROM organizations WHERE kind = 'business'")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var name, prov string
		if err := rows.Scan(&id, &name, &prov); err != nil {
			rows.Close()
			return err
		}
		orgs[nameKey(name, prov)] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	registered := map[int64]bool{}
	rows, err = tx.Query(ctx, "SELECT org_id FROM mission_participants WHERE mission_id = $1", im.m.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		registered[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	seen := map[string]int{}
	return im.each(func(n int, row []string) error {
		name, del := strings.Join(strings.Fields(s.get(row, "organization")), " "), s.get(row, "delegation")
		bad := len(im.res.Errors)
		if name == "" || !niaga.RangeName.Contains(int64(len(name))) {
			im.fail(n, "organization", name, niaga.RangeName.Reason())
		}
		prov, ok := provinceOf(del)
		if !ok {
			im.fail(n, "delegation", del, "not a province code or name")
		} else if !im.m.Involves(prov) {
			im.fail(n, "delegation", del, "not the host or a guest province of this mission")
		}
		contact := s.get(row, "contact")
		if !niaga.RangeShortText.Contains(int64(len(contact))) {
			im.fail(n, "contact", "", niaga.RangeShortText.Reason())
		}
		verified, ok := parseYes(s.get(row, "verified"))
		if !ok {
			im.fail(n, "verified", s.get(row, "verified"), "ya/tidak (yes/no)")
		}
		if len(im.res.Errors) > bad {
			return nil
		}
		k := nameKey(name, prov)
		if first, dup := seen[k]; dup {
			im.fail(n, "organization", name, fmt.Sprintf("listed twice (first in row %d)", first))
			return nil
		}
		seen[k] = n
		orgID, exists := orgs[k]
		if exists && registered[orgID] {
			im.fail(n, "organization", name, "already registered to this mission")
			return nil
		}
		if len(im.res.Errors) > 0 {
			return nil // the import fails anyway: only validate the rest
		}
		if !exists {
			o := niaga.Organization{Name: name, Kind: niaga.OrgBusiness, Province: prov, Created: tx.Now.Unix()}
			id, err := tx.InsertID(ctx, "INSERT INTO organizations (name, kind, province, verified, created_at) VALUES ($1,$2,$3,$4,$5)",
				o.Name, o.Kind, o.Province, false, o.Created)
			if err != nil {
				return err
			}
			o.ID, orgID = id, id
			if err := tx.Audit(im.actor, "organization.create", "organization", id, nil, o); err != nil {
				return err
			}
			im.res.CreatedOrgs++
		}
		p := niaga.Participant{MissionID: im.m.ID, OrgID: orgID, OrgName: name, OrgKind: string(niaga.OrgBusiness), Delegation: prov, Contact: contact,
			Status: niaga.ParticipantApproved, Verified: verified} // the staff's import is their approval
		if err := tx.insertParticipant(ctx, im.actor, &p); err != nil {
			return err
		}
		im.res.Imported++
		return nil
	})
}

func (im *importer) listings(ctx context.Context, kind string) error {
	tx, s := im.tx, im.sheet
	byName := map[string][]niaga.Participant{}
	rows, err := tx.Query(ctx, "SELECT "+participantCols+participantFrom+" WHERE p.mission_id = $1", im.m.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p niaga.Participant
		if err := scanParticipant(rows, &p); err != nil {
			rows.Close()
			return err
		}
		k := strings.ToLower(strings.Join(strings.Fields(p.OrgName), " "))
		byName[k] = append(byName[k], p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	commodities, err := commodityIndex(ctx, tx)
	if err != nil {
		return err
	}
	findCommodity := func(v string) (niaga.Commodity, bool) {
		if c, ok := commodities[strings.ToLower(v)]; ok {
			return c, true
		}
		for _, c := range commodities {
			if strings.EqualFold(c.NameID, v) || strings.EqualFold(c.NameEN, v) {
				return c, true
			}
		}
		return niaga.Commodity{}, false
	}
	qtyCol, priceCol := "monthly_capacity", "price"
	if kind == ImportNeeds {
		qtyCol, priceCol = "volume", "target_price"
	}
	return im.each(func(n int, row []string) error {
		bad := len(im.res.Errors)
		name := s.get(row, "organization")
		var who niaga.Participant
		cands := byName[strings.ToLower(strings.Join(strings.Fields(name), " "))]
		if d := s.get(row, "delegation"); d != "" && len(cands) > 1 {
			prov, _ := provinceOf(d)
			var keep []niaga.Participant
			for _, p := range cands {
				if p.Delegation == prov {
					keep = append(keep, p)
				}
			}
			cands = keep
		}
		switch len(cands) {
		case 0:
			im.fail(n, "organization", name, "not a participant of this mission")
		case 1:
			who = cands[0]
		default:
			im.fail(n, "organization", name, "ambiguous: add the delegation column")
		}
		cv := s.get(row, "commodity")
		c, ok := findCommodity(cv)
		if !ok {
			im.fail(n, "commodity", cv, "unknown commodity")
		}
		grade := s.get(row, "grade")
		if strings.EqualFold(grade, "any") || strings.EqualFold(grade, "semua") {
			grade = ""
		}
		if ok && grade != "" && !c.HasGrade(grade) {
			im.fail(n, "grade", grade, "not a grade of "+c.Code+": one of "+strings.Join(c.Grades, ", ")+" or empty")
		}
		qv := s.get(row, qtyCol)
		qty, ok := parseWhole(qv)
		if !ok || !niaga.RangeQuantity.Contains(qty) {
			im.fail(n, qtyCol, qv, "must be a positive whole number of base units, at most "+niaga.FormatInt(niaga.MaxQuantity, "en"))
		}
		var price int64
		if pv := s.get(row, priceCol); pv != "" {
			if price, ok = parseWhole(pv); !ok || !niaga.RangeOptUnitPrice.Contains(price) {
				im.fail(n, priceCol, pv, "must be whole Rupiah per base unit, not negative, at most "+niaga.FormatInt(niaga.MaxUnitPrice, "en"))
			}
		}
		note := s.get(row, "note")
		if !niaga.RangeNote.Contains(int64(len(note))) {
			im.fail(n, "note", "", niaga.RangeNote.Reason())
		}
		if len(im.res.Errors) > bad || len(im.res.Errors) > 0 {
			return nil
		}
		if kind == ImportOffers {
			o := niaga.MissionOffer{MissionID: im.m.ID, ParticipantID: who.ID, Commodity: c.Code, Grade: grade, MonthlyCapacity: qty, Price: price, Note: note}
			if err := tx.insertOffer(ctx, im.actor, &o); err != nil {
				return err
			}
		} else {
			nd := niaga.MissionNeed{MissionID: im.m.ID, ParticipantID: who.ID, Commodity: c.Code, Grade: grade, Volume: qty, TargetPrice: price, Note: note}
			if err := tx.insertNeed(ctx, im.actor, &nd); err != nil {
				return err
			}
		}
		im.res.Imported++
		return nil
	})
}
