package web

import "niaga"

// Page policies, named once so the table below reads as a matrix.
var (
	pageAdmin = Only(niaga.RoleAdmin)
)

// navItems are the header links, each shown to those its policy allows.
var navItems = []navItem{
	{"nav.home", "/", Public},
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
		{"POST", "/signout", &SignedIn, s.pageSignOut},
		{"POST", "/lang", &Public, s.pageLang},

		{"GET", "/admin/organizations", &pageAdmin, s.pageOrgs},
		{"POST", "/admin/organizations", &pageAdmin, s.pageOrgCreate},
		{"POST", "/admin/organizations/{id}/verify", &pageAdmin, s.pageOrgVerify},
		{"GET", "/admin/users", &pageAdmin, s.pageUsers},
		{"POST", "/admin/users", &pageAdmin, s.pageUserCreate},
	}
}
