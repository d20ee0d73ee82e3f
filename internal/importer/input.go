package importer

import (
	"io"
	"os"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/load"
)

// Open opens the data set an importer reads: the file at path, or stdin
// for "-" (named "<stdin>"). A file that cannot be opened, a folder, or
// no standard input is a load.CodeIO error; closeFn is then nil.
func Open(path string, stdin io.Reader) (r io.Reader, name string, closeFn func(), ds diag.Diagnostics) {
	if path == "-" {
		if stdin == nil {
			return nil, "<stdin>", nil, ds.Append(diag.Errorf(diag.Range{File: "<stdin>"}, load.CodeIO, "no standard input to read"))
		}
		return stdin, "<stdin>", func() {}, nil
	}
	f, err := os.Open(path)
	if err == nil {
		var info os.FileInfo
		if info, err = f.Stat(); err == nil && info.IsDir() {
			f.Close()
			return nil, path, nil, ds.Append(diag.Errorf(diag.Range{File: path}, load.CodeIO, "is a folder; give the CSV file"))
		}
	}
	if err != nil {
		msg := err.Error()
		switch {
		case os.IsNotExist(err):
			msg = "no such file"
		case os.IsPermission(err):
			msg = "permission denied"
		}
		return nil, path, nil, ds.Append(diag.Errorf(diag.Range{File: path}, load.CodeIO, "%s", msg))
	}
	return f, path, func() { f.Close() }, nil
}
