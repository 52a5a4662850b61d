// In-kernel tests (things that need real CPUs) and kernel benchmarks, run from `ktest=`.
#pragma once

#include <string_view>

namespace oh::kernel {

// `which` is "all" or a comma-separated list of names. Prints one `ktest: PASS|FAIL name`
// line per test and a summary; returns the number of failures.
int run_kernel_tests(std::string_view which);
void run_kernel_bench(std::string_view which);
void kbench_register_commands();

} // namespace oh::kernel
