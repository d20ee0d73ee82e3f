package render

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium finds headless Chromium, or skips the test when it is missing,
// unless BACKSTOP_BROWSER_TESTS=1 asks for the browser tests to run.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("BACKSTOP_BROWSER_TESTS") == "1" {
		t.Fatal("chromium not installed, and BACKSTOP_BROWSER_TESTS=1 requires the browser tests")
	}
	t.Skip("chromium not installed (.ci/run installs it)")
	return ""
}

// runChromium runs headless Chromium on page with the extra flags, in a
// profile of its own, and returns its standard output and error.
func runChromium(t *testing.T, bin, page string, extra ...string) (stdout, stderr string) {
	t.Helper()
	profile := t.TempDir()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000",
	}, extra...)
	args = append(args, "file://"+filepath.ToSlash(page))
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	// Chromium's helper processes inherit the pipes; do not wait on them
	// for ever once the browser itself has exited or been killed.
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v (context: %v)\nstderr:\n%s", strings.Join(extra, " "), err, ctx.Err(), errOut.String())
	}
	return out.String(), errOut.String()
}

// consoleErrors are the lines of Chromium's log that report a script
// error or a console message: Chromium logs console.error() at INFO level
// ("INFO:CONSOLE:1] \"boom\""), and a page without scripts has none.
func consoleErrors(stderr string) []string {
	var errs []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "Uncaught") || strings.Contains(l, "CONSOLE") {
			errs = append(errs, l)
		}
	}
	return errs
}

func checkConsole(t *testing.T, stderr string) {
	t.Helper()
	for _, l := range consoleErrors(stderr) {
		t.Errorf("browser console: %s", l)
	}
}

// TestConsoleErrors checks the log filter on lines Chromium 156 wrote for a
// page calling console.error("boom") and an undefined function.
func TestConsoleErrors(t *testing.T) {
	log := `[1248:1248:1123/081847.775889:WARNING:media/gpu/vaapi/vaapi_wrapper.cc:1655] drmGetDevices2() has not found any devices
[1203:1203:1123/081847.926993:WARNING:ui/base/idle/idle_linux.cc:111] None of the known D-Bus ScreenSaver services could be used.
[1203:1203:1123/081848.088356:INFO:CONSOLE:1] "boom", source: file:///tmp/art/bad.html (1)
[1203:1203:1123/081848.089413:INFO:CONSOLE:1] "Uncaught ReferenceError: undefinedFn is not defined", source: file:///tmp/art/bad.html (1)
`
	if got := consoleErrors(log); len(got) != 2 || !strings.Contains(got[0], `"boom"`) || !strings.Contains(got[1], "Uncaught") {
		t.Errorf("consoleErrors found %q, want the two CONSOLE lines", got)
	}
}

// TestHTMLInBrowser loads the realistic report in headless Chromium: the
// page must load without errors and show the verdict and the chart. Its
// screenshot is kept in $BACKSTOP_ARTEFACTS/assess.png when that is set.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "assess.html")
	r := realistic()
	if err := os.WriteFile(page, []byte(render(t, HTML, r)), 0o644); err != nil {
		t.Fatal(err)
	}

	dom, stderr := runChromium(t, bin, page, "--dump-dom")
	checkConsole(t, stderr)
	// The dumped DOM escapes &, < and > in text.
	verdict := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(r.Verdict)
	if !strings.Contains(dom, verdict) {
		t.Errorf("the DOM lacks the verdict %q", verdict)
	}
	if !strings.Contains(dom, "<svg") {
		t.Error("the DOM lacks the chart's <svg>")
	}

	shot := filepath.Join(dir, "assess.png")
	_, stderr = runChromium(t, bin, page, "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars")
	checkConsole(t, stderr)
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if cfg.Width != 1280 || cfg.Height != 2000 {
		t.Errorf("screenshot %d×%d, want 1280×2000", cfg.Width, cfg.Height)
	}
	if dir := os.Getenv("BACKSTOP_ARTEFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "assess.png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
