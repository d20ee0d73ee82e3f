package oblast

import "github.com/backstop-dev/backstop/internal/feeds"

// Table serves the incident readers as their feeds.Oblasts. The check
// lives in a test so that the package itself does not import feeds.
var _ feeds.Oblasts = (*Table)(nil)
