// Added to each main package of a nix-pgo profiling build (goBuild.sh, `go build
// -overlay`), so that a CPU profile comes out of an unmodified program: when
// NIX_PGO_GO_PROFILE_DIR is set, the program writes $NIX_PGO_GO_PROFILE_DIR/cpu-<pid>.pprof
// from its first init to its exit, and beside it cpu-<pid>.cpu-ns, the CPU time the
// process used meanwhile. Limits and why: docs/go.md.

package main

import (
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	_ "unsafe" // go:linkname
)

// internal/runtime/exithook.Hook, field for field: the runtime runs these hooks when main
// returns and in os.Exit (with any code, for RunOnFailure), the way coverage builds write
// their counters. Reached by go:linkname, which needs -ldflags=-checklinkname=0.
type nixPgoExitHook struct {
	F            func()
	RunOnFailure bool
}

//go:linkname nixPgoAddExitHook internal/runtime/exithook.Add
func nixPgoAddExitHook(h nixPgoExitHook)

// 1000 Hz, not pprof's 100: workloads are short, and more samples make the profile
// steadier. The kernel's CPU-time timers fire on its ticks, so a kernel with HZ=250
// (Debian's) delivers at most 250 samples a second (measured: 249-250 at 500 and
// 1000 Hz, 245-248 at 250 Hz, 99 at 100 Hz; docs/go.md) and each still counts 1 ms.
// The weights between functions hold, but not those against a profile at another
// rate (a benchmark's 100 Hz, where a sample is 10 ms on any kernel, against which
// these would weigh 2.5 times their CPU time here): so the CPU time is written beside
// the profile, and the workload's merge (`pprof merge --cpu-time`) scales the samples
// to it. The runtime prints one line on stderr about the rate
// ("cannot set cpu profile rate until previous profile has finished") and keeps it.
const nixPgoHz = 1000

// The CPU time (user and system, every thread) the process has used so far. The total
// is exact on Linux (the scheduler's runtime); only its split into user and system
// time is sampled.
func nixPgoCPUTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic("nix-pgo profiling build: getrusage: " + err.Error())
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func init() {
	dir := os.Getenv("NIX_PGO_GO_PROFILE_DIR")
	if dir == "" {
		return
	}
	base := dir + "/cpu-" + strconv.Itoa(os.Getpid())
	f, err := os.Create(base + ".pprof")
	if err != nil {
		panic("nix-pgo profiling build: " + err.Error())
	}
	runtime.SetCPUProfileRate(nixPgoHz)
	// Only the time while profiled: not the runtime's start-up before this init, which
	// is a large part of a short process's.
	started := nixPgoCPUTime()
	if err := pprof.StartCPUProfile(f); err != nil {
		panic("nix-pgo profiling build: " + err.Error())
	}
	stop := func() {
		pprof.StopCPUProfile()
		used := nixPgoCPUTime() - started
		f.Close()
		if err := os.WriteFile(base+".cpu-ns", []byte(strconv.FormatInt(used, 10)+"\n"), 0o644); err != nil {
			panic("nix-pgo profiling build: " + err.Error())
		}
	}
	nixPgoAddExitHook(nixPgoExitHook{F: stop, RunOnFailure: true})

	// Terminated by a signal: write the profile, then die of the same signal.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := (<-sig).(syscall.Signal)
		stop()
		signal.Reset(s)
		syscall.Kill(os.Getpid(), s)
	}()
}
