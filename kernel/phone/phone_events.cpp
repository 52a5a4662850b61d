// The phone's event ring (phone_events.h).
#include "kernel/phone/phone_events.h"

#include "kernel/sync/wait_queue.h"
#include "lib/bytes.h"

namespace oh::kernel {

namespace {

struct Event {
    char text[kPhoneEventLength];
    uint8_t length;
};

constinit WaitQueue s_wq;
// Under s_wq's lock: the ring and the sequence number of the next event.
constinit Event s_ring[kPhoneEventsKept] {};
constinit uint64_t s_next = 0;

} // namespace

void phone_event_push(const char* text, size_t n)
{
    if (n > kPhoneEventLength)
        n = kPhoneEventLength;
    s_wq.update_and_wake_all([&] {
        Event& e = s_ring[s_next % kPhoneEventsKept];
        copy_bytes(e.text, text, n);
        e.length = uint8_t(n);
        s_next++;
    });
}

uint64_t phone_event_next_seq() { return __atomic_load_n(&s_next, __ATOMIC_ACQUIRE); }

size_t phone_event_wait(uint64_t& seq, char* buf, size_t len, uint64_t deadline_ns)
{
    size_t n = 0;
    bool got = s_wq.wait(
        [&] {
            if (seq >= s_next)
                return false;
            if (s_next - seq > kPhoneEventsKept)
                seq = s_next - kPhoneEventsKept; // fell behind: the oldest still kept
            const Event& e = s_ring[seq % kPhoneEventsKept];
            n = e.length < len ? e.length : len;
            copy_bytes(buf, e.text, n);
            seq++;
            return true;
        },
        deadline_ns);
    return got ? n : 0;
}

} // namespace oh::kernel
