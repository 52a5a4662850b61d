// The console's receive side: the board's UART receive interrupt hands each character to
// console_rx(); the network thread (which owns the stack and the phone) takes whole lines
// with console_take_line() and runs them. Characters are echoed as a terminal expects;
// backspace (BS or DEL) edits, CR or LF ends a line, a line longer than the buffer is cut
// (and said so), and characters beyond the ring's room are dropped and counted.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace oh::arm {

class Event;

// Who to wake when a line is complete (the network thread's event).
void console_set_listener(Event* event);
// From the UART's receive interrupt.
void console_rx(char c);
// From the thread: the next complete line, NUL-terminated, without its end-of-line; false
// when none is complete yet.
bool console_take_line(char* out, size_t cap);
uint32_t console_rx_dropped();

// Splits `line` in place into at most `max` words; returns how many.
int console_split(char* line, const char** argv, int max);

} // namespace oh::arm
