// The phone's events for user programs (the PhoneEvent system call): "ringing URI",
// "answered", "ended REASON, status N", "registration STATE, status N", kept in a small ring
// with a sequence number each, so every reader follows them at its own pace.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace oh::kernel {

constexpr size_t kPhoneEventsKept = 16;
constexpr size_t kPhoneEventLength = 96; // longer lines are cut

void phone_event_push(const char* text, size_t n);
// The sequence number the next event will get (a new reader starts here: events to come).
uint64_t phone_event_next_seq();
// Copies event `seq` (or the oldest still kept, when the reader fell behind) into buf and
// moves seq past it; waits for one until deadline_ns. Returns its length, 0 on timeout.
size_t phone_event_wait(uint64_t& seq, char* buf, size_t len, uint64_t deadline_ns);

} // namespace oh::kernel
