// /offhook.cfg: the kernel command line's key=value settings kept in a file on the disk.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>
#include <string_view>

#include "lib/result.h"

namespace oh::fs {

struct ConfigParseStats {
    uint32_t entries { 0 };
    uint32_t malformed { 0 }; // words skipped: a bad key, an empty key, a stray '='
};

// Turn the file into one line of space-separated `key=value` words, the command line's
// syntax, so CommandLine reads both. Format: words separated by spaces, tabs or
// line ends; `#` at the start of a word comments out the rest of its line. Keys are
// [A-Za-z0-9._-]+; a bare key means an empty value, as on the command line. Bad words are
// skipped and counted. To let the boot command line override the file, the glue looks up
// keys in "<this output> <command line>" (the last word wins).
// Errors: NoSpace when `out` is too small (out then holds nothing useful).
Result<size_t> config_to_cmdline(std::string_view file, std::span<char> out, ConfigParseStats& stats);

} // namespace oh::fs
