package niaga

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A bank statement, as Indonesian internet banking exports it to CSV
// ("mutasi rekening"): a heading (account number, holder, period), one
// header row, one row per transaction, a footer of totals. The layout read
// here is BCA's, with the variants other banks (Mandiri, BRI, BNI) use:
//
//	No. Rekening : ;0123456789
//	Periode : ;01/03/2026 - 31/03/2026
//	Tanggal Transaksi;Keterangan;Cabang;Jumlah;;Saldo
//	'03/03;TRSF E-BANKING CR 0303/FTSCY/WS95031 0000010000004220 PT MAJU;'0998;2.500.000,00;CR;12.500.000,00
//	Saldo Awal;:;10.000.000,00
//
// Columns are found by their header, in Indonesian or English: the date
// (Tanggal, Date), the description (Keterangan, Uraian, Description,
// Remark; several are joined), the branch (Cabang), the amount with a CR/DB
// marker in the next column (Jumlah + an unnamed column, or a named CR/DB
// column) or separate Debet and Kredit columns, the running balance (Saldo,
// Balance) and the bank's transaction id when the layout has one (No.
// Referensi, Reference No.). Amounts are read in Indonesian (1.234.567,00)
// or English (1,234,567.00) notation; dates as DD/MM/YYYY, DD-MM-YYYY,
// YYYY-MM-DD, "03 Mar 2026", or BCA's DD/MM with the year taken from the
// period in the heading. BCA's PEND rows (not booked yet) are kept as
// pending. Rows before the header and from the footer on are not
// transactions.

// StatementLine is one transaction row of a statement.
type StatementLine struct {
	Row         int    `json:"row"`            // 1-based row of the file, as a spreadsheet numbers it
	Date        string `json:"date,omitempty"` // YYYY-MM-DD; empty when pending or malformed
	Description string `json:"description"`
	Branch      string `json:"branch,omitempty"`
	Amount      int64  `json:"amount"` // whole Rupiah, never negative
	Credit      bool   `json:"credit"` // money in (CR); false is money out (DB)
	Balance     int64  `json:"balance"`
	BankRef     string `json:"bank_ref,omitempty"` // the bank's transaction id, when the layout has one
	Pending     bool   `json:"pending,omitempty"`  // not booked yet (BCA's PEND)
	// Malformed says why the row could not be read (a Malformed… reason);
	// such a row has no key and is never credited.
	Malformed string `json:"malformed,omitempty"`
	// Key is the line's stable identity: "ref:" and the bank's transaction
	// id, or "sha256:" and a hash of date, signed amount, description and
	// balance. The same line exported twice has the same key; two booked
	// lines differ at least in their running balance.
	Key string `json:"key,omitempty"`
}

// Why a statement row could not be read.
const (
	MalformedDate      = "bad_date"
	MalformedAmount    = "bad_amount"
	MalformedFraction  = "fraction"     // sen (cents) other than ,00: deposits are whole Rupiah
	MalformedDirection = "no_direction" // neither CR nor DB, or both a debit and a credit
	MalformedBalance   = "bad_balance"
	MalformedShort     = "short_row" // fewer cells than the header has columns in use
)

// Statement is a parsed statement.
type Statement struct {
	Account string // the account number from the heading, digits only; "" when not given
	Lines   []StatementLine
}

// column roles of a statement's header row
type stmtCols struct {
	date, branch, amount, marker, debit, credit, balance, ref int
	desc                                                      []int
}

var stmtHeaders = map[string][]string{
	"date":    {"tanggal", "tanggaltransaksi", "tgl", "tgltransaksi", "date", "transactiondate", "postingdate", "tanggalposting", "tglposting", "trxdate"},
	"desc":    {"keterangan", "keterangantransaksi", "uraian", "uraiantransaksi", "deskripsi", "description", "transactiondescription", "remark", "remarks", "berita"},
	"branch":  {"cabang", "branch", "kodecabang"},
	"amount":  {"jumlah", "amount", "nominal", "mutasi", "jumlahmutasi"},
	"marker":  {"crdb", "dbcr", "drcr", "crdr", "dk", "kd", "jenis", "type"},
	"debit":   {"debet", "debit", "mutasidebet", "mutasidebit", "dr", "db"},
	"credit":  {"kredit", "credit", "mutasikredit", "cr"},
	"balance": {"saldo", "balance", "runningbalance"},
	"ref":     {"noreferensi", "nomorreferensi", "referensi", "referenceno", "refno", "reference", "noref", "transactionid", "idtransaksi", "notransaksi"},
}

// headerKey keeps a header's letters and digits, lower case: "No. Ref." is "noref".
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func roleOf(h string) string {
	k := headerKey(h)
	for role, names := range stmtHeaders {
		for _, n := range names {
			if k == n {
				return role
			}
		}
	}
	return ""
}

// findHeader reads a row as a header: the columns it names, and whether it
// is one (a date, a description and an amount or credit column).
func findHeader(row []string) (stmtCols, bool) {
	c := stmtCols{date: -1, branch: -1, amount: -1, marker: -1, debit: -1, credit: -1, balance: -1, ref: -1}
	for i, h := range row {
		set := func(p *int) {
			if *p < 0 {
				*p = i
			}
		}
		switch roleOf(h) {
		case "date":
			set(&c.date)
		case "desc":
			c.desc = append(c.desc, i)
		case "branch":
			set(&c.branch)
		case "amount":
			set(&c.amount)
		case "marker":
			set(&c.marker)
		case "debit":
			set(&c.debit)
		case "credit":
			set(&c.credit)
		case "balance":
			set(&c.balance)
		case "ref":
			set(&c.ref)
		}
	}
	if c.amount >= 0 && c.marker < 0 && c.amount+1 < len(row) && strings.TrimSpace(row[c.amount+1]) == "" {
		c.marker = c.amount + 1 // BCA: the CR/DB column has no header
	}
	return c, c.date >= 0 && len(c.desc) > 0 && (c.amount >= 0 || c.credit >= 0)
}

var footerKeys = []string{"saldoawal", "saldoakhir", "mutasikredit", "mutasidebet", "mutasidebit", "openingbalance", "closingbalance", "beginningbalance", "endingbalance", "total"}

// ParseStatement reads a statement from a table of cells (row i is the
// file's row i+1). It fails only when no header row is found or the
// layout cannot identify its lines; a row that cannot be read is kept with
// its Malformed reason.
func ParseStatement(table [][]string) (Statement, error) {
	var st Statement
	var period [2]time.Time
	head := -1
	var cols stmtCols
	for i, row := range table {
		if c, ok := findHeader(row); ok {
			head, cols = i, c
			break
		}
		readHeading(row, &st, &period)
	}
	if head < 0 {
		return st, &Error{Code: CodeInvalid, Message: "no statement header row: the statement needs columns for the date (Tanggal), the description (Keterangan), and the amount (Jumlah with CR/DB, or Debet and Kredit)",
			Fields: []FieldError{{Field: "file", Reason: "no statement header row"}}}
	}
	if cols.balance < 0 && cols.ref < 0 {
		return st, &Error{Code: CodeInvalid, Message: "the statement needs a balance column (Saldo) or the bank's reference column (No. Referensi): without one, two equal transfers on one day could not be told apart",
			Fields: []FieldError{{Field: "file", Reason: "no balance or reference column"}}}
	}
	for i := head + 1; i < len(table); i++ {
		row := table[i]
		if blankRow(row) {
			continue
		}
		if len(row) > 0 && isFooter(row[0]) {
			break
		}
		st.Lines = append(st.Lines, readLine(i+1, row, cols, period))
	}
	return st, nil
}

func blankRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func isFooter(cell string) bool {
	k := headerKey(cell)
	for _, f := range footerKeys {
		if strings.HasPrefix(k, f) {
			return true
		}
	}
	return false
}

var dmyRE = regexp.MustCompile(`(\d{1,2})/(\d{1,2})/(\d{4})`)

// readHeading takes the account number and the period from a heading row.
func readHeading(row []string, st *Statement, period *[2]time.Time) {
	line := strings.Join(row, " ")
	k := headerKey(line)
	switch {
	case strings.HasPrefix(k, "norekening") || strings.HasPrefix(k, "nomorrekening") || strings.HasPrefix(k, "accountno") ||
		strings.HasPrefix(k, "accountnumber") || strings.HasPrefix(k, "rekening"):
		st.Account = digitsOf(line)
	case strings.HasPrefix(k, "periode") || strings.HasPrefix(k, "period"):
		if m := dmyRE.FindAllStringSubmatch(line, -1); len(m) > 0 {
			first, last := m[0], m[len(m)-1]
			period[0], _ = ymd(first[3], first[2], first[1])
			period[1], _ = ymd(last[3], last[2], last[1])
		}
	}
}

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(row[i]), "'"))
}

// readLine reads one transaction row.
func readLine(rowNo int, row []string, c stmtCols, period [2]time.Time) StatementLine {
	l := StatementLine{Row: rowNo, Branch: cell(row, c.branch), BankRef: cell(row, c.ref)}
	var desc []string
	for _, d := range c.desc {
		if v := cell(row, d); v != "" {
			desc = append(desc, v)
		}
	}
	l.Description = strings.Join(strings.Fields(strings.Join(desc, " ")), " ")
	need := max(c.date, c.amount, c.debit, c.credit)
	if len(row) <= need {
		l.Malformed = MalformedShort
		return l
	}
	date := cell(row, c.date)
	if strings.EqualFold(date, "PEND") {
		l.Pending = true
	} else if d, ok := parseStatementDate(date, period); ok {
		l.Date = d
	} else {
		l.Malformed = MalformedDate
		return l
	}
	if l.Malformed = readAmount(&l, row, c); l.Malformed != "" {
		return l
	}
	if c.balance >= 0 && cell(row, c.balance) != "" {
		b, neg, marker, reason := ParseStatementAmount(cell(row, c.balance))
		if reason != "" {
			l.Malformed = MalformedBalance
			return l
		}
		if neg || marker == "DB" {
			b = -b
		}
		l.Balance = b
	}
	if !l.Pending {
		l.Key = lineKey(&l)
	}
	return l
}

// readAmount reads the amount and its direction: one amount column with a
// CR/DB marker (its own column, a suffix, or a sign), or a debit and a
// credit column of which one is filled.
func readAmount(l *StatementLine, row []string, c stmtCols) string {
	if c.amount >= 0 {
		v, neg, marker, reason := ParseStatementAmount(cell(row, c.amount))
		if reason != "" {
			return reason
		}
		if m := strings.ToUpper(cell(row, c.marker)); m != "" {
			marker = m
		}
		switch {
		case neg && marker != "":
			return MalformedDirection // a sign and a marker: which one holds?
		case marker == "CR" || marker == "K" || marker == "KREDIT" || marker == "CREDIT":
			l.Credit = true
		case marker == "DB" || marker == "DR" || marker == "D" || marker == "DEBET" || marker == "DEBIT" || neg:
			l.Credit = false
		default:
			return MalformedDirection
		}
		l.Amount = v
		return ""
	}
	deb, cre := cell(row, c.debit), cell(row, c.credit)
	dv, cv := int64(0), int64(0)
	if deb != "" {
		v, _, _, reason := ParseStatementAmount(deb)
		if reason != "" {
			return reason
		}
		dv = v
	}
	if cre != "" {
		v, _, _, reason := ParseStatementAmount(cre)
		if reason != "" {
			return reason
		}
		cv = v
	}
	switch {
	case cv > 0 && dv == 0:
		l.Amount, l.Credit = cv, true
	case dv > 0 && cv == 0:
		l.Amount = dv
	default:
		return MalformedDirection
	}
	return ""
}

// lineKey is the line's identity (see StatementLine.Key).
func lineKey(l *StatementLine) string {
	if l.BankRef != "" {
		return "ref:" + l.BankRef
	}
	amount := l.Amount
	if !l.Credit {
		amount = -amount
	}
	h := sha256.Sum256([]byte(l.Date + "|" + strconv.FormatInt(amount, 10) + "|" + l.Description + "|" + strconv.FormatInt(l.Balance, 10)))
	return "sha256:" + hex.EncodeToString(h[:])
}

var (
	dateDMY  = regexp.MustCompile(`^(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})$`)
	dateISO  = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	dateDM   = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})$`)
	dateDMon = regexp.MustCompile(`^(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{4}|\d{2})$`)
	timePart = regexp.MustCompile(`^\d{1,2}[:.]\d{2}([:.]\d{2})?$`)
)

var monthNames = map[string]string{"jan": "1", "feb": "2", "mar": "3", "apr": "4", "mei": "5", "may": "5", "jun": "6", "jul": "7",
	"agu": "8", "agt": "8", "aug": "8", "sep": "9", "okt": "10", "oct": "10", "nov": "11", "des": "12", "dec": "12"}

// parseStatementDate reads a booking date as YYYY-MM-DD; a day and month
// without a year (BCA) take the year from the statement's period.
func parseStatementDate(s string, period [2]time.Time) (string, bool) {
	if d, t, ok := strings.Cut(s, " "); ok && timePart.MatchString(strings.TrimSpace(t)) {
		s = d
	}
	var t time.Time
	ok := false
	if m := dateDMY.FindStringSubmatch(s); m != nil {
		y := m[3]
		if len(y) == 2 {
			y = "20" + y
		}
		t, ok = ymd(y, m[2], m[1])
	} else if m := dateISO.FindStringSubmatch(s); m != nil {
		t, ok = ymd(m[1], m[2], m[3])
	} else if m := dateDMon.FindStringSubmatch(s); m != nil {
		mon, known := monthNames[strings.ToLower(m[2])]
		y := m[3]
		if len(y) == 2 {
			y = "20" + y
		}
		if known {
			t, ok = ymd(y, mon, m[1])
		}
	} else if m := dateDM.FindStringSubmatch(s); m != nil && !period[1].IsZero() {
		year := period[1].Year()
		if mon, _ := strconv.Atoi(m[2]); mon > int(period[1].Month()) {
			year = period[0].Year() // a period across the new year
		}
		t, ok = ymd(strconv.Itoa(year), m[2], m[1])
	}
	if !ok {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

func ymd(y, m, d string) (time.Time, bool) {
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(m)
	di, err3 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || err3 != nil || yi < 1900 || yi > 9999 {
		return time.Time{}, false
	}
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Year() != yi || int(t.Month()) != mi || t.Day() != di {
		return time.Time{}, false
	}
	return t, true
}

// ParseStatementAmount reads an amount of a statement: whole Rupiah in
// Indonesian (1.234.567,00) or English (1,234,567.00) notation, with an
// optional "Rp"/"IDR", a sign or parentheses, a CR/DB suffix, and ",-"
// for no sen. The
// decimal separator is the last "." or "," followed by one or two digits;
// a fraction other than zero is refused (MalformedFraction), as are
// misplaced thousands separators (MalformedAmount).
func ParseStatementAmount(s string) (v int64, neg bool, marker, reason string) {
	s = strings.ToUpper(strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " ")))
	for _, m := range []string{"CR", "DB", "DR"} {
		if rest, ok := strings.CutSuffix(s, m); ok && rest != "" && (rest[len(rest)-1] == ' ' || rest[len(rest)-1] >= '0' && rest[len(rest)-1] <= '9') {
			marker, s = m, strings.TrimSpace(rest)
			break
		}
	}
	if marker == "DR" {
		marker = "DB"
	}
	for _, p := range []string{"IDR", "RP"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			s = strings.TrimSpace(strings.TrimPrefix(rest, "."))
		}
	}
	if inner, ok := strings.CutPrefix(s, "("); ok {
		if inner, ok = strings.CutSuffix(inner, ")"); ok {
			neg, s = true, inner
		}
	}
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		neg, s = true, rest
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	s = strings.ReplaceAll(s, " ", "")
	if rest, ok := strings.CutSuffix(s, "-"); ok && (strings.HasSuffix(rest, ",") || strings.HasSuffix(rest, ".")) {
		s = rest[:len(rest)-1] // "10.000,-": no sen
	}
	v, reason = parseGrouped(s)
	return v, neg, marker, reason
}

// parseGrouped reads digits with thousands separators and an optional
// decimal part.
func parseGrouped(s string) (int64, string) {
	if s == "" {
		return 0, MalformedAmount
	}
	intPart, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 && len(s)-i-1 <= 2 && len(s)-i-1 >= 1 {
		intPart, frac = s[:i], s[i+1:]
		if strings.ContainsRune(intPart, rune(s[i])) { // "1.234.56": the same separator twice
			return 0, MalformedAmount
		}
	}
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0, MalformedAmount
		}
	}
	if strings.Trim(frac, "0") != "" {
		return 0, MalformedFraction
	}
	if intPart == "" {
		return 0, MalformedAmount
	}
	sep := byte(0)
	groups := []string{intPart}
	if i := strings.IndexAny(intPart, ".,"); i >= 0 {
		sep = intPart[i]
		groups = strings.Split(intPart, string(sep))
	}
	for gi, g := range groups {
		if g == "" || len(g) > 3 && sep != 0 || gi > 0 && len(g) != 3 {
			return 0, MalformedAmount
		}
		for i := 0; i < len(g); i++ {
			if g[i] < '0' || g[i] > '9' {
				return 0, MalformedAmount
			}
		}
	}
	v, err := strconv.ParseInt(strings.Join(groups, ""), 10, 64)
	if err != nil {
		return 0, MalformedAmount
	}
	return v, ""
}
