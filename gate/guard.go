package gate

import (
	"postern/config"
	"postern/guard"
)

// loginGuard is the brute-force guard of the configuration.
func loginGuard(cfg *config.Config) *guard.Guard {
	return &guard.Guard{Dir: cfg.GuardDir, Limits: guard.Limits{
		UserLock: cfg.LockoutUser, IPLock: cfg.LockoutIP, Window: cfg.LockoutTime,
	}}
}

// sweepEvery is how many successful logins, on average, pass between two
// sweeps of the guard directory: the counters of names tried once and
// never again are removed once their window has passed.
const sweepEvery = 50

// maybeSweep sweeps g when roll (a random draw in [0, sweepEvery)) is 0.
func maybeSweep(g *guard.Guard, roll int) {
	if roll != 0 {
		return
	}
	if err := g.Sweep(); err != nil {
		logf("guard: sweep: %v", err)
	}
}
