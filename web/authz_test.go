package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"niaga"
)

// policy is the declared authorization table: for every API operation, the
// roles allowed past the router ("public" = anyone, signed in or not;
// "signed-in" = any role). A route missing here fails the test, so a new
// route cannot ship without a decision. Ownership (own vs other object) is
// checked inside handlers; TestOwnership covers it.
var policy = map[string]string{
	"openapi": "public", "login": "public", "logout": "signed-in", "me": "signed-in", "createToken": "signed-in",
	"listTokens": "signed-in", "revokeToken": "signed-in", "changePassword": "signed-in",
	"resetPassword": "admin", "deactivateUser": "admin", "activateUser": "admin",
	"listProvinces": "public", "listCommodities": "public",
	"listUsers": "admin", "createUser": "admin", "listOrganizations": "admin", "createOrganization": "admin",
	"getOrganization": "signed-in", "verifyOrganization": "admin",
	"requestPasswordReset": "public", "confirmPasswordReset": "public",
	"signUp": "public", "confirmEmail": "public", "resendConfirmation": "signed-in", "getVerification": "signed-in",
	"uploadDocument": "signed-in", "getDocument": "signed-in", "verificationQueue": "admin,agency,organizer", "decideVerification": "admin,agency,organizer",
	"listNotifications": "signed-in", "readNotifications": "signed-in", "getNotificationPreferences": "signed-in",
	"setNotificationPreferences": "signed-in", "streamNotifications": "signed-in",

	"listMarkets": "public", "createMarket": "organizer,admin", "getMarket": "public",
	"recordDeposit": "organizer,admin", "listMarketDeposits": "organizer,admin", "listMyDeposits": "signed-in",
	"setPaymentInstructions": "organizer,admin", "importStatement": "organizer,admin",
	"listSessions": "public", "createSession": "organizer,admin", "getSession": "public",
	"listLots": "public", "submitLot": "business", "getLot": "public", "admitLot": "organizer,admin", "rejectLot": "organizer,admin",
	"placeBid": "business", "listBids": "public", "streamLot": "public",
	"listMyBids": "business", "listWatchlist": "business", "watch": "business", "unwatchLot": "business", "unwatchSession": "business",
	"listContracts": "signed-in", "getContract": "signed-in", "settleContract": "organizer,business,admin",

	"listMissions": "public", "createMission": "admin,agency", "missionHistory": "public", "getMission": "public",
	"setMissionStatus": "admin,agency", "addMissionStaff": "admin,agency",
	"listParticipants": "signed-in", "registerParticipant": "admin,agency,business", "verifyParticipant": "admin,agency",
	"setUnavailability": "signed-in", "listOffers": "signed-in", "createOffer": "admin,agency,business",
	"listNeeds": "signed-in", "createNeed": "admin,agency,business",
	"importParticipants": "admin,agency", "importOffers": "admin,agency", "importNeeds": "admin,agency",
	"listMatches": "signed-in", "listMeetingRequests": "signed-in", "requestMeeting": "admin,agency,business",
	"answerMeetingRequest": "signed-in", "cancelMeetingRequest": "signed-in", "scheduleMeetings": "admin,agency",
	"getSchedule": "signed-in", "participantAgenda": "signed-in",
	"listDeals": "signed-in", "recordDeal": "admin,agency,business", "getDeal": "signed-in", "reverseDeal": "admin,agency,business",
	"validateDeal": "admin,agency", "recordRealization": "admin,agency,business", "missionFollowUp": "signed-in",
	"missionSummary": "public", "missionStream": "public", "missionStaffStream": "signed-in", "decideParticipant": "admin,agency", "listAgreements": "public", "createAgreement": "admin,agency",
	"requestFinancing": "admin,agency,business", "listFinancing": "signed-in", "getFinancing": "signed-in",
	"answerFinancing": "bank", "withdrawFinancing": "admin,agency,business",

	"programmeReport": "public", "programmeReportCsv": "public", "programmeReportXlsx": "public", "programmeReportPdf": "public",
	"missionReport": "public", "missionReportCsv": "public", "missionReportXlsx": "public", "missionReportPdf": "public",
	"marketReport": "public", "marketReportCsv": "public", "marketReportXlsx": "public", "marketReportPdf": "public",
	"sessionReport": "public", "sessionReportCsv": "public", "sessionReportXlsx": "public", "sessionReportPdf": "public",
	"commodityReport": "public", "commodityReportCsv": "public", "commodityReportXlsx": "public", "commodityReportPdf": "public",
	"flowReport": "public", "flowReportCsv": "public", "flowReportXlsx": "public", "flowReportPdf": "public",
	"settlementReport": "organizer,agency,admin", "settlementReportCsv": "organizer,agency,admin",
	"settlementReportXlsx": "organizer,agency,admin", "settlementReportPdf": "organizer,agency,admin",
	"priceHistory": "public", "priceHistoryCsv": "public", "contractDocument": "organizer,business,admin",
}

func declaredAllows(decl string, role niaga.Role) bool {
	switch decl {
	case "public":
		return true
	case "signed-in":
		return role != ""
	}
	return role != "" && slices.Contains(strings.Split(decl, ","), string(role))
}

// roleUsers are demo users, one per role ("" is the anonymous public).
var roleUsers = map[niaga.Role]string{
	niaga.RoleAdmin: "admin@niaga.id", niaga.RoleAgency: "jatim@niaga.id", niaga.RoleOrganizer: "lampung@niaga.id",
	niaga.RoleBusiness: "pembeli@niaga.id", niaga.RoleBank: "bank@niaga.id",
}

// tokensByRole signs in one user per role, adding a signed-in "public" user.
func (e *env) tokensByRole() map[niaga.Role]string {
	e.t.Helper()
	toks := map[niaga.Role]string{"": ""}
	for role, email := range roleUsers {
		toks[role] = e.token(email)
	}
	admin := toks[niaga.RoleAdmin]
	var org niaga.Organization
	e.call("POST", "/api/v1/organizations", admin, map[string]any{"name": "Warga", "kind": "business", "province": "31"}, 201, &org)
	e.call("POST", "/api/v1/users", admin, map[string]any{"email": "warga@niaga.id", "name": "Warga", "password": "panjang-sekali", "role": "public", "org_id": org.ID}, 201, nil)
	var lo struct{ Token string }
	e.call("POST", "/api/v1/auth/login", "", map[string]string{"email": "warga@niaga.id", "password": "panjang-sekali"}, 200, &lo)
	toks[niaga.RolePublic] = lo.Token
	return toks
}

// send makes one request and reads at most the first chunk of the answer
// (streams never end).
func (e *env) send(method, path, token, body string) (int, string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, e.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b := make([]byte, 4096)
	n, _ := io.ReadAtLeast(res.Body, b, 1)
	return res.StatusCode, string(b[:n])
}

// TestAuthorizationMatrix checks the router's policies against the
// declared table, then walks every route with every role over HTTP.
func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t, "sqlite")
	routes := e.Srv.Routes()
	for _, r := range routes {
		decl, ok := policy[r.ID]
		if !ok {
			t.Errorf("%s (%s %s) is not in the declared policy table", r.ID, r.Method, r.Path)
			continue
		}
		for _, role := range append([]niaga.Role{""}, niaga.Roles...) {
			if r.Policy.Allows(role) != declaredAllows(decl, role) {
				t.Errorf("%s: router allows %q = %v, declared %q", r.ID, role, r.Policy.Allows(role), decl)
			}
		}
	}
	if len(policy) != len(routes) {
		t.Errorf("declared %d operations, router has %d", len(policy), len(routes))
	}
	toks := e.tokensByRole()
	checked := 0
	for _, r := range routes {
		if r.ID == "logout" {
			continue // would sign the role's user out for the rest of the walk
		}
		path := pathParams.ReplaceAllString(r.Path, "1")
		for _, role := range append([]niaga.Role{""}, niaga.Roles...) {
			status, body := e.send(r.Method, path, toks[role], "{}")
			checked++
			allowed := declaredAllows(policy[r.ID], role)
			switch {
			case status >= 500:
				t.Errorf("%s as %q: %d %s", r.ID, role, status, body)
			case !allowed && role == "" && status != 401:
				t.Errorf("%s anonymous: %d, want 401", r.ID, status)
			case !allowed && role != "" && status != 403:
				t.Errorf("%s as %s: %d, want 403", r.ID, role, status)
			case allowed && (status == 401 || (status == 403 && strings.Contains(body, "your role may not"))):
				t.Errorf("%s as %q refused by policy: %d %s", r.ID, role, status, body)
			}
		}
	}
	// Pages: the same walk, with the page table's policies.
	for _, p := range e.Srv.Pages() {
		if p.Method == "" || p.Path == "/signout" {
			continue
		}
		path := strings.TrimSuffix(pathParams.ReplaceAllString(p.Path, "1"), "{$}")
		for _, role := range append([]niaga.Role{""}, niaga.Roles...) {
			status, body := e.sendPage(p.Method, path, toks[role])
			checked++
			allowed := p.Policy.Allows(role)
			switch {
			case status >= 500:
				t.Errorf("page %s %s as %q: %d %.300s", p.Method, path, role, status, body)
			case !allowed && role == "" && status != http.StatusSeeOther:
				t.Errorf("page %s %s anonymous: %d, want a redirect to sign in", p.Method, path, status)
			case !allowed && role != "" && status != 403:
				t.Errorf("page %s %s as %s: %d, want 403", p.Method, path, role, status)
			}
		}
	}
	t.Logf("%d route × role requests checked", checked)
}

func (e *env) sendPage(method, path, token string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.URL+path, strings.NewReader(""))
	if method == "POST" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	return res.StatusCode, string(b)
}

// TestOwnership: a role allowed past the router still cannot touch another
// organization's objects.
func TestOwnership(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		buyer, other := e.token("pembeli@niaga.id"), e.token("banua@niaga.id")
		lampung, amira := e.token("lampung@niaga.id"), e.token("amira@niaga.id")
		var contracts []niaga.Contract
		e.call("GET", "/api/v1/contracts", buyer, nil, 200, &contracts)
		var mine niaga.Contract
		for _, c := range contracts {
			if c.BuyerOrgID == e.Data.Users["pembeli@niaga.id"].OrgID {
				mine = c
				break
			}
		}
		if mine.ID == 0 {
			t.Fatal("demo buyer has no contract")
		}
		var otherList []niaga.Contract
		e.call("GET", "/api/v1/contracts", other, nil, 200, &otherList)
		for _, c := range otherList {
			if c.ID == mine.ID {
				t.Fatal("another buyer lists my contract")
			}
		}
		e.problem("GET", fmt.Sprintf("/api/v1/contracts/%d", mine.ID), other, nil, 404, "not_found")
		e.problem("POST", fmt.Sprintf("/api/v1/contracts/%d/steps", mine.ID), other, map[string]string{"status": "disputed"}, 404, "not_found")
		stranger := amira // an organizer, but not of this contract's market
		if mine.MarketID != marketOf(e, "Pasar Lelang Komoditas Lampung") {
			stranger = lampung
		}
		e.problem("POST", fmt.Sprintf("/api/v1/contracts/%d/steps", mine.ID), stranger, map[string]string{"status": "cancelled"}, 404, "not_found")
		// Another organizer's market: no deposits recorded or read there.
		mL := marketOf(e, "Pasar Lelang Komoditas Lampung")
		e.problem("POST", fmt.Sprintf("/api/v1/markets/%d/deposits", mL), amira,
			map[string]any{"org_id": e.Data.Users["pembeli@niaga.id"].OrgID, "kind": "deposit", "amount": 1000}, 403, "forbidden")
		e.problem("GET", fmt.Sprintf("/api/v1/markets/%d/deposits", mL), amira, nil, 403, "forbidden")
		e.call("GET", fmt.Sprintf("/api/v1/markets/%d/deposits", mL), lampung, nil, 200, nil)
		// Another organization's record.
		e.problem("GET", fmt.Sprintf("/api/v1/organizations/%d", e.Data.Orgs["grosir_surabaya"].ID), buyer, nil, 403, "forbidden")
	})
}

func marketOf(e *env, name string) int64 {
	var ms []niaga.Market
	e.call("GET", "/api/v1/markets", "", nil, 200, &ms)
	for _, m := range ms {
		if m.Name == name {
			return m.ID
		}
	}
	e.t.Fatalf("no market %q", name)
	return 0
}
