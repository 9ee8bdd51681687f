package niaga

import (
	"reflect"
	"sort"
	"strings"
)

// Closed sets of values, declared once. The validators check inputs with
// them (Check.OneOf, or a type's Valid) and the OpenAPI document states
// them as "enum": a field whose Go type was declared with NewEnum takes
// its enum from the type; a plain string field names one in a struct tag,
// `enum:"lot_status"`, which the document generator resolves here. So no
// list of values is written twice.

// Enum is a named closed set of string values, in a stable order.
type Enum struct {
	Name   string
	Values []string
}

var (
	enums      = map[string]Enum{}
	enumByType = map[reflect.Type]string{}
)

// NewEnum declares the enum called name. When T is a named string type
// (DealKind, Role…), fields of that type take the enum without a tag.
// Declared from package variables only: the registry is filled before
// main runs and read-only after.
func NewEnum[T ~string](name string, values ...T) Enum {
	if _, dup := enums[name]; dup {
		panic("niaga: duplicate enum " + name)
	}
	e := Enum{Name: name, Values: make([]string, len(values))}
	for i, v := range values {
		e.Values[i] = string(v)
	}
	enums[name] = e
	if t := reflect.TypeFor[T](); t != reflect.TypeFor[string]() {
		enumByType[t] = name
	}
	return e
}

// EnumNamed returns the declared enum called name.
func EnumNamed(name string) (Enum, bool) {
	e, ok := enums[name]
	return e, ok
}

// EnumOf returns the enum declared for the named string type t.
func EnumOf(t reflect.Type) (Enum, bool) {
	name, ok := enumByType[t]
	if !ok {
		return Enum{}, false
	}
	return enums[name], true
}

// EnumNames lists the declared enums' names, sorted.
func EnumNames() []string {
	out := make([]string, 0, len(enums))
	for n := range enums {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Has reports whether v is one of the values.
func (e Enum) Has(v string) bool {
	for _, x := range e.Values {
		if x == v {
			return true
		}
	}
	return false
}

// Reason says which values are allowed, for a field error: "must be spot
// or forward" (the page catalog translates it by this text).
func (e Enum) Reason() string {
	switch n := len(e.Values); n {
	case 0:
		return "must be empty"
	case 1:
		return "must be " + e.Values[0]
	default:
		return "must be " + strings.Join(e.Values[:n-1], ", ") + " or " + e.Values[n-1]
	}
}

// OneOf records a field error unless v is one of e's values.
func (c *Check) OneOf(field, v string, e Enum) {
	c.Require(e.Has(v), field, e.Reason())
}
