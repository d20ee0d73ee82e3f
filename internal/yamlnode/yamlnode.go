// Package yamlnode holds the few yaml.Node helpers that the strict YAML
// readers (internal/load and the configuration files of internal/feeds)
// share: following aliases without looping and describing a node in a
// message.
package yamlnode

import (
	"fmt"

	"go.yaml.in/yaml/v4"
)

// MaxAliasHops is the most aliases Resolve follows: an alias of an alias…
// is legal YAML, a loop of them is not, and a reader must not hang on one.
const MaxAliasHops = 100

// Resolve returns the node n's aliases lead to (n itself when it is not an
// alias), following at most MaxAliasHops of them.
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < MaxAliasHops; i++ {
		n = n.Alias
	}
	return n
}

// IsNull reports whether n, its aliases resolved, is a null scalar.
func IsNull(n *yaml.Node) bool {
	n = Resolve(n)
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// Describe names what n is, for a message such as "expected a list, got
// a mapping".
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing (null)"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an empty value"
}
