package load

// checkBindings is filled in by its stage (docs/language.md).
func checkBindings(v *validator) {}
