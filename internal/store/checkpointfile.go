package store

import "context"

// CheckpointFileSuffix names the file beside a SQLite database in which
// the server keeps the last checkpoint it signed (docs/threat-model.md):
// a backup that restores the database does not restore the file, which is
// how a restored database is caught.
const CheckpointFileSuffix = ".checkpoint"

// CheckpointFile is where the last signed checkpoint is kept beside a
// SQLite database; "" for PostgreSQL, whose data folder only the caller
// knows.
func (s *Store) CheckpointFile(ctx context.Context) (string, error) {
	p, err := s.Path(ctx)
	if err != nil || p == "" {
		return "", err
	}
	return p + CheckpointFileSuffix, nil
}
