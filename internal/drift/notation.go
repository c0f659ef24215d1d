package drift

import "github.com/getkin/kin-openapi/openapi3"

// unwrap rewrites, throughout a document, the two notations for "this
// schema, or null" into the schema itself, made nullable: upstream's
// `anyOf: [X, {type: 'null'}]` (FastAPI) and our `allOf: [X]` with
// `nullable: true` (OpenAPI 3.0 cannot put nullable next to a $ref). oasdiff
// compares anyOf and allOf lists by their members' names, so without this
// it reports the notation and cannot see inside: a field dropped from the
// conversation of getConversation went unnoticed. It runs before the 3.1
// upgrade, which turns `nullable` into a "null" type.
func unwrap(doc *openapi3.T) {
	u := unwrapper{seen: map[*openapi3.Schema]bool{}}
	if doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			u.ref(s)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, p := range item.Parameters {
			u.param(p)
		}
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				u.param(p)
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				u.content(op.RequestBody.Value.Content)
			}
			if op.Responses != nil {
				for _, r := range op.Responses.Map() {
					if r != nil && r.Value != nil {
						u.content(r.Value.Content)
					}
				}
			}
		}
	}
}

type unwrapper struct{ seen map[*openapi3.Schema]bool }

func (u unwrapper) param(p *openapi3.ParameterRef) {
	if p != nil && p.Value != nil {
		u.ref(p.Value.Schema)
		u.content(p.Value.Content)
	}
}

func (u unwrapper) content(c openapi3.Content) {
	for _, mt := range c {
		if mt != nil {
			u.ref(mt.Schema)
		}
	}
}

func (u unwrapper) ref(r *openapi3.SchemaRef) {
	if r == nil || r.Value == nil || u.seen[r.Value] {
		return
	}
	s := r.Value
	u.seen[s] = true
	if inner, nullable, ok := wrapped(s); ok {
		v := *inner // a copy: the wrapped schema keeps its own form elsewhere
		if nullable {
			if v.Type != nil && !v.Type.IsEmpty() && !v.Type.Includes(openapi3.TypeNull) {
				t := append(openapi3.Types{}, *v.Type...)
				t = append(t, openapi3.TypeNull)
				v.Type = &t
			} else if v.Type == nil || v.Type.IsEmpty() {
				v.Nullable = true
			}
		}
		if s.Description != "" {
			v.Description = s.Description
		}
		*s = v
	}
	for _, p := range s.Properties {
		u.ref(p)
	}
	u.ref(s.Items)
	u.ref(s.AdditionalProperties.Schema)
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, c := range list {
			u.ref(c)
		}
	}
}

// wrapped returns X for `anyOf (or oneOf): [X, {type: 'null'}]` and for
// `allOf: [X]` that adds nothing but nullable, a title or a description,
// and whether the wrapper lets null through.
func wrapped(s *openapi3.Schema) (*openapi3.Schema, bool, bool) {
	if (s.Type != nil && !s.Type.IsEmpty()) || len(s.Properties) > 0 || s.Items != nil || len(s.Enum) > 0 || s.Not != nil {
		return nil, false, false
	}
	switch {
	case len(s.AllOf) == 1 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.AllOf[0].Value != nil:
		return s.AllOf[0].Value, s.Nullable, true
	case len(s.AllOf) == 0 && len(s.AnyOf) == 2 && len(s.OneOf) == 0:
		return nonNull(s.AnyOf)
	case len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 2:
		return nonNull(s.OneOf)
	}
	return nil, false, false
}

// nonNull returns the member of a two-member list that is not {type: 'null'}.
func nonNull(list openapi3.SchemaRefs) (*openapi3.Schema, bool, bool) {
	a, b := list[0].Value, list[1].Value
	if a == nil || b == nil {
		return nil, false, false
	}
	switch {
	case isNull(b):
		return a, true, true
	case isNull(a):
		return b, true, true
	}
	return nil, false, false
}

func isNull(s *openapi3.Schema) bool {
	return s.Type != nil && len(*s.Type) == 1 && s.Type.Is(openapi3.TypeNull) &&
		len(s.Properties) == 0 && len(s.AnyOf)+len(s.AllOf)+len(s.OneOf) == 0
}
