package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"niaga"
	"niaga/mail/mailtest"
	"niaga/web"
)

// pdfBytes and pngBytes are the starts of real files, enough for sniffing.
var (
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)
)

var confirmLink = regexp.MustCompile(`http://localhost:8080/confirm-email\?token=(\S+)`)

func newTrader() map[string]string {
	return map[string]string{"email": "ani@tokoberas.id", "password": "beras-lampung-2026", "name": "Ani Lestari",
		"phone": "0812-7788-9900", "business_name": "Toko Beras Ani", "province": "18", "city": "Metro",
		"nib": "9120001234567", "npwp": "", "bank_name": "Bank Lampung", "bank_account": "0123 4567 89", "bank_holder": "Ani Lestari"}
}

// upload sends a document as multipart/form-data.
func upload(e *env, token string, org int64, kind, name string, content []byte) (int, []byte) {
	e.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("kind", kind)
	f, _ := w.CreateFormFile("file", name)
	_, _ = f.Write(content)
	_ = w.Close()
	res, body := e.raw("POST", "/api/v1/organizations/"+strconv.FormatInt(org, 10)+"/documents", token, w.FormDataContentType(), b.Bytes())
	return res.StatusCode, body
}

// A trader joins alone: signs up, confirms the address, uploads documents,
// is verified by the organizer of the province (refused first, with a
// reason), and is told by mail at each step; nobody else sees the papers.
func TestSignUpAndVerification(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		in := mailtest.Start(t, "127.0.0.1:0")
		var out web.SignUpOutput
		e.call("POST", "/api/v1/signup", "", newTrader(), 201, &out)
		if out.Token == "" || out.User.Role != niaga.RoleBusiness || out.Organization.Verified || out.Organization.Province != "18" {
			t.Fatalf("signed up: %+v", out)
		}
		ani, org := out.Token, out.Organization.ID
		e.problem("POST", "/api/v1/signup", "", newTrader(), 409, "conflict")
		again := newTrader()
		again["email"] = "budi@tokoberas.id" // another person of the same business (same NIB)
		if p := e.problem("POST", "/api/v1/signup", "", again, 409, "conflict"); len(p.Errors) == 0 || p.Errors[0].Field != "nib" {
			t.Fatalf("a second sign-up of the same business: %+v", p)
		}
		bad := newTrader()
		bad["email"], bad["phone"], bad["nib"], bad["bank_account"] = "x@toko.id", "12345", "123", "12"
		p := e.problem("POST", "/api/v1/signup", "", bad, 400, "invalid")
		fields := map[string]bool{}
		for _, f := range p.Errors {
			fields[f.Field] = true
		}
		for _, f := range []string{"phone", "nib", "bank_account"} {
			if !fields[f] {
				t.Errorf("bad %s not named: %+v", f, p.Errors)
			}
		}

		// The confirmation link.
		mails := deliver(t, e, in, "ani@tokoberas.id")
		if len(mails) != 1 || mails[0].Subject != "Konfirmasi email akun Niaga Anda" {
			t.Fatalf("confirmation mail: %+v", mails)
		}
		m := confirmLink.FindStringSubmatch(mails[0].Text)
		if m == nil {
			t.Fatalf("no link in %q", mails[0].Text)
		}
		tok, _ := url.QueryUnescape(m[1])

		var vc niaga.VerificationCase
		e.call("GET", "/api/v1/organizations/"+strconv.FormatInt(org, 10)+"/verification", ani, nil, 200, &vc)
		if vc.State != niaga.VerificationUnverified || len(vc.Applicants) != 1 || vc.Applicants[0].EmailConfirmed || vc.Applicants[0].Phone != "+6281277889900" {
			t.Fatalf("case after sign-up: %+v", vc)
		}
		e.call("POST", "/api/v1/auth/confirm-email", "", map[string]string{"token": tok}, 204, nil)
		e.problem("POST", "/api/v1/auth/confirm-email", "", map[string]string{"token": tok}, 400, "invalid")

		// Documents: type and size checked by content, not by name.
		if st, b := upload(e, ani, org, "identity", "ktp.pdf", []byte("MZ\x90\x00 this is a program")); st != 415 {
			t.Fatalf("a program named .pdf: %d %s", st, b)
		}
		if st, b := upload(e, ani, org, "identity", "ktp.pdf", append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte("x"), 5<<20)...)); st != 413 {
			t.Fatalf("6 MiB: %d %s", st, b)
		}
		if st, b := upload(e, ani, org, "passport", "ktp.pdf", pdfBytes); st != 400 {
			t.Fatalf("unknown kind: %d %s", st, b)
		}
		rival := e.token("pembeli@niaga.id")
		if st, _ := upload(e, rival, org, "identity", "ktp.pdf", pdfBytes); st != 403 {
			t.Fatalf("another business uploads to Ani's: %d", st)
		}
		st, b := upload(e, ani, org, "identity", "../../ktp ani.pdf", pdfBytes)
		if st != 201 || json.Unmarshal(b, &vc) != nil || vc.State != niaga.VerificationUnverified {
			t.Fatalf("identity: %d %s", st, b)
		}
		st, b = upload(e, ani, org, "business", "nib.png", pngBytes)
		if st != 201 || json.Unmarshal(b, &vc) != nil || vc.State != niaga.VerificationPending || len(vc.Documents) != 2 {
			t.Fatalf("business paper: %d %s", st, b)
		}
		if d := vc.Documents[0]; d.Filename != "ktp ani.pdf" || d.ContentType != "application/pdf" || d.Size != int64(len(pdfBytes)) {
			t.Fatalf("document: %+v", d)
		}
		doc := "/api/v1/documents/" + strconv.FormatInt(vc.Documents[0].ID, 10)

		// Who sees the papers: Ani, the organizer of Lampung; not a rival,
		// not the agency of another province.
		lampung, jatim := e.token("lampung@niaga.id"), e.token("jatim@niaga.id")
		for who, want := range map[string]int{ani: 200, lampung: 200, rival: 404, jatim: 404, "": 401} {
			res, body := e.raw("GET", doc, who, "", nil)
			if res.StatusCode != want {
				t.Errorf("document for %.8s: %d, want %d", who, res.StatusCode, want)
			}
			if want == 200 && (!bytes.Equal(body, pdfBytes) || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment")) {
				t.Errorf("document body or headers: %v", res.Header)
			}
		}
		var queue []niaga.VerificationCase
		e.call("GET", "/api/v1/verifications", lampung, nil, 200, &queue)
		if len(queue) != 1 || queue[0].Org.ID != org {
			t.Fatalf("Lampung's queue: %+v", queue)
		}
		e.call("GET", "/api/v1/verifications", jatim, nil, 200, &queue)
		if len(queue) != 0 {
			t.Fatalf("East Java's queue holds Lampung's business: %+v", queue)
		}
		e.problem("GET", "/api/v1/verifications", rival, nil, 403, "forbidden")
		decide := "/api/v1/organizations/" + strconv.FormatInt(org, 10) + "/verification/decision"
		e.problem("POST", decide, jatim, map[string]string{"decision": "approved"}, 404, "not_found") // another province's case does not exist for it
		e.problem("POST", decide, lampung, map[string]string{"decision": "refused"}, 400, "invalid")

		// Refused with a reason, told by mail; new papers, pending again; approved.
		e.call("POST", decide, lampung, map[string]string{"decision": "refused", "reason": "Foto KTP buram, mohon unggah ulang."}, 200, &vc)
		if vc.State != niaga.VerificationRefused || vc.RefusedReason != "Foto KTP buram, mohon unggah ulang." {
			t.Fatalf("refused: %+v", vc)
		}
		mails = deliver(t, e, in, "ani@tokoberas.id")
		if len(mails) != 2 || !strings.Contains(mails[1].Text, "Foto KTP buram") {
			t.Fatalf("refusal mail: %+v", mails)
		}
		e.problem("POST", decide, lampung, map[string]string{"decision": "approved"}, 409, "conflict")
		if st, b := upload(e, ani, org, "identity", "ktp-jelas.jpg", pngBytes); st != 201 || json.Unmarshal(b, &vc) != nil || vc.State != niaga.VerificationPending {
			t.Fatalf("re-upload: %d %s", st, b)
		}
		e.call("POST", decide, lampung, map[string]string{"decision": "approved"}, 200, &vc)
		if vc.State != niaga.VerificationVerified || !vc.Org.Verified {
			t.Fatalf("approved: %+v", vc)
		}
		mails = deliver(t, e, in, "ani@tokoberas.id")
		if len(mails) != 3 || !strings.Contains(mails[2].Subject, "Toko Beras Ani terverifikasi") || !strings.Contains(mails[2].Text, "http://localhost:8080/account/verification") {
			t.Fatalf("approval mail: %+v", mails)
		}
	})
}

// Approval needs a confirmed address.
func TestVerificationNeedsAConfirmedAddress(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var out web.SignUpOutput
		e.call("POST", "/api/v1/signup", "", newTrader(), 201, &out)
		upload(e, out.Token, out.Organization.ID, "identity", "ktp.pdf", pdfBytes)
		if st, _ := upload(e, out.Token, out.Organization.ID, "business", "nib.pdf", pdfBytes); st != 201 {
			t.Fatal("upload")
		}
		e.problem("POST", "/api/v1/organizations/"+strconv.FormatInt(out.Organization.ID, 10)+"/verification/decision", e.token("lampung@niaga.id"),
			map[string]string{"decision": "approved"}, 409, "conflict")
	})
}

// The pages walk sign-up in Bahasa Indonesia, and the queue shows the case.
func TestSignUpPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser("id")
		if p := b.get("/signin"); p.find("a[href=/signup]") == nil {
			t.Fatal("no sign-up link on the sign-in page")
		}
		form := url.Values{}
		for k, v := range newTrader() {
			form.Set(k, v)
		}
		form.Set("nib", "12")
		p := b.post("/signup", form)
		if p.Status != 400 || p.Text("#e-nib") != "NIB terdiri dari 13 angka." || p.find("input[name=password]") == nil {
			t.Fatalf("bad NIB: %d %q", p.Status, p.Text("#e-nib"))
		}
		form.Set("nib", "9120001234567")
		p = b.post("/signup", form)
		if p.Status != 200 || p.URL != "/account/verification" || !strings.Contains(p.Text("#state"), "Belum diverifikasi") {
			t.Fatalf("signed up: %d at %s: %s", p.Status, p.URL, p.Text("main"))
		}
		// Both papers in one form: the ID card and the business paper.
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		for _, d := range []struct{ kind, name string }{{"identity", "ktp.pdf"}, {"business", "nib.pdf"}} {
			f, _ := w.CreateFormFile(d.kind, d.name)
			_, _ = f.Write(pdfBytes)
		}
		_ = w.Close()
		req, _ := http.NewRequest("POST", e.URL+"/account/documents", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		p = b.do(req)
		if p.Status != 200 || p.URL != "/account/verification" || !strings.Contains(p.Text("#documents"), "ktp.pdf") || !strings.Contains(p.Text("#documents"), "nib.pdf") {
			t.Fatalf("upload on the page: %d at %s: %s", p.Status, p.URL, p.Text("main"))
		}
		if !strings.Contains(p.Text("#state"), "Menunggu verifikasi") {
			t.Fatalf("state after both documents: %q", p.Text("#state"))
		}
		staff := e.browser("id")
		staff.signIn("lampung@niaga.id")
		p = staff.get("/verifications")
		if p.Status != 200 || !strings.Contains(p.Text("main"), "Toko Beras Ani") || !strings.Contains(p.Body, `href="/api/v1/documents/`) {
			t.Fatalf("queue page: %d %s", p.Status, p.Text("main"))
		}
		id := ""
		for _, c := range p.findAll("section.card") {
			if v, ok := hasAttr(c, "id"); ok {
				id = strings.TrimPrefix(v, "case-")
			}
		}
		p = staff.post("/verifications/"+id, url.Values{"decision": {"refused"}})
		if p.Status != 400 || p.Text(".alert") == "" {
			t.Fatalf("refusal without a reason: %d", p.Status)
		}
		p = staff.post("/verifications/"+id, url.Values{"decision": {"approved"}})
		if p.Status != 409 {
			t.Fatalf("approval before the address is confirmed: %d", p.Status)
		}
		p = staff.post("/verifications/"+id, url.Values{"decision": {"refused"}, "reason": {"NIB tidak terbaca."}})
		if p.Status != 200 || p.Text(".flash") == "" {
			t.Fatalf("refusal: %d %s", p.Status, p.Text("main"))
		}
		if p := b.get("/account/verification"); !strings.Contains(p.Text("#state"), "NIB tidak terbaca.") {
			t.Fatalf("the trader does not see the reason: %q", p.Text("#state"))
		}
	})
}
