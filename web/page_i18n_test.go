package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"niaga"
	"niaga/auction"
	"niaga/matching"
	"niaga/store"
)

// TestPageCatalog checks that both languages have the same keys, that every
// key the templates and page code use exists, and that templates hold no
// text outside translation calls.
func TestPageCatalog(t *testing.T) {
	c := loadCatalog()
	if d := c.diff("id", "en"); len(d) > 0 {
		t.Fatalf("catalogs differ: %v", d)
	}
	for k, v := range c["en"] {
		if strings.TrimSpace(v) == "" || strings.TrimSpace(c["id"][k]) == "" {
			t.Errorf("empty translation %s", k)
		}
	}
	used := map[string]string{}
	keyRE := regexp.MustCompile(`\bt "([a-z0-9_.]+)"`)
	argRE := regexp.MustCompile(`"(?:Label|Hint)" "([a-z0-9_.]+)"`)
	// Keys built from values in templates: every value must have one.
	for _, r := range niaga.Roles {
		used["role."+string(r)] = "roles"
	}
	for _, k := range niaga.OrgKinds {
		used["kind."+string(k)] = "kinds"
	}
	for _, m := range auction.Mechanisms() {
		used["mech."+string(m)] = "mechanisms"
	}
	for _, st := range []string{"pending", "rejected", "upcoming", "open", "closing", "closed"} {
		used["state."+st] = "lot states"
	}
	for _, st := range []string{niaga.ContractAwaitingPayment, niaga.ContractPaid, niaga.ContractDelivered, niaga.ContractCompleted, niaga.ContractDefaulted, niaga.ContractCancelled, niaga.ContractDisputed} {
		used["contract."+st] = "contract statuses"
	}
	for _, r := range niaga.SettleRules() {
		used["contract.to_"+r.To] = "settlement steps"
	}
	for _, k := range niaga.DealKinds {
		used["deal.kind_"+string(k)] = "deal kinds"
	}
	for _, st := range []string{niaga.DealPending, niaga.DealValidated, niaga.DealDisputed} {
		used["deal.validation_"+st] = "deal validation"
	}
	for _, st := range matching.Statuses {
		used["meetings.status_"+string(st)] = "meeting statuses"
	}
	for _, st := range []niaga.FinancingStatus{niaga.FinancingRequested, niaga.FinancingApproved, niaga.FinancingDeclined, niaga.FinancingWithdrawn} {
		used["financing.status_"+string(st)] = "financing statuses"
	}
	for _, st := range []niaga.MissionStatus{niaga.MissionPlanned, niaga.MissionOpen, niaga.MissionClosed} {
		used["mission.status_"+string(st)] = "mission statuses"
	}
	for _, k := range []string{"sell", "buy", "invest", "other"} {
		used["board.side_"+k] = "board sides"
	}
	for _, k := range []string{niaga.AgreementMoU, niaga.AgreementPKS} {
		used["agreements.kind_"+k] = "agreement kinds"
	}
	for _, k := range []string{"spot", "forward"} {
		used["session.kind_"+k] = "session kinds"
	}
	for _, st := range statementOrder {
		used["statement.status_"+st], used["statement.count_"+st] = "statement outcomes", "statement outcomes"
	}
	for _, r := range []string{store.ReasonNoReference, store.ReasonCheckDigits, store.ReasonOtherMarket, store.ReasonSeveralRefs, store.ReasonUnknownOrg,
		store.ReasonNotBusiness, store.ReasonAmountRange, store.ReasonBalanceLimit, store.ReasonDebit, store.ReasonPending,
		niaga.MalformedDate, niaga.MalformedAmount, niaga.MalformedFraction, niaga.MalformedDirection, niaga.MalformedBalance, niaga.MalformedShort} {
		used["statement.reason_"+r] = "statement reasons"
	}
	for _, st := range []niaga.Standing{niaga.StandingLeading, niaga.StandingOutbid, niaga.StandingPlaced, niaga.StandingWon, niaga.StandingLost} {
		used["mybids.standing_"+string(st)] = "bid standings"
	}
	for _, st := range []string{niaga.SessionUpcoming, niaga.SessionRunning, niaga.SessionEnded} {
		used["session.state_"+st] = "session states"
	}
	for _, com := range niaga.SeedCommodities {
		used["unit."+com.Unit] = "units"
	}
	for _, code := range []niaga.Code{niaga.CodeInvalid, niaga.CodeUnauthorized, niaga.CodeForbidden, niaga.CodeNotFound, niaga.CodeConflict,
		niaga.CodeRateLimited, niaga.CodeUnavailable, niaga.CodeInsufficientDeposit, niaga.CodeAuctionClosed, niaga.CodeAuctionNotOpen,
		niaga.CodeBidTooLow, niaga.CodeOwnLot, niaga.CodeNotVerified, niaga.CodeInternal} {
		used["err."+string(code)] = "error codes"
	}
	fs.WalkDir(templatesFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templatesFS.ReadFile(p)
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		for _, m := range argRE.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		checkNoBareText(t, p, string(b))
		return nil
	})
	goRE := regexp.MustCompile(`"((?:flash|err|reason|nav|title|[a-z]+)\.[a-z0-9_.]+)"`)
	files, _ := filepath.Glob("page*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range goRE.FindAllStringSubmatch(string(b), -1) {
			if strings.HasSuffix(m[1], "_") || strings.HasSuffix(m[1], ".html") || strings.HasSuffix(m[1], ".go") || strings.HasSuffix(m[1], ".js") || strings.HasSuffix(m[1], ".css") || strings.HasSuffix(m[1], ".svg") {
				continue
			}
			used[m[1]] = f
		}
	}
	for k, where := range used {
		if !c.Has(k) {
			t.Errorf("%s uses missing key %q", where, k)
		}
	}
}

// checkNoBareText fails on letters between tags that are not inside a
// template action: every UI string must come from the catalog.
func checkNoBareText(t *testing.T, name, src string) {
	t.Helper()
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	s := actions.ReplaceAllString(src, " ")
	tags := regexp.MustCompile(`(?s)<[^>]*>`)
	s = tags.ReplaceAllString(s, "\n")
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if regexp.MustCompile(`\p{L}{2,}`).MatchString(line) {
			t.Errorf("%s: bare text %q", name, line)
		}
	}
}

func TestPageReasonKey(t *testing.T) {
	for in, want := range map[string]string{
		"required, at most 200 characters": "reason.required_at_most_200_characters",
		"unknown province code":            "reason.unknown_province_code",
		"  Must be id or en.":              "reason.must_be_id_or_en",
	} {
		if got := reasonKey(in); got != want {
			t.Errorf("reasonKey(%q) = %q, want %q", in, got, want)
		}
	}
}
