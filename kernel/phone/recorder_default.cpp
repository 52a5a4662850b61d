// Weak defaults for the call recording hook (overridden when storage is linked in).
#include "kernel/phone/recorder.h"

namespace oh::kernel {

[[gnu::weak]] void recorder_frame(const int16_t*, const int16_t*, size_t) { }
[[gnu::weak]] void recorder_call_started(const char*) { }
[[gnu::weak]] void recorder_call_ended() { }

} // namespace oh::kernel
