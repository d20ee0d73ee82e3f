package yamlnode

import (
	"testing"

	"go.yaml.in/yaml/v4"
)

func TestResolveStopsOnALoop(t *testing.T) {
	a := &yaml.Node{Kind: yaml.AliasNode}
	b := &yaml.Node{Kind: yaml.AliasNode, Alias: a}
	a.Alias = b
	if got := Resolve(a); got.Kind != yaml.AliasNode {
		t.Fatalf("Resolve(loop) = %v, want an alias node", got.Kind)
	}
}

func TestResolveFollowsAliases(t *testing.T) {
	s := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	a := &yaml.Node{Kind: yaml.AliasNode, Alias: &yaml.Node{Kind: yaml.AliasNode, Alias: s}}
	if Resolve(a) != s || !IsNull(a) {
		t.Fatal("Resolve does not follow a chain of aliases")
	}
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		n    yaml.Node
		want string
	}{
		{yaml.Node{Kind: yaml.MappingNode}, "a mapping"},
		{yaml.Node{Kind: yaml.SequenceNode}, "a list"},
		{yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "x"}, `"x"`},
		{yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}, "nothing (null)"},
		{yaml.Node{}, "an empty value"},
	} {
		if got := Describe(&c.n); got != c.want {
			t.Errorf("Describe(%v) = %q, want %q", c.n.Kind, got, c.want)
		}
	}
}
