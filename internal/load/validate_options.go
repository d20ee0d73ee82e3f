package load

// checkOptions is filled in by its stage (docs/language.md).
func checkOptions(v *validator) {}
