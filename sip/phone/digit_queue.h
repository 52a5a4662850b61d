// Digits typed faster than they can be sent wait here: RFC 4733 §2.5 sends one event at a
// time, so the next digit goes once the previous event (100 ms of tone) and a 60 ms pause,
// as a keypad would leave, are over. Run by the thread that owns the media session.
#pragma once

#include "lib/clock.h"
#include "lib/ring_buffer.h"
#include "sip/media/media_session.h"
#include "sip/phone/output.h"

namespace oh::phone {

class DigitQueue {
public:
    static constexpr uint16_t kToneMs = 100;
    static constexpr Nanoseconds kSpacingNs = (kToneMs + 60) * kNsPerMs;

    // False when 32 digits already wait.
    bool push(char digit) { return m_digits.push(digit); }
    void clear() { m_digits.clear(); }

    void pump(media::MediaSession& session, Nanoseconds now, PhoneOutput& out)
    {
        if (m_digits.is_empty() || now < m_next_at || !session.running())
            return;
        char d = m_digits.front();
        auto r = session.send_dtmf(d, kToneMs);
        if (r.is_error() && r.error() == Error::Busy)
            return; // the previous event is still going out
        m_digits.pop(d);
        if (r.is_error())
            out.print("phone: cannot send DTMF %c: %s\n", d, r.error_info().text());
        m_next_at = now + kSpacingNs;
    }

private:
    RingBuffer<char, 32> m_digits;
    Nanoseconds m_next_at { 0 };
};

} // namespace oh::phone
