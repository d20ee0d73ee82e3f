package server

import (
	"net/http"
	"testing"
)

// TestConsultedCommitments: a consulted party (the adversary) files its
// own declaration of commitments; a declaration of its with pledges, or
// one signed by another party, is refused before it is validated.
func TestConsultedCommitments(t *testing.T) {
	e := newTestServer(t)
	withConsulted(t, e)
	commitments := "backstop: v1\nkind: Declaration\nframework: " + testFW + "\nparty: RU\ndate: 2025-09-04\n" +
		"commitments:\n  - id: non-aggression-law\n    title: A law not to attack the beneficiary\n" +
		"    history:\n      - {status: proposed, date: 2025-08-17}\n"
	r := e.submit(testFW, e.sign("RU", commitments))
	if r.status != http.StatusCreated {
		t.Fatalf("RU's commitments: status %d, %s", r.status, r.body)
	}
	withPledges := commitments + "pledges:\n  - {id: p, layer: 2, domain: land, quantity: 1, unit: troops}\n"
	checkProblem(t, e.submit(testFW, e.sign("RU", withPledges)), http.StatusForbidden, "not-allowed")
	// GB may not file RU's commitments: only RU signs for RU.
	checkProblem(t, e.submit(testFW, e.sign("GB", commitments)), http.StatusForbidden, "not-allowed")
}
