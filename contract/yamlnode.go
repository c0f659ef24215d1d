package contract

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlNode walks a parsed YAML (or JSON) document keeping line numbers; a
// missing node is the zero yamlNode, which every method accepts.
type yamlNode struct{ n *yaml.Node }

// yamlPair is one entry of a mapping: its key node (for the line) and value.
type yamlPair struct {
	key   *yaml.Node
	value yamlNode
}

func yamlUnmarshal(data []byte, out *yamlNode) error {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return err
	}
	out.n = &n
	return nil
}

// document returns the document's top node.
func (y yamlNode) document() yamlNode {
	if y.n != nil && y.n.Kind == yaml.DocumentNode && len(y.n.Content) > 0 {
		return yamlNode{y.n.Content[0]}
	}
	return y
}

// get returns a mapping's value for key.
func (y yamlNode) get(key string) yamlNode {
	if y.n == nil || y.n.Kind != yaml.MappingNode {
		return yamlNode{}
	}
	for i := 0; i+1 < len(y.n.Content); i += 2 {
		if y.n.Content[i].Value == key {
			return yamlNode{y.n.Content[i+1]}
		}
	}
	return yamlNode{}
}

// mapping returns a mapping's entries by key.
func (y yamlNode) mapping() map[string]yamlPair {
	out := map[string]yamlPair{}
	if y.n == nil || y.n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(y.n.Content); i += 2 {
		out[y.n.Content[i].Value] = yamlPair{key: y.n.Content[i], value: yamlNode{y.n.Content[i+1]}}
	}
	return out
}

// pairs returns the entries of the mapping under key.
func (y yamlNode) pairs(key string) map[string]yamlPair { return y.get(key).mapping() }

// scalar returns a scalar's value, or "".
func (y yamlNode) scalar() string {
	if y.n == nil || y.n.Kind != yaml.ScalarNode {
		return ""
	}
	return y.n.Value
}

// refName returns X for a schema that is {$ref: '#/components/schemas/X'},
// or that wraps one alone in allOf (the spec's nullable reference).
func (y yamlNode) refName() string {
	ref := y.get("$ref")
	if all := y.get("allOf"); ref.n == nil && all.n != nil && all.n.Kind == yaml.SequenceNode && len(all.n.Content) == 1 {
		ref = yamlNode{all.n.Content[0]}.get("$ref")
	}
	name, _ := strings.CutPrefix(ref.scalar(), "#/components/schemas/")
	return name
}
