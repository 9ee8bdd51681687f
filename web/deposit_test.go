package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"niaga"
	"niaga/demo"
	"niaga/store"
	"niaga/web"
)

// payInWorld is a demo market with a new verified buyer that has no deposit
// yet, and an open english lot of that market.
type payInWorld struct {
	market    niaga.Market
	lot       niaga.Lot
	org       niaga.Organization
	email     string
	buyer     string // the new buyer's token
	ref       string // its payment reference at the market
	pembeli   niaga.Organization
	statement string
}

func newPayInWorld(e *env) *payInWorld {
	e.t.Helper()
	w := &payInWorld{lot: e.demoLot("english", "beras"), email: "baru@niaga.id"}
	e.call("GET", fmt.Sprintf("/api/v1/markets/%d", w.lot.MarketID), "", nil, 200, &w.market)
	if !w.market.Payment.Set() {
		e.t.Fatalf("demo market without payment instructions: %+v", w.market)
	}
	admin := e.token(demo.Admin)
	e.call("POST", "/api/v1/organizations", admin, map[string]any{"name": "UD Baru", "kind": "business", "province": "18"}, 201, &w.org)
	e.call("POST", fmt.Sprintf("/api/v1/organizations/%d/verify", w.org.ID), admin, map[string]bool{"verified": true}, 200, nil)
	e.call("POST", "/api/v1/users", admin, map[string]any{"email": w.email, "name": "Baru", "password": demo.Password, "role": "business", "org_id": w.org.ID}, 201, nil)
	w.buyer = e.token(w.email)
	w.ref, _ = niaga.PaymentReference(w.market.ID, w.org.ID)
	var me struct {
		OrgID int64 `json:"org_id"`
	}
	e.call("GET", "/api/v1/me", e.token("pembeli@niaga.id"), nil, 200, &me)
	w.pembeli.ID = me.OrgID
	pembeliRef, _ := niaga.PaymentReference(w.market.ID, me.OrgID)
	amount := niaga.FormatInt(w.lot.Guarantee, "id") + ",00"
	// BCA's layout, saved with semicolons: two credits that name their
	// buyer (one reference typed in groups), one without a reference, a
	// debit, a line repeated and a row with an impossible date.
	w.statement = strings.Join([]string{
		"No. rekening : ;" + w.market.Payment.AccountNumber,
		"Nama : ;" + w.market.Payment.AccountHolder,
		"Periode : ;01/03/2026 - 31/03/2026",
		"Kode Mata Uang : ;Rp",
		"",
		"Tanggal Transaksi;Keterangan;Cabang;Jumlah;;Saldo",
		"'02/03;TRSF E-BANKING CR 0203/FTSCY/WS95031 " + w.ref + " UD BARU;'0998;" + amount + ";CR;100.000.000,00",
		"'02/03;SETORAN TUNAI " + niaga.FormatPaymentReference(pembeliRef) + ";'0123;5.000.000,00;CR;105.000.000,00",
		"'03/03;TRSF CR TANPA BERITA;'0998;750.000,00;CR;105.750.000,00",
		"'03/03;BIAYA ADM;'0000;10.000,00;DB;105.740.000,00",
		"'02/03;TRSF E-BANKING CR 0203/FTSCY/WS95031 " + w.ref + " UD BARU;'0998;" + amount + ";CR;100.000.000,00",
		"'32/03;TRSF CR " + w.ref + ";'0998;1.000,00;CR;105.741.000,00",
		"",
		"Saldo Awal;:;90.000.000,00",
		"Mutasi Kredit;:;1.000.000,00;4",
		"Mutasi Debet;:;10.000,00;1",
		"Saldo Akhir;:;105.741.000,00",
	}, "\n") + "\n"
	return w
}

// wantStatement is what the statement's six lines come to.
var wantStatement = []struct{ status, reason string }{
	{store.LineCredit, ""}, {store.LineCredit, ""}, {store.LineUnmatched, store.ReasonNoReference}, {store.LineIgnored, store.ReasonDebit},
	{store.LineDuplicate, ""}, {store.LineMalformed, niaga.MalformedDate},
}

func checkStatement(t *testing.T, res store.Reconciliation, credit string) {
	t.Helper()
	if len(res.Lines) != len(wantStatement) {
		t.Fatalf("%d lines: %+v", len(res.Lines), res.Lines)
	}
	for i, w := range wantStatement {
		status := w.status
		if status == store.LineCredit {
			status = credit
		}
		if l := res.Lines[i]; l.Status != status || l.Reason != w.reason {
			t.Errorf("line %d (row %d): %s %s, want %s %s", i, l.Row, l.Status, l.Reason, status, w.reason)
		}
	}
}

// multipartFile makes a multipart/form-data body with the file in "file".
func multipartFile(name, content string) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// TestDepositPayInAPI: a new buyer reads on the lot what it lacks and how to
// pay; its refused bid says so in the problem document; the organizer's
// statement import (dry run, then commit) credits it, and the bid goes
// through; a re-import credits nothing; only the organizer and the admin
// import.
func TestDepositPayInAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		w := newPayInWorld(e)
		lotPath := fmt.Sprintf("/api/v1/lots/%d", w.lot.ID)
		var l niaga.Lot
		e.call("GET", lotPath, w.buyer, nil, 200, &l)
		if d := l.Deposit; d == nil || d.HasAccount || d.Missing != l.Guarantee || d.Guarantee != l.Guarantee || d.PaymentReference != w.ref {
			t.Fatalf("the buyer's standing on the lot: %+v", l.Deposit)
		}
		for _, who := range []string{"", e.token("penjual@niaga.id"), e.token("lampung@niaga.id")} {
			var other niaga.Lot
			if e.call("GET", lotPath, who, nil, 200, &other); other.Deposit != nil {
				t.Fatalf("a non-buyer gets a standing: %+v", other.Deposit)
			}
		}

		bids := lotPath + "/bids"
		p := e.problem("POST", bids, w.buyer, map[string]int64{"price": l.MinNext}, 422, "insufficient_deposit")
		if p.Missing != l.Guarantee || p.PaymentReference != w.ref || p.Payment == nil || *p.Payment != w.market.Payment ||
			!strings.Contains(p.Detail, niaga.FormatPaymentReference(w.ref)) {
			t.Fatalf("refusal without the way to pay: %+v", p)
		}
		// The OpenAPI document declares the extension members.
		var doc struct {
			Components struct {
				Schemas map[string]struct {
					Properties map[string]any `json:"properties"`
				} `json:"schemas"`
			} `json:"components"`
		}
		e.call("GET", "/api/v1/openapi.json", "", nil, 200, &doc)
		for _, member := range []string{"missing", "payment_reference", "payment"} {
			if _, ok := doc.Components.Schemas["Problem"].Properties[member]; !ok {
				t.Errorf("Problem schema lacks %q", member)
			}
		}

		// Who may import.
		imp := fmt.Sprintf("/api/v1/markets/%d/statements", w.market.ID)
		csvBody := []byte(w.statement)
		for who, status := range map[string]int{"": 401, w.buyer: 403, e.token("amira@niaga.id"): 403, e.token("bank@niaga.id"): 403} {
			res, b := e.raw("POST", imp+"?dry_run=true", who, "text/csv", csvBody)
			if res.StatusCode != status {
				t.Fatalf("import by %q: %d %s", who, res.StatusCode, b)
			}
		}
		organizer := e.token("lampung@niaga.id")
		// Bad uploads are problems, never 500s.
		upload := func(what, token, query, ct string, body []byte, status int, code string) web.Problem {
			t.Helper()
			res, b := e.raw("POST", imp+query, token, ct, body)
			return e.checkProblem(what, res, b, status, code)
		}
		upload("dry_run", organizer, "?dry_run=maybe", "text/csv", csvBody, 400, "invalid")
		if pr := upload("no header", organizer, "", "text/csv", []byte("a;b\n1;2\n"), 400, "invalid"); len(pr.Errors) == 0 || pr.Errors[0].Field != "file" {
			t.Fatalf("no header: %+v", pr)
		}
		upload("json", organizer, "", "application/json", []byte(`{}`), 415, "unsupported_media_type")
		upload("other account", organizer, "", "text/csv", []byte(strings.Replace(w.statement, w.market.Payment.AccountNumber, "999 888 777", 1)), 400, "invalid")

		// The admin previews: nothing is credited.
		var dry store.Reconciliation
		e.decode(e.token(demo.Admin), imp+"?dry_run=true", "text/csv", csvBody, &dry)
		checkStatement(t, dry, store.LineCredit)
		if !dry.DryRun || dry.Credited != l.Guarantee+5_000_000 || dry.Account != digits(w.market.Payment.AccountNumber) {
			t.Fatalf("dry run %+v", dry)
		}
		e.call("GET", lotPath, w.buyer, nil, 200, &l)
		if l.Deposit.HasAccount {
			t.Fatalf("the dry run credited: %+v", l.Deposit)
		}

		// The organizer imports (multipart, as the mission imports take it).
		body, ct := multipartFile("mutasi.csv", w.statement)
		var res store.Reconciliation
		e.decode(organizer, imp, ct, body, &res)
		checkStatement(t, res, store.LineCredit)
		if res.DryRun || res.Lines[0].OrgID != w.org.ID || res.Lines[0].EntryID == 0 || res.Lines[1].OrgID != w.pembeli.ID {
			t.Fatalf("import %+v", res)
		}
		e.call("GET", lotPath, w.buyer, nil, 200, &l)
		if d := l.Deposit; !d.HasAccount || d.Missing != 0 || d.Free != l.Guarantee {
			t.Fatalf("standing after the import: %+v", d)
		}
		var accts []niaga.DepositAccount
		e.call("GET", "/api/v1/deposits", w.buyer, nil, 200, &accts)
		if len(accts) != 1 || accts[0].Balance != l.Guarantee || accts[0].PaymentReference != w.ref {
			t.Fatalf("the buyer's accounts %+v", accts)
		}
		e.call("POST", bids, w.buyer, map[string]int64{"price": l.MinNext}, 201, nil)

		// Imported again: nothing more.
		var again store.Reconciliation
		e.decode(organizer, imp, "text/csv", csvBody, &again)
		checkStatement(t, again, store.LineAlready)
		if again.Credited != 0 || again.Counts[store.LineCredit] != 0 {
			t.Fatalf("re-import credited %+v", again)
		}
		e.call("GET", "/api/v1/deposits", w.buyer, nil, 200, &accts)
		if accts[0].Balance != l.Guarantee {
			t.Fatalf("balance after the re-import %+v", accts[0])
		}

		// The organizer sets the instructions; others may not.
		pay := map[string]string{"bank": "BRI Unit Natar", "account_number": "0123-01-000456-30-1", "account_holder": "Koperasi Lampung"}
		e.problem("PUT", fmt.Sprintf("/api/v1/markets/%d/payment", w.market.ID), e.token("amira@niaga.id"), pay, 403, "forbidden")
		e.problem("PUT", fmt.Sprintf("/api/v1/markets/%d/payment", w.market.ID), organizer, map[string]string{"bank": "BRI"}, 400, "invalid")
		var m niaga.Market
		e.call("PUT", fmt.Sprintf("/api/v1/markets/%d/payment", w.market.ID), organizer, pay, 200, &m)
		if m.Payment.Bank != "BRI Unit Natar" || m.Payment.AccountNumber != "0123-01-000456-30-1" {
			t.Fatalf("set %+v", m.Payment)
		}
	})
}

// decode posts a body and decodes the 200 answer.
func (e *env) decode(token, path, ct string, body []byte, out any) {
	e.t.Helper()
	res, b := e.raw("POST", path, token, ct, body)
	if res.StatusCode != 200 {
		e.t.Fatalf("POST %s: status %d: %s", path, res.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		e.t.Fatalf("decode %s: %v", b, err)
	}
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// postFile posts a multipart form with a file, as a browser does.
func (b *browser) postFile(path, name, content string) *page {
	b.t.Helper()
	body, ct := multipartFile(name, content)
	req, _ := http.NewRequest("POST", b.e.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return b.do(req)
}

// TestDepositPayInPages walks the same path on the pages: the buyer's lot
// page says what is missing and how to pay, the deposits page lists the
// references; the organizer previews the statement, confirms, and the
// lot page no longer asks for money.
func TestDepositPayInPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		w := newPayInWorld(e)
		buyer := e.browser("id")
		buyer.signIn(w.email)
		lotPage := fmt.Sprintf("/lots/%d", w.lot.ID)
		p := buyer.get(lotPage)
		missing := p.Text("#bid-missing")
		for _, want := range []string{niaga.FormatRupiah(w.lot.Guarantee, "id"), niaga.FormatPaymentReference(w.ref), w.market.Payment.AccountNumber, w.market.Payment.Bank} {
			if !strings.Contains(missing, want) {
				t.Fatalf("lot page's shortfall %q lacks %q", missing, want)
			}
		}
		if !strings.Contains(p.Text("#bid-deposit"), "belum menyetor") {
			t.Fatalf("lot page's deposit line %q", p.Text("#bid-deposit"))
		}
		// A refused bid (htmx swaps the bid box) says what is missing and
		// keeps showing how to pay.
		req, _ := http.NewRequest("POST", e.URL+lotPage+"/bid", strings.NewReader(url.Values{"price": {fmt.Sprint(w.lot.MinNext)}, "idem": {"k1"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		p = buyer.do(req)
		if r := p.Text("#bid-result"); !strings.Contains(r, niaga.FormatRupiah(w.lot.Guarantee, "id")) || !strings.Contains(r, niaga.FormatPaymentReference(w.ref)) {
			t.Fatalf("refused bid's message %q", r)
		}
		if !strings.Contains(p.Text("#bid-missing"), w.market.Payment.AccountNumber) {
			t.Fatalf("the bid reply lost the way to pay: %q", p.Text("#bidbox"))
		}
		dep := buyer.get("/deposits")
		if pay := dep.Text(fmt.Sprintf("#payhow-%d", w.market.ID)); !strings.Contains(pay, niaga.FormatPaymentReference(w.ref)) || !strings.Contains(pay, w.market.Payment.AccountNumber) {
			t.Fatalf("deposits page: %q", pay)
		}
		if buyer.get(fmt.Sprintf("/markets/%d/statement", w.market.ID)).Status != http.StatusForbidden {
			t.Fatal("a buyer opens the statement import")
		}
		if got := buyer.get(fmt.Sprintf("/markets/%d", w.market.ID)).Text("#market-payhow"); !strings.Contains(got, niaga.FormatPaymentReference(w.ref)) {
			t.Fatalf("market page for the buyer: %q", got)
		}

		org := e.browser("id")
		org.signIn("lampung@niaga.id")
		mp := org.get(fmt.Sprintf("/markets/%d", w.market.ID))
		if mp.ByID("payment-form") == nil || mp.ByID("statement-link") == nil {
			t.Fatal("the organizer's market page has no payment form or statement link")
		}
		bad := org.post(fmt.Sprintf("/markets/%d/payment", w.market.ID), url.Values{"bank": {"BCA"}, "account_number": {"12ab"}, "account_holder": {"K"}})
		if bad.Status != 422 || bad.find("input[aria-invalid=true]") == nil {
			t.Fatalf("bad account number: %d", bad.Status)
		}
		page := fmt.Sprintf("/markets/%d/statement", w.market.ID)
		if up := org.get(page); up.Status != 200 || up.ByID("statement-form") == nil {
			t.Fatalf("statement page %d", up.Status)
		}
		none := org.postFile(page, "mutasi.csv", "a;b\n1;2\n")
		if none.Status != 422 || !strings.Contains(none.Text("#statement-form"), "judul kolom") {
			t.Fatalf("no header: %d %q", none.Status, none.Text("#statement-form"))
		}
		pre := org.postFile(page, "mutasi.csv", w.statement)
		rows := pre.findAll("#statement-lines tbody tr")
		if pre.Status != 200 || len(rows) != len(wantStatement) || pre.ByID("statement-confirm") == nil {
			t.Fatalf("preview: %d, %d rows: %s", pre.Status, len(rows), pre.Text("#statement-result"))
		}
		if got := textOf(rows[0]); !strings.Contains(got, "UD Baru") || !strings.Contains(got, "Setoran cocok") {
			t.Fatalf("first row %q", got)
		}
		if got := textOf(rows[2]); !strings.Contains(got, "Tidak ada referensi") {
			t.Fatalf("unmatched row %q", got)
		}
		for _, td := range pre.findAll("#statement-lines tbody td") {
			if attrOf(td, "data-label") == "" {
				t.Fatal("a cell without data-label")
			}
		}
		// Confirm with what the preview holds, as the browser sends it.
		form := url.Values{"confirm": {"1"}, "statement": {rawText(pre.find("#statement-confirm textarea"))}}
		done := org.post(page, form)
		if done.Status != 200 || done.ByID("statement-done") == nil || done.ByID("statement-confirm") != nil {
			t.Fatalf("confirm: %d %s", done.Status, done.Text("#statement-result"))
		}
		if got := buyer.get(lotPage); got.ByID("bid-missing") != nil || !strings.Contains(got.Text("#bid-deposit"), niaga.FormatRupiah(w.lot.Guarantee, "id")) {
			t.Fatalf("lot page after paying: %q", got.Text("#bidbox"))
		}
		// Sent again (a reload of the confirmation): nothing more.
		again := org.post(page, form)
		if again.Status != 200 || !strings.Contains(again.Text("#statement-counts"), "sudah dikreditkan") {
			t.Fatalf("confirm again: %s", again.Text("#statement-result"))
		}
	})
}

// rawText is an element's text as it is (a textarea's content).
func rawText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}
