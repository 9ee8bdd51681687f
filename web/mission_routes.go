package web

import (
	"net/http"
	"strings"

	"niaga"
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
	const tag = "missions"
	return []endpoint{
		// Missions.
		{Route{Method: "GET", Path: "/api/v1/missions", ID: "listMissions", Summary: "All trade missions, newest first, with totals", Tag: tag, Policy: &Public},
			api((*Server).listMissions)},
		{Route{Method: "POST", Path: "/api/v1/missions", ID: "createMission", Summary: "Plan a mission (an agency of the host or a guest province, or the admin naming one)", Tag: tag, Policy: &missionStaff, Status: http.StatusCreated},
			api((*Server).createMission)},
		{Route{Method: "GET", Path: "/api/v1/missions/history", ID: "missionHistory", Summary: "All missions with totals per year, cumulative, and per partner province", Tag: tag, Policy: &Public, Query: []string{"province"}},
			api((*Server).missionHistory)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}", ID: "getMission", Summary: "One mission with its local times and totals", Tag: tag, Policy: &Public},
			api((*Server).getMission)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/status", ID: "setMissionStatus", Summary: "Open or close a mission (planned → open → closed; the running agency)", Tag: tag, Policy: &missionStaff},
			api((*Server).setMissionStatus)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/staff", ID: "addMissionStaff", Summary: "Appoint an organization as mission desk or deal validator", Tag: tag, Policy: &missionStaff, Status: http.StatusNoContent},
			api((*Server).addMissionStaff)},

		// Delegations, offers and needs.
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/participants", ID: "listParticipants", Summary: "The mission's participants by delegation (contacts for the mission's staff and the participant itself; pending ones for staff, themselves and their delegation's agency)", Tag: tag, Policy: &SignedIn},
			api((*Server).listParticipants)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/participants", ID: "registerParticipant", Summary: "Register to a delegation (a business itself; the running agency any business)", Tag: tag, Policy: &missionActors, Status: http.StatusCreated},
			api((*Server).registerParticipant)},
		{Route{Method: "POST", Path: "/api/v1/participants/{id}/verify", ID: "verifyParticipant", Summary: "Verify a participant (the running agency)", Tag: tag, Policy: &missionStaff},
			api((*Server).verifyParticipant)},
		{Route{Method: "POST", Path: "/api/v1/participants/{id}/decision", ID: "decideParticipant", Summary: "Approve or refuse joining a delegation (the agency of that delegation's province, the running agency or the admin)", Tag: tag, Policy: &missionStaff},
			api((*Server).decideParticipant)},
		{Route{Method: "PUT", Path: "/api/v1/participants/{id}/unavailability", ID: "setUnavailability", Summary: "Replace the local times a participant cannot meet", Tag: tag, Policy: &SignedIn},
			api((*Server).setUnavailability)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/offers", ID: "listOffers", Summary: "What the participants sell", Tag: tag, Policy: &SignedIn},
			api((*Server).listOffers)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/offers", ID: "createOffer", Summary: "Add an offer (own, or for a participant by the running agency)", Tag: tag, Policy: &missionActors, Status: http.StatusCreated},
			api((*Server).createOffer)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/needs", ID: "listNeeds", Summary: "What the participants buy", Tag: tag, Policy: &SignedIn},
			api((*Server).listNeeds)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/needs", ID: "createNeed", Summary: "Add a need (own, or for a participant by the running agency)", Tag: tag, Policy: &missionActors, Status: http.StatusCreated},
			api((*Server).createNeed)},
		importEndpoint(tag, store.ImportParticipants),
		importEndpoint(tag, store.ImportOffers),
		importEndpoint(tag, store.ImportNeeds),

		// Matchmaking, meetings, schedule, agendas.
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/matches", ID: "listMatches", Summary: "Matchmaking suggestions with scores and explanations (a participant sees its own)", Tag: tag, Policy: &SignedIn,
			Query: []string{"participant", "min_score", "per_need", "limit"}},
			api((*Server).listMatches)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/meetings", ID: "listMeetingRequests", Summary: "Meeting requests (a participant sees its own)", Tag: tag, Policy: &SignedIn},
			api((*Server).listMeetingRequests)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/meetings", ID: "requestMeeting", Summary: "Ask another participant for a one-to-one meeting", Tag: tag, Policy: &missionActors, Status: http.StatusCreated},
			api((*Server).requestMeeting)},
		{Route{Method: "POST", Path: "/api/v1/meetings/{id}/answer", ID: "answerMeetingRequest", Summary: "Accept or decline a meeting request (the invited participant)", Tag: tag, Policy: &SignedIn},
			api((*Server).answerMeetingRequest)},
		{Route{Method: "POST", Path: "/api/v1/meetings/{id}/cancel", ID: "cancelMeetingRequest", Summary: "Withdraw a request or cancel an accepted meeting", Tag: tag, Policy: &SignedIn},
			api((*Server).cancelMeetingRequest)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/schedule", ID: "scheduleMeetings", Summary: "Run the scheduler: accepted meetings into slots and tables (local times)", Tag: tag, Policy: &missionStaff},
			api((*Server).scheduleMeetings)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/schedule", ID: "getSchedule", Summary: "Table sheets: every slot with its meetings by table (mission staff)", Tag: tag, Policy: &SignedIn},
			api((*Server).getSchedule)},
		{Route{Method: "GET", Path: "/api/v1/participants/{id}/agenda", ID: "participantAgenda", Summary: "A participant's personal agenda in local time", Tag: tag, Policy: &SignedIn},
			api((*Server).participantAgenda)},

		// Deals.
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/deals", ID: "listDeals", Summary: "The mission's deal ledger, corrections included (staff and participants)", Tag: tag, Policy: &SignedIn},
			api((*Server).listDeals)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/deals", ID: "recordDeal", Summary: "Record a deal while the mission is open (a party or the mission desk); Idempotency-Key makes retries safe", Tag: tag, Policy: &missionActors,
			Status: http.StatusCreated, Headers: []string{"Idempotency-Key"}},
			api((*Server).recordDeal)},
		{Route{Method: "GET", Path: "/api/v1/deals/{id}", ID: "getDeal", Summary: "One deal entry", Tag: tag, Policy: &SignedIn},
			api((*Server).getDeal)},
		{Route{Method: "POST", Path: "/api/v1/deals/{id}/reverse", ID: "reverseDeal", Summary: "Correct a deal by a reversing entry (the original is never edited)", Tag: tag, Policy: &missionActors, Status: http.StatusCreated},
			api((*Server).reverseDeal)},
		{Route{Method: "POST", Path: "/api/v1/deals/{id}/validate", ID: "validateDeal", Summary: "Validate or dispute a deal (the organizer or an appointed validator)", Tag: tag, Policy: &missionStaff},
			api((*Server).validateDeal)},
		{Route{Method: "POST", Path: "/api/v1/deals/{id}/realizations", ID: "recordRealization", Summary: "Follow a deal up: value realized after the event", Tag: tag, Policy: &missionActors, Status: http.StatusCreated},
			api((*Server).recordRealization)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/followup", ID: "missionFollowUp", Summary: "Realized against committed value, deal by deal", Tag: tag, Policy: &SignedIn},
			api((*Server).missionFollowUp)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/summary", ID: "missionSummary", Summary: "The live board: totals by commodity, direction and kind, latest deals, local clock", Tag: tag, Policy: &Public},
			api((*Server).missionBoard)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/stream", ID: "missionStream", Summary: "Server-sent events of the mission (deal, validation, status, schedule); resumable with Last-Event-ID", Tag: tag, Policy: &Public,
			Query: []string{"last_event_id", "heartbeat"}, Headers: []string{"Last-Event-ID"}, Produces: "text/event-stream"},
			raw((*Server).missionStream)},
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/staff/stream", ID: "missionStaffStream", Summary: "Server-sent events of the mission with whole ledger entries (the mission's staff); resumable with Last-Event-ID", Tag: tag, Policy: &SignedIn,
			Query: []string{"last_event_id"}, Headers: []string{"Last-Event-ID"}, Produces: "text/event-stream"},
			raw((*Server).missionStaffStream)},

		// Agreements and financing.
		{Route{Method: "GET", Path: "/api/v1/missions/{id}/agreements", ID: "listAgreements", Summary: "MoUs and cooperation agreements signed at the mission", Tag: tag, Policy: &Public},
			api((*Server).listAgreements)},
		{Route{Method: "POST", Path: "/api/v1/missions/{id}/agreements", ID: "createAgreement", Summary: "Record an MoU or PKS (the running agency)", Tag: tag, Policy: &missionStaff, Status: http.StatusCreated},
			api((*Server).createAgreement)},
		{Route{Method: "POST", Path: "/api/v1/deals/{id}/financing", ID: "requestFinancing", Summary: "Ask a bank to finance a deal, optionally with a guarantor", Tag: tag, Policy: &missionActors, Status: http.StatusCreated},
			api((*Server).requestFinancing)},
		{Route{Method: "GET", Path: "/api/v1/financing", ID: "listFinancing", Summary: "Financing requests you may see (a bank: those addressed to it)", Tag: tag, Policy: &SignedIn, Query: []string{"mission"}},
			api((*Server).listFinancing)},
		{Route{Method: "GET", Path: "/api/v1/financing/{id}", ID: "getFinancing", Summary: "One financing request", Tag: tag, Policy: &SignedIn},
			api((*Server).getFinancing)},
		{Route{Method: "POST", Path: "/api/v1/financing/{id}/answer", ID: "answerFinancing", Summary: "The addressed bank approves or declines", Tag: tag, Policy: &missionBanks},
			api((*Server).answerFinancing)},
		{Route{Method: "POST", Path: "/api/v1/financing/{id}/withdraw", ID: "withdrawFinancing", Summary: "Withdraw an unanswered request (the requester or the mission desk)", Tag: tag, Policy: &missionActors},
			api((*Server).withdrawFinancing)},
	}
}

// importEndpoint is the bulk import of one kind of rows (see importRows).
func importEndpoint(tag, kind string) endpoint {
	return endpoint{Route{Method: "POST", Path: "/api/v1/missions/{id}/import/" + kind, ID: "import" + strings.ToUpper(kind[:1]) + kind[1:],
		Summary: "Bulk import of " + kind + " from CSV or XLSX (text/csv, the XLSX type, or multipart field \"file\"); all rows or none, errors per row",
		Tag:     tag, Policy: &missionStaff, Query: []string{"dry_run"}, Produces: "application/json"},
		raw(func(s *Server, c *Call) error { return s.importRows(c, kind) })}
}

// routeMissions registers the trade-mission API and the sweep that expires
// meeting requests.
func (s *Server) routeMissions() {
	s.handleAll(missionRoutes())
	s.background = append(s.background, s.expireMeetingRequests)
}
