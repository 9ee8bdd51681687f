package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"niaga"
	"niaga/demo"
	"niaga/report"
	"niaga/web"
)

// boundSchema is an integer property of a request body with its declared range.
type boundSchema struct {
	Ref     string                 `json:"$ref"`
	Type    any                    `json:"type"`
	Minimum *int64                 `json:"minimum"`
	Maximum *int64                 `json:"maximum"`
	Props   map[string]boundSchema `json:"properties"`
}

// moneyLike names the integer inputs that are amounts or quantities: each
// must state its declared bounds in the OpenAPI document.
var moneyLike = regexp.MustCompile(`amount|value|price|quantity|volume|capacity|reserve|increment|dutch_start|dutch_step|adjustment|per_ton`)

// TestMoneyBoundsTable is generated from the OpenAPI document: every
// integer input that states a maximum and minimum is accepted at them (the
// answer does not name the field) and refused one past them with a
// problem naming the field, on both engines. Every amount or quantity in a
// request body must state its bounds, so a new input cannot be unbounded.
func TestMoneyBoundsTable(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		toks := e.tokensByRole()
		var doc struct {
			Paths      map[string]map[string]operation `json:"paths"`
			Components struct {
				Schemas map[string]boundSchema `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(e.Srv.OpenAPI(), &doc); err != nil {
			t.Fatal(err)
		}
		checked := map[string]bool{}
		for path, methods := range doc.Paths {
			for method, op := range methods {
				body, ok := op.RequestBody.Content["application/json"]
				if !ok || op.OperationID == "login" || op.OperationID == "logout" {
					continue
				}
				sch := doc.Components.Schemas[strings.TrimPrefix(body.Schema.Ref, "#/components/schemas/")]
				method = strings.ToUpper(method)
				p := pathParams.ReplaceAllString(path, "1")
				tok := toks[roleFor(policy[op.OperationID])]
				for name, prop := range sch.Props {
					if prop.Type != "integer" {
						continue
					}
					if prop.Maximum == nil || prop.Minimum == nil {
						if moneyLike.MatchString(name) {
							t.Errorf("%s: %s is an amount or quantity without a declared minimum and maximum", op.OperationID, name)
						}
						continue
					}
					lo, hi := *prop.Minimum, *prop.Maximum
					r, ok := rangeOf(lo, hi)
					if !ok {
						t.Errorf("%s: %s states [%d, %d], not a range declared in niaga", op.OperationID, name, lo, hi)
					}
					checked[op.OperationID+"."+name] = true
					// names reports the status and whether a field error names
					// the field (at a bound: refuses it for its declared range;
					// other rules, such as a deal's realized total, may apply).
					names := func(v int64, byRange bool) (int, bool) {
						res, b := e.raw(method, p, tok, "application/json", fmt.Appendf(nil, `{%q:%d}`, name, v))
						if res.StatusCode >= 500 {
							t.Errorf("%s %s=%d: %d %s", op.OperationID, name, v, res.StatusCode, b)
						}
						var pd problemDoc
						_ = json.Unmarshal(b, &pd)
						return res.StatusCode, slices.ContainsFunc(pd.Errors, func(f niaga.FieldError) bool {
							return f.Field == name && (!byRange || f.Reason == r.Reason())
						})
					}
					for _, v := range []int64{hi, lo} {
						if _, named := names(v, true); named {
							t.Errorf("%s: %s = %d (a bound of %s) is refused", op.OperationID, name, v, r.Name)
						}
					}
					bad := []int64{math.MaxInt64}
					if hi < math.MaxInt64 {
						bad = append(bad, hi+1)
					}
					if lo > math.MinInt64 {
						bad = append(bad, lo-1)
					}
					for _, v := range bad {
						if status, named := names(v, false); status < 400 || !named {
							t.Errorf("%s: %s = %d (past %s [%d, %d]) answered %d without naming the field", op.OperationID, name, v, r.Name, lo, hi, status)
						}
					}
				}
			}
		}
		// The inputs of the issue are all among them.
		for _, want := range []string{"recordDeal.value", "recordDeal.quantity", "createOffer.monthly_capacity", "createOffer.price",
			"createNeed.volume", "createNeed.target_price", "submitLot.quantity", "submitLot.reserve", "submitLot.increment",
			"placeBid.price", "placeBid.max_price", "placeBid.quantity", "recordDeposit.amount", "requestFinancing.amount",
			"answerFinancing.approved_amount", "recordRealization.amount", "createMission.target_value"} {
			if !checked[want] {
				t.Errorf("%s has no declared bound in the OpenAPI document (checked: %v)", want, slices.Sorted(mapKeys(checked)))
			}
		}
	})
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// rangeOf finds the declared range with these bounds.
func rangeOf(lo, hi int64) (niaga.Range, bool) {
	for _, n := range niaga.RangeNames() {
		if r, _ := niaga.RangeNamed(n); r.Min == lo && r.Max == hi {
			return r, true
		}
	}
	return niaga.Range{}, false
}

// TestMoneyDealsAtTheBound is the report: a verified participant
// recorded a deal of 9 223 372 036 854 775 807, after which the mission
// refused every deal, the commodity and flow reports answered 500 and the
// programme total wrapped negative. Now such a deal is refused naming the
// field; deals at the declared maximum fill the mission exactly to its
// bound, the next one is refused, and every mission read and report in
// every format answers 200 with exact totals.
func TestMoneyDealsAtTheBound(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.missionID(demo.MissionToday)
		base := fmt.Sprintf("/api/v1/missions/%d", id)
		surabaya := e.participantOf(id, e.Data.Orgs["grosir_surabaya"].ID)
		banua := e.participantOf(id, e.Data.Orgs["pasar_banjarmasin"].ID)
		party := e.token("pembeli2@niaga.id") // CV Sumber Rejeki Surabaya, a verified participant
		deal := func(value int64) map[string]any {
			return map[string]any{"seller_id": surabaya.ID, "buyer_id": banua.ID, "commodity": "beras", "kind": "contract",
				"quantity": niaga.MaxQuantity, "value": value}
		}
		names := func(p web.Problem, field string) {
			t.Helper()
			if !slices.ContainsFunc(p.Errors, func(f niaga.FieldError) bool { return f.Field == field }) {
				t.Fatalf("problem %+v does not name %s", p, field)
			}
		}
		names(e.problem("POST", base+"/deals", party, deal(math.MaxInt64), 400, "invalid"), "value")
		names(e.problem("POST", base+"/deals", party, deal(niaga.MaxDealValue+1), 400, "invalid"), "value")
		over := deal(1)
		over["quantity"] = niaga.MaxQuantity + 1
		names(e.problem("POST", base+"/deals", party, over, 400, "invalid"), "quantity")

		var before web.SummaryOut
		e.call("GET", base+"/summary", "", nil, 200, &before)
		var progBefore report.Programme
		e.call("GET", "/api/v1/reports/missions", "", nil, 200, &progBefore)
		var comBefore report.Commodities
		e.call("GET", "/api/v1/reports/commodities", "", nil, 200, &comBefore)
		var flowBefore report.Flows
		e.call("GET", "/api/v1/reports/flows", "", nil, 200, &flowBefore)

		// Fill the mission to its bound with deals at the maximum.
		added := int64(0)
		for total := before.TotalValue; total < niaga.MaxMissionTotal; {
			v := min(niaga.MaxDealValue, niaga.MaxMissionTotal-total)
			e.call("POST", base+"/deals", party, deal(v), 201, nil)
			total += v
			added += v
		}
		names(e.problem("POST", base+"/deals", party, deal(1), 400, "invalid"), "value")
		names(e.problem("POST", base+"/deals", party, deal(niaga.MaxDealValue), 400, "invalid"), "value")

		var after web.SummaryOut
		e.call("GET", base+"/summary", "", nil, 200, &after)
		if after.TotalValue != niaga.MaxMissionTotal || added != niaga.MaxMissionTotal-before.TotalValue {
			t.Fatalf("board total %d after adding %d to %d, want %d", after.TotalValue, added, before.TotalValue, niaga.MaxMissionTotal)
		}
		var prog report.Programme
		e.call("GET", "/api/v1/reports/missions", "", nil, 200, &prog)
		if want := progBefore.Total.Committed + added; prog.Total.Committed != want || prog.Total.CumTotal < prog.Total.Committed {
			t.Fatalf("programme total committed %d (cumulative %d), want %d", prog.Total.Committed, prog.Total.CumTotal, want)
		}
		for _, m := range prog.Missions {
			if m.ID == id && m.Committed != niaga.MaxMissionTotal {
				t.Fatalf("programme line %+v", m)
			}
		}
		var com report.Commodities
		e.call("GET", "/api/v1/reports/commodities", "", nil, 200, &com)
		if want := comBefore.Total.MissionValue + added; com.Total.MissionValue != want {
			t.Fatalf("commodity report mission value %d, want %d", com.Total.MissionValue, want)
		}
		var flows report.Flows
		e.call("GET", "/api/v1/reports/flows", "", nil, 200, &flows)
		if want := flowBefore.Mission.TotalValue + added; flows.Mission.TotalValue != want {
			t.Fatalf("flow report mission total %d, want %d", flows.Mission.TotalValue, want)
		}
		var mr report.Mission
		e.call("GET", fmt.Sprintf("/api/v1/reports/missions/%d", id), "", nil, 200, &mr)
		if mr.Committed != niaga.MaxMissionTotal {
			t.Fatalf("mission report committed %d", mr.Committed)
		}
		// Every read of the mission and every report, in every format.
		staff := e.token(demo.Admin)
		reads := []struct{ path, token string }{
			{"/api/v1/missions", ""}, {"/api/v1/missions/history", ""}, {base, ""}, {base + "/summary", ""},
			{base + "/deals", party}, {base + "/followup", party}, {base + "/followup", staff}, {base + "/agreements", ""},
			{"/missions", ""}, {fmt.Sprintf("/missions/%d", id), ""}, {fmt.Sprintf("/missions/%d/board", id), ""},
			{fmt.Sprintf("/missions/%d/board/data", id), ""}, {fmt.Sprintf("/missions/%d/desk", id), staff},
			{"/reports", ""}, {fmt.Sprintf("/reports/missions/%d", id), ""}, {"/reports/commodities", ""}, {"/reports/flows", ""},
		}
		for _, r := range []string{"/api/v1/reports/missions", fmt.Sprintf("/api/v1/reports/missions/%d", id), "/api/v1/reports/commodities", "/api/v1/reports/flows"} {
			reads = append(reads, struct{ path, token string }{r, ""})
			if strings.HasSuffix(r, fmt.Sprint(id)) {
				r += "/report"
			}
			for _, f := range []string{"csv", "xlsx", "pdf"} {
				reads = append(reads, struct{ path, token string }{r + "." + f, ""})
			}
		}
		for _, src := range []string{"auction", "mission", "all"} {
			for _, f := range []string{"csv", "xlsx", "pdf"} {
				reads = append(reads, struct{ path, token string }{"/api/v1/reports/flows." + f + "?source=" + src, ""})
			}
		}
		for _, r := range reads {
			res, b := e.raw("GET", r.path, r.token, "", nil)
			if res.StatusCode != 200 {
				t.Errorf("GET %s: %d %.300s", r.path, res.StatusCode, b)
			}
		}
		// The CSV carries the exact total.
		csv := string(e.download(fmt.Sprintf("/api/v1/reports/missions/%d/report.csv", id), "", "text/csv"))
		if !strings.Contains(csv, fmt.Sprint(niaga.MaxMissionTotal)) && !strings.Contains(csv, niaga.FormatInt(niaga.MaxMissionTotal, "id")) {
			t.Errorf("mission report CSV lacks the total %d:\n%s", niaga.MaxMissionTotal, csv)
		}
	})
}
