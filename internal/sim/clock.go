package sim

import (
	"sync"
	"time"
)

// Clock tells the simulator what time it is. The simulator reads it once per
// request, so a clock that advances on every call advances once per request.
type Clock interface {
	Now() time.Time
}

// DefaultEpoch is a fixed instant for deterministic clocks (2025-11-20 09:00 UTC,
// a week before the reference commit of the V0 server).
var DefaultEpoch = time.Date(2025, time.November, 20, 9, 0, 0, 0, time.UTC)

type realClock struct{}

func (realClock) Now() time.Time { return time.Now().UTC() }

// RealClock returns the wall clock, in UTC.
func RealClock() Clock { return realClock{} }

// StepClock is a deterministic clock that returns its current time and then
// advances by a fixed step on every call. With the simulator reading the clock
// once per request, each request sees a time one step after the previous one.
type StepClock struct {
	mu   sync.Mutex
	next time.Time
	step time.Duration
}

// NewStepClock returns a StepClock whose first Now is start.
func NewStepClock(start time.Time, step time.Duration) *StepClock {
	return &StepClock{next: start.UTC(), step: step}
}

// Now returns the current time and advances the clock by its step.
func (c *StepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.next
	c.next = c.next.Add(c.step)
	return now
}

// Advance moves the clock forward by d without reading it.
func (c *StepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next = c.next.Add(d)
}

// ManualClock is a deterministic clock that only moves when told to.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a ManualClock standing at start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start.UTC()}
}

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}
