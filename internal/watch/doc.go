// Package watch runs a monitoring over files: it reads what a monitoring
// needs — the framework's documents, the incident feeds, the map
// snapshots, the corroboration rules — and hands it to monitor's
// pipeline (monitor.Execute, or monitor.Follow on a stream). It is the
// pipeline of the monitor command; the server, whose inputs are its
// record, calls monitor directly. It sits above monitor and feeds/all
// so that monitor need not import every reader.
//
// The next step is the CLI's: it renders the Result (internal/render)
// and turns an Error into an exit code.
package watch
