package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/signing"
)

// NamedDocument is one document of a file to submit, named for messages.
type NamedDocument struct {
	Name string // the file, or FILE#N when the file holds several
	Text []byte
}

// Documents cuts a file's contents into the documents to submit: a signed
// file is one document; an unsigned one is submitted (and signed)
// document by document.
func Documents(file string, src []byte) []NamedDocument {
	docs := [][]byte{src}
	if !signing.IsSigned(src) {
		docs = load.SplitDocuments(src)
	}
	named := make([]NamedDocument, len(docs))
	for i, doc := range docs {
		named[i] = NamedDocument{Name: file, Text: doc}
		if len(docs) > 1 {
			named[i].Name = fmt.Sprintf("%s#%d", file, i+1)
		}
	}
	return named
}

// SubmitOutcome is the server's answer to one document; exactly one field
// is set.
type SubmitOutcome struct {
	Accepted *api.Accepted // the entry the server made of it
	Refused  *api.Problem  // why the server refused it
	SignErr  error         // why it could not be signed (nothing was sent)
}

// SubmitDocument signs doc with key if it is not signed yet, finds its
// framework (the one it names, else framework, else the server's only
// one) and submits it. Its error, prefixed with the document's name, is
// one of reaching the server or finding the framework.
func (c *Client) SubmitDocument(ctx context.Context, doc NamedDocument, key *signing.KeyPair, framework string) (SubmitOutcome, error) {
	signed := doc.Text
	if !signing.IsSigned(signed) {
		var err error
		if signed, err = signing.Sign(doc.Text, key.Signer); err != nil {
			return SubmitOutcome{SignErr: err}, nil
		}
	}
	id, err := c.frameworkOf(ctx, signed, framework)
	if err != nil {
		return SubmitOutcome{}, fmt.Errorf("%s: %v", doc.Name, err)
	}
	acc, err := c.Submit(ctx, id, signed)
	var p *api.Problem
	switch {
	case errors.As(err, &p):
		return SubmitOutcome{Refused: p}, nil
	case err != nil:
		return SubmitOutcome{}, fmt.Errorf("%s: %v", doc.Name, err)
	}
	return SubmitOutcome{Accepted: acc}, nil
}

// frameworkOf finds the framework a signed document goes to: the one it
// names, else given, else the server's only framework.
func (c *Client) frameworkOf(ctx context.Context, signed []byte, given string) (string, error) {
	set, _ := load.Bytes("doc", signing.Text(signed))
	if len(set.Docs) == 1 && set.Docs[0].FrameworkID() != "" {
		return set.Docs[0].FrameworkID(), nil
	}
	if given != "" {
		return given, nil
	}
	fws, err := c.Frameworks(ctx)
	if err != nil {
		return "", err
	}
	if len(fws) != 1 {
		return "", fmt.Errorf("the document names no framework and the server has %d; give --framework", len(fws))
	}
	return fws[0].ID, nil
}
