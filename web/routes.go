package web

import "reflect"

// endpoint is one row of an area's route table: the route, with the policy
// that guards it, beside the named handler that serves it.
type endpoint struct {
	Route
	bind func(s *Server, r Route)
}

// api makes a table row's binder for a JSON handler method (see Handle);
// the method's input and output types document the operation.
func api[In, Out any](h func(s *Server, c *Call, in *In) (Out, error)) func(*Server, Route) {
	return func(s *Server, r Route) {
		Handle(s, r, func(c *Call, in *In) (Out, error) { return h(s, c, in) })
	}
}

// raw makes a table row's binder for a handler method that writes its own
// response (see HandleRaw).
func raw(h func(s *Server, c *Call) error) func(*Server, Route) {
	return func(s *Server, r Route) {
		HandleRaw(s, r, func(c *Call) error { return h(s, c) })
	}
}

// rawOut is raw for a handler that writes JSON of type Out itself (an
// upload's result): the document describes its answer by Out.
func rawOut[Out any](h func(s *Server, c *Call) error) func(*Server, Route) {
	return func(s *Server, r Route) {
		r.out = reflect.TypeFor[Out]()
		HandleRaw(s, r, func(c *Call) error { return h(s, c) })
	}
}

// handleAll registers a route table in its order.
func (s *Server) handleAll(table []endpoint) {
	for _, e := range table {
		e.bind(s, e.Route)
	}
}
