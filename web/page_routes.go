package web

import "niaga"

// Page policies, named once so the table below reads as a matrix.
var (
	pageAdmin     = Only(niaga.RoleAdmin)
	pageOrganizer = Only(niaga.RoleOrganizer, niaga.RoleAdmin)
	pageBusiness  = Only(niaga.RoleBusiness)
	pageParties   = Only(niaga.RoleOrganizer, niaga.RoleBusiness, niaga.RoleAdmin)
	pageAgency    = Only(niaga.RoleAgency, niaga.RoleAdmin)
	pageMission   = Only(niaga.RoleAgency, niaga.RoleBusiness, niaga.RoleAdmin)
	pageFinancing = Only(niaga.RoleBank, niaga.RoleAgency, niaga.RoleBusiness, niaga.RoleAdmin)
)

// navItems are the header links, each shown to those its policy allows.
var navItems = []navItem{
	{"nav.home", "/", Public},
	{"nav.prices", "/prices", Public},
	{"nav.sessions", "/sessions", Public},
	{"nav.missions", "/missions", Public},
	{"report.nav", "/reports", Public},
	{"nav.markets", "/markets", Public},
	{"nav.admission", "/admission", pageOrganizer},
	{"nav.deposits", "/deposits", pageBusiness},
	{"nav.my_bids", "/bids", pageBusiness},
	{"nav.contracts", "/contracts", pageParties},
	{"nav.financing", "/financing", pageFinancing},
	{"nav.verifications", "/verifications", reviewers},
	{"nav.orgs", "/admin/organizations", pageAdmin},
	{"nav.users", "/admin/users", pageAdmin},
}

// pageTable is every page and form action with who may use it. Anything
// not listed here is a 404 page; nothing is reachable without a policy.
func (s *Server) pageTable() []PageRoute {
	return []PageRoute{
		{"GET", "/{$}", &Public, s.pageHome},
		{"GET", "/signin", &Public, s.pageSignIn},
		{"POST", "/signin", &Public, s.pageSignInPost},
		{"GET", "/password/forgot", &Public, s.pageForgotPassword},
		{"POST", "/password/forgot", &Public, s.pageForgotPasswordPost},
		{"GET", "/password/reset", &Public, s.pageResetPassword},
		{"POST", "/password/reset", &Public, s.pageResetPasswordPost},
		{"GET", "/signup", &Public, s.pageSignUp},
		{"POST", "/signup", &Public, s.pageSignUpPost},
		{"GET", "/confirm-email", &Public, s.pageConfirmEmail},
		{"POST", "/confirm-email", &Public, s.pageConfirmEmailPost},
		{"GET", "/account/verification", &pageBusiness, s.pageVerification},
		{"POST", "/account/documents", &pageBusiness, s.pageDocumentUpload},
		{"POST", "/account/confirm-email", &SignedIn, s.pageResendConfirmation},
		{"GET", "/verifications", &reviewers, s.pageVerifications},
		{"POST", "/verifications/{id}", &reviewers, s.pageVerificationDecide},
		{"POST", "/signout", &SignedIn, s.pageSignOut},
		{"POST", "/lang", &Public, s.pageLang},
		{"GET", "/account", &SignedIn, s.pageAccount},
		{"GET", "/notifications", &SignedIn, s.pageNotifications},
		{"POST", "/account/notifications", &SignedIn, s.pageNotificationPrefs},
		{"POST", "/account/password", &SignedIn, s.pageAccountPassword},
		{"POST", "/account/tokens/{id}/revoke", &SignedIn, s.pageAccountRevoke},

		{"GET", "/admin/organizations", &pageAdmin, s.pageOrgs},
		{"POST", "/admin/organizations", &pageAdmin, s.pageOrgCreate},
		{"POST", "/admin/organizations/{id}/verify", &pageAdmin, s.pageOrgVerify},
		{"GET", "/admin/users", &pageAdmin, s.pageUsers},
		{"POST", "/admin/users", &pageAdmin, s.pageUserCreate},
		{"POST", "/admin/users/{id}/active", &pageAdmin, s.pageUserActive},

		{"GET", "/prices", &Public, s.pagePrices},
		{"GET", "/markets", &Public, s.pageMarkets},
		{"POST", "/markets", &pageOrganizer, s.pageMarketCreate},
		{"GET", "/markets/{id}", &Public, s.pageMarket},
		{"POST", "/markets/{id}/deposits", &pageOrganizer, s.pageDepositRecord},
		{"POST", "/markets/{id}/payment", &pageOrganizer, s.pageMarketPayment},
		{"GET", "/markets/{id}/statement", &pageOrganizer, s.pageStatement},
		{"POST", "/markets/{id}/statement", &pageOrganizer, s.pageStatementPost},
		{"GET", "/sessions", &Public, s.pageSessions},
		{"POST", "/sessions", &pageOrganizer, s.pageSessionCreate},
		{"GET", "/sessions/{id}", &Public, s.pageSession},
		{"GET", "/sessions/{id}/live", &Public, s.pageSessionLive},
		{"POST", "/sessions/{id}/watch", &pageBusiness, s.pageWatch(niaga.WatchSession)},
		{"GET", "/lots/new", &pageBusiness, s.pageLotNew},
		{"POST", "/lots", &pageBusiness, s.pageLotSubmit},
		{"GET", "/lots/{id}", &Public, s.pageLot},
		{"GET", "/lots/{id}/live", &Public, s.pageLotLive},
		{"POST", "/lots/{id}/bid", &pageBusiness, s.pageLotBid},
		{"POST", "/lots/{id}/watch", &pageBusiness, s.pageWatch(niaga.WatchLot)},
		{"GET", "/bids", &pageBusiness, s.pageMyBids},
		{"POST", "/lots/{id}/admit", &pageOrganizer, s.pageLotDecide(true)},
		{"POST", "/lots/{id}/reject", &pageOrganizer, s.pageLotDecide(false)},
		{"GET", "/admission", &pageOrganizer, s.pageAdmission},
		{"GET", "/deposits", &pageBusiness, s.pageDeposits},
		{"GET", "/contracts", &pageParties, s.pageContracts},
		{"GET", "/contracts/{id}", &pageParties, s.pageContract},
		{"POST", "/contracts/{id}/steps", &pageParties, s.pageContractStep},

		{"GET", "/missions", &Public, s.pageMissions},
		{"POST", "/missions", &pageAgency, s.pageMissionCreate},
		{"GET", "/missions/{id}", &Public, s.pageMission},
		{"GET", "/missions/{id}/board", &Public, s.pageBoard},
		{"GET", "/missions/{id}/board/data", &Public, s.pageBoardData},
		{"GET", "/missions/{id}/agreements", &Public, s.pageAgreements},
		{"POST", "/missions/{id}/agreements", &pageAgency, s.pageAgreementCreate},
		{"POST", "/missions/{id}/status", &pageAgency, s.pageMissionStatus},
		{"POST", "/missions/{id}/register", &pageMission, s.pageRegister},
		{"GET", "/missions/{id}/participants", &pageAgency, s.pageParticipants},
		{"POST", "/missions/{id}/participants/{pid}/verify", &pageAgency, s.pageParticipantVerify},
		{"POST", "/missions/{id}/participants/{pid}/decision", &pageAgency, s.pageParticipantDecide},
		{"GET", "/missions/{id}/listings", &SignedIn, s.pageListings},
		{"POST", "/missions/{id}/listings", &pageMission, s.pageListingAdd},
		{"GET", "/missions/{id}/matches", &pageMission, s.pageMatches},
		{"GET", "/missions/{id}/meetings", &pageMission, s.pageMeetings},
		{"POST", "/missions/{id}/meetings", &pageMission, s.pageMeetingRequest},
		{"POST", "/missions/{id}/meetings/{rid}", &pageMission, s.pageMeetingAnswer},
		{"POST", "/missions/{id}/schedule", &pageAgency, s.pageSchedule},
		{"GET", "/missions/{id}/agenda", &pageMission, s.pageAgenda},
		{"GET", "/missions/{id}/desk", &pageMission, s.pageDesk},
		{"POST", "/missions/{id}/deals", &pageMission, s.pageDealRecord},
		{"POST", "/deals/{id}", &pageMission, s.pageDealAction},
		{"GET", "/financing", &pageFinancing, s.pageFinancing},
		{"POST", "/financing/{id}", &pageFinancing, s.pageFinancingAnswer},

		{"GET", "/reports", &Public, s.pageReports},
		{"GET", "/reports/missions/{id}", &Public, s.pageMissionReport},
		{"GET", "/reports/markets/{id}", &Public, s.pageMarketReport},
		{"GET", "/reports/sessions/{id}", &Public, s.pageSessionReport},
		{"GET", "/reports/commodities", &Public, s.pageCommodityReport},
		{"GET", "/reports/flows", &Public, s.pageFlowReport},
		{"GET", "/reports/prices", &Public, s.pagePriceReport},
		{"GET", "/reports/settlement", &settlementViewers, s.pageSettlementReport},
	}
}
