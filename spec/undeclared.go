package spec

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// undeclaredFields lists, as JSON pointers, the object members of body that
// schema does not declare. A body that is not JSON gives nothing (schema
// validation reports it).
func undeclaredFields(schema *openapi3.SchemaRef, body []byte) []string {
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return nil
	}
	var found []string
	walkUndeclared(schema, value, "", &found)
	return found
}

func walkUndeclared(ref *openapi3.SchemaRef, value any, pointer string, found *[]string) {
	if ref == nil || ref.Value == nil {
		return
	}
	switch v := value.(type) {
	case map[string]any:
		shape := objectShapeOf(ref.Value, v)
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := pointer + "/" + escapePointer(k)
			switch prop, declared := shape.properties[k]; {
			case declared:
				walkUndeclared(prop, v[k], child, found)
			case shape.additional != nil:
				walkUndeclared(shape.additional, v[k], child, found)
			case !shape.open:
				*found = append(*found, child)
			}
		}
	case []any:
		items := itemsOf(ref.Value, v)
		for i, e := range v {
			walkUndeclared(items, e, pointer+"/"+strconv.Itoa(i), found)
		}
	}
}

// objectShape is what a schema declares about an object's members, its
// allOf parts and matching anyOf/oneOf branches merged.
type objectShape struct {
	properties map[string]*openapi3.SchemaRef
	additional *openapi3.SchemaRef // additionalProperties given as a schema
	open       bool                // any member is allowed without a schema
	closed     bool                // additionalProperties: false somewhere
}

func objectShapeOf(s *openapi3.Schema, value any) objectShape {
	shape := objectShape{properties: map[string]*openapi3.SchemaRef{}}
	shape.add(s, value)
	if len(shape.properties) == 0 && shape.additional == nil && !shape.closed {
		shape.open = true // a free-form object declares nothing to compare with
	}
	return shape
}

func (shape *objectShape) add(s *openapi3.Schema, value any) {
	if s == nil {
		return
	}
	for name, prop := range s.Properties {
		if _, seen := shape.properties[name]; !seen {
			shape.properties[name] = prop
		}
	}
	switch ap := s.AdditionalProperties; {
	case ap.Schema != nil:
		if shape.additional == nil {
			shape.additional = ap.Schema
		}
	case ap.Has != nil && *ap.Has:
		shape.open = true
	case ap.Has != nil:
		shape.closed = true
	}
	for _, part := range s.AllOf {
		shape.add(part.Value, value)
	}
	for _, branch := range matchingBranches(s.AnyOf, value) {
		shape.add(branch.Value, value)
	}
	for _, branch := range matchingBranches(s.OneOf, value) {
		shape.add(branch.Value, value)
	}
}

// matchingBranches returns the branches value validates against, or all of
// them when it matches none (a violation reported elsewhere).
func matchingBranches(branches openapi3.SchemaRefs, value any) openapi3.SchemaRefs {
	var matching openapi3.SchemaRefs
	for _, b := range branches {
		if b.Value != nil && b.Value.VisitJSON(value, openapi3.VisitAsResponse()) == nil {
			matching = append(matching, b)
		}
	}
	if len(matching) == 0 {
		return branches
	}
	return matching
}

// itemsOf returns the schema of an array's items, looking through allOf and
// matching anyOf/oneOf branches.
func itemsOf(s *openapi3.Schema, value any) *openapi3.SchemaRef {
	if s == nil {
		return nil
	}
	if s.Items != nil {
		return s.Items
	}
	for _, part := range s.AllOf {
		if items := itemsOf(part.Value, value); items != nil {
			return items
		}
	}
	for _, branch := range append(matchingBranches(s.AnyOf, value), matchingBranches(s.OneOf, value)...) {
		if items := itemsOf(branch.Value, value); items != nil {
			return items
		}
	}
	return nil
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(key string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}
