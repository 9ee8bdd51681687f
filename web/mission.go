package web

// routeMissions registers the trade-mission API.
func (s *Server) routeMissions() {}
