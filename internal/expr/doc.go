// Package expr owns the two CEL (Common Expression Language) environments
// of the document language: the trigger environment, in which a trigger's
// `when` sees one incident, the territory change and a window of recent
// incidents; and the gate environment, in which a sequence step's `gate`
// asks about coverage, signatures and earlier steps.
//
// Expressions are compiled and type-checked once, when documents are loaded
// (internal/load), and their worst-case cost is estimated then: an
// expression that could run away is refused before it ever runs. The
// evaluating packages (monitor for triggers, assess for gates) take the
// compiled Expression from here.
package expr
