#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>

/// How the fuzz targets cut one input into pieces: the first input byte picks the
/// pattern, the rest is the payload. Pattern 0 feeds one byte at a time; others
/// alternate between two piece sizes derived from the pattern byte, so the
/// parsers meet every boundary (inside a field name, between CR and LF, inside
/// a chunk size, in the middle of a SOCKS address) without the fuzzer having to
/// discover a separate framing format.
class FuzzSplitter
{
public:
    explicit FuzzSplitter(uint8_t pattern)
        : m_first(pattern == 0 ? 1 : 1 + (pattern & 0x0f)),
          m_second(pattern == 0 ? 1 : 1 + 3 * (pattern >> 4))
    {}

    /// The size of the piece number index (0, 1, 2 …).
    size_t piece(size_t index) const { return index % 2 == 0 ? m_first : m_second; }

private:
    size_t m_first;
    size_t m_second;
};

/// Stops the fuzzer with a crash report: for invariants the parsers must keep.
#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #condition, __FILE__,          \
                         __LINE__);                                                                \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (false)
