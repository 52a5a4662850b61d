// Run-time support the compiler may call on a freestanding ARM image (no libstdc++).
#include "port/armv7m/console.h"

extern "C" {

void __cxa_pure_virtual() { oh::arm::panic("pure virtual call"); }
void abort() { oh::arm::panic("abort"); }
// Function-local statics are never guarded (-fno-threadsafe-statics); atexit is unused.
int __aeabi_atexit(void*, void (*)(void*), void*) { return 0; }
void* __dso_handle = nullptr;

} // extern "C"

// Deleting destructors of classes with virtual destructors reference operator delete even
// though nothing is ever heap-allocated here.
void operator delete(void*) noexcept { oh::arm::panic("operator delete"); }
void operator delete(void*, unsigned int) noexcept { oh::arm::panic("operator delete"); }

// libstdc++ headers (string_view::substr, array::at) call these on a precondition failure;
// without exceptions the only honest answer is a panic naming it.
namespace std {
void __throw_out_of_range_fmt(const char*, ...) { oh::arm::panic("std: out of range"); }
void __throw_out_of_range(const char*) { oh::arm::panic("std: out of range"); }
void __throw_length_error(const char*) { oh::arm::panic("std: length error"); }
void __throw_invalid_argument(const char*) { oh::arm::panic("std: invalid argument"); }
void __throw_logic_error(const char*) { oh::arm::panic("std: logic error"); }
void __throw_bad_alloc() { oh::arm::panic("std: bad alloc"); }
void __throw_bad_array_new_length() { oh::arm::panic("std: bad array new length"); }
} // namespace std
