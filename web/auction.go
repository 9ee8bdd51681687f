package web

// routeAuction registers the auction-market API.
func (s *Server) routeAuction() {}
