package web

import (
	"net/http"
	"strconv"
	"strings"

	"niaga"
	"niaga/demo"
	"niaga/store"
)

// Who may call the trade-mission operations besides the public and any
// signed-in user (ownership is checked inside the store).
var (
	missionStaff  = Only(niaga.RoleAdmin, niaga.RoleAgency)
	missionActors = Only(niaga.RoleAdmin, niaga.RoleAgency, niaga.RoleBusiness)
	missionBanks  = Only(niaga.RoleBank)
)

// missionRoutes is the trade-mission API. Handlers are grouped by sub-area:
// mission.go (missions), mission_participants.go (delegations, offers,
// needs, imports), mission_meetings.go (matchmaking, meetings, schedule,
// agendas), mission_deals.go (deals, board, streams) and
// mission_finance.go (agreements, financing).
func missionRoutes() []endpoint {
	var table []endpoint
	for _, part := range [][]endpoint{missionCoreRoutes(), missionMeetingRoutes(), missionDealRoutes(), missionFinanceRoutes()} {
		table = append(table, part...)
	}
	return table
}

// missionCoreRoutes are the missions, their staff, delegations, offers,
// needs and imports.
func missionCoreRoutes() []endpoint {
	const tag = missionsTag
	return []endpoint{
		{Route{Method: "GET", Path: "/api/v1/missions", ID: "listMissions", Summary: "All trade missions, newest first, with totals", Tag: tag, Policy: &Public},
			api((*Server).listMissions)},
		{Route{Method: "POST", Path: "/api/v1/missions", ID: "createMission", Summary: "Plan a mission (an agency of the host or a guest province, or the admin naming one)", Tag: tag, Policy: &missionStaff, Status: http.StatusCreated,
			Doc: "date, opens and closes are local to the host province, where the venue is; a closing time before the opening belongs to the next day. " +
				"An agency plans for itself; the admin names the running agency with agency_id. The mission starts planned.",
			Example: MissionInput{Title: demo.MissionToday, HostProvince: "35", Guests: []string{"63"}, Venue: "Grand City Convention Hall, Surabaya",
				Date: "2026-11-21", Opens: "09:00", Closes: "19:00", TargetValue: 50_000_000_000, RequestTTLMinutes: 120}},
			api((*Server).createMission)},
		{Route{Method: "GET", Path: "/api/v1/missions/history", ID: "missionHistory", Summary: "All missions with totals per year, cumulative, and per partner province", Tag: tag, Policy: &Public,
			Query: []Param{{Name: "province", Doc: "Only the missions with this province as host or guest (a province code)."}}},
			api((*Server).missionHistory)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}", ID: "getMission", Summary: "One mission with its local times and totals", Tag: tag, Policy: &Public},
			api((*Server).getMission)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/status", ID: "setMissionStatus", Summary: "Open or close a mission (planned → open → closed; the running agency)", Tag: tag, Policy: &missionStaff,
			Doc: "Only forward, one step at a time; any other move answers 409.", Errors: []niaga.Code{niaga.CodeConflict},
			Example: MissionStatusInput{Status: niaga.MissionOpen}},
			api((*Server).setMissionStatus)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/staff", ID: "addMissionStaff", Summary: "Appoint an organization as mission desk or deal validator", Tag: tag, Policy: &missionStaff, Status: http.StatusNoContent,
			Doc:    "desk records deals for participants; validator validates or disputes them (e.g. the central bank's regional office). Only the running agency appoints.",
			Errors: []niaga.Code{niaga.CodeConflict}, Example: StaffInput{OrgID: 18, Role: store.StaffValidator}},
			api((*Server).addMissionStaff)},

		// Delegations, offers and needs.
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/participants", ID: "listParticipants", Summary: "The mission's participants by delegation (contacts for the mission's staff and the participant itself; pending ones for staff, themselves and their delegation's agency)", Tag: tag, Policy: &SignedIn},
			api((*Server).listParticipants)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/participants", ID: "registerParticipant", Summary: "Register to a delegation (a business itself; the running agency any business)", Tag: tag, Policy: &missionActors, Status: http.StatusCreated,
			Doc: "A business registers itself (org_id absent or its own) in its own province's delegation unless it names another of the mission's provinces; it waits for that delegation's agency to approve. " +
				"The running agency registers any business and may verify it at once. Registering twice, or to a closed mission, answers 409.",
			Errors:  []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict},
			Example: ParticipantInput{Delegation: "35", Contact: "031-555-0101"}},
			api((*Server).registerParticipant)},
		{Route{Method: "POST", Path: "/api/v1/participants/{id}/verify", ID: "verifyParticipant", Summary: "Verify a participant (the running agency)", Tag: tag, Policy: &missionStaff,
			Doc: "Verifying also approves a pending participant. Only verified participants record deals and ask for meetings.", Example: VerifyInput{Verified: true}},
			api((*Server).verifyParticipant)},
		{Route{Method: "POST", Path: "/api/v1/participants/{id}/decision", ID: "decideParticipant", Summary: "Approve or refuse joining a delegation (the agency of that delegation's province, the running agency or the admin)", Tag: tag, Policy: &missionStaff,
			Errors: []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict}, Example: ParticipantDecisionInput{Decision: niaga.ParticipantApproved}},
			api((*Server).decideParticipant)},
		{Route{Method: "PUT", Path: "/api/v1/participants/{id}/unavailability", ID: "setUnavailability", Summary: "Replace the local times a participant cannot meet", Tag: tag, Policy: &SignedIn,
			Doc:     "Clock times are local to the host province on the mission day; the scheduler keeps these spans free. The participant itself or the running agency sets them.",
			Errors:  []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict},
			Example: UnavailabilityInput{Ranges: []LocalSpan{{Start: "12:00", End: "13:00"}}}},
			api((*Server).setUnavailability)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/offers", ID: "listOffers", Summary: "What the participants sell", Tag: tag, Policy: &SignedIn},
			api((*Server).listOffers)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/offers", ID: "createOffer", Summary: "Add an offer (own, or for a participant by the running agency)", Tag: tag, Policy: &missionActors, Status: http.StatusCreated,
			Doc:     "A participant adds its own (participant_id absent); the running agency names the participant.",
			Errors:  []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict},
			Example: OfferInput{Commodity: "beras", Grade: "medium", MonthlyCapacity: 150_000, Price: 11_900, Note: "Beras medium Jawa Timur, kirim via Tanjung Perak"}},
			api((*Server).createOffer)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/needs", ID: "listNeeds", Summary: "What the participants buy", Tag: tag, Policy: &SignedIn},
			api((*Server).listNeeds)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/needs", ID: "createNeed", Summary: "Add a need (own, or for a participant by the running agency)", Tag: tag, Policy: &missionActors, Status: http.StatusCreated,
			Doc:     "A participant adds its own (participant_id absent); the running agency names the participant.",
			Errors:  []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict},
			Example: NeedInput{Commodity: "beras", Grade: "medium", Volume: 200_000, TargetPrice: 12_000, Note: "Untuk pasar Banjarmasin"}},
			api((*Server).createNeed)},
		importEndpoint(store.ImportParticipants, "organization,delegation,contact,verified\nCV Sumber Rejeki Surabaya,35,031-555-0101,true\nPT Banua Niaga Banjarmasin,63,0511-555-0202,true\n"),
		importEndpoint(store.ImportOffers, "organization,delegation,commodity,grade,monthly_capacity,price,note\nCV Sumber Rejeki Surabaya,35,beras,medium,150000,11900,Beras medium Jawa Timur\n"),
		importEndpoint(store.ImportNeeds, "organization,delegation,commodity,grade,volume,target_price,note\nPT Banua Niaga Banjarmasin,63,beras,medium,200000,12000,Untuk pasar Banjarmasin\n"),
	}
}

// missionMeetingRoutes are matchmaking, meetings, the schedule and agendas.
func missionMeetingRoutes() []endpoint {
	const tag = missionsTag
	return []endpoint{
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/matches", ID: "listMatches", Summary: "Matchmaking suggestions with scores and explanations (a participant sees its own)", Tag: tag, Policy: &SignedIn,
			Doc:    "For the mission's staff and its participants (403 for others).",
			Errors: []niaga.Code{niaga.CodeForbidden},
			Query: []Param{
				{Name: "participant", Kind: IntegerParam, Doc: "Only the suggestions of this participant (staff; 0 or absent: all)."},
				{Name: "min_score", Kind: IntegerParam, Range: "score", Doc: "The lowest score of a suggestion."},
				{Name: "per_need", Kind: IntegerParam, Range: "per_need", Doc: "At most this many suggestions per need (0 or absent: all)."},
				{Name: "limit", Kind: IntegerParam, Range: "match_limit", Doc: "At most this many suggestions (default 200)."},
			}},
			api((*Server).listMatches)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/meetings", ID: "listMeetingRequests", Summary: "Meeting requests (a participant sees its own)", Tag: tag, Policy: &SignedIn,
			Errors: []niaga.Code{niaga.CodeForbidden}},
			api((*Server).listMeetingRequests)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/meetings", ID: "requestMeeting", Summary: "Ask another participant for a one-to-one meeting", Tag: tag, Policy: &missionActors, Status: http.StatusCreated,
			Doc: "from_participant and to_participant are mission participant ids; a participant asks for itself, the running agency on anyone's behalf. Both must be verified. " +
				"need_id and offer_id name the suggestion the request comes from (both or neither). The request expires unanswered after the mission's request_ttl_minutes.",
			Errors:  []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict, niaga.CodeNotVerified},
			Example: MeetingInput{To: 334, NeedID: 1, OfferID: 1, Message: "Kami butuh beras medium 200 ton untuk Banjarmasin."}},
			api((*Server).requestMeeting)},
		{Route{Method: "POST", Path: "/api/v1/meetings/{id}/answer", ID: "answerMeetingRequest", Summary: "Accept or decline a meeting request (the invited participant)", Tag: tag, Policy: &SignedIn,
			Errors:  []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict, niaga.CodeRequestExpired},
			Example: MeetingAnswerInput{Accept: true, Answer: "Siap bertemu."}},
			api((*Server).answerMeetingRequest)},
		{Route{Method: "POST", Path: "/api/v1/meetings/{id}/cancel", ID: "cancelMeetingRequest", Summary: "Withdraw a request or cancel an accepted meeting", Tag: tag, Policy: &SignedIn,
			Errors: []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict, niaga.CodeRequestExpired}},
			api((*Server).cancelMeetingRequest)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/schedule", ID: "scheduleMeetings", Summary: "Run the scheduler: accepted meetings into slots and tables (local times)", Tag: tag, Policy: &missionStaff,
			Doc: "start, end and the breaks are clock times local to the host province on the mission day (start and end default to the opening and closing). " +
				"tables 0 schedules virtual meetings only. The result replaces the previous run.",
			Errors:  []niaga.Code{niaga.CodeConflict},
			Example: MeetingScheduleInput{SlotMinutes: 30, Tables: 20, Start: "09:30", End: "17:00", Breaks: []LocalSpan{{Start: "12:00", End: "13:00"}}}},
			api((*Server).scheduleMeetings)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/schedule", ID: "getSchedule", Summary: "Table sheets: every slot with its meetings by table (mission staff)", Tag: tag, Policy: &SignedIn,
			Errors: []niaga.Code{niaga.CodeForbidden}},
			api((*Server).getSchedule)},
		{Route{Method: "GET", Path: "/api/v1/participants/{id}/agenda", ID: "participantAgenda", Summary: "A participant's personal agenda in local time", Tag: tag, Policy: &SignedIn,
			Doc: "For the participant itself and the mission's staff (403 for others).", Errors: []niaga.Code{niaga.CodeForbidden}},
			api((*Server).participantAgenda)},
	}
}

// dealIdempotencyKey makes recording a deal safe to retry.
var dealIdempotencyKey = Param{Name: "Idempotency-Key", Range: "idempotency_key", Pattern: "^[!-~]*$",
	Doc: "Visible ASCII. A deal sent again with the same key returns the first entry (with the header Idempotent-Replayed: true) instead of recording it twice; the same key with a different deal answers 409."}

// missionDealRoutes are the deal ledger, its follow-up, the board and the
// event streams.
func missionDealRoutes() []endpoint {
	const tag = missionsTag
	return []endpoint{
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/deals", ID: "listDeals", Summary: "The mission's deal ledger, corrections included (staff and participants)", Tag: tag, Policy: &SignedIn,
			Errors: []niaga.Code{niaga.CodeForbidden}},
			api((*Server).listDeals)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/deals", ID: "recordDeal", Summary: "Record a deal while the mission is open (a party or the mission desk); Idempotency-Key makes retries safe", Tag: tag, Policy: &missionActors,
			Status: http.StatusCreated, Headers: []Param{dealIdempotencyKey},
			Doc: "seller_id and buyer_id are mission participant ids (see listParticipants), not organization ids; both must be verified participants, and the caller one of them or the mission desk. " +
				"For an investment the buyer is the investor, the seller the business invested in, and quantity may be 0. The mission's net total may not pass its bound.",
			Errors: []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict, niaga.CodeMissionNotOpen, niaga.CodeNotVerified},
			Example: DealInput{SellerID: 334, BuyerID: 335, Commodity: "beras", Kind: niaga.DealContract, Quantity: 200_000, Value: 2_380_000_000,
				Note: "Beras medium, kirim bertahap 4 bulan"}},
			api((*Server).recordDeal)},
		{Route{Method: "GET", Path: "/api/v1/deals/{id}", ID: "getDeal", Summary: "One deal entry", Tag: tag, Policy: &SignedIn,
			Doc: "Found only by the mission's staff and participants (404 for others)."},
			api((*Server).getDeal)},
		{Route{Method: "POST", Path: "/api/v1/deals/{id}/reverse", ID: "reverseDeal", Summary: "Correct a deal by a reversing entry (the original is never edited)", Tag: tag, Policy: &missionActors, Status: http.StatusCreated,
			Doc:    "The party that recorded the deal while the mission is open, or the mission desk. A reversing entry, or a deal already reversed, answers 409.",
			Errors: []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict, niaga.CodeMissionNotOpen}, Example: DealReverseInput{Reason: "Nilai salah ketik: seharusnya Rp 2.380.000.000"}},
			api((*Server).reverseDeal)},
		{Route{Method: "POST", Path: "/api/v1/deals/{id}/validate", ID: "validateDeal", Summary: "Validate or dispute a deal (the organizer or an appointed validator)", Tag: tag, Policy: &missionStaff,
			Errors: []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict}, Example: DealValidationInput{Status: niaga.DealValidated, Note: "Sesuai kontrak"}},
			api((*Server).validateDeal)},
		{Route{Method: "POST", Path: "/api/v1/deals/{id}/realizations", ID: "recordRealization", Summary: "Follow a deal up: value realized after the event", Tag: tag, Policy: &missionActors, Status: http.StatusCreated,
			Doc:    "The parties or the mission desk; a deal's realized total may not pass the bound of one deal. A reversed deal answers 409.",
			Errors: []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict}, Example: RealizationInput{Amount: 595_000_000, Note: "Pengiriman tahap pertama"}},
			api((*Server).recordRealization)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/followup", ID: "missionFollowUp", Summary: "Realized against committed value, deal by deal", Tag: tag, Policy: &SignedIn,
			Errors: []niaga.Code{niaga.CodeForbidden}},
			api((*Server).missionFollowUp)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/summary", ID: "missionSummary", Summary: "The live board: totals by commodity, direction and kind, latest deals, local clock", Tag: tag, Policy: &Public},
			api((*Server).missionBoard)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/stream", ID: "missionStream", Summary: "Server-sent events of the mission (deal, validation, status, schedule); resumable with Last-Event-ID", Tag: tag, Policy: &Public,
			Query: []Param{streamAfter, streamHeartbeatParam}, Headers: []Param{streamLastEventID}, Produces: "text/event-stream", Doc: streamDoc, Errors: []niaga.Code{niaga.CodeRateLimited}},
			raw((*Server).missionStream)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/staff/stream", ID: "missionStaffStream", Summary: "Server-sent events of the mission with whole ledger entries (the mission's staff); resumable with Last-Event-ID", Tag: tag, Policy: &SignedIn,
			Query: []Param{streamAfter}, Headers: []Param{streamLastEventID}, Produces: "text/event-stream", Doc: streamDoc,
			Errors: []niaga.Code{niaga.CodeForbidden, niaga.CodeRateLimited}},
			raw((*Server).missionStaffStream)},
	}
}

// missionFinanceRoutes are agreements and deal financing.
func missionFinanceRoutes() []endpoint {
	const tag = missionsTag
	return []endpoint{
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/agreements", ID: "listAgreements", Summary: "MoUs and cooperation agreements signed at the mission", Tag: tag, Policy: &Public},
			api((*Server).listAgreements)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/agreements", ID: "createAgreement", Summary: "Record an MoU or PKS (the running agency)", Tag: tag, Policy: &missionStaff, Status: http.StatusCreated,
			Doc:    "Each party is a registered organization (org_id) or a named outside party (a governor, an association).",
			Errors: []niaga.Code{niaga.CodeConflict},
			Example: AgreementInput{Kind: niaga.AgreementMoU, Title: "MoU kerja sama perdagangan dan perindustrian", Sector: "Perdagangan, perindustrian", SignedOn: "2026-11-21",
				Parties: []niaga.AgreementParty{{OrgID: 2}, {OrgID: 3}}}},
			api((*Server).createAgreement)},
		{Route{Method: "POST", Path: "/api/v1/deals/{id}/financing", ID: "requestFinancing", Summary: "Ask a bank to finance a deal, optionally with a guarantor", Tag: tag, Policy: &missionActors, Status: http.StatusCreated,
			Doc:     "A party to the deal or the mission desk; bank_id and guarantor_id are organization ids (a bank, a guarantor). The amount may not pass the deal's value; one live request per bank and deal.",
			Errors:  []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict},
			Example: FinancingInput{BankID: 9, GuarantorID: 11, Amount: 1_190_000_000, TenorMonths: 12, Purpose: "Modal kerja pembelian"}},
			api((*Server).requestFinancing)},
		{Route{Method: "GET", Path: "/api/v1/financing", ID: "listFinancing", Summary: "Financing requests you may see (a bank: those addressed to it)", Tag: tag, Policy: &SignedIn,
			Query: []Param{{Name: "mission", Kind: IntegerParam, Doc: "Only the requests of this mission's deals (0 or absent: all)."}}},
			api((*Server).listFinancing)},
		{Route{Method: "GET", Path: "/api/v1/financing/{id}", ID: "getFinancing", Summary: "One financing request", Tag: tag, Policy: &SignedIn,
			Doc: "Found only by those who may see it (404 for others)."},
			api((*Server).getFinancing)},
		{Route{Method: "POST", Path: "/api/v1/financing/{id}/answer", ID: "answerFinancing", Summary: "The addressed bank approves or declines", Tag: tag, Policy: &missionBanks,
			Doc:    "approved_amount, at most the requested amount, defaults to it. An answered request answers 409.",
			Errors: []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict}, Example: FinancingAnswerInput{Approve: true, ApprovedAmount: 1_000_000_000, Answer: "Disetujui dengan agunan stok"}},
			api((*Server).answerFinancing)},
		{Route{Method: "POST", Path: "/api/v1/financing/{id}/withdraw", ID: "withdrawFinancing", Summary: "Withdraw an unanswered request (the requester or the mission desk)", Tag: tag, Policy: &missionActors,
			Errors: []niaga.Code{niaga.CodeForbidden, niaga.CodeConflict}},
			api((*Server).withdrawFinancing)},
	}
}

// missionsTag groups the trade-mission operations in the document.
const missionsTag = "missions"

// importEndpoint is the bulk import of one kind of rows (see importRows);
// example is a CSV of the demo's delegations.
func importEndpoint(kind, example string) endpoint {
	return endpoint{Route{Method: "POST", Path: "/api/v1/missions/{id}/import/" + kind, ID: "import" + strings.ToUpper(kind[:1]) + kind[1:],
		Summary: "Bulk import of " + kind + " from CSV or XLSX (text/csv, the XLSX type, or multipart field \"" + uploadField + "\"); all rows or none, errors per row",
		Doc: "The first row names the columns: " + store.ImportColumns(kind) + ". CSV is UTF-8, comma- or semicolon-separated; XLSX is read from its first sheet. " +
			"At most " + strconv.Itoa(store.MaxImportRows) + " data rows. Either every row is imported or, when any is wrong, none: the 422 answer lists every error by row and column. " +
			"dry_run checks the file without writing.",
		Tag: missionsTag, Policy: &missionStaff, Query: []Param{{Name: "dry_run", Kind: BooleanParam, Doc: "Check the rows, write nothing."}},
		Produces: "application/json", Upload: true, Example: example,
		Errors: []niaga.Code{niaga.CodeConflict, niaga.CodeImportRejected}},
		rawOut[store.ImportResult](func(s *Server, c *Call) error { return s.importRows(c, kind) })}
}

// routeMissions registers the trade-mission API and the sweep that expires
// meeting requests.
func (s *Server) routeMissions() {
	s.handleAll(missionRoutes())
	s.background = append(s.background, s.expireMeetingRequests)
}
